/**
 * Credential sources without STS: environment variables and fixed keys here; the container
 * endpoint, `credential_process` and EC2 instance metadata in their own files, re-exported.
 * Every source reads its inputs (environment, files) at call time, so rotated values are seen
 * at the next refresh.
 */
import { systemClock } from '../clock.ts'
import { ConfigError, CredentialsError } from '../errors.ts'
import { silentLogger } from '../logger.ts'
import { getPlatform } from '../platform.ts'
import type { Clock, Credentials, Logger } from '../types.ts'
import { namedProvider } from './input.ts'
import type { NamedCredentialProvider } from './input.ts'
import { notConfigured } from './not-configured.ts'
import { maskKey } from './redact.ts'

export { fromContainer } from './container.ts'
export type { FromContainerOptions } from './container.ts'
export { fromProcess } from './process.ts'
export type { FromProcessOptions } from './process.ts'
export { fromInstanceMetadata } from './imds.ts'
export type { FromInstanceMetadataOptions } from './imds.ts'

/** Options of {@link fromEnv}. */
export interface FromEnvOptions {
  /** The environment; default: the platform's, read at every call. */
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly clock?: Clock
  readonly logger?: Logger
}

/**
 * Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, optional `AWS_SESSION_TOKEN`,
 * `AWS_CREDENTIAL_EXPIRATION` (ISO 8601) and `AWS_ACCOUNT_ID`, as the AWS SDK for JS v3
 * `fromEnv` reads them. Neither key set: not configured. Only one of the two set: an error
 * (botocore's PartialCredentialsError), as is an unparsable or past expiration.
 */
export function fromEnv(options: FromEnvOptions = {}): NamedCredentialProvider {
  const { clock = systemClock, logger = silentLogger } = options
  return namedProvider('env', async () => {
    const env = options.env ?? getPlatform().env()
    const accessKeyId = env.AWS_ACCESS_KEY_ID
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY
    if (!accessKeyId && !secretAccessKey) {
      throw notConfigured('env', 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set')
    }
    if (!accessKeyId || !secretAccessKey) {
      const missing = accessKeyId ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID'
      const present = accessKeyId ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY'
      throw new ConfigError(
        `env: ${present} is set but ${missing} is not: set both, or unset ${present}`,
        { key: missing },
      )
    }
    let expiration: Date | undefined
    const expiry = env.AWS_CREDENTIAL_EXPIRATION
    if (expiry) {
      const ms = Date.parse(expiry)
      if (!Number.isFinite(ms)) {
        throw new ConfigError(
          `env: AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 date-time (got "${expiry.slice(0, 40)}")`,
          { key: 'AWS_CREDENTIAL_EXPIRATION' },
        )
      }
      if (ms <= clock.now()) {
        throw new CredentialsError(
          `env: the credentials in AWS_ACCESS_KEY_ID (${maskKey(accessKeyId)}) expired at ` +
            `${new Date(ms).toISOString()} (AWS_CREDENTIAL_EXPIRATION): export fresh ones`,
          { source: 'env' },
        )
      }
      expiration = new Date(ms)
    }
    logger.debug('credentials: from environment variables', { accessKeyId: maskKey(accessKeyId) })
    return {
      accessKeyId,
      secretAccessKey,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      ...(expiration ? { expiration } : {}),
      ...(env.AWS_ACCOUNT_ID ? { accountId: env.AWS_ACCOUNT_ID } : {}),
    }
  })
}

/**
 * A source that always returns the given credentials (long-term keys, or a fixed session for
 * tests). Empty key id or secret is a {@link ConfigError} at creation.
 */
export function fromStatic(credentials: Credentials, sourceName = 'static'): NamedCredentialProvider {
  if (!credentials.accessKeyId || !credentials.secretAccessKey) {
    throw new ConfigError(`${sourceName}: accessKeyId and secretAccessKey must both be non-empty`)
  }
  const fixed: Credentials = { ...credentials }
  return namedProvider(sourceName, async () => fixed)
}
