/**
 * The default credential chain, in the order of the AWS SDK for JavaScript v3 `defaultProvider`
 * (@aws-sdk/credential-provider-node defaultProvider.ts and remoteProvider.ts):
 *
 * 1. `env`: `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`,
 *    `AWS_CREDENTIAL_EXPIRATION`, `AWS_ACCOUNT_ID`). Skipped when a profile is chosen
 *    explicitly (the `profile` option or `AWS_PROFILE`, not the legacy `AWS_DEFAULT_PROFILE`),
 *    as SDK v3 does: it skips `fromEnv` when `AWS_PROFILE` is set, warning if keys are set too.
 * 2. `profile`: the shared config and credentials files (`AWS_CONFIG_FILE`,
 *    `AWS_SHARED_CREDENTIALS_FILE`): static keys, `role_arn` chains, `web_identity_token_file`,
 *    `credential_process` (SDK v3 tries `fromSSO`, `fromIni` and `fromProcess` here; IAM
 *    Identity Center profiles are not supported and say so).
 * 3. `web-identity`: `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (+ `AWS_ROLE_SESSION_NAME`),
 *    the token file re-read at every refresh.
 * 4. `container`: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` / `_FULL_URI` with the optional
 *    authorization token or token file. When set, instance metadata is never tried.
 * 5. `instance-metadata`: EC2 IMDSv2, unless `AWS_EC2_METADATA_DISABLED` is set.
 *
 * This differs from the order in issue 3 (env, web identity, profile, ...): SDK v3 puts the
 * profile before the web identity variables, and we follow the SDK. botocore differs again (it
 * keeps env first even with `AWS_PROFILE`, and puts its assume-role and web identity providers
 * before the plain profile).
 *
 * Each source returns credentials, says "not configured here" (the chain moves on), or throws
 * because it is configured but broken (the chain stops and surfaces that error). Inputs are
 * read at every call, so rotated variables and edited files are seen at the next refresh.
 */
import { silentLogger } from '../logger.ts'
import { getPlatform } from '../platform.ts'
import type { Platform } from '../platform.ts'
import type { Clock, CredentialProvider, FetchLike, Logger } from '../types.ts'
import { namedProvider } from './input.ts'
import type { NamedCredentialProvider } from './input.ts'
import { isNotConfigured, notConfigured, SourceNotConfiguredError } from './not-configured.ts'
import { ConfigError } from '../errors.ts'
import { describeOverrides, fromProfile } from './profile.ts'
import type { RoleOverrides } from './profile.ts'
import { maskKey } from './redact.ts'
import { fromContainer, fromEnv, fromInstanceMetadata } from './sources.ts'
import { webIdentityFromEnv } from './web-identity.ts'

/** Options of {@link defaultCredentials}; host capabilities default to the platform at call time. */
export interface DefaultCredentialsOptions {
  /** The profile; default `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`, then `default`. */
  profile?: string
  env?: Record<string, string | undefined>
  readTextFile?: (path: string) => Promise<string>
  runCommand?: Platform['runCommand']
  homeDir?: string
  fetch?: FetchLike
  clock?: Clock
  logger?: Logger
  /** STS region for role and web identity sources whose profile sets none. */
  region?: string
  /** Returns the current code of MFA device `mfaSerial`, for profiles with `mfa_serial`. */
  tokenCode?: (mfaSerial: string) => string | Promise<string>
  /**
   * Replace the settings of the role the credentials come from (a profile's `role_arn`, or the
   * web identity variables' role). Credentials that come from no role are then a ConfigError:
   * a duration or external ID that was asked for must not be dropped silently.
   */
  roleOverrides?: RoleOverrides
}

function sourceNameOf(provider: CredentialProvider, index: number): string {
  const name = (provider as { sourceName?: unknown }).sourceName
  return typeof name === 'string' && name !== '' ? name : `source ${index + 1}`
}

interface ChainSettings {
  readonly name: string
  readonly logger: Logger
  readonly advice: string
}

function chainWith(
  providers: readonly CredentialProvider[],
  settings: ChainSettings,
): NamedCredentialProvider {
  return namedProvider(settings.name, async (request) => {
    const skipped: string[] = []
    for (const [index, provider] of providers.entries()) {
      const name = sourceNameOf(provider, index)
      let credentials
      try {
        credentials = await provider(request)
      } catch (error) {
        if (!isNotConfigured(error)) throw error
        const line = error.message.startsWith(`${name}:`) ? error.message : `${name}: ${error.message}`
        settings.logger.debug(`credentials: skipped ${line}`)
        skipped.push(line)
        continue
      }
      settings.logger.debug(`credentials: using ${name}`, {
        accessKeyId: maskKey(credentials.accessKeyId),
      })
      return credentials
    }
    const tried =
      skipped.length > 0 ? skipped.map((line) => `\n  - ${line}`).join('') : ' (no sources)'
    throw new SourceNotConfiguredError(
      `No AWS credentials found. Tried, in order:${tried}${settings.advice}`,
      { source: settings.name },
    )
  })
}

