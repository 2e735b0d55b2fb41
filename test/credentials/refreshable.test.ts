import { describe, expect, test } from 'bun:test'
import { createManualClock } from '../../src/clock.ts'
import type { RefreshErrorEvent, RefreshEvent } from '../../src/credentials/events.ts'
import { refreshable } from '../../src/credentials/refreshable.ts'
import { AwsServiceError, CredentialsError, isCredentialsError } from '../../src/errors.ts'
import type { Credentials } from '../../src/types.ts'
import {
  SECRET,
  T0,
  TOKEN,
  accessDenied,
  fakeSource,
  fastClock,
  keyOf,
  recordingLogger,
  throttled,
} from './refreshable-fixtures.ts'
import { rejection } from '../helpers/rejection.ts'

const S = 1000
const H = 3600 * S
// 900 s credentials with random() = 0.5: advisory 90 s, jitter 9 s, mandatory 45 s.
const L = 900 * S
const REFRESH_AT = 801 * S
const MANDATORY_AT = 855 * S

function record(session: ReturnType<typeof refreshable>): {
  refreshes: RefreshEvent[]
  errors: RefreshErrorEvent[]
} {
  const refreshes: RefreshEvent[] = []
  const errors: RefreshErrorEvent[] = []
  session.on('refresh', (e) => refreshes.push(e))
  session.on('error', (e) => errors.push(e))
  return { refreshes, errors }
}

describe('single-flight', () => {
  test('10,000 concurrent get() at expiry -> 1 source call, the same creds for all', async () => {
    const clock = createManualClock(T0)
    const source = fakeSource(clock, L)
    const session = refreshable(source, { clock, random: () => 0.5, autoStart: false })
    const first = await session.get()
    await clock.set(T0 + L)
    const all = await Promise.all(Array.from({ length: 10_000 }, () => session.get()))
    expect(source.calls).toBe(2)
    expect(all[0]?.accessKeyId).toBe(keyOf(2))
    expect(all.every((creds) => creds === all[0])).toBe(true)
    expect(all[0]).not.toBe(first)
  })

  test('concurrent first get() calls share the initial fetch', async () => {
    const clock = createManualClock(T0)
    const source = fakeSource(clock, L)
    const session = refreshable(source, { clock })
    const [a, b, c] = await Promise.all([session.get(), session.get(), session.provider()])
    expect(source.calls).toBe(1)
    expect(a).toBe(b)
    expect(b).toBe(c)
    await session.stop()
  })

  test("a caller's abort rejects only its own wait; the shared refresh goes on", async () => {
    const clock = createManualClock(T0)
    const source = fakeSource(clock, L)
    const session = refreshable(source, { clock })
    source.hold()
    const controller = new AbortController()
    const aborted = session.get({ signal: controller.signal })
    const b = session.get()
    const c = session.get()
    await clock.settle()
    controller.abort(new Error('caller gave up'))
    expect(await rejection(aborted)).toEqual(new Error('caller gave up'))
    expect(source.signals[0]?.aborted).toBe(false)
    source.release()
    const [credsB, credsC] = await Promise.all([b, c])
    expect(credsB.accessKeyId).toBe(keyOf(1))
    expect(credsC).toBe(credsB)
    expect(source.calls).toBe(1)
    // An already-aborted signal rejects at once, without calling the source.
    const gone = AbortSignal.abort(new Error('too late'))
    expect(await rejection(session.get({ signal: gone }))).toEqual(new Error('too late'))
    expect(source.calls).toBe(1)
    await session.stop()
  })
})

