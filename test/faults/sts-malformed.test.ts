/**
 * Fault: STS (or something in front of it) answers AssumeRole with a body that is not a valid
 * STS response: truncated XML, an empty body, garbage, or an HTML error page from a proxy.
 * Without credentials yet: one clear error naming the call and what was wrong. With valid
 * credentials: they keep serving, the failure is reported, and a later refresh recovers.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { isCredentialsError } from '../../src/errors.ts'
import { createFaultWorld, drive, rejection, runJob, serviceOf } from './fixture.ts'
import type { FaultWorld } from './fixture.ts'

let world: FaultWorld | undefined
afterEach(async () => {
  await world?.session.stop()
  world = undefined
})

const PROXY_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n'

/** Answer AssumeRole with `make(realAnswer)` while `active` says so. */
function breakAssumeRole(
  w: FaultWorld,
  active: { value: boolean },
  make: (xml: string) => Response,
): void {
  w.intercept = async (request) => {
    if (!active.value || serviceOf(request) !== 'sts') return undefined
    if (!(await request.clone().text()).includes('Action=AssumeRole')) return undefined
    const real = await w.emulator.handler(request)
    return make(await real.text())
  }
}

const CASES: readonly { name: string; make: (xml: string) => Response; message: RegExp }[] = [
  {
    name: 'truncated XML',
    make: (xml) => new Response(xml.slice(0, Math.floor(xml.length / 2)), { status: 200 }),
    message:
      /^STS\.AssumeRole: MalformedResponse: unexpected response: Malformed XML at \d+:\d+: .*input ends early/,
  },
  {
    name: 'an empty body',
    make: () => new Response('', { status: 200 }),
    message:
      /^STS\.AssumeRole: MalformedResponse: unexpected response: Malformed XML at 1:1: no root element \(empty document\)$/,
  },
  {
    name: 'well-formed XML without credentials',
    make: () =>
      new Response('<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>', { status: 200 }),
    message:
      /^STS\.AssumeRole: MalformedResponse: unexpected response: AssumeRoleResult has no complete Credentials$/,
  },
  {
    name: 'an HTML page with status 200 (a captive portal)',
    make: () => new Response(PROXY_PAGE, { status: 200, headers: { 'content-type': 'text/html' } }),
    message: /^STS\.AssumeRole: MalformedResponse: unexpected response: Malformed XML at \d+:\d+: /,
  },
  {
    name: "a proxy's HTML 502 page",
    make: () => new Response(PROXY_PAGE, { status: 502, headers: { 'content-type': 'text/html' } }),
    // A 5xx (retried three times), its code from the status, the page squeezed onto one line.
    message:
      /^STS\.AssumeRole: BadGateway: <html> <head><title>502 Bad Gateway<\/title><\/head> <body> .*nginx.*<\/html>$/,
  },
]

describe('malformed AssumeRole answers', () => {
  for (const { name, make, message } of CASES) {
    test(`${name}: one clear error first, then cached credentials keep serving`, async () => {
      world = createFaultWorld({ lifetimeSeconds: 900 })
      const active = { value: true }
      breakAssumeRole(world, active, make)
      const first = await rejection(drive(world.clock, world.session.get()))
      expect(isCredentialsError(first)).toBe(true)
      expect(first.message).toStartWith('Could not refresh credentials from assume-role: ')
      expect(
        first.message.slice('Could not refresh credentials from assume-role: '.length),
      ).toMatch(message)
      expect(first.message).not.toMatch(/[\r\n]/)
      // STS healthy again: the job starts; broken again near expiry: nothing fails.
      active.value = false
      await world.clock.advance(60_000)
      const start = await drive(world.clock, world.session.get())
      await drive(world.clock, world.prepare())
      active.value = true
      const broken = await runJob(world, 880_000, 40_000)
      expect(broken.failures).toEqual([])
      expect(world.refreshErrors.length).toBeGreaterThanOrEqual(2)
      active.value = false
      const healed = await runJob(world, 120_000, 20_000)
      expect(healed.failures).toEqual([])
      expect((await world.session.get()).accessKeyId).not.toBe(start.accessKeyId)
    })
  }
})
