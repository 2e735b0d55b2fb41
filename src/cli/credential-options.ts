/**
 * The credential options every credential-using command shares, and their validation. Flags
 * mean what the AWS CLI's environment variables mean; they are applied as overrides of those
 * variables so every source sees one consistent view. The session they describe is built in
 * credential-session.ts, so a cached `credential-process` never loads the credential sources.
 */
import type { Command } from 'cac'
import { UsageError } from './usage-error.ts'

/** Parsed credential flags. */
export interface CredentialFlags {
  readonly profile?: string
  readonly roleArn?: string
  readonly roleSessionName?: string
  readonly externalId?: string
  /** Undefined when not given: then the profile's `duration_seconds`, else 3600. */
  readonly duration?: number
  readonly webIdentityTokenFile?: string
  readonly githubOidc: boolean
  readonly audience?: string
  readonly region?: string
  readonly endpointUrl?: string
  readonly verbose: boolean
}

/** The defaults cac fills in; the credential-process fast path applies the same ones. */
export const CREDENTIAL_FLAG_DEFAULTS = { audience: 'sts.amazonaws.com' } as const

/** The lifetime requested when neither `--duration` nor a profile's `duration_seconds` sets one. */
export const DEFAULT_DURATION_SECONDS = 3600

/** Register the shared credential options on a command. */
export function addCredentialOptions(command: Command): Command {
  return command
    .option('--profile <name>', 'Profile from ~/.aws/config and ~/.aws/credentials (AWS_PROFILE)')
    .option('--role-arn <arn>', 'Role to assume; the default chain supplies the credentials to assume it (AWS_ROLE_ARN only with a web identity token)')
    .option('--role-session-name <name>', 'Session name for the assumed role (AWS_ROLE_SESSION_NAME)')
    .option('--external-id <id>', 'External ID the role requires')
    // No cac default: a --duration given with --profile overrides the profile's duration_seconds,
    // one not given must not.
    .option('--duration <seconds>', `Lifetime to request for each credential, 900-43200 (default ${DEFAULT_DURATION_SECONDS}, or the profile's duration_seconds)`)
    .option('--web-identity-token-file <file>', 'Assume --role-arn with this OIDC token file (AWS_WEB_IDENTITY_TOKEN_FILE)')
    .option('--github-oidc', 'Assume --role-arn with a fresh GitHub Actions OIDC token at every refresh')
    .option('--audience <aud>', 'Audience of the GitHub OIDC token', { default: CREDENTIAL_FLAG_DEFAULTS.audience })
    .option('--region <region>', 'AWS region (AWS_REGION, AWS_DEFAULT_REGION)')
    .option('--endpoint-url <url>', 'Endpoint for every AWS service, e.g. the emulator (AWS_ENDPOINT_URL)')
    .option('--verbose', 'Debug lines on stderr (secrets are always redacted)')
}

const optionalString = (raw: Record<string, unknown>, key: string, flag: string): string | undefined => {
  const value = raw[key]
  if (value === undefined) return undefined
  if (typeof value !== 'string') {
    throw new UsageError(`${flag} takes one value (got ${Array.isArray(value) ? 'several' : String(value)})`)
  }
  if (value === '') throw new UsageError(`${flag} needs a value (got an empty string)`)
  return value
}

/** A string flag that must match what AWS accepts for it; checked before anything is called. */
const patterned = (
  raw: Record<string, unknown>,
  key: string,
  flag: string,
  pattern: RegExp,
  accepted: string,
): string | undefined => {
  const value = optionalString(raw, key, flag)
  if (value !== undefined && !pattern.test(value)) {
    throw new UsageError(`${flag} must be ${accepted} (got ${JSON.stringify(value)})`)
  }
  return value
}