describe('windows', () => {
  test('advisory window, no timer: get() serves current creds, refreshes behind', async () => {
    const clock = fastClock()
    const source = fakeSource(clock, L)
    const session = refreshable(source, { clock, random: () => 0.5, autoStart: false })
    const { refreshes } = record(session)
    await session.get()
    await clock.advance(REFRESH_AT)
    source.hold()
    const served = await session.get()
    expect(served.accessKeyId).toBe(keyOf(1))
    expect(source.calls).toBe(2)
    expect((await session.get()).accessKeyId).toBe(keyOf(1)) // still in flight: no second call
    expect(source.calls).toBe(2)
    source.release()
    await clock.settle()
    expect((await session.get()).accessKeyId).toBe(keyOf(2))
    expect(refreshes.map((e) => e.reason)).toEqual(['initial', 'advisory'])
    expect(clock.pendingTimers).toBe(0)
  })

  test('mandatory window: callers wait for the refresh', async () => {
    const clock = fastClock()
    const source = fakeSource(clock, L)
    const session = refreshable(source, { clock, random: () => 0.5, autoStart: false })
    const { refreshes } = record(session)
    await session.get()
    await clock.advance(MANDATORY_AT)
    source.hold()
    let settled = false
    const waiting = session.get().then((creds) => {
      settled = true
      return creds
    })
    await clock.settle()
    expect(settled).toBe(false)
    source.release()
    expect((await waiting).accessKeyId).toBe(keyOf(2))
    expect(refreshes.map((e) => e.reason)).toEqual(['initial', 'mandatory'])
  })

  test('the timer refreshes before the advisory window; get() never waits', async () => {
    const clock = fastClock()
    const source = fakeSource(clock, L)
    const session = refreshable(source, { clock, random: () => 0.5 })
    const { refreshes } = record(session)
    await session.get()
    expect(session.state.nextRefreshAt).toEqual(new Date(T0 + REFRESH_AT))
    expect(clock.pendingTimers).toBe(1)
    await clock.advance(REFRESH_AT - 1)
    expect(source.calls).toBe(1)
    await clock.advance(1)
    expect(source.calls).toBe(2)
    expect(source.callTimes).toEqual([0, REFRESH_AT])
    expect(refreshes.map((e) => [e.reason, e.accessKeyId])).toEqual([
      ['initial', 'ASIA…0001'],
      ['scheduled', 'ASIA…0002'],
    ])
    expect(session.state).toEqual({
      accessKeyId: 'ASIA…0002',
      expiration: new Date(T0 + REFRESH_AT + L),
      nextRefreshAt: new Date(T0 + 2 * REFRESH_AT),
      refreshes: 2,
      failures: 0,
    })
    await session.stop()
  })

  test('credentials without expiration are static: cached forever, no timer', async () => {
    const clock = fastClock()
    const source = fakeSource(clock, undefined)
    const session = refreshable(source, { clock })
    const first = await session.get()
    await clock.advance(400 * 24 * H)
    expect(await session.get()).toBe(first)
    expect(source.calls).toBe(1)
    expect(clock.pendingTimers).toBe(0)
    expect(session.state.nextRefreshAt).toBeUndefined()
  })

  test('credentials that arrive already expired are rejected with a CredentialsError', async () => {
    const clock = createManualClock(T0)
    const source = async (): Promise<Credentials> => ({
      accessKeyId: 'ASIASTALE0000001',
      secretAccessKey: SECRET,
      expiration: new Date(T0 - 1000),
    })
    const session = refreshable(source, { clock, sourceName: 'container' })
    const error = await rejection(session.get())
    expect(error).toBeInstanceOf(CredentialsError)
    expect((error as Error).message).toBe(
      'Could not refresh credentials from container: container returned credentials ASIA…0001 ' +
        'that had already expired at 2025-12-31T23:59:59.000Z (local time ' +
        "2026-01-01T00:00:00.000Z); check the source's own cache and this machine's clock",
    )
    expect(clock.pendingTimers).toBe(0)
  })

  test('forceRefresh (and the SDK-style provider) always calls the source', async () => {
    const clock = createManualClock(T0)
    const source = fakeSource(clock, L)
    const session = refreshable(source, { clock })
    const { refreshes } = record(session)
    await session.get()
    expect((await session.get({ forceRefresh: true })).accessKeyId).toBe(keyOf(2))
    expect((await session.provider({ forceRefresh: true })).accessKeyId).toBe(keyOf(3))
    expect((await session.provider()).accessKeyId).toBe(keyOf(3))
    expect(refreshes.map((e) => e.reason)).toEqual(['initial', 'forced', 'forced'])
    // A forced refresh that fails throws, although valid credentials are cached.
    source.failWith = throttled()
    const error = await rejection(session.get({ forceRefresh: true }))
    expect((error as Error).message).toBe(
      'Could not refresh credentials from fake-sts: sts.AssumeRole: Throttling: Rate exceeded',
    )
    expect((await session.get()).accessKeyId).toBe(keyOf(3))
    await session.stop()
  })
})

