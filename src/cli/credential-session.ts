/**
 * The refreshable session the credential flags describe. Separate from the flags so commands
 * can validate flags and answer from a cache without loading the credential sources.
 */
import { defaultCredentials } from '../credentials/chain.ts'
import { fromAssumeRole } from '../credentials/assume-role.ts'
import { refreshable, type RefreshableCredentials } from '../credentials/refreshable.ts'
import { fromGitHubOidc, fromWebIdentityTokenFile } from '../credentials/web-identity.ts'
import { loadProfiles, resolveProfileName, type ProfileData } from '../config/profiles.ts'
import { planProfile, type ProfilePlan } from '../credentials/profile-plan.ts'
import type { CredentialProvider, Logger } from '../types.ts'
import { promptMfaCode } from '../runtime/prompt.ts'
import { type CredentialFlags, DEFAULT_DURATION_SECONDS, effectiveEnv } from './credential-options.ts'
import { UsageError } from './output.ts'
import { ConfigError } from '../errors.ts'
import { type ChecksumSetting, parseChecksumSetting } from '../s3/checksum-settings.ts'

/**
 * The selected profile's settings in the config files (`AWS_PROFILE`, else `default`), or none. A
 * broken config file is reported by the credential source that reads it, with its name.
 */
async function profileSettings(env: Record<string, string | undefined>): Promise<ProfileData> {
  try {
    const { profiles } = await loadProfiles({ env })
    return profiles.get(resolveProfileName(env)) ?? {}
  } catch {
    return {}
  }
}

/** Region: flag/env, then the profile's `region`, then us-east-1 (as aws-vault does for STS). */
export async function resolveCliRegion(
  flags: CredentialFlags,
  env: Record<string, string | undefined>,
): Promise<string> {
  const fromEnv = env.AWS_REGION || env.AWS_DEFAULT_REGION
  if (fromEnv) return fromEnv
  return (await profileSettings(env)).region || 'us-east-1'
}

/**
 * The profile's `request_checksum_calculation` / `response_checksum_validation` for the S3
 * client, each only where its environment variable is unset (the variable wins, as in the SDKs;
 * the client reads it itself).
 */
export async function profileChecksumSettings(env: Record<string, string | undefined>): Promise<{
  requestChecksumCalculation?: ChecksumSetting
  responseChecksumValidation?: ChecksumSetting
}> {
  if (env.AWS_REQUEST_CHECKSUM_CALCULATION && env.AWS_RESPONSE_CHECKSUM_VALIDATION) return {}
  const profile = await profileSettings(env)
  const setting = (key: string): ChecksumSetting | undefined => {
    const value = profile[key]
    if (!value) return undefined
    const parsed = parseChecksumSetting(value)
    if (parsed) return parsed
    throw new ConfigError(
      `profile '${resolveProfileName(env)}' sets ${key} = ${value}: use when_supported (the default) or when_required`,
      { key, profile: resolveProfileName(env) },
    )
  }
  const request = env.AWS_REQUEST_CHECKSUM_CALCULATION ? undefined : setting('request_checksum_calculation')
  const response = env.AWS_RESPONSE_CHECKSUM_VALIDATION ? undefined : setting('response_checksum_validation')
  return {
    ...(request ? { requestChecksumCalculation: request } : {}),
    ...(response ? { responseChecksumValidation: response } : {}),
  }
}

/**
 * The `web_identity_token_file` of the selected profile's credentials (at the root of its
 * `source_profile` chain), `~` resolved: the cache key names the profile's files but not the
 * token, which another job or pod may replace. None when there is no such profile or it cannot
 * be read (the credential source reports that).
 */
export async function profileTokenFiles(env: Record<string, string | undefined>): Promise<string[]> {
  let plan: ProfilePlan | { readonly kind: 'none' }
  try {
    plan = planProfile(await loadProfiles({ env }), resolveProfileName(env), { explicit: false, hasTokenCode: true })
  } catch {
    return []
  }
  while (plan.kind === 'assume-role') plan = plan.source
  if (plan.kind !== 'web-identity') return []
  const file = plan.webIdentityTokenFile
  const home = env.HOME ?? env.USERPROFILE
  return [file.startsWith('~/') && home !== undefined ? home + file.slice(1) : file]
}

