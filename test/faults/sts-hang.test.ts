/**
 * Fault: STS accepts the connection and never answers. Each attempt is cut by the STS client's
 * 10 s per-attempt timeout (on the injected clock), retried, and the refresh succeeds; the job's
 * requests keep using the current credentials meanwhile.
 */
import { afterEach, expect, test } from 'bun:test'
import { createFaultWorld, runJob, T0 } from './fixture.ts'
import type { FaultWorld } from './fixture.ts'

let world: FaultWorld | undefined
afterEach(async () => {
  await world?.session.stop()
  world = undefined
})

test('a hanging STS is timed out per attempt and retried; no request fails', async () => {
  world = createFaultWorld({ lifetimeSeconds: 900 })
  await world.prepare()
  const first = await world.session.get()
  world.emulator.faults.failNext('AssumeRole', 2, 'hang')
  const refreshes: { at: number; durationMs: number }[] = []
  world.session.on('refresh', (e) =>
    refreshes.push({ at: world!.clock.now() - T0, durationMs: e.durationMs }),
  )
  const { failures } = await runJob(world, 1_020_000, 30_000)
  expect(failures).toEqual([])
  expect(world.emulator.stats().faultsInjected.hang).toBe(2)
  expect(world.assumeRoleCalls()).toBe(4)
  // Both hangs fell within one refresh's three attempts: no refresh failed.
  expect(world.refreshErrors).toEqual([])
  // Two attempts of 10 s each timed out (simulated time), so that refresh took over 20 s, and
  // still ended before the old key expired at 900 s.
  expect(refreshes).toHaveLength(1)
  expect(refreshes[0]!.durationMs).toBeGreaterThanOrEqual(20_000)
  expect(refreshes[0]!.at).toBeLessThan(900_000)
  expect((await world.session.get()).accessKeyId).not.toBe(first.accessKeyId)
})
