/**
 * Fault: the emulator restarts mid-run, so every temporary key it issued is unknown (S3
 * InvalidAccessKeyId, DynamoDB UnrecognizedClientException, STS InvalidClientTokenId) while
 * the base keys still work.
 *
 * Today the request layer refreshes only on ExpiredToken-class codes, so requests fail with the
 * service's "unknown key" error until the session's next scheduled refresh, and then recover by
 * themselves. The better behaviour (a temporary key the service does not know is treated like an
 * expired one: invalidate, refresh once, retry) is pinned below as `test.failing` until
 * src/aws/request.ts adopts it (reported on issue 7).
 */
import { afterEach, expect, test } from 'bun:test'
import { isAwsServiceError } from '../../src/errors.ts'
import { createFaultWorld, drive, runJob, work } from './fixture.ts'
import type { FaultWorld } from './fixture.ts'

let world: FaultWorld | undefined
afterEach(async () => {
  await world?.session.stop()
  world = undefined
})

const UNKNOWN_KEY = new Set([
  'InvalidAccessKeyId',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
])

test('every temporary key forgotten mid-run: clear errors at worst, recovery by the next refresh', async () => {
  world = createFaultWorld({ lifetimeSeconds: 900 })
  await world.prepare()
  expect((await runJob(world, 300_000, 30_000)).failures).toEqual([])
  world.emulator.forgetTemporaryCredentials()
  // Until the next scheduled refresh (at most one lifetime away), failures are only the
  // services' own "unknown key" errors: no hang, no other error.
  const during = await runJob(world, 900_000, 30_000)
  for (const failure of during.failures) {
    expect(isAwsServiceError(failure) && UNKNOWN_KEY.has(failure.code)).toBe(true)
  }
  const after = await runJob(world, 300_000, 30_000)
  expect(after.failures).toEqual([])
})

test.failing(
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