describe('invalidate', () => {
  test('the current key -> one refresh; an old key -> nothing', async () => {
    const clock = createManualClock(T0)
    const source = fakeSource(clock, L)
    const session = refreshable(source, { clock })
    const { refreshes } = record(session)
    const first = await session.get()
    session.invalidate('ASIAOTHERKEY0009')
    expect(await session.get()).toBe(first)
    expect(source.calls).toBe(1)

    session.invalidate(first)
    const after = await Promise.all([session.get(), session.get(), session.get()])
    expect(source.calls).toBe(2)
    expect(after.map((c) => c.accessKeyId)).toEqual([keyOf(2), keyOf(2), keyOf(2)])
    expect(refreshes.map((e) => e.reason)).toEqual(['initial', 'invalidated'])

    session.invalidate(first) // a late ExpiredToken for the old key
    session.invalidate(first.accessKeyId)
    expect((await session.get()).accessKeyId).toBe(keyOf(2))
    expect(source.calls).toBe(2)
    await session.stop()
  })

  test('invalidated credentials are not served when the refresh fails', async () => {
    const clock = createManualClock(T0)
    const source = fakeSource(clock, L)
    const session = refreshable(source, { clock })
    const first = await session.get()
    session.invalidate(first)
    source.failWith = throttled()
    const error = await rejection(session.get())
    expect(isCredentialsError(error)).toBe(true)
    expect((error as Error).message).toBe(
      'Could not refresh credentials from fake-sts: sts.AssumeRole: Throttling: Rate exceeded',
    )
    source.failWith = undefined
    expect((await session.get()).accessKeyId).toBe(keyOf(3))
    await session.stop()
  })
})

describe('clock jumps', () => {
  test('forward past expiry with no timer fired: the next get() refreshes and waits', async () => {
    const clock = createManualClock(T0)
    const source = fakeSource(clock, L)
    const session = refreshable(source, { clock, autoStart: false })
    const { refreshes } = record(session)
    await session.get()
    await clock.set(T0 + 5 * H)
    expect(source.calls).toBe(1)
    source.hold()
    let settled = false
    const waiting = session.get().then((creds) => {
      settled = true
      return creds
    })
    await clock.settle()
    expect(settled).toBe(false)
    source.release()
    const creds = await waiting
    expect(creds.accessKeyId).toBe(keyOf(2))
    expect(creds.expiration).toEqual(new Date(T0 + 5 * H + L))
    expect(refreshes.map((e) => e.reason)).toEqual(['initial', 'expired'])
  })

  test('sleep/resume: the late timer refreshes; get() waits, never serves expired', async () => {
    const clock = createManualClock(T0)
    const source = fakeSource(clock, L)
    const session = refreshable(source, { clock, random: () => 0.5 })
    await session.get()
    source.hold()
    await clock.set(T0 + 3 * H) // the overdue timer fires on resume
    expect(source.calls).toBe(2)
    const pending = session.get()
    source.release()
    expect((await pending).accessKeyId).toBe(keyOf(2))
    expect(source.calls).toBe(2)
    expect(session.state.nextRefreshAt).toEqual(new Date(T0 + 3 * H + REFRESH_AT))
    await session.stop()
  })

  test('a timer that fires early (clock set back) re-arms for the planned time', async () => {
    const clock = createManualClock(T0)
    const source = fakeSource(clock, L)
    const session = refreshable(source, { clock, random: () => 0.5 })
    await session.get()
    await clock.set(T0 - H) // NTP stepped the clock back an hour
    await clock.advance(REFRESH_AT) // the timer's delay elapses, but the plan is an hour away
    expect(source.calls).toBe(1)
    expect(session.state.nextRefreshAt).toEqual(new Date(T0 + REFRESH_AT))
    await clock.advance(H)
    expect(source.calls).toBe(2)
    await session.stop()
  })
  test('a 40-day lifetime, beyond one timer, re-arms instead of refreshing early', async () => {
    const clock = fastClock()
    const source = fakeSource(clock, 40 * 24 * H)
    const session = refreshable(source, { clock, random: () => 0 })
    await session.get()
    const refreshAt = 40 * 24 * H - 15 * 60 * S
    expect(session.state.nextRefreshAt).toEqual(new Date(T0 + refreshAt))
    await clock.advance(2_147_483_647) // setTimeout's limit: the timer fires, 15 days early
    expect(source.calls).toBe(1)
    expect(clock.pendingTimers).toBe(1)
    await clock.advance(refreshAt - 2_147_483_647)
    expect(source.callTimes).toEqual([0, refreshAt])
    await session.stop()
  })
})

