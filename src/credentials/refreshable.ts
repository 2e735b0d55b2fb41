/**
 * A credential session that keeps temporary credentials valid for as long as a job runs: a timer
 * refreshes them before they expire (off the request path), all callers share one refresh, and
 * failures are retried within the time the current credentials have left. Window sizes, backoff
 * and the retryable test live in refresh-windows.ts; events in events.ts; the bounded, validated
 * source call in source-call.ts.
 */
import { defaultClock } from '../clock.ts'
import { CredentialsError } from '../errors.ts'
import { silentLogger } from '../logger.ts'
import type {
  Clock,
  CredentialProvider,
  CredentialRequestOptions,
  Credentials,
  CredentialSession,
  Logger,
} from '../types.ts'
import { createRefreshEmitter } from './events.ts'
import type { RefreshEmitter, RefreshErrorEvent, RefreshEvent, RefreshReason } from './events.ts'
import { maskKey } from './redact.ts'
import { createRefreshTimer } from './refresh-timer.ts'
import type { RefreshTimer } from './refresh-timer.ts'
import {
  DEFAULT_ATTEMPT_TIMEOUT_MS,
  isTransientRefreshError,
  planRefresh,
  planRetry,
} from './refresh-windows.ts'
import type { RefreshPlan } from './refresh-windows.ts'
import type { RefreshableOptions, RefreshableState } from './refreshable-options.ts'
import { validateRefreshableOptions } from './refreshable-options.ts'
import { callSource } from './source-call.ts'

export type { RefreshableOptions, RefreshableState } from './refreshable-options.ts'
export type { RefreshErrorEvent, RefreshEvent, RefreshReason } from './events.ts'

interface Current {
  readonly credentials: Credentials
  /** Absent for credentials without `expiration`: those are kept forever. */
  readonly plan: RefreshPlan | undefined
  invalidated: boolean
}

type Outcome =
  | { readonly ok: true; readonly credentials: Credentials }
  | { readonly ok: false; readonly error: unknown }

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * Temporary credentials kept fresh. Create one with {@link refreshable}.
 *
 * - `get()` returns cached credentials; in the advisory window it also starts a background
 *   refresh; in the mandatory window, after expiry or after `invalidate`, it waits for the one
 *   shared refresh. If that refresh fails while the cached credentials are still valid, they are
 *   returned (a forced refresh throws instead); with none valid it throws `CredentialsError`.
 * - Failures: transient ones are retried by the timer with full-jitter backoff bounded by half
 *   the time the credentials have left; permanent ones are retried once more, at the start of
 *   the mandatory window. No timer is ever set for after expiry: from then on each `get()` (or
 *   group of concurrent ones) makes one attempt.
 * - `stop()` cancels the timer, aborts the signal given to the source and awaits the refresh in
 *   flight. Afterwards the session still works lazily, without a timer, until `start()`.
 */
export class RefreshableCredentials implements CredentialSession, AsyncDisposable {
  /** The session as an AWS SDK v3 credentials provider; honours `{ forceRefresh }`. */
  readonly provider: CredentialProvider
  readonly #source: CredentialProvider
  readonly #name: string
  readonly #clock: Clock
  readonly #logger: Logger
  readonly #options: RefreshableOptions
  readonly #random: () => number
  readonly #events: RefreshEmitter
  #current: Current | undefined
  #inflight: Promise<Outcome> | undefined
  readonly #timer: RefreshTimer
  #timersEnabled: boolean
  #controller = new AbortController()
  #refreshes = 0
  #failures = 0
  #consecutiveFailures = 0
  #retryNotBefore = 0