/**
 * The flags `raw` spells, taken as they are: for input parseCredentialFlags accepts, exactly what
 * it returns (it returns this). The credential-process fast path keys its cache lookup on it
 * without validating: strings are kept verbatim and the duration goes through `Number` here as
 * there, so input parseCredentialFlags rejects gives flags it rejects too, a configuration no
 * cache entry was ever written for (the full command validates before it writes). Such a
 * lookup misses, and the full command reports the mistake. The regular expressions of the checks
 * cost a cached run more than anything else it does in JavaScript (Findings 16).
 */
export function credentialFlagsOf(raw: Record<string, unknown>): CredentialFlags {
  const duration = raw.duration
  return {
    profile: raw.profile as string | undefined,
    roleArn: raw.roleArn as string | undefined,
    roleSessionName: raw.roleSessionName as string | undefined,
    externalId: raw.externalId as string | undefined,
    duration: duration === undefined || typeof duration === 'number' ? duration : Number(duration),
    webIdentityTokenFile: raw.webIdentityTokenFile as string | undefined,
    githubOidc: raw.githubOidc === true,
    audience: raw.audience as string | undefined,
    region: raw.region as string | undefined,
    endpointUrl: raw.endpointUrl as string | undefined,
    verbose: raw.verbose === true,
  }
}

/** Validate raw cac flags; every mistake names the flag and what is accepted. */
export function parseCredentialFlags(raw: Record<string, unknown>): CredentialFlags {
  const flags = credentialFlagsOf(raw)
  const { duration } = flags
  if (duration !== undefined && (!Number.isInteger(duration) || duration < 900 || duration > 43200)) {
    throw new UsageError(`--duration must be a whole number of seconds from 900 to 43200 (got ${String(raw.duration)})`)
  }
  const endpointUrl = optionalString(raw, 'endpointUrl', '--endpoint-url')
  if (endpointUrl !== undefined && !/^https?:\/\/[^/]/.test(endpointUrl)) {
    throw new UsageError(`--endpoint-url must be an http:// or https:// URL (got ${endpointUrl})`)
  }
  const roleArn = optionalString(raw, 'roleArn', '--role-arn')
  if (roleArn !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(roleArn)) {
    throw new UsageError(`--role-arn must look like arn:aws:iam::123456789012:role/name (got ${roleArn})`)
  }
  optionalString(raw, 'profile', '--profile')
  // Patterns and lengths from the STS API reference (AssumeRole request parameters).
  patterned(raw, 'roleSessionName', '--role-session-name', /^[\w+=,.@-]{2,64}$/, '2-64 characters of letters, digits and +=,.@_-')
  patterned(raw, 'externalId', '--external-id', /^[\w+=,.@:/-]{2,1224}$/, '2-1224 characters of letters, digits and +=,.@:/_-')
  optionalString(raw, 'webIdentityTokenFile', '--web-identity-token-file')
  optionalString(raw, 'audience', '--audience')
  patterned(raw, 'region', '--region', /^[a-z0-9]+(-[a-z0-9]+)*$/, 'an AWS region name such as us-east-1')
  return flags
}

/**
 * The environment the sources see: the process's, with the flags applied as overrides. The global
 * `process`, not an import of node:process: this module is on the credential-process fast path,
 * where each `node:*` module a Bun binary loads costs start-up time (Findings 16).
 */
export function effectiveEnv(flags: CredentialFlags): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env }
  if (flags.profile) env.AWS_PROFILE = flags.profile
  if (flags.region) {
    env.AWS_REGION = flags.region
    env.AWS_DEFAULT_REGION = flags.region
  }
  if (flags.endpointUrl) {
    // The command line beats the environment, as --endpoint-url does in the AWS CLI: the
    // service-specific variables would otherwise win over AWS_ENDPOINT_URL, and
    // AWS_IGNORE_CONFIGURED_ENDPOINT_URLS would hide it (endpoints.ts).
    for (const name of Object.keys(env)) if (name.startsWith('AWS_ENDPOINT_URL_')) delete env[name]
    delete env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
    env.AWS_ENDPOINT_URL = flags.endpointUrl
  }
  if (flags.roleSessionName) env.AWS_ROLE_SESSION_NAME = flags.roleSessionName
  return env
}
