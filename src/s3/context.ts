/**
 * What every S3 operation shares: the resolved region and endpoint, bucket addressing, and the
 * signed request layer (one layer client per endpoint host, since virtual-hosted style puts the
 * bucket in the host name).
 */
import { createAwsClient } from '../aws/request.ts'
import type { AwsCall, AwsClient } from '../aws/request.ts'
import { resolveEndpoint, resolveRegion } from '../aws/endpoints.ts'
import type { Env } from '../aws/endpoints.ts'
import { systemClock } from '../clock.ts'
import { ConfigError } from '../errors.ts'
import { silentLogger } from '../logger.ts'
import { getPlatform } from '../platform.ts'
import type { Clock, CredentialsInput, FetchLike, Logger } from '../types.ts'
import { s3Target } from './addressing.ts'
import { checksumSetting } from './checksum-settings.ts'
import type { ChecksumSetting } from './checksum-settings.ts'
import type { S3Target } from './addressing.ts'

/** Options of {@link createS3Client}. */
export interface S3ClientOptions {
  /** Region; default from `AWS_REGION` / `AWS_DEFAULT_REGION`. Required one way or the other. */
  readonly region?: string
  /** A refreshable session, a provider function, or fixed credentials. */
  readonly credentials: CredentialsInput
  /**
   * A custom endpoint (emulator, MinIO, ...); default `AWS_ENDPOINT_URL_S3`, then
   * `AWS_ENDPOINT_URL`, then `https://s3.<region>.amazonaws.com`. Custom endpoints use path style.
   */
  readonly endpoint?: string
  /** Always use path-style URLs (`<endpoint>/<bucket>/<key>`). Default false. */
  readonly forcePathStyle?: boolean
  readonly fetch?: FetchLike
  readonly clock?: Clock
  readonly logger?: Logger
  /** Environment to read defaults from; default the platform's. */
  readonly env?: Env
  /** Attempts per request, retries included; default the request layer's (3). */
  readonly maxAttempts?: number
  /** Per-attempt timeout in ms; default the request layer's. */
  readonly timeoutMs?: number
  /**
   * `WHEN_SUPPORTED` (default, as the AWS SDKs): every PutObject with an in-memory body that names
   * no `ChecksumAlgorithm` sends a CRC32 that S3 checks. `WHEN_REQUIRED`: only when it names one.
   * Default from `AWS_REQUEST_CHECKSUM_CALCULATION`.
   */
  readonly requestChecksumCalculation?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED'
  /**
   * `WHEN_SUPPORTED` (default, as the AWS SDKs): every GetObject asks for the object's stored
   * checksum and verifies the body against it. `WHEN_REQUIRED`: only with `ChecksumMode:
   * 'ENABLED'`. Default from `AWS_RESPONSE_CHECKSUM_VALIDATION`.
   */
  readonly responseChecksumValidation?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED'
}

/** The shared state of one S3 client, handed to each operation. */
export interface S3Context {
  readonly region: string
  /** The resolved base endpoint, e.g. `https://s3.us-east-1.amazonaws.com`. */
  readonly endpoint: string
  readonly pathStyle: boolean
  readonly clock: Clock
  readonly logger: Logger
  readonly maxAttempts: number
  readonly requestChecksumCalculation: ChecksumSetting
  readonly responseChecksumValidation: ChecksumSetting
  /**
   * Whether this client's fetch returns object bodies as stored (not decoded by their
   * Content-Encoding) when asked with `decompress: false`: true for the host's own fetch on a
   * platform that says so (Bun); false for Node, Deno and any injected fetch.
   */
  readonly keepsEncodedBodies?: boolean
  /** Where a request for this bucket (and key) goes. */
  target(bucket: string, key?: string): S3Target
  /** Send a signed request; throws AwsServiceError for non-2xx answers (after retries). */
  send(target: S3Target, call: AwsCall): Promise<Response>
  /** A presigned URL for a request. */
  presign(target: S3Target, call: AwsCall & { expiresInSeconds: number }): Promise<string>
}

// One layer client per endpoint host; a job touches few buckets, but keep the map bounded.
const CLIENT_CACHE_LIMIT = 64
// The request layer's default attempt count (AWS SDK standard retry mode).
const DEFAULT_MAX_ATTEMPTS = 3

/** Resolve options and build the shared context. */
export function createS3Context(options: S3ClientOptions): S3Context {
  const { clock = systemClock, forcePathStyle = false } = options
  const env = options.env ?? getPlatform().env()
  const region = resolveRegion({ ...(options.region ? { region: options.region } : {}), env })
  if (region === undefined) {
    throw new ConfigError(
      'S3 client has no region: pass { region } or set AWS_REGION (e.g. us-east-1)',
      { key: 'region' },
    )
  }
  const endpoint = resolveEndpoint('s3', region, {
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    env,
  })
  const requestChecksumCalculation = checksumSetting(
    options.requestChecksumCalculation,
    'requestChecksumCalculation',
    env,
    'AWS_REQUEST_CHECKSUM_CALCULATION',
  )
  const responseChecksumValidation = checksumSetting(
    options.responseChecksumValidation,
    'responseChecksumValidation',
    env,
    'AWS_RESPONSE_CHECKSUM_VALIDATION',
  )
  // Anything but the regional AWS endpoint is custom (an emulator, MinIO, a proxy), where
  // bucket host names would not resolve: path style, as the brief of issue 4 asks.
  const pathStyle = forcePathStyle || endpoint !== resolveEndpoint('s3', region, { env: {} })
  const clients = new Map<string, AwsClient>()
  const clientFor = (base: string): AwsClient => {
    let client = clients.get(base)
    if (!client) {
      if (clients.size >= CLIENT_CACHE_LIMIT) clients.delete(clients.keys().next().value as string)
      client = createAwsClient({
        service: 's3',
        serviceLabel: 'S3',
        region,
        endpoint: base,
        credentials: options.credentials,
        protocol: 'rest-xml',
        clock,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
        ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      })
      clients.set(base, client)
    }
    return client
  }
  // Only the host's own fetch is known to honour the platform's switch; an injected one may
  // decode whatever it is asked.
  const hostFetch = options.fetch === undefined || options.fetch === globalThis.fetch
  return {
    region,
    endpoint,
    pathStyle,
    clock,
    logger: options.logger ?? silentLogger,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    requestChecksumCalculation,
    responseChecksumValidation,
    // Read per call: an application may install its platform after creating the client.
    get keepsEncodedBodies() {
      return hostFetch && getPlatform().fetchKeepsEncodedBodies === true
    },
    target: (bucket, key) => s3Target({ endpoint, pathStyle }, bucket, key),
    send: (target, call) =>
      clientFor(target.endpoint).send({ ...call, path: target.path, resource: target.resource }),
    presign: (target, call) => clientFor(target.endpoint).presign({ ...call, path: target.path }),
  }
}
