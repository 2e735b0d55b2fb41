/**
 * 24 simulated hours of a job calling get() every few seconds, for lifetimes from 10 s to 12 h.
 * The expected source calls follow from the documented windows: advisory = min(10 % of the
 * lifetime, 15 min), the refresh scheduled earlier by jitter x 20 % of it, so one set of
 * credentials is used for P = lifetime - advisory * (1 + 0.2 * r) and a day costs
 * 1 + floor(24 h / P) calls (the first fetch plus one per period).
 */
import { describe, expect, test } from 'bun:test'
import { refreshable } from '../../src/credentials/refreshable.ts'
import { fakeSource, fastClock } from './refreshable-fixtures.ts'

const S = 1000
const H = 3600 * S
const DAY = 24 * H

function period(lifetimeMs: number, r: number): number {
  const advisory = Math.min(lifetimeMs * 0.1, 15 * 60 * S)
  return lifetimeMs - advisory * (1 + 0.2 * r)
}

function expectedCalls(lifetimeMs: number, r: number): number {
  return 1 + Math.floor(DAY / period(lifetimeMs, r))
}

async function simulateDay(
  lifetimeMs: number,
  stepMs: number,
  random?: () => number,
): Promise<{ calls: number; gets: number; failedGets: number; waited: number }> {
  const clock = fastClock()
  const source = fakeSource(clock, lifetimeMs)
  const session = refreshable(source, { clock, ...(random ? { random } : {}) })
  const mandatory = Math.min(lifetimeMs * 0.05, 60 * S)
  let gets = 0
  let failedGets = 0
  let waited = 0
  for (let t = 0; t <= DAY; t += stepMs) {
    if (t > 0) await clock.advance(stepMs)
    gets++
    const callsBefore = source.calls
    try {
      const creds = await session.get()
      const left = creds.expiration!.getTime() - clock.now()
      if (left <= 0) failedGets++
      // A get() that had to wait for the source would show up as a call made during it.
      if (t > 0 && source.calls !== callsBefore) waited++
      // Never handed credentials inside the mandatory window: the timer was always earlier.
      if (left <= mandatory) failedGets++
    } catch {
      failedGets++
    }
  }
  await session.stop()
  expect(clock.pendingTimers).toBe(0)
  return { calls: source.calls, gets, failedGets, waited }
}

describe('24 simulated hours, a get() every few seconds', () => {
  test.each([
    // lifetime, get() every, expected calls with random() = 0.5
    [10 * S, 3 * S, 9708],
    [900 * S, 5 * S, 108],
    [H, 5 * S, 27],
    [12 * H, 5 * S, 3],
  ])('lifetime %p ms, get() every %p ms -> %p calls, 0 failed', async (lifetime, step, calls) => {
    expect(expectedCalls(lifetime, 0.5)).toBe(calls)
    const result = await simulateDay(lifetime, step, () => 0.5)
    expect(result).toEqual({ calls, gets: DAY / step + 1, failedGets: 0, waited: 0 })
    // About one call per lifetime, never one per call.
    expect(calls).toBeLessThanOrEqual(Math.ceil((DAY / lifetime) * 1.15) + 1)
  })

  test.each([
    [10 * S, 3 * S],
    [900 * S, 5 * S],
    [H, 5 * S],
    [12 * H, 5 * S],
  ])('lifetime %p ms, Math.random jitter: calls within its bounds', async (lifetime, step) => {
    const result = await simulateDay(lifetime, step)
    expect(result.failedGets).toBe(0)
    expect(result.waited).toBe(0)
    expect(result.calls).toBeGreaterThanOrEqual(expectedCalls(lifetime, 0))
    expect(result.calls).toBeLessThanOrEqual(expectedCalls(lifetime, 1))
  })
})
