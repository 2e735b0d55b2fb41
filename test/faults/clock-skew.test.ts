/**
 * Fault: the local clock is 15 minutes ahead of or behind AWS. The first signed request is
 * refused for its time (STS and DynamoDB "Signature expired/not yet current", S3
 * RequestTimeTooSkewed); the client adopts the offset from the response's Date header, re-signs
 * once, and from then on signs and judges expiry in AWS's time: no request of the job fails and
 * refreshes happen once per lifetime, not on every call.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { createFaultWorld, drive, runJob } from './fixture.ts'
import type { FaultWorld } from './fixture.ts'

let world: FaultWorld | undefined
afterEach(async () => {
  await world?.session.stop()
  world = undefined
})

describe('clock skew', () => {
  for (const skewMs of [15 * 60_000, -15 * 60_000]) {
    test(`a local clock ${skewMs > 0 ? 'ahead' : 'behind'} by 15 min: one re-timed request, then no failures`, async () => {
      world = createFaultWorld({ lifetimeSeconds: 900, clientSkewMs: skewMs })
      await drive(world.clock, world.prepare())
      const { failures } = await runJob(world, 3 * 900_000, 30_000)
      expect(failures).toEqual([])
      const stats = world.emulator.stats()
      // Only the very first request was refused for its time.
      const refused = Object.entries(stats.rejections)
      expect(refused).toEqual([['SignatureDoesNotMatch', 1]])
      // 2700 s of 900 s credentials: the first AssumeRole (refused once, re-timed) plus one
      // refresh per lifetime, never one per request.
      expect(world.assumeRoleCalls()).toBe(5)
    })
  }
})
