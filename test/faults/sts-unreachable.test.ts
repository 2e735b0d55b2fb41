/**
 * Fault: STS unreachable (connection refused) for a while. Shorter than the credentials' life
 * left: nothing fails, the session refreshes when STS is back. Longer: requests fail only once
 * the credentials have expired, with a CredentialsError that names the source, the network
 * error and the expiry, and work resumes by itself as soon as STS answers again.
 */
import { afterEach, expect, test } from 'bun:test'
import { isCredentialsError } from '../../src/errors.ts'
import { createFaultWorld, drive, rejection, runJob, serviceOf, T0, work } from './fixture.ts'
import type { FaultWorld } from './fixture.ts'

let world: FaultWorld | undefined
afterEach(async () => {
  await world?.session.stop()
  world = undefined
})

function stsDown(w: FaultWorld, down: { value: boolean }): void {
  w.intercept = (request) => {
    if (down.value && serviceOf(request) === 'sts') {
      throw new TypeError('fetch failed: connect ECONNREFUSED 127.0.0.1:443')
    }
    return undefined
  }
}

test('STS unreachable for less than the remaining life: no request fails', async () => {
  world = createFaultWorld({ lifetimeSeconds: 900 })
  await world.prepare()
  const first = await world.session.get()
  const down = { value: false }
  stsDown(world, down)
  // Down from 800 s to 880 s: across the advisory window, back 20 s before expiry.
  await world.clock.advance(800_000)
  down.value = true
  const during = await runJob(world, 80_000, 10_000)
  down.value = false
  const after = await runJob(world, 60_000, 10_000)
  expect([...during.failures, ...after.failures]).toEqual([])
  expect(world.refreshErrors.length).toBeGreaterThanOrEqual(1)
  expect((world.refreshErrors[0]!.error as Error).message).toBe(
    'STS.AssumeRole: NetworkError: request to aws.emulator.test failed: fetch failed: connect ECONNREFUSED 127.0.0.1:443',
  )
  expect(world.refreshErrors.every((e) => e.willRetry)).toBe(true)
  expect((await world.session.get()).accessKeyId).not.toBe(first.accessKeyId)
})

test('STS unreachable past expiry: a clear CredentialsError after expiry, then recovery', async () => {
  world = createFaultWorld({ lifetimeSeconds: 900 })
  await world.prepare()
  await world.session.get()
  const down = { value: false }
  stsDown(world, down)
  await world.clock.advance(800_000)
  down.value = true
  // Until 900 s every unit succeeds on the cached credentials.
  const before = await runJob(world, 90_000, 10_000)
  expect(before.failures).toEqual([])
  await world.clock.set(T0 + 905_000)
  const failed = await rejection(
    drive(world.clock, world.s3.putObject({ Bucket: 'data', Key: 'late', Body: 'x' })),
  )
  expect(isCredentialsError(failed)).toBe(true)
  expect(failed.message).toBe(
    'Could not refresh credentials from assume-role: STS.AssumeRole: NetworkError: request to ' +
      'aws.emulator.test failed: fetch failed: connect ECONNREFUSED 127.0.0.1:443; the cached ones ' +
      'expired at 2026-01-01T00:15:00.000Z',
  )
  const ddbFailed = await rejection(
    drive(world.clock, world.ddb.getItem({ TableName: 'items', Key: { pk: 'x' } })),
  )
  expect(isCredentialsError(ddbFailed)).toBe(true)
  // Nothing reached S3 or DynamoDB with expired credentials.
  expect(world.emulator.stats().rejections.ExpiredToken ?? 0).toBe(0)
  down.value = false
  expect(await drive(world.clock, work(world, 999))).toBeUndefined()
  const recovered = await runJob(world, 60_000, 10_000)
  expect(recovered.failures).toEqual([])
})