describe('failures', () => {
  test('permanent failure, no credentials: surfaced at once, 1 attempt per get()', async () => {
    const clock = createManualClock(T0)
    const source = fakeSource(clock, L)
    source.failWith = accessDenied()
    const session = refreshable(source, { clock })
    const { errors } = record(session)
    const error = await rejection(session.get())
    expect(error).toBeInstanceOf(CredentialsError)
    expect((error as CredentialsError).message).toBe(
      'Could not refresh credentials from fake-sts: sts.AssumeRole: AccessDenied: User: ' +
        'arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole',
    )
    expect((error as CredentialsError).source).toBe('fake-sts')
    expect((error as CredentialsError).cause).toBe(source.failWith)
    expect(errors).toEqual([
      { source: 'fake-sts', error: source.failWith, willRetry: false, reason: 'initial' },
    ])
    expect(clock.pendingTimers).toBe(0)
    await clock.advance(24 * H)
    expect(source.calls).toBe(1)
    await rejection(session.get())
    await rejection(session.get())
    expect(source.calls).toBe(3)
  })

  test('permanent failure at refresh: serve, retry once at the mandatory window', async () => {
    const clock = fastClock()
    const source = fakeSource(clock, L)
    const session = refreshable(source, { clock, random: () => 0.5 })
    const { errors } = record(session)
    await session.get()
    source.failWith = accessDenied()
    let failedGets = 0
    for (let t = 5 * S; t < L; t += 5 * S) {
      await clock.advance(5 * S)
      const creds = await session.get().catch(() => undefined)
      if (creds?.accessKeyId !== keyOf(1)) failedGets++
    }
    expect(failedGets).toBe(0)
    expect(source.callTimes).toEqual([0, REFRESH_AT, MANDATORY_AT])
    expect(errors.map(({ willRetry, retryInMs, credentialsValidForMs, reason }) => ({
      willRetry,
      retryInMs,
      credentialsValidForMs,
      reason,
    }))).toEqual([
      { willRetry: true, retryInMs: 54 * S, credentialsValidForMs: 99 * S, reason: 'scheduled' },
      {
        willRetry: false,
        retryInMs: undefined,
        credentialsValidForMs: 45 * S,
        reason: 'scheduled',
      },
    ])
    expect(clock.pendingTimers).toBe(0)
    await clock.advance(5 * S) // expired
    const error = await rejection(session.get())
    expect((error as Error).message).toBe(
      'Could not refresh credentials from fake-sts: sts.AssumeRole: AccessDenied: User: ' +
        'arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole; the ' +
        'cached ones expired at 2026-01-01T00:15:00.000Z',
    )
    expect(source.calls).toBe(4)
    await clock.advance(H)
    expect(source.calls).toBe(4)
    source.failWith = undefined
    expect((await session.get()).accessKeyId).toBe(keyOf(5))
    expect(clock.pendingTimers).toBe(1)
    await session.stop()
  })

  test('throttled, then down: 0 failed gets while valid, an error after, recovery', async () => {
    const clock = fastClock()
    const source = fakeSource(clock, L)
    const session = refreshable(source, { clock, random: () => 0.5 })
    const { errors, refreshes } = record(session)
    await session.get()
    await clock.advance(800 * S)
    source.failWith = throttled
    let failedGets = 0
    for (let t = 800 * S; t < L - 5 * S; t += 5 * S) {
      await clock.advance(5 * S)
      if (t === 850 * S) source.failWith = () => new TypeError('fetch failed')
      const creds = await session.get().catch(() => undefined)
      const valid = creds?.accessKeyId === keyOf(1) && creds.expiration!.getTime() > clock.now()
      if (!valid) failedGets++
    }
    expect(failedGets).toBe(0)
    await clock.advance(5 * S) // expired
    // Full-jitter backoff (random 0.5) from 1 s, each delay at most half the time left, and no
    // timer once that is under 1 s: 13 retries in the last 99 s, none after expiry.
    expect(source.callTimes.map((ms) => ms / S)).toEqual([
      0, 801, 802, 803, 805, 809, 817, 833, 865, 882.5, 891.25, 895.625, 897.8125, 898.90625,
    ])
    expect(errors.map((e) => e.willRetry)).toEqual([...Array(12).fill(true), false])
    for (const e of errors) {
      expect(e.retryInMs ?? 0).toBeLessThanOrEqual(e.credentialsValidForMs! / 2)
    }
    expect(clock.pendingTimers).toBe(0)
    const error = await rejection(session.get())
    expect(error).toBeInstanceOf(CredentialsError)
    expect((error as Error).message).toBe(
      'Could not refresh credentials from fake-sts: fetch failed; the cached ones expired at ' +
        '2026-01-01T00:15:00.000Z',
    )
    expect((error as Error).cause).toBeInstanceOf(TypeError)
    expect(source.calls).toBe(15)
    source.failWith = undefined
    expect((await session.get()).accessKeyId).toBe(keyOf(16))
    expect(refreshes.map((e) => e.reason)).toEqual(['initial', 'expired'])
    expect(session.state).toMatchObject({ refreshes: 2, failures: 14 })
    expect(clock.pendingTimers).toBe(1)
    await session.stop()
  })

  test('transient failure, mandatory window: callers get valid creds, tries spaced', async () => {
    const clock = fastClock()
    const source = fakeSource(clock, L)
    const session = refreshable(source, { clock, random: () => 0.5, autoStart: false })
    await session.get()
    await clock.advance(MANDATORY_AT)
    source.failWith = throttled()
    expect((await session.get()).accessKeyId).toBe(keyOf(1)) // waited for one attempt
    expect((await session.get()).accessKeyId).toBe(keyOf(1)) // inside the backoff: no attempt
    expect(source.calls).toBe(2)
    await clock.advance(S)
    source.failWith = undefined
    expect((await session.get()).accessKeyId).toBe(keyOf(3))
  })

  test('a hung source times out: TimeoutError, signal aborted, clear error', async () => {
    const clock = createManualClock(T0)
    let seen: AbortSignal | undefined
    const hung = (options?: { signal?: AbortSignal }): Promise<Credentials> => {
      seen = options?.signal
      return new Promise<Credentials>(() => {})
    }
    const session = refreshable(hung, { clock, sourceName: 'hung', attemptTimeoutMs: 5 * S })
    const pending = rejection(session.get())
    await clock.advance(5 * S)
    const error = (await pending) as CredentialsError
    expect(error.message).toBe(
      'Could not refresh credentials from hung: hung did not return credentials within 5000 ms',
    )
    expect((error.cause as DOMException).name).toBe('TimeoutError')
    expect(seen?.aborted).toBe(true)
    expect(clock.pendingTimers).toBe(0)
  })

  test('a source that throws synchronously or returns garbage fails cleanly', async () => {
    const clock = createManualClock(T0)
    const sync = refreshable(
      () => {
        throw new Error('no')
      },
      { clock, sourceName: 'sync' },
    )
    expect(((await rejection(sync.get())) as Error).message).toBe(
      'Could not refresh credentials from sync: no',
    )
    const garbage = refreshable(async () => ({ accessKeyId: 'AKIA' }) as Credentials, { clock })
    expect(((await rejection(garbage.get())) as Error).message).toBe(
      'Could not refresh credentials from custom: custom returned credentials **** without a ' +
        'secretAccessKey; a credential source must resolve to { accessKeyId, secretAccessKey, ' +
        'sessionToken?, expiration?: Date }',
    )
  })
})

