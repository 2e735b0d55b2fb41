import { describe, expect, test } from 'bun:test'
import { createManualClock } from '../../src/clock.ts'
import { createEmulator, type EmulatorOptions } from '../../src/emulator/emulator.ts'
import {
  aws4Sign,
  callSts,
  credentialsFromXml,
  smithySign,
  type TestCredentials,
  xmlTag,
} from './sigv4-helpers.ts'

const ROLE = 'arn:aws:iam::123456789012:role/demo'
const START = Date.UTC(2026, 0, 1)

function setup(options: EmulatorOptions = {}) {
  const clock = createManualClock(START)
  const emulator = createEmulator({ clock, ...options })
  const assume = async (
    params: Record<string, string> = {},
  ): Promise<Required<TestCredentials> & { expiration: string }> => {
    const response = await callSts(emulator, emulator.baseCredentials, {
      Action: 'AssumeRole',
      RoleArn: ROLE,
      RoleSessionName: 'sess',
      ...params,
    }, { clock })
    if (response.status !== 200) throw new Error(await response.text())
    return credentialsFromXml(await response.text())
  }
  return { clock, emulator, assume }
}

/** The AWS error code of a response in any of the three formats. */
async function codeOf(response: Response): Promise<string | undefined> {
  const text = await response.text()
  if (text.startsWith('{')) {
    const body = JSON.parse(text) as { __type?: string }
    return body.__type?.split('#').pop()
  }
  return xmlTag(text, 'Code')
}

