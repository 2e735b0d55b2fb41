/**
 * EC2 instance metadata (IMDSv2 only): `PUT /latest/api/token` with a TTL header, then the role
 * name from `/latest/meta-data/iam/security-credentials/` and its credentials, each request
 * carrying the session token. No IMDSv1 fallback: the token dance is what protects the role's
 * credentials from SSRF, and every current instance supports it.
 * See https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html
 */
import { ConfigError, CredentialsError } from '../errors.ts'
import { silentLogger } from '../logger.ts'
import { getPlatform } from '../platform.ts'
import { systemClock } from '../clock.ts'
import type { Clock, Credentials, FetchLike, Logger } from '../types.ts'
import {
  fetchText,
  parseHttpCredentials,
  retryTransient,
  TransientHttpError,
} from './http-source.ts'
import type { TextResponse } from './http-source.ts'
import { namedProvider } from './input.ts'
import type { NamedCredentialProvider } from './input.ts'
import { notConfigured } from './not-configured.ts'
import { maskKey } from './redact.ts'

/** Options of {@link fromInstanceMetadata}; each defaults to the installed platform at call time. */
export interface FromInstanceMetadataOptions {
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly fetch?: FetchLike
  readonly logger?: Logger
  /** Per-request timeout; default 1000 ms (the AWS SDKs' IMDS default). */
  readonly timeoutMs?: number
  /** Attempts per request for network errors, timeouts and 5xx; default 2 (one retry). */
  readonly maxAttempts?: number
  /** For the expiry check of static stability; default the system clock. */
  readonly clock?: Clock
  /** For the extension's jitter; default `Math.random`. */
  readonly random?: () => number
}

const TOKEN_PATH = '/latest/api/token'
const CREDENTIALS_PATH = '/latest/meta-data/iam/security-credentials/'
// Six hours, the maximum and what the AWS SDKs request.
const TOKEN_TTL_SECONDS = '21600'

/**
 * `AWS_EC2_METADATA_DISABLED` turns the source off. The AWS SDK for JS v3 (remoteProvider.ts)
 * treats any value other than "false" as set; botocore only "true". We follow the SDK v3.
 */
function disabled(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env.AWS_EC2_METADATA_DISABLED
  return value !== undefined && value !== '' && value.toLowerCase() !== 'false'
}

function endpointOf(env: Readonly<Record<string, string | undefined>>): string {
  const override = env.AWS_EC2_METADATA_SERVICE_ENDPOINT
  if (override) {
    let url: URL
    try {
      url = new URL(override)
    } catch {
      throw new ConfigError('instance-metadata: AWS_EC2_METADATA_SERVICE_ENDPOINT is not a valid URL', {
        key: 'AWS_EC2_METADATA_SERVICE_ENDPOINT',
      })
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ConfigError(
        'instance-metadata: AWS_EC2_METADATA_SERVICE_ENDPOINT must be http:// or https://',
        { key: 'AWS_EC2_METADATA_SERVICE_ENDPOINT' },
      )
    }
    return url.origin
  }
  // AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6 selects the IPv6 address; anything but IPv4 or
  // IPv6 is an error (botocore InvalidIMDSEndpointModeError, SDK v3 "Unsupported endpoint mode").
  const mode = env.AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE?.trim()
  if (mode && !['ipv4', 'ipv6'].includes(mode.toLowerCase())) {
    throw new ConfigError(
      `instance-metadata: AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE must be IPv4 or IPv6 (got ${JSON.stringify(mode)})`,
      { key: 'AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE' },
    )
  }
  return mode?.toLowerCase() === 'ipv6' ? 'http://[fd00:ec2::254]' : 'http://169.254.169.254'
}

/**
 * Credentials of the instance's IAM role through IMDSv2. Disabled by `AWS_EC2_METADATA_DISABLED`,
 * no metadata service answering (not on EC2), or no role attached: not configured. A metadata
 * service that answers with errors or a malformed body: a clear error. Each request times out
 * after 1 s and is retried once.
 */
