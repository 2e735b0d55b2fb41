// Runs under `deno test` only: proves the shim and the core clock work on Deno.
import { describe, expect, test } from 'bun:test'
import { createManualClock, sleep } from '../../../src/clock.ts'

describe('clock on Deno', () => {
  test('a manual clock fires timers in order', async () => {
    const clock = createManualClock(0)
    const fired: number[] = []
    clock.setTimer(() => fired.push(2), 20)
    clock.setTimer(() => fired.push(1), 10)
    await clock.advance(25)
    expect(fired).toEqual([1, 2])
    expect(clock.now()).toBe(25)
  })

  test('sleep rejects when aborted', async () => {
    const clock = createManualClock(0)
    const controller = new AbortController()
    const pending = sleep(1000, controller.signal, clock)
    controller.abort(new Error('stop'))
    await expect(pending).rejects.toThrow('stop')
    expect(clock.pendingTimers).toBe(0)
  })
})
