/**
 * The signed request layer every AWS client here is built on (STS, S3, DynamoDB): each attempt
 * is signed with the credentials of that moment, retried in the AWS SDKs' standard mode
 * (throttling, 5xx, network errors, timeouts; full-jitter backoff), refreshed once on
 * ExpiredToken-class errors, re-timed once on clock-skew errors, and failures become
 * {@link AwsServiceError}s shaped `<Service>.<Operation>: <code>: <message>`.
 */
import { defaultClock, parseHttpDate, sleep } from '../clock.ts'
import type { SkewCorrectedClock } from '../clock.ts'
import { toCredentialSource } from '../credentials/input.ts'
import { maskKey } from '../credentials/redact.ts'
import { AwsServiceError, ConfigError } from '../errors.ts'
import { silentLogger } from '../logger.ts'
import { getPlatform } from '../platform.ts'
import type { Clock, Credentials, CredentialsInput, FetchLike, Logger } from '../types.ts'
import { parseErrorBody } from './errors.ts'
import { exchange } from './exchange.ts'
import type { AwsProtocol } from './errors.ts'
import {
  backoffDelay,
  isClockSkewError,
  isExpiredTokenError,
  isRetryableError,
  isThrottlingError,
  retryAfterMs,
} from './retry.ts'
import { sha256Hex } from './hex.ts'
import { encodeRfc3986, signRequest } from './sign.ts'

/** How to reach and authenticate to one service. */
export interface AwsClientConfig {
  /** SigV4 signing name: 'sts' | 's3' | 'dynamodb'. */
  readonly service: string
  /** For messages: 'STS', 'S3', 'DynamoDB' (default: `service`). */
  readonly serviceLabel?: string
  readonly region: string
  /** Base URL, e.g. 'https://sts.us-east-1.amazonaws.com' or 'http://127.0.0.1:4566'. */
  readonly endpoint: string
  /** A session, a provider function, or fixed credentials. */
  readonly credentials: CredentialsInput
  /** Selects the error parser. */
  readonly protocol: AwsProtocol
  readonly fetch?: FetchLike
  /** Default: {@link sharedClock}, corrected for skew learned from any client's responses. */
  readonly clock?: Clock
  readonly logger?: Logger
  /** Attempts per call, including the first (default 3, the SDKs' standard mode). */
  readonly maxAttempts?: number
  /** Per-attempt timeout in ms (default: none). */
  readonly timeoutMs?: number
  /** Random source for backoff jitter, in [0, 1) (default Math.random); for tests. */
  readonly random?: () => number
}

/** One operation call. */
export interface AwsCall {
  /** The operation name, e.g. 'PutObject', for errors and logs. */
  readonly operation: string
  /** Default 'POST'. */
  readonly method?: string
  /** Already-encoded path appended to the endpoint's path (default '/'). */
  readonly path?: string
  /** Query parameters; undefined values are left out. */
  readonly query?: Readonly<Record<string, string | undefined>>
  readonly headers?: Readonly<Record<string, string>>
  /** A replayable body: re-sent and re-signed on each attempt. */
  readonly body?: string | Uint8Array
  /** Sign with `x-amz-content-sha256: UNSIGNED-PAYLOAD` (S3). */
  readonly unsignedPayload?: boolean
  /** A body created per attempt (give its Content-Length in `headers`); sent UNSIGNED-PAYLOAD. */
  readonly stream?: () => ReadableStream<Uint8Array>
  /**
   * `stream` can be made only once (a caller's stream): the first attempt's answer is final,
   * with no retry, refresh-and-retry or re-timed attempt.
   */
  readonly streamOnce?: boolean
  readonly signal?: AbortSignal
  /** Per-attempt timeout in ms; overrides the client's. */
  readonly timeoutMs?: number
  /** Send without SigV4 (AssumeRoleWithWebIdentity). */
  readonly unsigned?: boolean
  /** What the call is about (`s3://bucket/key`, `table users`), named in its errors. */
  readonly resource?: string
  /** Extra `fetch` init members, e.g. Bun's `decompress: false` (S3 GetObject). */
  readonly fetchInit?: Readonly<Record<string, unknown>> | undefined
}

