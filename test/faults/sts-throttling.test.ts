/**
 * Fault: STS throttles a burst of AssumeRole calls while the job runs. The refresh retries
 * (request layer, then the session's backoff) while the current credentials keep serving: no
 * request of the job fails, and new credentials arrive once the burst is over.
 */
import { afterEach, expect, test } from 'bun:test'
import { createFaultWorld, drive, runJob } from './fixture.ts'
import type { FaultWorld } from './fixture.ts'

let world: FaultWorld | undefined
afterEach(async () => {
  await world?.session.stop()
  world = undefined
})

test('an STS throttling burst at refresh time fails no request and ends in one new key', async () => {
  world = createFaultWorld({ lifetimeSeconds: 900 })
  await world.prepare()
  const first = await world.session.get()
  // 12 throttled calls: more than the request layer's 3 attempts, so the session backs off too.
  world.emulator.faults.failNext('AssumeRole', 12, 'throttle')
  const { units, failures } = await runJob(world, 900_000 + 120_000, 30_000)
  expect(failures).toEqual([])
  expect(units).toBe(34)
  const stats = world.emulator.stats()
  expect(stats.rejections.Throttling).toBe(12)
  expect(stats.faultsInjected.throttle).toBe(12)
  // The burst was absorbed before expiry; the session then runs on its second key.
  const now = await world.session.get()
  expect(now.accessKeyId).not.toBe(first.accessKeyId)
  expect(world.refreshErrors.length).toBeGreaterThanOrEqual(1)
  expect(world.refreshErrors.every((e) => e.willRetry)).toBe(true)
  expect(String((world.refreshErrors[0]!.error as Error).message)).toContain(
    'STS.AssumeRole: Throttling: Rate exceeded',
  )
  // 1 initial + the 12 throttled attempts + 1 success (and nothing per request).
  expect(world.assumeRoleCalls()).toBe(14)
  expect(await drive(world.clock, world.sts.getCallerIdentity())).toMatchObject({
    Arn: 'arn:aws:sts::123456789012:assumed-role/faults/faults',
  })
})
