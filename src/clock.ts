/**
 * Time, injected: the system clock, a skew-correcting wrapper, an abortable sleep, and a manual
 * clock for tests (and for users who rehearse their own automation against expiry).
 */
import type { Clock, Timer } from './types.ts'

/**
 * Make a timer stop keeping the process alive: `unref()` on Node and Bun timer objects,
 * `Deno.unrefTimer(id)` on Deno's numeric ids. Web APIs have no such call, hence the probing.
 */
export function unrefTimer(handle: unknown): void {
  if (typeof handle === 'object' && handle !== null) {
    const unref = (handle as { unref?: () => void }).unref
    if (typeof unref === 'function') unref.call(handle)
    return
  }
  const deno = (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno
  if (typeof handle === 'number' && typeof deno?.unrefTimer === 'function') deno.unrefTimer(handle)
}

/** The real clock: `Date.now()` and unref'd `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback: () => void, delayMs: number): Timer {
    const handle = setTimeout(callback, Math.max(0, delayMs))
    unrefTimer(handle)
    return { cancel: () => clearTimeout(handle) }
  },
}

/** A clock that corrects a base clock by the offset learned from servers' `Date` headers. */
export interface SkewCorrectedClock extends Clock {
  /** Server time minus local time, in milliseconds, as last learned. */
  readonly offsetMs: number
  observeServerTime(serverTimeMs: number, localTimeMs: number): void
}

/**
 * Wrap a clock so `now()` follows the servers' time. HTTP `Date` has one-second resolution, so
 * only an offset larger than `thresholdMs` (default 60 s) is adopted; smaller ones are noise.
 * The AWS SDKs do the same after a skew error (they adopt offsets of 5 min and more); adopting
 * sooner means the first request after a big skew is already signed right.
 */
export function withSkewCorrection(base: Clock, thresholdMs = 60_000): SkewCorrectedClock {
  let offsetMs = 0
  return {
    get offsetMs() {
      return offsetMs
    },
    now: () => base.now() + offsetMs,
    setTimer: (callback, delayMs) => base.setTimer(callback, delayMs),
    observeServerTime(serverTimeMs, localTimeMs) {
      if (!Number.isFinite(serverTimeMs) || !Number.isFinite(localTimeMs)) return
      const measured = serverTimeMs - localTimeMs
      if (Math.abs(measured - offsetMs) > thresholdMs) offsetMs = measured
      else if (Math.abs(measured) <= thresholdMs) offsetMs = 0
    },
  }
}

/**
 * The default clock of every client and session: one skew-corrected system clock per process,
 * because skew is a property of the machine, and signing and expiry must follow the same time.
 */
export const defaultClock: SkewCorrectedClock = withSkewCorrection(systemClock)

/** Parse an HTTP `Date` header value to epoch ms, or undefined if absent or unparsable. */
export function parseHttpDate(value: string | null | undefined): number | undefined {
  if (!value) return undefined
  const ms = Date.parse(value)
  return Number.isFinite(ms) ? ms : undefined
}

/** An error carrying the abort reason, like `AbortSignal.throwIfAborted` throws. */
function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError')
}

/** Wait `ms` on `clock`, rejecting with the abort reason as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal, clock: Clock = systemClock): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal))
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      timer.cancel()
      reject(abortReason(signal as AbortSignal))
    }
    const timer = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** A clock that moves only when told to; timers fire in due order as it advances. */
export interface ManualClock extends Clock {
  /** Move time forward by `ms`, firing due timers in order and letting their work settle. */
  advance(ms: number): Promise<void>
  /** Jump to an absolute time (forward or back) without firing timers on the way; then fire due ones. */
  set(timeMs: number): Promise<void>
  /** Timers not yet fired or cancelled. */
  readonly pendingTimers: number
  /** Let pending promise chains and real I/O finish (a few turns of the real event loop). */
  settle(): Promise<void>
}

/** Options of {@link createManualClock}. */
export interface ManualClockOptions {
  /**
   * How to let pending work run after each fired timer and each `advance`/`set`. Default: 20
   * real macrotask turns (about 20 ms on Bun, where `setTimeout(0)` waits 1 ms). Tests whose
   * work is pure promise chains can pass a microtask-only settle to simulate days in
   * milliseconds.
   */
  readonly settle?: () => Promise<void>
}

/** A {@link ManualClock} starting at `startMs` (default 2026-01-01T00:00:00Z). */
export function createManualClock(
  startMs: number = Date.UTC(2026, 0, 1),
  options: ManualClockOptions = {},
): ManualClock {
  let now = startMs
  let nextId = 0
  const timers = new Map<number, { due: number; seq: number; callback: () => void }>()

  const settle =
    options.settle ??
    (async (): Promise<void> => {
      // Real macrotask turns, so promise chains that go through crypto.subtle or an in-process
      // fetch handler get to run; the count is generous because each hop may need one.
      for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setTimeout(resolve, 0))
    })

  const fireDue = async (limit: number): Promise<void> => {
    for (;;) {
      let nextKey: number | undefined
      let next: { due: number; seq: number; callback: () => void } | undefined
      for (const [key, timer] of timers) {
        if (timer.due > limit) continue
        if (!next || timer.due < next.due || (timer.due === next.due && timer.seq < next.seq)) {
          next = timer
          nextKey = key
        }
      }
      if (!next || nextKey === undefined) return
      timers.delete(nextKey)
      if (next.due > now) now = next.due
      next.callback()
      await settle()
    }
  }

  return {
    now: () => now,
    setTimer(callback, delayMs) {
      const id = nextId++
      timers.set(id, { due: now + Math.max(0, delayMs), seq: id, callback })
      return { cancel: () => void timers.delete(id) }
    },
    async advance(ms) {
      const target = now + ms
      await fireDue(target)
      now = target
      await settle()
    },
    async set(timeMs) {
      now = timeMs
      await fireDue(now)
      await settle()
    },
    get pendingTimers() {
      return timers.size
    },
    settle,
  }
}