describe('lifecycle', () => {
  test('stop() aborts the signal, awaits the refresh in flight, cancels the timer', async () => {
    const clock = createManualClock(T0)
    const source = fakeSource(clock, L)
    const session = refreshable(source, { clock, random: () => 0.5 })
    await session.get()
    source.hold()
    await clock.advance(REFRESH_AT) // background refresh now in flight
    expect(source.calls).toBe(2)
    let stopped = false
    const stopping = session.stop().then(() => {
      stopped = true
    })
    await clock.settle()
    expect(stopped).toBe(false)
    expect(source.signals[1]?.aborted).toBe(true)
    source.release() // this fake ignores the abort and answers anyway
    await stopping
    expect(clock.pendingTimers).toBe(0)
    // After stop(), get() still works, lazily and without timers.
    expect((await session.get()).accessKeyId).toBe(keyOf(2))
    await clock.advance(2 * L)
    expect((await session.get()).accessKeyId).toBe(keyOf(3))
    expect(clock.pendingTimers).toBe(0)
    expect(session.start()).toBe(session)
    expect(clock.pendingTimers).toBe(1)
    await session.stop()
    expect(clock.pendingTimers).toBe(0)
  })

  test('a caller waiting on a refresh that stop() cancels gets a CredentialsError', async () => {
    const clock = createManualClock(T0)
    const session = refreshable(
      (options) =>
        new Promise<Credentials>((_, reject) =>
          options?.signal?.addEventListener('abort', () => reject(options.signal?.reason)),
        ),
      { clock, sourceName: 'imds' },
    )
    const { errors } = record(session)
    const waiting = rejection(session.get())
    await clock.settle()
    await session.stop()
    expect(((await waiting) as Error).message).toBe(
      'Could not refresh credentials from imds: The imds refresh was stopped',
    )
    expect(errors).toEqual([])
    expect(session.state.failures).toBe(0)
  })

  test('await using stops the session at the end of the scope', async () => {
    const clock = createManualClock(T0)
    const source = fakeSource(clock, L)
    {
      await using session = refreshable(source, { clock })
      await session.get()
      expect(clock.pendingTimers).toBe(1)
    }
    expect(clock.pendingTimers).toBe(0)
  })

  test('start() fetches eagerly in the background and arms the timer', async () => {
    const clock = createManualClock(T0)
    const source = fakeSource(clock, L)
    const session = refreshable(source, { clock, autoStart: false }).start()
    await clock.settle()
    expect(source.calls).toBe(1)
    expect(clock.pendingTimers).toBe(1)
    expect((await session.get()).accessKeyId).toBe(keyOf(1))
    expect(source.calls).toBe(1)
    await session.stop()
  })

  test('autoStart false: no timer after the first fetch', async () => {
    const clock = createManualClock(T0)
    const session = refreshable(fakeSource(clock, L), { clock, autoStart: false })
    await session.get()
    expect(clock.pendingTimers).toBe(0)
  })
})