  /** Wrap `source`; prefer {@link refreshable}. Nothing is fetched until `get()` or `start()`. */
  constructor(source: CredentialProvider, options: RefreshableOptions = {}) {
    validateRefreshableOptions(options)
    const named = (source as { sourceName?: string }).sourceName
    this.#source = source
    this.#name = options.sourceName ?? named ?? (source.name || 'custom')
    this.#clock = options.clock ?? defaultClock
    this.#logger = options.logger ?? silentLogger
    this.#options = options
    this.#random = options.random ?? Math.random
    this.#events = createRefreshEmitter(this.#logger)
    this.#timersEnabled = options.autoStart ?? true
    this.#timer = createRefreshTimer(this.#clock, () => this.#onTimer())
    this.provider = (request?: CredentialRequestOptions): Promise<Credentials> => this.get(request)
  }

  /** The source's name as used in events, logs and errors. */
  get sourceName(): string {
    return this.#name
  }

  /** Counters and the current key (masked), expiry and next timer; never a secret. */
  get state(): RefreshableState {
    const current = this.#current
    const expiration = current?.credentials.expiration
    return {
      accessKeyId: current ? maskKey(current.credentials.accessKeyId) : undefined,
      expiration: expiration ? new Date(expiration.getTime()) : undefined,
      nextRefreshAt: this.#timer.dueAt === undefined ? undefined : new Date(this.#timer.dueAt),
      refreshes: this.#refreshes,
      failures: this.#failures,
    }
  }