/**
 * A provider that tries `providers` in order: the first credentials win; a source that is not
 * configured is skipped; any other error stops the chain. When every source is skipped, the
 * error (a `CredentialsError`) lists each one and why.
 */
export function chain(...providers: CredentialProvider[]): NamedCredentialProvider {
  return chainWith(providers, { name: 'chain', logger: silentLogger, advice: '' })
}

const ADVICE =
  '\nTo fix: export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; or set AWS_PROFILE to a profile' +
  ' of ~/.aws/config or ~/.aws/credentials with keys, role_arn + source_profile, or' +
  ' credential_process; or run where a role is provided (web identity token, container' +
  ' credentials, EC2 instance profile).'

/**
 * The default credential chain (order documented at the top of this file), named
 * `default-chain`. Every call walks the chain again with the current environment and files.
 *
 * @example
 * const credentials = refreshable(defaultCredentials({ profile: 'deploy' }))
 */
export function defaultCredentials(
  options: DefaultCredentialsOptions = {},
): NamedCredentialProvider {
  const logger = options.logger ?? silentLogger
  const currentEnv = (): Record<string, string | undefined> =>
    (options.env ?? getPlatform().env()) as Record<string, string | undefined>
  const deps = {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    logger,
  }
  let warnedBoth = false
  const overrides = options.roleOverrides
  const overridden = overrides !== undefined && describeOverrides(overrides) !== ''
  // A source that assumes no role, when role settings were given: configured means an error.
  const roleless = (name: string, provider: CredentialProvider): NamedCredentialProvider =>
    namedProvider(name, async (request) => {
      const credentials = await provider(request)
      if (!overridden) return credentials
      throw new ConfigError(
        `the credentials come from ${name} (${maskKey(credentials.accessKeyId)}), which assumes no role, ` +
          `so ${describeOverrides(overrides!)} given for a role cannot apply: drop it, or name a role to assume`,
      )
    })

  const envSource = namedProvider('env', async (request) => {
    const env = currentEnv()
    // Only AWS_PROFILE: SDK v3's defaultProvider skips fromEnv for `init.profile ??
    // process.env.AWS_PROFILE` and never looks at the legacy AWS_DEFAULT_PROFILE.
    const why =
      options.profile !== undefined
        ? `profile "${options.profile}" (named explicitly)`
        : env.AWS_PROFILE
          ? `AWS_PROFILE=${env.AWS_PROFILE}`
          : undefined
    if (why) {
      if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY && !warnedBoth) {
        warnedBoth = true
        logger.warn(
          `credentials: both ${why} and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are set; ` +
            'using the profile (as the AWS SDK for JS v3 does). Unset one of them.',
        )
      }
      throw notConfigured('env', `${why} selects a profile instead`)
    }
    return roleless('AWS_ACCESS_KEY_ID in the environment', fromEnv({ env, ...deps }))(request)
  })

  const profileSource = fromProfile({
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.readTextFile ? { readTextFile: options.readTextFile } : {}),
    ...(options.homeDir !== undefined ? { homeDir: options.homeDir } : {}),
    ...(options.runCommand ? { runCommand: options.runCommand } : {}),
    ...(options.region ? { region: options.region } : {}),
    ...(options.tokenCode ? { tokenCode: options.tokenCode } : {}),
    ...(overridden ? { roleOverrides: overrides } : {}),
    ...deps,
  })

  const webIdentitySource = namedProvider('web-identity', async (request) => {
    const provider = webIdentityFromEnv(currentEnv(), {
      ...(options.readTextFile ? { readTextFile: options.readTextFile } : {}),
      ...(options.region ? { region: options.region } : {}),
      ...(overrides?.durationSeconds !== undefined ? { durationSeconds: overrides.durationSeconds } : {}),
      ...(overrides?.roleSessionName !== undefined ? { roleSessionName: overrides.roleSessionName } : {}),
      ...deps,
    })
    if (!provider) throw notConfigured('web-identity', 'AWS_WEB_IDENTITY_TOKEN_FILE is not set')
    if (overrides?.externalId !== undefined) {
      throw new ConfigError(
        'the role of AWS_ROLE_ARN is assumed with a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE), ' +
          'which takes no external ID: drop it',
        { key: 'AWS_WEB_IDENTITY_TOKEN_FILE' },
      )
    }
    return provider(request)
  })

  const containerSource = namedProvider('container', (request) =>
    roleless('container credentials', fromContainer({
      env: currentEnv(),
      ...(options.readTextFile ? { readTextFile: options.readTextFile } : {}),
      ...deps,
    }))(request),
  )

  const imdsSource = namedProvider('instance-metadata', (request) =>
    roleless('the instance profile (IMDS)', fromInstanceMetadata({ env: currentEnv(), ...deps }))(request),
  )

  return chainWith([envSource, profileSource, webIdentitySource, containerSource, imdsSource], {
    name: 'default-chain',
    logger,
    advice: ADVICE,
  })
}
