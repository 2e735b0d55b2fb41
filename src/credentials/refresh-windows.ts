/**
 * When to refresh and when to retry: refresh windows sized from the credentials' actual
 * lifetime, full-jitter backoff, and which failures are worth retrying.
 *
 * Why these numbers. botocore refreshes in the background 15 min before expiry and blocks 10 min
 * before (botocore `credentials.py`, `_advisory_refresh_timeout` / `_mandatory_refresh_timeout`),
 * so 900 s credentials are inside both windows from the moment they arrive and every call
 * refreshes (boto/botocore#2189). The Go SDK v2 uses one fixed `ExpiryWindow` plus
 * `ExpiryWindowJitterFrac` (aws/aws-sdk-go-v2:aws/credential_cache.go). Here both windows are
 * fractions of the lifetime actually received (expiration minus the time they arrived), capped:
 *
 * - advisory = min(10 % of the lifetime, 15 min): a background refresh starts there, so a steady
 *   state costs 1 / (1 - 0.1 * (1 + jitter)) ≈ 1.1 source calls per lifetime for short
 *   credentials and ≈ 1.02 for 12 h ones, while leaving 90 s (900 s credentials) to 15 min
 *   (long ones) of retries before anyone has to wait.
 * - mandatory = min(5 % of the lifetime, 60 s): callers wait for the refresh there. 60 s is what
 *   the AWS SDKs use; 5 % keeps 10 s credentials (0.5 s) from being "always mandatory".
 * - Both are clamped to half the lifetime whatever the overrides say, so no lifetime and no
 *   override can make every call refresh: at worst two source calls per lifetime.
 * - Jitter moves the scheduled refresh earlier by up to `jitter` x the advisory window (default
 *   20 %), so a fleet started together drifts apart instead of hitting STS in lockstep.
 */
import { isAwsServiceError, isConfigError, isCredentialsError } from '../errors.ts'

/** A window size: fixed milliseconds, or a function of the credentials' lifetime in ms. */
export type RefreshWindow = number | ((lifetimeMs: number) => number)

/** Default advisory window: 10 % of the lifetime, at most 15 minutes. */
export const defaultAdvisoryWindow = (lifetimeMs: number): number =>
  Math.min(lifetimeMs * 0.1, 15 * 60_000)

/** Default mandatory window: 5 % of the lifetime, at most 60 seconds. */
export const defaultMandatoryWindow = (lifetimeMs: number): number =>
  Math.min(lifetimeMs * 0.05, 60_000)

/** Default jitter: the scheduled refresh moves earlier by up to 20 % of the advisory window. */
export const DEFAULT_JITTER: number = 0.2

/** Default smallest retry delay after a failure, in ms. */
export const DEFAULT_MIN_BACKOFF_MS: number = 1_000

/** Default largest retry delay after a failure, in ms (the AWS SDKs back off 5-10 min). */
export const DEFAULT_MAX_BACKOFF_MS: number = 5 * 60_000

/**
 * Default time one source call may take, in ms. Generous, because a source may prompt for an
 * MFA code; pass `attemptTimeoutMs: 0` to disable it.
 */
export const DEFAULT_ATTEMPT_TIMEOUT_MS: number = 60_000

/** The schedule for one set of credentials; all times are epoch ms on the session's clock. */
export interface RefreshPlan {
  /** When the credentials arrived. */
  readonly fetchedAt: number
  /** When they expire. */
  readonly expiresAt: number
  /** `expiresAt - fetchedAt`. */
  readonly lifetimeMs: number
  /** Advisory window size after clamping. */
  readonly advisoryMs: number
  /** Mandatory window size after clamping. */
  readonly mandatoryMs: number
  /** How much earlier than the advisory window the refresh was scheduled. */
  readonly jitterMs: number
  /** When the background refresh is due: `expiresAt - advisoryMs - jitterMs`. */
  readonly refreshAt: number
  /** From here on callers wait for a refresh: `expiresAt - mandatoryMs`. */
  readonly mandatoryAt: number
}

/** Inputs of {@link planRefresh}. */
export interface RefreshPlanOptions {
  readonly advisoryWindowMs?: RefreshWindow
  readonly mandatoryWindowMs?: RefreshWindow
  readonly jitter?: number
  readonly random?: () => number
}

function windowSize(window: RefreshWindow, lifetimeMs: number): number {
  const size = typeof window === 'function' ? window(lifetimeMs) : window
  return Number.isFinite(size) && size > 0 ? size : 0
}

function unit(value: number): number {
  return Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0
}

/**
 * Plan the refresh of credentials that arrived at `fetchedAt` and expire at `expiresAt`.
 * Defaults: {@link defaultAdvisoryWindow}, {@link defaultMandatoryWindow}, {@link DEFAULT_JITTER},
 * `Math.random`. The lead before expiry never exceeds half the lifetime.
 */