  /**
   * Current credentials, waiting for a refresh only when they are missing, expired, invalidated,
   * inside the mandatory window, or `forceRefresh` is set. `signal` aborts this caller's wait
   * (rejecting with its reason), never the shared refresh.
   */
  async get(options: CredentialRequestOptions = {}): Promise<Credentials> {
    const { signal, forceRefresh = false } = options
    signal?.throwIfAborted()
    if (forceRefresh) return this.#await('forced', signal, true)
    const current = this.#current
    if (!current) return this.#await('initial', signal)
    if (current.invalidated) return this.#await('invalidated', signal)
    const plan = current.plan
    if (!plan) return current.credentials
    const now = this.#clock.now()
    if (now >= plan.expiresAt) return this.#await('expired', signal)
    const due = now >= this.#retryNotBefore
    if (now >= plan.mandatoryAt) {
      return this.#inflight || due ? this.#await('mandatory', signal) : current.credentials
    }
    // Advisory window, or a timer that has not fired (sleep/resume, autoStart off).
    if (now >= plan.refreshAt && due && !this.#inflight) this.#kick('advisory')
    return current.credentials
  }

  /**
   * A service rejected `rejected` (credentials or an access key id): if it is still the current
   * key, treat it as expired so the next `get()` refreshes. An older key is ignored.
   */
  invalidate(rejected: Credentials | string): void {
    const key = typeof rejected === 'string' ? rejected : rejected?.accessKeyId
    const current = this.#current
    const fields = { source: this.#name, accessKeyId: maskKey(key) }
    if (!current || !key || current.credentials.accessKeyId !== key || current.invalidated) {
      this.#logger.debug('refreshable: invalidate ignored (not the current key)', fields)
      return
    }
    current.invalidated = true
    this.#retryNotBefore = 0
    this.#logger.debug('refreshable: credentials invalidated', fields)
  }

  /**
   * Run the refresh timer (again, after `stop()`); fetch the first credentials now, in the
   * background, if there are none yet. Failures are reported through the `error` event.
   */
  start(): this {
    this.#timersEnabled = true
    const current = this.#current
    if (this.#inflight) return this
    if (!current) this.#kick('initial')
    else if (current.invalidated) this.#kick('invalidated')
    else if (current.plan && this.#clock.now() >= current.plan.expiresAt) this.#kick('expired')
    else if (current.plan) {
      const at = Math.max(current.plan.refreshAt, this.#retryNotBefore)
      if (at < current.plan.expiresAt) this.#schedule(at)
    }
    return this
  }

  /**
   * Stop the timer, abort the signal passed to the source, and wait for a refresh in flight to
   * settle. `get()` keeps working afterwards, lazily and without a timer, until `start()`.
   */
  async stop(): Promise<void> {
    this.#timersEnabled = false
    this.#timer.cancel()
    const controller = this.#controller
    this.#controller = new AbortController()
    controller.abort(new DOMException(`The ${this.#name} refresh was stopped`, 'AbortError'))
    const flight = this.#inflight
    if (flight) await flight
    this.#timer.cancel()
  }

  /** `await using session = refreshable(...)` stops the session at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop()
  }

  /** Listen for new credentials; returns a function that unsubscribes. */
  on(event: 'refresh', listener: (event: RefreshEvent) => void): () => void
  /** Listen for failed refreshes; returns a function that unsubscribes. */
  on(event: 'error', listener: (event: RefreshErrorEvent) => void): () => void
  on(
    event: 'refresh' | 'error',
    listener: ((event: RefreshEvent) => void) | ((event: RefreshErrorEvent) => void),
  ): () => void {
    return event === 'refresh'
      ? this.#events.on('refresh', listener as (event: RefreshEvent) => void)
      : this.#events.on('error', listener as (event: RefreshErrorEvent) => void)
  }

  /** Join (or start) the shared refresh and turn its outcome into this caller's answer. */
  async #await(
    reason: RefreshReason,
    signal: AbortSignal | undefined,
    strict = false,
  ): Promise<Credentials> {
    const outcome = await this.#wait(this.#refresh(reason), signal)
    if (outcome.ok) return outcome.credentials
    const usable = strict ? undefined : this.#usable()
    if (usable) return usable
    const plan = this.#current?.plan
    const at = plan && !strict && this.#clock.now() >= plan.expiresAt ? plan.expiresAt : undefined
    const note = at ? `; the cached ones expired at ${new Date(at).toISOString()}` : ''
    throw new CredentialsError(
      `Could not refresh credentials from ${this.#name}: ${messageOf(outcome.error)}${note}`,
      { source: this.#name, cause: outcome.error },
    )
  }

  /** Current credentials if they may still be used (not invalidated, not expired). */
  #usable(): Credentials | undefined {
    const current = this.#current
    if (!current || current.invalidated) return undefined
    if (current.plan && this.#clock.now() >= current.plan.expiresAt) return undefined
    return current.credentials
  }

  /** Wait for `flight`, or reject with the abort reason when this caller's `signal` aborts. */
  #wait(flight: Promise<Outcome>, signal: AbortSignal | undefined): Promise<Outcome> {
    if (!signal) return flight
    return new Promise<Outcome>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason)
      signal.addEventListener('abort', onAbort, { once: true })
      // `flight` never rejects (#attempt catches everything), so this chain cannot float.
      void flight.then((outcome) => {
        signal.removeEventListener('abort', onAbort)
        resolve(outcome)
      })
    })
  }

  /** The refresh in flight, or a new one: single-flight. Never rejects. */
  #refresh(reason: RefreshReason): Promise<Outcome> {
    this.#inflight ??= this.#attempt(reason)
    return this.#inflight
  }

