/**
 * Fault: a refresh is refused for good: AssumeRole answers AccessDenied (the trust policy or the
 * caller's permissions changed), or AssumeRoleWithWebIdentity answers InvalidIdentityToken (the
 * token file now holds a bad token). Permanent errors are not retried in a loop: the cached
 * credentials keep serving until they expire (with one more attempt at the start of the
 * mandatory window), then every request fails at once with a CredentialsError naming the
 * cause, costing one STS call per request at most; it works again when STS accepts again.
 */
import { afterEach, expect, test } from 'bun:test'
import { fromWebIdentityTokenFile } from '../../src/credentials/web-identity.ts'
import { isCredentialsError } from '../../src/errors.ts'
import { createFaultWorld, drive, rejection, ROLE_ARN, runJob, serviceOf, T0 } from './fixture.ts'
import type { FaultWorld } from './fixture.ts'

let world: FaultWorld | undefined
afterEach(async () => {
  await world?.session.stop()
  world = undefined
})

const ACCESS_DENIED =
  '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
  '<Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/emulator is not ' +
  'authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/faults</Message>' +
  '</Error><RequestId>11111111-1111-1111-1111-111111111111</RequestId></ErrorResponse>'

test('AccessDenied on refresh: no retry storm, a clear error after expiry, recovery later', async () => {
  world = createFaultWorld({ lifetimeSeconds: 900 })
  await world.prepare()
  const denied = { value: true }
  let deniedCalls = 0
  world.intercept = async (request) => {
    if (!denied.value || serviceOf(request) !== 'sts') return undefined
    if (!(await request.text()).includes('Action=AssumeRole')) return undefined
    deniedCalls++
    return new Response(ACCESS_DENIED, { status: 403, headers: { 'content-type': 'text/xml' } })
  }
  const before = await runJob(world, 890_000, 10_000)
  expect(before.failures).toEqual([])
  // Permanent: one attempt at the advisory window, one more at the mandatory window; never
  // retried by the request layer, never once per request.
  expect(deniedCalls).toBe(2)
  expect(world.refreshErrors.map((e) => (e.error as Error).message)).toEqual([
    expect.stringContaining(
      'STS.AssumeRole: AccessDenied: User: arn:aws:iam::123456789012:user/emulator is not authorized',
    ),
    expect.stringContaining('STS.AssumeRole: AccessDenied: '),
  ])
  await world.clock.set(T0 + 901_000)
  const failed = await rejection(
    drive(world.clock, world.s3.putObject({ Bucket: 'data', Key: 'k', Body: 'x' })),
  )
  expect(isCredentialsError(failed)).toBe(true)
  expect(failed.message).toStartWith(
    'Could not refresh credentials from assume-role: STS.AssumeRole: AccessDenied: User: ' +
      'arn:aws:iam::123456789012:user/emulator is not authorized to perform: sts:AssumeRole',
  )
  expect(failed.message).toEndWith('; the cached ones expired at 2026-01-01T00:15:00.000Z')
  expect(deniedCalls).toBe(3)
  denied.value = false
  expect((await runJob(world, 60_000, 10_000)).failures).toEqual([])
})

test('InvalidIdentityToken on refresh: surfaced at once, not retried in a loop', async () => {
  let token = ''
  world = createFaultWorld({
    lifetimeSeconds: 900,
    makeSource: (deps) =>
      fromWebIdentityTokenFile({
        ...deps,
        roleArn: ROLE_ARN,
        roleSessionName: 'oidc',
        webIdentityTokenFile: '/var/run/token',
        readTextFile: async () => token,
      }),
  })
  token = await world.emulator.oidc.mint({ lifetimeSeconds: 24 * 3600 })
  await world.prepare()
  // The token file is replaced by one signed with another key (the last byte changed).
  token = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`
  const during = await runJob(world, 890_000, 10_000)
  expect(during.failures).toEqual([])
  const stats = world.emulator.stats()
  expect(stats.stsCalls.AssumeRoleWithWebIdentity).toBe(3)
  expect(stats.rejections.InvalidIdentityToken).toBe(2)
  expect(world.refreshErrors).toHaveLength(2)
  expect((world.refreshErrors[0]!.error as Error).message).toMatch(
    /^STS\.AssumeRoleWithWebIdentity: InvalidIdentityToken: /,
  )
  await world.clock.set(T0 + 901_000)
  const failed = await rejection(
    drive(world.clock, world.ddb.getItem({ TableName: 'items', Key: { pk: 'x' } })),
  )
  expect(isCredentialsError(failed)).toBe(true)
  expect(failed.message).toMatch(
    /^Could not refresh credentials from web-identity: STS\.AssumeRoleWithWebIdentity: InvalidIdentityToken: /,
  )
  expect(world.emulator.stats().stsCalls.AssumeRoleWithWebIdentity).toBe(4)
})