/** A client for one service. */
export interface AwsClient {
  readonly config: AwsClientConfig
  /** Resolves with a 2xx (or 304) response; otherwise throws AwsServiceError (body consumed). */
  send(call: AwsCall): Promise<Response>
  /**
   * A presigned URL (query auth) valid for expiresInSeconds (max 604800), signed with the
   * current credentials.
   */
  presign(call: AwsCall & { readonly expiresInSeconds: number }): Promise<string>
}

/** The default clock of every client (see {@link defaultClock}). */
export const sharedClock: SkewCorrectedClock = defaultClock

type Outcome =
  | { readonly response: Response }
  | { readonly error: AwsServiceError; readonly retryAfterMs?: number | undefined }

// withSkewCorrection wants the uncorrected local time; clocks that expose their offset are
// un-corrected before reporting, plain clocks are taken as they are.
function localTime(clock: Clock): number {
  const offset = (clock as Partial<SkewCorrectedClock>).offsetMs
  return clock.now() - (typeof offset === 'number' ? offset : 0)
}

/** The request URL: the endpoint's path, then `path`, then the encoded query. */
export function buildUrl(endpoint: URL, path: string | undefined, query: AwsCall['query']): URL {
  const basePath = endpoint.pathname.replace(/\/+$/, '')
  const rest = path === undefined || path === '' ? '/' : path.startsWith('/') ? path : `/${path}`
  const search = Object.entries(query ?? {})
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeRfc3986(key)}=${encodeRfc3986(value)}`)
    .join('&')
  return new URL(`${endpoint.origin}${basePath}${rest}${search ? `?${search}` : ''}`)
}

/** Create a client that signs, sends and retries calls to one AWS service. */
export function createAwsClient(config: AwsClientConfig): AwsClient {
  const {
    fetch = (input, init) => globalThis.fetch(input, init),
    clock = sharedClock,
    logger = silentLogger,
    random = Math.random,
  } = config
  const label = config.serviceLabel ?? config.service
  const maxAttempts = Math.max(1, Math.floor(config.maxAttempts ?? 3))
  const source = toCredentialSource(config.credentials)
  const keyCache = new Map<string, ArrayBuffer>()
  let endpoint: URL
  try {
    endpoint = new URL(config.endpoint)
  } catch {
    throw new ConfigError(`${label} endpoint is not a valid URL: '${config.endpoint}'`, {
      key: 'endpoint',
    })
  }

  const serviceError = (call: AwsCall, code: string, message: string, status: number, extra: {
    requestId?: string | undefined
    cause?: unknown
  } = {}): AwsServiceError =>
    new AwsServiceError(message, {
      service: label,
      operation: call.operation,
      code,
      status,
      retryable: isRetryableError(code, status),
      ...(call.resource ? { resource: call.resource } : {}),
      ...(extra.requestId ? { requestId: extra.requestId } : {}),
      ...(extra.cause === undefined ? {} : { cause: extra.cause }),
    })

  const attempt = async (
    call: AwsCall,
    url: URL,
    creds: Credentials | undefined,
    payloadHash: string | undefined,
  ): Promise<Outcome> => {
    const method = call.method ?? 'POST'
    const headers = new Headers(call.headers)
    if (config.protocol === 'query' && call.body !== undefined && !headers.has('content-type')) {
      headers.set('content-type', 'application/x-www-form-urlencoded; charset=utf-8')
    }
    if (payloadHash && !headers.has('x-amz-content-sha256')) {
      headers.set('x-amz-content-sha256', payloadHash)
    }
    const target = creds
      ? await signRequest({
        method,
        url,
        headers,
        body: call.stream ? undefined : call.body,
        credentials: creds,
        service: config.service,
        region: config.region,
        nowMs: clock.now(),
        keyCache,
        digests: getPlatform().digests,
      })
      : { url, headers }

    const body = call.stream ? call.stream() : call.body
    const init: RequestInit = {
      ...call.fetchInit,
      method,
      headers: target.headers,
      body: body as BodyInit | undefined,
    }
    const result = await exchange({
      fetch,
      clock,
      url: target.url,
      // Streamed bodies need half duplex in fetch implementations that follow the spec.
      init: call.stream ? { ...init, duplex: 'half' } as RequestInit : init,
      signal: call.signal,
      timeoutMs: call.timeoutMs ?? config.timeoutMs,
      what: `${label}.${call.operation}`,
      isSuccess: (status) => (status >= 200 && status < 300) || status === 304,
    })
    if ('failure' in result) {
      const { cause } = result
      if (result.failure === 'timeout') {
        const timeoutMs = call.timeoutMs ?? config.timeoutMs
        return {
          error: serviceError(call, 'TimeoutError', `no response within ${timeoutMs} ms`, 0, {
            cause,
          }),
        }
      }
      const reason = cause instanceof Error ? cause.message : String(cause)
      const message = `request to ${url.host} failed: ${reason}`
      return { error: serviceError(call, 'NetworkError', message, 0, { cause }) }
    }
    const { response } = result
    const serverMs = parseHttpDate(response.headers.get('date'))
    if (serverMs !== undefined) clock.observeServerTime?.(serverMs, localTime(clock))
    if (result.errorBody === undefined) return { response }
    const parsed = parseErrorBody(
      config.protocol,
      response.status,
      result.errorBody,
      response.headers,
    )
    return {
      error: serviceError(call, parsed.code, parsed.message, response.status, {
        requestId: parsed.requestId,
      }),
      retryAfterMs: retryAfterMs(response.headers, clock.now()),
    }
  }

  const send = async (call: AwsCall): Promise<Response> => {
    const url = buildUrl(endpoint, call.path, call.query)
    // S3 requires x-amz-content-sha256; other services hash the body into the signature only.
    const payloadHash = call.unsigned
      ? undefined
      : call.stream || call.unsignedPayload
      ? 'UNSIGNED-PAYLOAD'
      : config.service === 's3'
      ? await sha256Hex(call.body, getPlatform().digests)
      : undefined
    let attempts = 0
    let refreshed = false
    let reTimed = false
    // The service's own error (code, status, request id) is the answer, not the body's.
    const final = (error: AwsServiceError): AwsServiceError => {
      error.message += ' (not retried: the ReadableStream body was sent once; pass bytes or a Blob, or use upload(), which retries part by part)'
      return error
    }
    for (;;) {
      call.signal?.throwIfAborted()
      attempts++
      const creds = call.unsigned
        ? undefined
        : await source.get(call.signal ? { signal: call.signal } : {})
      const outcome = await attempt(call, url, creds, payloadHash)
      if ('response' in outcome) return outcome.response
      const { error } = outcome
      const fields = {
        operation: call.operation,
        code: error.code,
        status: error.status,
        attempt: attempts,
      }
      if (creds && !refreshed && isExpiredTokenError(error.code, creds.sessionToken !== undefined)) {
        // The SDKs refresh and re-sign once on these
        // (aws-sdk-go aws/request/retryer.go credsExpiredCodes); an unknown temporary key is a
        // session that is gone, which new credentials fix the same way.
        refreshed = true
        attempts--
        if (call.streamOnce) {
          // The next call signs with fresh credentials; this one cannot be sent again.
          source.invalidate(creds)
          throw final(error)
        }
        logger.warn(`${label} rejected the credentials as expired or unknown; refreshing and retrying once`, {
          ...fields,
          accessKeyId: maskKey(creds.accessKeyId),
        })
        source.invalidate(creds)
        continue
      }
      if (creds && !reTimed && isClockSkewError(error.code, error.message)) {
        // The Date header was fed to the clock above; one more attempt is signed with the new time.
        reTimed = true
        attempts--
        if (call.streamOnce) throw final(error)
        logger.warn(
          `${label} rejected the request time; retrying once with the server's time`,
          fields,
        )
        continue
      }
      if (!error.retryable || attempts >= maxAttempts) throw error
      if (call.streamOnce) throw final(error)
      let delay = backoffDelay(attempts - 1, {
        throttling: isThrottlingError(error.code, error.status),
        random,
      })
      // Like SDK v3: a server hint may lengthen the wait, by at most 5 s.
      if (outcome.retryAfterMs !== undefined) {
        delay = Math.max(delay, Math.min(outcome.retryAfterMs, delay + 5_000))
      }
      logger.debug(`${label}.${call.operation} failed; retrying`, { ...fields, delayMs: delay })
      await sleep(delay, call.signal, clock)
    }
  }

  // Presigning is rare (S3 presign only): its code loads on first use.
  const presign: AwsClient['presign'] = async (call) =>
    (await import('./presign.ts')).presignUrl(
      { endpoint, source, clock, keyCache, service: config.service, region: config.region },
      call,
    )

  return { config, send, presign }
}