  /** Start a background refresh; its outcome is reported through events, never thrown. */
  #kick(reason: RefreshReason): void {
    void this.#refresh(reason)
  }

  /** One bounded source call; installs the result or records the failure. Never rejects. */
  async #attempt(reason: RefreshReason): Promise<Outcome> {
    const started = this.#clock.now()
    const stopSignal = this.#controller.signal
    const controller = new AbortController()
    const onStop = (): void => controller.abort(stopSignal.reason)
    stopSignal.addEventListener('abort', onStop, { once: true })
    const limitMs = this.#options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS
    try {
      // callSource always yields before settling, so #refresh has recorded this flight by the
      // time it is cleared here.
      const credentials = await callSource(
        this.#source,
        this.#name,
        controller,
        this.#clock,
        limitMs,
      )
      this.#inflight = undefined
      this.#install(credentials, this.#clock.now() - started, reason)
      return { ok: true, credentials }
    } catch (error) {
      this.#inflight = undefined
      if (stopSignal.aborted) {
        this.#logger.debug('refreshable: refresh cancelled by stop()', { source: this.#name })
      } else this.#fail(error, reason)
      return { ok: false, error }
    } finally {
      stopSignal.removeEventListener('abort', onStop)
    }
  }

  /** Adopt new credentials, plan their refresh, arm the timer and tell listeners. */
  #install(credentials: Credentials, durationMs: number, reason: RefreshReason): void {
    const now = this.#clock.now()
    const expiration = credentials.expiration ?? undefined
    const options = { ...this.#options, random: this.#random }
    const plan = expiration ? planRefresh(now, expiration.getTime(), options) : undefined
    this.#current = { credentials, plan, invalidated: false }
    this.#refreshes++
    this.#consecutiveFailures = 0
    this.#retryNotBefore = 0
    if (plan) this.#schedule(plan.refreshAt)
    else this.#timer.cancel()
    const accessKeyId = maskKey(credentials.accessKeyId)
    this.#logger.debug('refreshable: credentials refreshed', {
      source: this.#name,
      accessKeyId,
      expiration: expiration?.toISOString(),
      durationMs,
      reason,
      nextRefreshAt: this.state.nextRefreshAt?.toISOString(),
    })
    const source = this.#name
    this.#events.emit('refresh', { source, accessKeyId, expiration, durationMs, reason })
  }

  /** Record a failed attempt, decide when to try again, and tell listeners. */
  #fail(error: unknown, reason: RefreshReason): void {
    this.#failures++
    const attempt = ++this.#consecutiveFailures
    const now = this.#clock.now()
    const retryable = this.#isRetryable(error)
    const current = this.#current
    const plan = current && !current.invalidated ? current.plan : undefined
    const valid = plan !== undefined && now < plan.expiresAt
    const options = { ...this.#options, random: this.#random }
    const decision = valid ? planRetry(plan, now, attempt, retryable, options) : undefined
    if (decision) this.#retryNotBefore = decision.notBefore
    if (decision?.nextAt === undefined) this.#timer.cancel()
    else this.#schedule(decision.nextAt)
    const retryInMs = this.#timer.dueAt === undefined ? undefined : this.#timer.dueAt - now
    const credentialsValidForMs = valid ? plan.expiresAt - now : undefined
    this.#logger.warn('refreshable: refresh failed', {
      source: this.#name,
      reason,
      error: messageOf(error),
      retryable,
      retryInMs,
      credentialsValidForMs,
    })
    this.#events.emit('error', {
      source: this.#name,
      error,
      willRetry: retryInMs !== undefined,
      reason,
      ...(retryInMs === undefined ? {} : { retryInMs }),
      ...(credentialsValidForMs === undefined ? {} : { credentialsValidForMs }),
    })
  }

  /** The configured retryable test; one that throws counts as "not retryable". */
  #isRetryable(error: unknown): boolean {
    try {
      return (this.#options.isRetryable ?? isTransientRefreshError)(error)
    } catch {
      return false
    }
  }

  /** Arm the timer for `at` (epoch ms), replacing any other arming; no-op while stopped. */
  #schedule(at: number): void {
    if (this.#timersEnabled) this.#timer.arm(at)
    else this.#timer.cancel()
  }

  #onTimer(): void {
    // A refresh already running re-arms the timer when it settles.
    if (this.#timersEnabled && !this.#inflight) this.#kick('scheduled')
  }
}

/**
 * Keep the credentials of `source` fresh: see {@link RefreshableCredentials}.
 *
 * @example
 * ```ts
 * await using credentials = refreshable(fromAssumeRole({ roleArn, roleSessionName: 'job' }))
 * const s3 = new S3Client({ credentials: credentials.provider })
 * credentials.on('error', (e) => console.warn(e.source, e.willRetry, e.retryInMs))
 * ```
 */
export function refreshable(
  source: CredentialProvider,
  options?: RefreshableOptions,
): RefreshableCredentials {
  return new RefreshableCredentials(source, options)
}