export function planRefresh(
  fetchedAt: number,
  expiresAt: number,
  options: RefreshPlanOptions = {},
): RefreshPlan {
  const lifetimeMs = Math.max(0, expiresAt - fetchedAt)
  const half = lifetimeMs / 2
  const advisoryMs = Math.min(
    windowSize(options.advisoryWindowMs ?? defaultAdvisoryWindow, lifetimeMs),
    half,
  )
  const mandatoryMs = Math.min(
    windowSize(options.mandatoryWindowMs ?? defaultMandatoryWindow, lifetimeMs),
    advisoryMs,
  )
  const spread = unit(options.jitter ?? DEFAULT_JITTER) * advisoryMs
  const jitterMs = Math.min(unit((options.random ?? Math.random)()) * spread, half - advisoryMs)
  return {
    fetchedAt,
    expiresAt,
    lifetimeMs,
    advisoryMs,
    mandatoryMs,
    jitterMs,
    refreshAt: expiresAt - advisoryMs - jitterMs,
    mandatoryAt: expiresAt - mandatoryMs,
  }
}

/**
 * Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * a random delay up to `minMs * 2^(attempt-1)`, capped at `maxMs`, and never under `minMs` so a
 * small random draw cannot turn retries into a busy loop. `attempt` counts from 1.
 */
export function backoffDelay(
  attempt: number,
  minMs: number = DEFAULT_MIN_BACKOFF_MS,
  maxMs: number = DEFAULT_MAX_BACKOFF_MS,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30))
  return Math.max(minMs, unit(random()) * ceiling)
}

/** When to try again after a failed refresh. */
export interface RetryDecision {
  /** When the timer should try again; undefined: it should not (later tries come from get()). */
  readonly nextAt: number | undefined
  /** While the credentials are valid, `get()` starts no attempt before this time. */
  readonly notBefore: number
}

/** Backoff settings of {@link planRetry}. */
export interface RetryOptions {
  readonly minBackoffMs?: number
  readonly maxBackoffMs?: number
  readonly random?: () => number
}

/**
 * Decide the next attempt after failure number `attempt` (from 1) at `now`, while credentials
 * planned by `plan` are still valid (`now < plan.expiresAt`).
 *
 * - Before the planned refresh (a forced refresh failed early): the plan stands.
 * - Transient: full-jitter backoff, never more than half the time left, so there is always
 *   another chance before expiry; once even that is under `minBackoffMs`, no timer (a retry
 *   after expiry is never scheduled) and `get()` may try again after `minBackoffMs`.
 * - Permanent: no storm; one more try at the start of the mandatory window, when callers would
 *   start waiting anyway, and none after that until the credentials expire.
 */
export function planRetry(
  plan: RefreshPlan,
  now: number,
  attempt: number,
  retryable: boolean,
  options: RetryOptions = {},
): RetryDecision {
  if (plan.refreshAt > now) return { nextAt: plan.refreshAt, notBefore: 0 }
  const minMs = options.minBackoffMs ?? DEFAULT_MIN_BACKOFF_MS
  if (retryable) {
    const maxMs = options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS
    const backoff = backoffDelay(attempt, minMs, maxMs, options.random)
    const delay = Math.min(backoff, (plan.expiresAt - now) / 2)
    const nextAt = delay >= minMs ? now + delay : undefined
    return { nextAt, notBefore: nextAt ?? now + minMs }
  }
  const nextAt = plan.mandatoryAt > now ? plan.mandatoryAt : undefined
  return { nextAt, notBefore: nextAt ?? plan.expiresAt }
}

/**
 * The default `isRetryable` of a refreshable session: true for failures that may pass on their
 * own (an AWS error marked retryable such as throttling or a 5xx, a `TypeError` from `fetch`
 * meaning the network failed, a `TimeoutError`), and for a `CredentialsError` whose cause is one
 * of those. False for configuration errors, non-retryable AWS errors (AccessDenied,
 * ValidationError, InvalidIdentityToken) and anything unknown.
 */
export function isTransientRefreshError(error: unknown): boolean {
  for (let depth = 0; depth < 8; depth++) {
    if (isConfigError(error)) return false
    if (isAwsServiceError(error)) return error.retryable
    if (error instanceof TypeError) return true
    if (typeof error === 'object' && error !== null) {
      const name = (error as { name?: unknown }).name
      // TransientHttpError: a container or instance-metadata endpoint that did not answer, or
      // answered 5xx (http-source.ts); the SDKs retry those too.
      if (name === 'TimeoutError' || name === 'TransientHttpError') return true
    }
    if (!isCredentialsError(error) || error.cause === undefined) return false
    error = error.cause
  }
  return false
}
