/**
 * What every S3 operation shares: the resolved region and endpoint, bucket addressing, and the
 * signed request layer (one layer client per endpoint host, since virtual-hosted style puts the
 * bucket in the host name).
 */
import { createAwsClient } from '../aws/request.ts'
import type { AwsCall, AwsClient } from '../aws/request.ts'
import { resolveEndpoint, resolveRegion } from '../aws/endpoints.ts'
import type { Env } from '../aws/endpoints.ts'
import { parseErrorBody } from '../aws/errors.ts'
import { backoffDelay } from '../aws/retry.ts'
import { parseXml } from '../aws/xml.ts'
import type { XmlElement } from '../aws/xml.ts'
import { sleep, systemClock } from '../clock.ts'
import { AwsServiceError, ConfigError } from '../errors.ts'
import { silentLogger } from '../logger.ts'
import { getPlatform } from '../platform.ts'
import type { Clock, CredentialsInput, FetchLike, Logger } from '../types.ts'
import { s3Target } from './addressing.ts'
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
  return {
    region,
    endpoint,
    pathStyle,
    clock,
    logger: options.logger ?? silentLogger,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    target: (bucket, key) => s3Target({ endpoint, pathStyle }, bucket, key),
    send: (target, call) => clientFor(target.endpoint).send({ ...call, path: target.path }),
    presign: (target, call) => clientFor(target.endpoint).presign({ ...call, path: target.path }),
  }
}

/** Read a response body as XML (the root element); a parse failure names the operation. */
export async function readXml(response: Response, operation: string): Promise<XmlElement> {
  const text = await response.text()
  try {
    return parseXml(text)
  } catch (error) {
    throw new AwsServiceError(
      `the response is not the XML S3 sends (${error instanceof Error ? error.message : String(error)})`,
      {
        service: 'S3',
        operation,
        code: 'InvalidResponse',
        status: response.status,
        ...requestIdOf(response),
        cause: error,
      },
    )
  }
}

function requestIdOf(response: Response): { requestId?: string } {
  const id = response.headers.get('x-amz-request-id')
  return id ? { requestId: id } : {}
}

/**
 * Send a call whose success S3 may report as an error: CopyObject and CompleteMultipartUpload
 * can answer 200 and then an `<Error>` document (or nothing) when they fail late. The SDKs treat
 * that as a 503-class error and retry (@aws-sdk/middleware-sdk-s3 throw200ExceptionsMiddleware);
 * so does this, with the standard backoff, up to the client's attempt count.
 */
export async function sendExpectingDocument(
  context: S3Context,
  target: S3Target,
  call: AwsCall,
): Promise<{ root: XmlElement; headers: Headers }> {
  for (let attempt = 1; ; attempt++) {
    const response = await context.send(target, call)
    const text = await response.text()
    const outcome = checkDocument(response, text, call.operation)
    if (!(outcome instanceof AwsServiceError)) return { root: outcome, headers: response.headers }
    const error = outcome
    if (!error.retryable || attempt >= context.maxAttempts) throw error
    await sleep(backoffDelay(attempt - 1), call.signal, context.clock)
  }
}

/** The document's root, or the error it (or its absence) reports. */
function checkDocument(
  response: Response,
  text: string,
  operation: string,
): XmlElement | AwsServiceError {
  const trimmed = text.trim()
  let root: XmlElement | undefined
  try {
    root = trimmed === '' ? undefined : parseXml(trimmed)
  } catch {
    root = undefined
  }
  if (root && root.name !== 'Error') return root
  const parsed = root
    ? parseErrorBody('rest-xml', 503, trimmed, response.headers)
    : {
        code: 'InternalError',
        message: `S3 aborted the request (HTTP 200 with ${trimmed === '' ? 'an empty' : 'an unreadable'} body)`,
      }
  return new AwsServiceError(`${parsed.message} (answered with HTTP ${response.status})`, {
    service: 'S3',
    operation,
    code: parsed.code,
    status: response.status,
    ...requestIdOf(response),
    retryable: TRANSIENT_LATE_ERRORS.has(parsed.code),
  })
}

// Codes S3 reports late that mean "try again". The SDKs retry every late error (they rewrite the
// status to 503); client mistakes such as InvalidPart, EntityTooSmall or NoSuchUpload never
// succeed on a retry, so those fail at once here.
const TRANSIENT_LATE_ERRORS: ReadonlySet<string> = new Set([
  'InternalError',
  'ServiceUnavailable',
  'SlowDown',
  'RequestTimeout',
])