/** What a command needs to talk to AWS. */
export interface CliCredentials {
  readonly session: RefreshableCredentials
  readonly region: string
  readonly env: Record<string, string | undefined>
}

/** Options of {@link openCredentials}. */
export interface OpenCredentialsOptions {
  readonly logger: Logger
  /** Refresh earlier than the default windows (the credential server keeps served life comfortable). */
  readonly advisoryWindowMs?: (lifetimeMs: number) => number
  readonly autoStart?: boolean
}

/** Build the refreshable session the flags describe. */
export async function openCredentials(
  flags: CredentialFlags,
  options: OpenCredentialsOptions,
): Promise<CliCredentials> {
  const env = effectiveEnv(flags)
  const region = await resolveCliRegion(flags, env)
  const { logger } = options
  const roleArn = flags.roleArn ?? (flags.githubOidc || flags.webIdentityTokenFile ? env.AWS_ROLE_ARN : undefined)
  const common = {
    region,
    env,
    logger,
    durationSeconds: flags.duration ?? DEFAULT_DURATION_SECONDS,
    ...(flags.roleSessionName ? { roleSessionName: flags.roleSessionName } : {}),
  }
  if ((flags.githubOidc || flags.webIdentityTokenFile) && flags.externalId) {
    throw new UsageError('--external-id applies to AssumeRole; a role assumed with a web identity token takes none: drop it')
  }
  // Without a role of its own, the command line's role settings are for the role the chain's
  // credentials come from (a profile's role_arn); the chain refuses them for any other source.
  const roleOverrides = {
    ...(flags.duration !== undefined ? { durationSeconds: flags.duration } : {}),
    ...(flags.externalId ? { externalId: flags.externalId } : {}),
    ...(flags.roleSessionName ? { roleSessionName: flags.roleSessionName } : {}),
  }
  const chainOptions = {
    env,
    logger,
    region,
    tokenCode: promptMfaCode,
    ...(flags.profile ? { profile: flags.profile } : {}),
  }
  let source: CredentialProvider
  if (flags.githubOidc) {
    if (!roleArn) throw new UsageError('--github-oidc needs --role-arn (or AWS_ROLE_ARN): the role to assume')
    source = fromGitHubOidc({ ...common, roleArn, audience: flags.audience ?? 'sts.amazonaws.com' })
  } else if (flags.webIdentityTokenFile) {
    if (!roleArn) throw new UsageError('--web-identity-token-file needs --role-arn (or AWS_ROLE_ARN): the role to assume')
    source = fromWebIdentityTokenFile({ ...common, roleArn, webIdentityTokenFile: flags.webIdentityTokenFile })
  } else if (roleArn) {
    source = fromAssumeRole({
      ...common,
      roleArn,
      ...(flags.externalId ? { externalId: flags.externalId } : {}),
      source: defaultCredentials(chainOptions),
    })
  } else {
    source = defaultCredentials({ ...chainOptions, roleOverrides })
  }
  // Until the first credentials arrive, a failed refresh is the command's own error, reported
  // once by main; afterwards, background refresh failures deserve their warning.
  let running = false
  const demoted = (level: 'warn' | 'error'): Logger[typeof level] => (message, fields) =>
    (running ? logger[level] : logger.debug)(message, fields)
  const sessionLogger: Logger = { ...logger, warn: demoted('warn'), error: demoted('error') }
  const session = refreshable(source, {
    logger: sessionLogger,
    ...(options.advisoryWindowMs ? { advisoryWindowMs: options.advisoryWindowMs } : {}),
    ...(options.autoStart === undefined ? {} : { autoStart: options.autoStart }),
  })
  session.on('refresh', () => {
    running = true
  })
  return { session, region, env }
}
