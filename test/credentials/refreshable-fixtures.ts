/**
 * Fakes for the refreshable-session tests: a credential source that counts its calls, can fail
 * on demand or hold its answer, and a manual clock that settles through microtasks only, so a
 * simulated day of 10 s credentials runs in well under a second.
 */
import { createManualClock } from '../../src/clock.ts'
import type { ManualClock } from '../../src/clock.ts'
import { AwsServiceError } from '../../src/errors.ts'
import type {
  Clock,
  CredentialRequestOptions,
  Credentials,
  LogFields,
  Logger,
} from '../../src/types.ts'

/** A secret-looking string every fake secret key starts with. */
export const SECRET = 'wJalrXUtnFEMIK7MDENGbPxRfiCYSECRETKEY'
/** A token-looking string every fake session token starts with. */
export const TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN'

/** 2026-01-01T00:00:00Z, where manual clocks start. */
export const T0: number = Date.UTC(2026, 0, 1)

/** Settle only microtasks: the fakes here never touch real I/O or real timers. */
export async function microtaskSettle(): Promise<void> {
  for (let i = 0; i < 100; i++) await Promise.resolve()
}

/** A manual clock at {@link T0} that settles through microtasks (fast enough for 24 h runs). */
export function fastClock(): ManualClock {
  return createManualClock(T0, { settle: microtaskSettle })
}

/** A fake credential source; see {@link fakeSource}. */
export interface FakeSource {
  (options?: CredentialRequestOptions): Promise<Credentials>
  readonly sourceName: string
  /** Source calls so far. */
  calls: number
  /** Clock time (ms since {@link T0}) of each call. */
  readonly callTimes: number[]
  /** The signal each call received. */
  readonly signals: (AbortSignal | undefined)[]
  /** Throw this (or the result of calling it) instead of answering, while set. */
  failWith: unknown
  /** Lifetime of the credentials handed out; `undefined` for static (no expiration). */
  lifetimeMs: number | undefined
  /** Make calls wait until {@link FakeSource.release}. */
  hold(): void
  /** Let held calls answer. */
  release(): void
}

/** Access key id of the `n`th credentials a fake hands out: `ASIAFAKE00000001`... */
export function keyOf(n: number): string {
  return `ASIAFAKE${String(n).padStart(8, '0')}`
}

/**
 * A credential source named `fake-sts` handing out credentials number n = 1, 2, ... that expire
 * `lifetimeMs` after the call, on `clock`.
 */
export function fakeSource(clock: Clock, lifetimeMs: number | undefined): FakeSource {
  let gate: Promise<void> | undefined
  let open: (() => void) | undefined
  const call = async (options?: CredentialRequestOptions): Promise<Credentials> => {
    const n = ++source.calls
    source.callTimes.push(clock.now() - T0)
    source.signals.push(options?.signal)
    if (gate) await gate
    const failure: unknown = source.failWith
    if (failure !== undefined) throw typeof failure === 'function' ? failure() : failure
    const lifetime = source.lifetimeMs
    return {
      accessKeyId: keyOf(n),
      secretAccessKey: `${SECRET}${n}`,
      sessionToken: `${TOKEN}${n}`,
      ...(lifetime === undefined ? {} : { expiration: new Date(clock.now() + lifetime) }),
    }
  }
  const source: FakeSource = Object.assign(call, {
    sourceName: 'fake-sts',
    calls: 0,
    callTimes: [] as number[],
    signals: [] as (AbortSignal | undefined)[],
    failWith: undefined as unknown,
    lifetimeMs,
    hold(): void {
      gate = new Promise<void>((resolve) => {
        open = resolve
      })
    },
    release(): void {
      gate = undefined
      open?.()
    },
  })
  return source
}

/** STS's answer to a caller that may not assume the role (permanent). */
export function accessDenied(): AwsServiceError {
  return new AwsServiceError(
    'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole',
    {
      service: 'sts',
      operation: 'AssumeRole',
      code: 'AccessDenied',
      status: 403,
      retryable: false,
    },
  )
}

/** STS throttling (transient). */
export function throttled(): AwsServiceError {
  return new AwsServiceError('Rate exceeded', {
    service: 'sts',
    operation: 'AssumeRole',
    code: 'Throttling',
    status: 400,
    retryable: true,
  })
}

/** One line a {@link recordingLogger} kept. */
export interface LogLine {
  level: string
  message: string
  fields?: LogFields
}

/** A logger that keeps every line. */
export function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = []
  const at =
    (level: string) =>
    (message: string, fields?: LogFields): void =>
      void lines.push({ level, message, ...(fields ? { fields } : {}) })
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}