describe('events and secrecy', () => {
  test('events, log lines, state and errors never carry a secret or a full key', async () => {
    const clock = fastClock()
    const source = fakeSource(clock, L)
    const logger = recordingLogger()
    const session = refreshable(source, { clock, logger, random: () => 0.5 })
    const seen: unknown[] = []
    session.on('refresh', (e) => seen.push(e))
    session.on('error', (e) => seen.push(e))
    const first = await session.get()
    await clock.advance(REFRESH_AT)
    source.failWith = throttled()
    await clock.advance(L)
    const error = await rejection(session.get())
    session.invalidate(first)
    source.failWith = accessDenied()
    await rejection(session.get({ forceRefresh: true }))
    seen.push(error, session.state, logger.lines)
    const replacer = (_key: string, value: unknown): unknown =>
      value instanceof Error
        ? { name: value.name, message: value.message, cause: value.cause, stack: value.stack }
        : value
    const text = JSON.stringify(seen, replacer)
    expect(text).toContain('ASIA…0001')
    expect(text).toContain('Rate exceeded')
    for (let n = 1; n <= source.calls; n++) expect(text).not.toContain(keyOf(n))
    expect(text).not.toContain(SECRET)
    expect(text).not.toContain(TOKEN)
    expect(logger.lines.filter((l) => l.level === 'warn').length).toBe(
      seen.filter((e) => (e as { willRetry?: unknown }).willRetry !== undefined).length,
    )
  })

  test('a throwing listener never breaks the loop; unsubscribe works', async () => {
    const clock = fastClock()
    const source = fakeSource(clock, L)
    const logger = recordingLogger()
    const session = refreshable(source, { clock, logger, random: () => 0.5 })
    session.on('refresh', () => {
      throw new Error('listener bug')
    })
    const reasons: string[] = []
    const off = session.on('refresh', (e) => reasons.push(e.reason))
    await session.get()
    await clock.advance(REFRESH_AT)
    off()
    await clock.advance(REFRESH_AT)
    expect(source.calls).toBe(3)
    expect(reasons).toEqual(['initial', 'scheduled'])
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      "refreshable: a 'refresh' listener threw; ignored",
      "refreshable: a 'refresh' listener threw; ignored",
      "refreshable: a 'refresh' listener threw; ignored",
    ])
    await session.stop()
  })

  test('source names: option, sourceName property, function name, custom', () => {
    const clock = createManualClock(T0)
    const named = Object.assign(async () => ({}) as Credentials, { sourceName: 'assume-role' })
    async function fromThing(): Promise<Credentials> {
      return {} as Credentials
    }
    expect(refreshable(named, { clock }).sourceName).toBe('assume-role')
    expect(refreshable(named, { clock, sourceName: 'mine' }).sourceName).toBe('mine')
    expect(refreshable(fromThing, { clock }).sourceName).toBe('fromThing')
    expect(refreshable((async () => ({})) as never, { clock }).sourceName).toBe('custom')
  })

  test('custom isRetryable: throttling as permanent waits for the mandatory window', async () => {
    const clock = createManualClock(T0)
    const source = fakeSource(clock, L)
    const session = refreshable(source, { clock, random: () => 0.5, isRetryable: () => false })
    const { errors } = record(session)
    await session.get()
    source.failWith = throttled()
    await clock.advance(REFRESH_AT)
    expect(errors[0]).toMatchObject({ willRetry: true, retryInMs: MANDATORY_AT - REFRESH_AT })
    expect(errors[0]?.error).toBeInstanceOf(AwsServiceError)
    await session.stop()
  })
})

