/**
 * Which AWS errors are worth retrying, and how long to wait: the AWS SDKs' "standard" retry mode
 * (3 attempts, full-jitter exponential backoff, 20 s cap). The code lists are the SDK for
 * JavaScript v3's (@smithy/service-error-classification constants) and aws-sdk-go's
 * `credsExpiredCodes`, plus the S3 token codes from the S3 error code list.
 */

/** Errors meaning "slow down" (SDK v3 THROTTLING_ERROR_CODES); HTTP 429 counts too. */
export const THROTTLING_ERROR_CODES: ReadonlySet<string> = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
])

/**
 * Transient failures by code (SDK v3 TRANSIENT_ERROR_CODES) plus our `NetworkError`, and STS's
 * `IDPCommunicationError` (HTTP 400 from AssumeRoleWithWebIdentity when STS could not reach the
 * identity provider): the STS API Reference calls it "often a transient error caused by network
 * conditions" to retry a limited number of times, and botocore's _retry.json retries it for sts
 * (`idp_unreachable_error`).
 */
export const TRANSIENT_ERROR_CODES: ReadonlySet<string> = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'NetworkError',
  'IDPCommunicationError',
])

/** Transient HTTP statuses (SDK v3 TRANSIENT_ERROR_STATUS_CODES); 501 is not one of them. */
export const TRANSIENT_STATUS_CODES: ReadonlySet<number> = new Set([500, 502, 503, 504])

/**
 * The credentials used were rejected as expired or stale: refresh them and retry once.
 * aws-sdk-go `credsExpiredCodes` (ExpiredToken, ExpiredTokenException, RequestExpired), plus S3's
 * `InvalidToken` ("The provided token is malformed or otherwise invalid") and
 * `TokenRefreshRequired` ("The provided token must be refreshed").
 */
export const EXPIRED_TOKEN_ERROR_CODES: ReadonlySet<string> = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidToken',
  'RequestExpired',
  'TokenRefreshRequired',
])

/** Codes that mean the request's timestamp is out of the server's window. */
const DEFINITE_SKEW_CODES = new Set([
  'RequestTimeTooSkewed',
  'RequestInTheFuture',
  'RequestExpired',
])
/** Codes that mean skew only when the message says so (SDK v3 checks "Signature expired"). */
const POSSIBLE_SKEW_CODES = new Set([
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'AuthFailure',
])
const SKEW_MESSAGE = /signature (expired|not yet current)|time.*skew/i

/** True when the error says "slow down". */
export function isThrottlingError(code: string, status: number): boolean {
  return status === 429 || THROTTLING_ERROR_CODES.has(code)
}

/** True when retrying the same request unchanged may succeed (throttling, 5xx, network). */
export function isRetryableError(code: string, status: number): boolean {
  return (
    isThrottlingError(code, status) ||
    TRANSIENT_ERROR_CODES.has(code) ||
    TRANSIENT_STATUS_CODES.has(status)
  )
}

/**
 * Codes for a key the service does not know. For a temporary key this means its session is gone
 * (revoked, or an emulator restarted): new credentials fix it, exactly as for an expired one.
 */
export const UNKNOWN_KEY_ERROR_CODES: ReadonlySet<string> = new Set([
  'InvalidAccessKeyId',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
])

/**
 * True when the credentials were rejected as expired (or, for temporary credentials, as
 * unknown): invalidate them and retry once.
 */
export function isExpiredTokenError(code: string, temporaryCredentials = false): boolean {
  return EXPIRED_TOKEN_ERROR_CODES.has(code) || (temporaryCredentials && UNKNOWN_KEY_ERROR_CODES.has(code))
}

/** True when the signature was rejected because the local clock is off. */
export function isClockSkewError(code: string, message: string): boolean {
  return DEFINITE_SKEW_CODES.has(code) ||
    (POSSIBLE_SKEW_CODES.has(code) && SKEW_MESSAGE.test(message))
}

/** Backoff bases from SDK v3 standard mode (@smithy/util-retry constants). */
export const RETRY_BASE_DELAY_MS = 100
/** Throttling backs off from a larger base (SDK v3 THROTTLING_RETRY_DELAY_BASE). */
export const THROTTLING_BASE_DELAY_MS = 500
/** No single wait is longer than this (SDK v3 MAXIMUM_RETRY_DELAY). */
export const MAX_RETRY_DELAY_MS = 20_000

/**
 * Full-jitter exponential backoff: a uniform random wait in `[0, min(cap, base * 2^retry))`,
 * where `retry` is 0 before the first retry. `random` is injectable for tests.
 */
export function backoffDelay(
  retry: number,
  options: { readonly throttling?: boolean; readonly random?: () => number } = {},
): number {
  const base = options.throttling ? THROTTLING_BASE_DELAY_MS : RETRY_BASE_DELAY_MS
  const ceiling = Math.min(MAX_RETRY_DELAY_MS, base * 2 ** Math.min(retry, 30))
  return Math.floor((options.random ?? Math.random)() * ceiling)
}

/**
 * The server's retry hint in ms (`x-amz-retry-after` in ms, or `Retry-After` in seconds or as an
 * HTTP date), or undefined. Like SDK v3, callers use it only to lengthen the jittered wait, by at
 * most 5 s.
 */
export function retryAfterMs(headers: Headers, nowMs: number): number | undefined {
  const amz = headers.get('x-amz-retry-after')
  if (amz !== null && /^\d+$/.test(amz.trim())) return Number(amz)
  const value = headers.get('retry-after')?.trim()
  if (!value) return undefined
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : undefined
}