export function fromInstanceMetadata(
  options: FromInstanceMetadataOptions = {},
): NamedCredentialProvider {
  const { logger = silentLogger, timeoutMs = 1000, maxAttempts = 2 } = options
  return namedProvider('instance-metadata', async (request) => {
    const env = options.env ?? getPlatform().env()
    if (disabled(env)) {
      const value = env.AWS_EC2_METADATA_DISABLED ?? ''
      throw notConfigured('instance-metadata', `disabled by AWS_EC2_METADATA_DISABLED=${value}`)
    }
    const endpoint = endpointOf(env)
    const fetchImpl = options.fetch ?? globalThis.fetch
    const call = (path: string, init: RequestInit): Promise<TextResponse> =>
      retryTransient(maxAttempts, async () => {
        const url = `${endpoint}${path}`
        const response = await fetchText(fetchImpl, url, init, timeoutMs, request?.signal)
        if (response.status >= 500) throw new TransientHttpError(`HTTP ${response.status}`)
        return response
      })
    const broken = (message: string, cause?: unknown): CredentialsError =>
      new CredentialsError(`instance-metadata (${endpoint}): ${message}`, {
        source: 'instance-metadata',
        ...(cause === undefined ? {} : { cause }),
      })

    let tokenResponse: TextResponse
    try {
      tokenResponse = await call(TOKEN_PATH, {
        method: 'PUT',
        headers: { 'x-aws-ec2-metadata-token-ttl-seconds': TOKEN_TTL_SECONDS },
      })
    } catch (error) {
      if (!(error instanceof TransientHttpError)) throw error
      throw notConfigured(
        'instance-metadata',
        `no instance metadata service at ${endpoint} (${error.message}; not on EC2?)`,
      )
    }
    // 403: IMDS turned off for the instance; 404/405: IMDSv1 only (AWS SDKs fall back to v1).
    if ([403, 404, 405].includes(tokenResponse.status)) {
      throw notConfigured(
        'instance-metadata',
        `${endpoint} refused an IMDSv2 session token (HTTP ${tokenResponse.status}); IMDSv1 is not used`,
      )
    }
    if (tokenResponse.status !== 200 || tokenResponse.text.trim() === '') {
      throw broken(`the session token request answered HTTP ${tokenResponse.status}`)
    }
    const headers = { 'x-aws-ec2-metadata-token': tokenResponse.text.trim() }

    const get = async (path: string): Promise<TextResponse> => {
      try {
        return await call(path, { method: 'GET', headers })
      } catch (error) {
        // The cause marks it transient: the session retries with backoff (refresh-windows.ts).
        if (error instanceof TransientHttpError) throw broken(`${path}: ${error.message}`, error)
        throw error
      }
    }
    const roles = await get(CREDENTIALS_PATH)
    if (roles.status === 404) {
      throw notConfigured('instance-metadata', 'no IAM role is attached to this instance')
    }
    if (roles.status !== 200) throw broken(`${CREDENTIALS_PATH} answered HTTP ${roles.status}`)
    const role = roles.text.trim().split(/\r?\n/)[0]?.trim() ?? ''
    if (role === '') {
      throw notConfigured('instance-metadata', 'no IAM role is attached to this instance')
    }

    const path = `${CREDENTIALS_PATH}${encodeURIComponent(role)}`
    const body = await get(path)
    if (body.status !== 200) throw broken(`${path} answered HTTP ${body.status}`)
    const where = `instance-metadata (${endpoint}${path})`
    const parsed = parseHttpCredentials(body.text, where, 'instance-metadata')
    const credentials = extendedIfExpired(parsed, options.clock ?? systemClock, options.random ?? Math.random, logger)
    logger.debug('credentials: from instance metadata', {
      role,
      accessKeyId: maskKey(credentials.accessKeyId),
      expiration: credentials.expiration?.toISOString(),
    })
    return credentials
  })
}

// Static stability (AWS SDK v3 @smithy/credential-provider-imds getExtendedInstanceMetadataCredentials,
// botocore InstanceMetadataFetcher): during an outage EC2 keeps handing out credentials that have
// just expired, which AWS still accepts for a while; use them for another 5-10 minutes, as the
// SDKs do, rather than lose every credential until the service recovers.
const EXTENSION_MS = 5 * 60_000
const EXTENSION_JITTER_MS = 5 * 60_000

function extendedIfExpired(credentials: Credentials, clock: Clock, random: () => number, logger: Logger): Credentials {
  const expiration = credentials.expiration
  const now = clock.now()
  if (expiration === undefined || expiration.getTime() > now) return credentials
  const extended = new Date(now + EXTENSION_MS + Math.floor(random() * EXTENSION_JITTER_MS))
  logger.warn(
    `credentials: instance metadata returned credentials that expired at ${expiration.toISOString()}; ` +
      `using them until ${extended.toISOString()} (static stability, as the AWS SDKs do)`,
    { accessKeyId: maskKey(credentials.accessKeyId) },
  )
  return { ...credentials, expiration: extended }
}