const s3Get = (creds: TestCredentials, now: number, options: { presign?: boolean } = {}) =>
  smithySign(
    {
      method: 'GET',
      host: '127.0.0.1:4566',
      segments: ['no-such-bucket'],
      query: {},
      headers: options.presign ? {} : { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    },
    creds,
    's3',
    now,
    { presign: options.presign ?? false },
  )

const ddbCall = (creds: TestCredentials, now: number) =>
  smithySign(
    {
      method: 'POST',
      host: '127.0.0.1:4566',
      segments: [],
      query: {},
      headers: {
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        'content-type': 'application/x-amz-json-1.0',
      },
      body: '{}',
    },
    creds,
    'dynamodb',
    now,
  )

describe('expiry is exact', () => {
  test('a temporary key works 1 ms before its Expiration and is rejected at it, in each service format', async () => {
    const { clock, emulator, assume } = setup({ lifetimeSeconds: 900 })
    const creds = await assume()
    const expiration = Date.parse(creds.expiration)
    expect(expiration).toBe(START + 900_000)

    await clock.set(expiration - 1)
    const before = await callSts(emulator, creds, { Action: 'GetCallerIdentity' }, { clock })
    expect(before.status).toBe(200)
    // S3 and DynamoDB get past authentication (whatever their modules answer next).
    expect(await codeOf(await emulator.handler(await s3Get(creds, clock.now())))).not.toBe(
      'ExpiredToken',
    )
    expect(await codeOf(await emulator.handler(await ddbCall(creds, clock.now())))).not.toBe(
      'ExpiredTokenException',
    )

    await clock.set(expiration)
    const at = await callSts(emulator, creds, { Action: 'GetCallerIdentity' }, { clock })
    const xml = await at.text()
    expect([at.status, xmlTag(xml, 'Code'), xmlTag(xml, 'Message')]).toEqual([
      403,
      'ExpiredToken',
      'The security token included in the request is expired',
    ])
    const s3 = await emulator.handler(await s3Get(creds, clock.now()))
    expect([s3.status, await codeOf(s3)]).toEqual([400, 'ExpiredToken'])
    const ddb = await emulator.handler(await ddbCall(creds, clock.now()))
    expect([ddb.status, await codeOf(ddb)]).toEqual([400, 'ExpiredTokenException'])
    expect(emulator.stats().rejections).toMatchObject({ ExpiredToken: 2, ExpiredTokenException: 1 })
  })

  test('forgetTemporaryCredentials makes issued keys unknown, as after a restart', async () => {
    const { clock, emulator, assume } = setup()
    const creds = await assume()
    emulator.forgetTemporaryCredentials()
    const sts = await callSts(emulator, creds, { Action: 'GetCallerIdentity' }, { clock })
    expect([sts.status, await codeOf(sts)]).toEqual([403, 'InvalidClientTokenId'])
    expect(
      (await callSts(emulator, emulator.baseCredentials, { Action: 'GetCallerIdentity' }, {
        clock,
      })).status,
    ).toBe(200)
  })
})

describe('authentication errors per service', () => {
  test('an unknown key', async () => {
    const { clock, emulator } = setup()
    const stranger = { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x'.repeat(40) }
    const sts = await callSts(emulator, stranger, { Action: 'GetCallerIdentity' }, { clock })
    expect([sts.status, await codeOf(sts)]).toEqual([403, 'InvalidClientTokenId'])
    const s3 = await emulator.handler(await s3Get(stranger, clock.now()))
    expect([s3.status, await codeOf(s3)]).toEqual([403, 'InvalidAccessKeyId'])
    const ddb = await emulator.handler(await ddbCall(stranger, clock.now()))
    expect([ddb.status, await codeOf(ddb)]).toEqual([400, 'UnrecognizedClientException'])
  })

  test('a temporary key without its token, or with a wrong one', async () => {
    const { clock, emulator, assume } = setup()
    const creds = await assume()
    const noToken = { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey }
    const wrong = { ...creds, sessionToken: `${creds.sessionToken.slice(0, -4)}AAA=` }
    for (
      const [c, s3Code, s3Status] of [[noToken, 'InvalidAccessKeyId', 403], [
        wrong,
        'InvalidToken',
        400,
      ]] as const
    ) {
      const sts = await callSts(emulator, c, { Action: 'GetCallerIdentity' }, { clock })
      expect([sts.status, await codeOf(sts)]).toEqual([403, 'InvalidClientTokenId'])
      const s3 = await emulator.handler(await s3Get(c, clock.now()))
      expect([s3.status, await codeOf(s3)]).toEqual([s3Status, s3Code])
      const ddb = await emulator.handler(await ddbCall(c, clock.now()))
      expect([ddb.status, await codeOf(ddb)]).toEqual([400, 'UnrecognizedClientException'])
    }
  })

  test('X-Amz-Date must be within 5 minutes of the emulator clock', async () => {
    const { clock, emulator } = setup()
    const base = emulator.baseCredentials
    expect(
      (await callSts(emulator, base, { Action: 'GetCallerIdentity' }, { now: START - 300_000 }))
        .status,
    ).toBe(200)
    const old = await callSts(emulator, base, { Action: 'GetCallerIdentity' }, {
      now: START - 301_000,
    })
    const xml = await old.text()
    expect([old.status, xmlTag(xml, 'Code'), xmlTag(xml, 'Message')]).toEqual([
      403,
      'SignatureDoesNotMatch',
      'Signature expired: 20251231T235459Z is now earlier than 20251231T235500Z (20260101T000000Z - 5 min.)',
    ])
    const ahead = await callSts(emulator, base, { Action: 'GetCallerIdentity' }, {
      now: START + 301_000,
    })
    expect(xmlTag(await ahead.text(), 'Message')).toBe(
      'Signature not yet current: 20260101T000501Z is still later than 20260101T000500Z (20260101T000000Z + 5 min.)',
    )
    const s3 = await emulator.handler(await s3Get(base, START - 600_000))
    expect([s3.status, await codeOf(s3)]).toEqual([403, 'RequestTimeTooSkewed'])
    const ddb = await emulator.handler(await ddbCall(base, START + 600_000))
    expect([ddb.status, await codeOf(ddb)]).toEqual([400, 'InvalidSignatureException'])
    expect(clock.now()).toBe(START)
  })

  test('a wrong secret is SignatureDoesNotMatch / InvalidSignatureException', async () => {
    const { clock, emulator } = setup()
    const bad = {
      ...emulator.baseCredentials,
      secretAccessKey: `${emulator.baseCredentials.secretAccessKey}x`,
    }
    const sts = await callSts(emulator, bad, { Action: 'GetCallerIdentity' }, { clock })
    const xml = await sts.text()
    expect([sts.status, xmlTag(xml, 'Code'), xmlTag(xml, 'Message')]).toEqual([
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    ])
    const s3 = await emulator.handler(await s3Get(bad, clock.now()))
    expect([s3.status, await codeOf(s3)]).toEqual([403, 'SignatureDoesNotMatch'])
    const ddb = await emulator.handler(await ddbCall(bad, clock.now()))
    expect([ddb.status, await codeOf(ddb)]).toEqual([400, 'InvalidSignatureException'])
  })

  test('presigned URLs: STS GetCallerIdentity works; an expired S3 URL is AccessDenied', async () => {
    const { clock, emulator } = setup()
    const presigned = await smithySign(
      {
        method: 'GET',
        host: '127.0.0.1:4566',
        segments: [],
        query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
        headers: {},
      },
      emulator.baseCredentials,
      'sts',
      clock.now(),
      { presign: true, expiresIn: 60 },
    )
    expect((await emulator.handler(presigned.clone())).status).toBe(200)
    await clock.advance(60_000)
    const late = await emulator.handler(presigned)
    expect([late.status, await codeOf(late)]).toEqual([403, 'SignatureDoesNotMatch'])
    const s3 = await s3Get(emulator.baseCredentials, START, { presign: true })
    await clock.set(START + 900_000)
    const expired = await emulator.handler(s3)
    const text = await expired.text()
    expect([expired.status, xmlTag(text, 'Code'), xmlTag(text, 'Message')]).toEqual([
      403,
      'AccessDenied',
      'Request has expired',
    ])
  })

  test('a credential scoped to the wrong service, a malformed header, an unsigned DynamoDB call', async () => {
    const { clock, emulator } = setup()
    const wrongScope = await aws4Sign(
      {
        method: 'POST',
        host: '127.0.0.1:4566',
        segments: [],
        query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
        headers: {},
      },
      emulator.baseCredentials,
      'iam',
      clock.now(),
    )
    const scoped = await emulator.handler(wrongScope)
    expect(xmlTag(await scoped.text(), 'Message')).toBe(
      "Credential should be scoped to correct service: 'sts'. ",
    )
    const malformed = await emulator.handler(
      new Request('http://127.0.0.1:4566/?Action=GetCallerIdentity', {
        headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIA/x' },
      }),
    )
    expect([malformed.status, await codeOf(malformed)]).toEqual([400, 'IncompleteSignature'])
    const unsigned = await emulator.handler(
      new Request('http://127.0.0.1:4566/', {
        method: 'POST',
        headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables' },
        body: '{}',
      }),
    )
    expect([unsigned.status, await codeOf(unsigned)]).toEqual([
      400,
      'MissingAuthenticationTokenException',
    ])
  })
})

describe('robustness', () => {
  test('oversized bodies get each service its error, without reading the rest', async () => {
    const { clock, emulator } = setup({ maxBodyBytes: 16 })
    const sts = await callSts(emulator, emulator.baseCredentials, { Action: 'GetCallerIdentity' }, {
      clock,
    })
    expect([sts.status, await codeOf(sts)]).toEqual([413, 'RequestEntityTooLarge'])
    const put = await smithySign(
      {
        method: 'PUT',
        host: '127.0.0.1:4566',
        segments: ['b', 'k'],
        query: {},
        headers: {},
        body: 'x'.repeat(17),
      },
      emulator.baseCredentials,
      's3',
      clock.now(),
    )
    const s3 = await emulator.handler(put)
    expect([s3.status, await codeOf(s3)]).toEqual([400, 'EntityTooLarge'])
  })

  test('odd input never crashes the handler', async () => {
    const { emulator } = setup()
    const inputs = [
      new Request('http://127.0.0.1:4566/%zz/%'),
      new Request('http://127.0.0.1:4566/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=%ZZ'),
      new Request('http://127.0.0.1:4566/', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '%%%&&==',
      }),
      new Request('http://127.0.0.1:4566/', { headers: { authorization: 'AWS AKIA:sig' } }),
      new Request('http://127.0.0.1:4566/_emulator/faults', { method: 'POST', body: '{not json' }),
      new Request('http://127.0.0.1:4566/_oidc/unknown'),
    ]
    const statuses = []
    for (const request of inputs) statuses.push((await emulator.handler(request)).status)
    expect(statuses).toEqual([403, 400, 403, 400, 400, 404])
  })

  test('the admin API answers local tools only: no web page (Origin), no rebound DNS name (Host)', async () => {
    const { emulator } = setup()
    const post = (headers: Record<string, string>, url = 'http://127.0.0.1:4566/_emulator/settings') =>
      emulator.handler(new Request(url, { method: 'POST', headers, body: '{"lifetimeSeconds":1}' }))
    const fromPage = await post({ origin: 'http://evil.example', 'content-type': 'text/plain' })
    expect(fromPage.status).toBe(403)
    expect(await fromPage.json()).toEqual({ error: 'The admin API refuses requests from web pages (an Origin header was sent)' })
    const rebound = await emulator.handler(new Request('http://127.0.0.1:4566/_emulator/stats', { headers: { host: 'evil.example:80' } }))
    expect(rebound.status).toBe(403)
    expect(await rebound.json()).toEqual({ error: 'The admin API answers only on 127.0.0.1 or localhost, not Host "evil.example"' })
    expect((await post({}, 'http://localhost:4566/_emulator/settings')).status).toBe(200)
    expect((await emulator.fetch('http://127.0.0.1:4566/_emulator/settings')).status).toBe(200)
  })

  test('fetch accepts (input, init) like fetch does', async () => {
    const { emulator } = setup()
    const response = await emulator.fetch('http://127.0.0.1:4566/_emulator/health')
    expect(await response.json()).toEqual({
      ok: true,
      accountId: '123456789012',
      region: 'us-east-1',
    })
  })
})

describe('faults and stats', () => {
  test('failNext: the next N calls of an action throttle, then calls succeed', async () => {
    const { clock, emulator } = setup()
    emulator.faults.failNext('AssumeRole', 2, 'throttle')
    const call = () =>
      callSts(emulator, emulator.baseCredentials, {
        Action: 'AssumeRole',
        RoleArn: ROLE,
        RoleSessionName: 'sess',
      }, { clock })
    const codes = []
    for (let i = 0; i < 3; i++) {
      const r = await call()
      codes.push(`${r.status} ${await codeOf(r)}`)
    }
    expect(codes).toEqual(['400 Throttling', '400 Throttling', '200 undefined'])
    expect(
      (await callSts(emulator, emulator.baseCredentials, { Action: 'GetCallerIdentity' }, {
        clock,
      })).status,
    ).toBe(200)
    expect(emulator.stats()).toMatchObject({
      stsCalls: { AssumeRole: 3, GetCallerIdentity: 1 },
      faultsInjected: { throttle: 2 },
      rejections: { Throttling: 2 },
      credentialsIssued: 1,
      requestsByService: { sts: 4 },
    })
  })

  test('5xx faults render as the service renders server errors', async () => {
    const { clock, emulator } = setup()
    emulator.faults.failNext('sts', 1, 'error')
    const r = await callSts(emulator, emulator.baseCredentials, { Action: 'GetCallerIdentity' }, {
      clock,
    })
    const xml = await r.text()
    expect([r.status, xmlTag(xml, 'Type'), xmlTag(xml, 'Code')]).toEqual([
      500,
      'Receiver',
      'InternalFailure',
    ])
  })

  test('a failure rate uses the injected random source', async () => {
    const rolls = [0.05, 0.5, 0.05]
    const { clock, emulator } = setup({ random: () => rolls.shift() ?? 1 })
    emulator.faults.setFailureRate('GetCallerIdentity', 0.1, 'error')
    const statuses = []
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await callSts(emulator, emulator.baseCredentials, { Action: 'GetCallerIdentity' }, {
          clock,
        })).status,
      )
    }
    expect(statuses).toEqual([500, 200, 500, 200])
  })

  test('a hang ends at maxHangMs with ServiceUnavailable', async () => {
    const { clock, emulator } = setup({ maxHangMs: 5 })
    emulator.faults.failNext('GetCallerIdentity', 1, 'hang')
    const r = await callSts(emulator, emulator.baseCredentials, { Action: 'GetCallerIdentity' }, {
      clock,
    })
    expect([r.status, await codeOf(r)]).toEqual([503, 'ServiceUnavailable'])
    expect(emulator.stats().faultsInjected).toEqual({ hang: 1 })
  })

  test('a hang ends as soon as the client aborts', async () => {
    // maxHangMs is an hour: only the abort can end this call before the test times out.
    const { clock, emulator } = setup({ maxHangMs: 3_600_000 })
    emulator.faults.failNext('GetCallerIdentity', 1, 'hang')
    const controller = new AbortController()
    const pending = callSts(emulator, emulator.baseCredentials, { Action: 'GetCallerIdentity' }, {
      clock,
      signal: controller.signal,
    })
    await clock.settle()
    expect(emulator.stats().faultsInjected).toEqual({ hang: 1 })
    controller.abort()
    expect((await pending).status).toBe(503)
    expect(emulator.faults.snapshot().rules).toEqual([])
  })

  test('the admin API reads stats, sets faults and settings, and forgets keys', async () => {
    const { clock, emulator, assume } = setup()
    const admin = (path: string, method = 'GET', body?: unknown) =>
      emulator.handler(
        new Request(`http://127.0.0.1:4566/_emulator/${path}`, {
          method,
          ...(body ? { body: JSON.stringify(body) } : {}),
        }),
      )
    expect(
      (await (await admin('faults', 'POST', { target: 'AssumeRole', count: 1, kind: 'error' }))
        .json()) as object,
    ).toEqual({
      rules: [{ target: 'AssumeRole', kind: 'error', remaining: 1 }],
      latency: {},
    })
    expect((await admin('faults', 'POST', { target: 'AssumeRole', kind: 'boom', count: 1 })).status)
      .toBe(400)
    await admin('faults', 'DELETE')
    expect(
      await (await admin('settings', 'PATCH', {
        lifetimeSeconds: 30,
        dynamodbUnprocessedPerBatch: 2,
      })).json(),
    ).toEqual({
      dynamodbUnprocessedPerBatch: 2,
      lifetimeSeconds: 30,
    })
    expect(emulator.settings.dynamodbUnprocessedPerBatch).toBe(2)
    const creds = await assume()
    expect(creds.expiration).toBe('2026-01-01T00:00:30Z')
    await admin('forget-temporary-credentials', 'POST')
    expect(await codeOf(await callSts(emulator, creds, { Action: 'GetCallerIdentity' }, { clock })))
      .toBe('InvalidClientTokenId')
    const stats = (await (await admin('stats')).json()) as {
      stsCalls: Record<string, number>
      requestsByService: Record<string, number>
    }
    expect(stats.stsCalls).toEqual({ AssumeRole: 1, GetCallerIdentity: 1 })
    expect(stats.requestsByService).toEqual({ admin: 6, sts: 2 })
    expect((await admin('nope')).status).toBe(404)
  })
})
