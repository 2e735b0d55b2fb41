/**
 * Fault: STS answers 500 InternalFailure to a run of AssumeRole calls near expiry. Retried by
 * the request layer and then by the session's backoff, bounded by the time left; no request of
 * the job fails and the session moves to a new key.
 */
import { afterEach, expect, test } from 'bun:test'
import { createFaultWorld, runJob } from './fixture.ts'
import type { FaultWorld } from './fixture.ts'

let world: FaultWorld | undefined
afterEach(async () => {
  await world?.session.stop()
  world = undefined
})

test('STS 5xx during refresh fails no request; the session recovers on its own', async () => {
  world = createFaultWorld({ lifetimeSeconds: 900 })
  await world.prepare()
  const first = await world.session.get()
  world.emulator.faults.failNext('AssumeRole', 7, 'error')
  const { units, failures } = await runJob(world, 1_020_000, 30_000)
  expect(failures).toEqual([])
  expect(units).toBe(34)
  const stats = world.emulator.stats()
  expect(stats.rejections.InternalFailure).toBe(7)
  expect(world.assumeRoleCalls()).toBe(9)
  expect((await world.session.get()).accessKeyId).not.toBe(first.accessKeyId)
  const messages = world.refreshErrors.map((e) => (e.error as Error).message)
  expect(messages[0]).toStartWith(
    'STS.AssumeRole: InternalFailure: The request processing has failed',
  )
  expect(world.refreshErrors.every((e) => e.willRetry && (e.credentialsValidForMs ?? 0) > 0)).toBe(
    true,
  )
})
