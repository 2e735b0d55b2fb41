/**
 * Fault: a request signed with credentials the session still holds as valid is refused as
 * expired (the request crossed the expiry in flight, or the key was cut short): S3 answers
 * ExpiredToken (400), DynamoDB ExpiredTokenException. The client invalidates that key, the
 * session refreshes once, the request is re-signed and retried once, and it succeeds.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { createFaultWorld, drive, serviceOf } from './fixture.ts'
import type { FaultWorld } from './fixture.ts'

let world: FaultWorld | undefined
afterEach(async () => {
  await world?.session.stop()
  world = undefined
})

const keyOf = (request: Request): string =>
  /Credential=([A-Z0-9]+)\//.exec(request.headers.get('authorization') ?? '')?.[1] ?? ''

const EXPIRED: Record<'s3' | 'dynamodb', () => Response> = {
  s3: () =>
    new Response(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>ExpiredToken</Code><Message>The provided ' +
        'token has expired.</Message><RequestId>R1</RequestId><HostId>H1</HostId></Error>',
      { status: 400, headers: { 'content-type': 'application/xml' } },
    ),
  dynamodb: () =>
    new Response(
      JSON.stringify({
        __type: 'com.amazon.coral.service#ExpiredTokenException',
        message: 'The security token included in the request is expired',
      }),
      { status: 400, headers: { 'content-type': 'application/x-amz-json-1.0' } },
    ),
}

describe('ExpiredToken mid-flight', () => {
  for (const service of ['s3', 'dynamodb'] as const) {
    test(`${service}: one refresh, one re-signed retry, success`, async () => {
      world = createFaultWorld({ lifetimeSeconds: 900 })
      await world.prepare()
      const old = await world.session.get()
      const calls = world.assumeRoleCalls()
      const keys: string[] = []
      let refused = 0
      world.intercept = (request) => {
        if (serviceOf(request) !== service) return undefined
        keys.push(keyOf(request))
        if (keyOf(request) === old.accessKeyId && refused === 0) {
          refused++
          return EXPIRED[service]()
        }
        return undefined
      }
      await world.clock.advance(300_000)
      if (service === 's3') {
        await drive(
          world.clock,
          world.s3.putObject({ Bucket: 'data', Key: 'mid-flight', Body: 'bytes' }),
        )
        const back = await drive(
          world.clock,
          world.s3.getObject({ Bucket: 'data', Key: 'mid-flight' }),
        )
        expect(await back.Body.text()).toBe('bytes')
      } else {
        await drive(
          world.clock,
          world.ddb.putItem({ TableName: 'items', Item: { pk: 'mid-flight' } }),
        )
        const back = await drive(
          world.clock,
          world.ddb.getItem({ TableName: 'items', Key: { pk: 'mid-flight' } }),
        )
        expect(back.Item).toEqual({ pk: 'mid-flight' })
      }
      expect(refused).toBe(1)
      expect(world.assumeRoleCalls()).toBe(calls + 1)
      const fresh = await world.session.get()
      expect(fresh.accessKeyId).not.toBe(old.accessKeyId)
      expect(keys).toEqual([old.accessKeyId, fresh.accessKeyId, fresh.accessKeyId])
    })
  }
})
