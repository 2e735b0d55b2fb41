/**
 * Fault: the emulator restarts mid-run, so every temporary key it issued is unknown (S3
 * InvalidAccessKeyId, DynamoDB UnrecognizedClientException, STS InvalidClientTokenId) while
 * the base keys still work.
 *
 * A temporary key the service does not know is treated like an expired one: the request layer
 * invalidates it, the session refreshes once, and the request is re-signed and retried.
 */
import { afterEach, expect, test } from 'bun:test'
import { createFaultWorld, drive, runJob, work } from './fixture.ts'
import type { FaultWorld } from './fixture.ts'

let world: FaultWorld | undefined
afterEach(async () => {
  await world?.session.stop()
  world = undefined
})

test(
  'every temporary key forgotten mid-run: one refresh, and no request fails',
  async () => {
    world = createFaultWorld({ lifetimeSeconds: 900 })
    await world.prepare()
    expect((await runJob(world, 300_000, 30_000)).failures).toEqual([])
    const calls = world.assumeRoleCalls()
    const old = await world.session.get()
    world.emulator.forgetTemporaryCredentials()
    expect(await drive(world.clock, work(world, 1000))).toBeUndefined()
    expect((await runJob(world, 300_000, 30_000)).failures).toEqual([])
    expect(world.assumeRoleCalls()).toBe(calls + 1)
    expect((await world.session.get()).accessKeyId).not.toBe(old.accessKeyId)
  },
)