describe('options', () => {
  const source = async (): Promise<Credentials> => ({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 's' })

  test('settings that would break the retry discipline are refused, naming the option', () => {
    expect(() => refreshable(source, { minBackoffMs: 0 })).toThrow(
      'refreshable: minBackoffMs must be a number of milliseconds above 0 (default 1000) (got 0)',
    )
    expect(() => refreshable(source, { minBackoffMs: Number.NaN })).toThrow('minBackoffMs')
    expect(() => refreshable(source, { minBackoffMs: 500, maxBackoffMs: 100 })).toThrow(
      'refreshable: maxBackoffMs must be a number of milliseconds of at least minBackoffMs (500) (got 100)',
    )
    expect(() => refreshable(source, { jitter: 1.5 })).toThrow('refreshable: jitter must be a fraction from 0 to 1')
    expect(() => refreshable(source, { attemptTimeoutMs: -1 })).toThrow('attemptTimeoutMs')
  })

  test('the edges that make sense are accepted', () => {
    for (const options of [{ minBackoffMs: 1, maxBackoffMs: 1 }, { jitter: 0 }, { jitter: 1 }, { attemptTimeoutMs: 0 }]) {
      expect(() => refreshable(source, { ...options, autoStart: false })).not.toThrow()
    }
  })
})
