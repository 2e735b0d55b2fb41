import { describe, expect, test } from 'bun:test'
import { createManualClock } from '../../src/clock.ts'
import { createEmulator, type EmulatorOptions } from '../../src/emulator/emulator.ts'
import { callSts, credentialsFromXml, type TestCredentials, xmlTag } from './sigv4-helpers.ts'

const ROLE = 'arn:aws:iam::123456789012:role/demo'
const START = Date.UTC(2026, 0, 1, 0, 0, 0)

function setup(options: EmulatorOptions = {}) {
  const clock = createManualClock(START)
  const emulator = createEmulator({ clock, ...options })
  const sts = (
    params: Record<string, string>,
    creds: TestCredentials = emulator.baseCredentials,
    extra: { accept?: string; method?: 'GET' | 'POST' } = {},
  ) => callSts(emulator, creds, params, { clock, ...extra })
  return { clock, emulator, sts }
}

async function errorOf(
  response: Response,
): Promise<{ status: number; code?: string; message?: string; type?: string }> {
  const xml = await response.text()
  return {
    status: response.status,
    code: xmlTag(xml, 'Code'),
    message: xmlTag(xml, 'Message'),
    type: xmlTag(xml, 'Type'),
  }
}

describe('AssumeRole', () => {
  test('answers in the STS XML shape with an ASIA key, 40-char secret, token and Expiration', async () => {
    const { sts, emulator } = setup()
    const response = await sts({
      Action: 'AssumeRole',
      RoleArn: ROLE,
      RoleSessionName: 'build-42',
      DurationSeconds: '900',
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/xml')
    const xml = await response.text()
    const requestId = response.headers.get('x-amzn-RequestId')!
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(xml).toStartWith(
      '<?xml version="1.0" encoding="UTF-8"?>\n<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n  <AssumeRoleResult>\n    <AssumedRoleUser>\n',
    )
    expect(xml).toContain(
      `<ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</AssumeRoleResponse>`,
    )
    const creds = credentialsFromXml(xml)
    expect(creds.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/)
    expect(creds.secretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/)
    expect(creds.sessionToken.length).toBeGreaterThan(300)
    expect(creds.expiration).toBe('2026-01-01T00:15:00Z')
    expect(xmlTag(xml, 'Arn')).toBe('arn:aws:sts::123456789012:assumed-role/demo/build-42')
    expect(xmlTag(xml, 'AssumedRoleId')).toMatch(/^AROA[A-Z2-7]{17}:build-42$/)
    expect(xml).not.toContain('PackedPolicySize')
    expect(emulator.stats().credentialsIssued).toBe(1)
  })

  test('lifetimeSeconds overrides DurationSeconds; default duration is 3600', async () => {
    const short = setup({ lifetimeSeconds: 20 })
    const a = credentialsFromXml(
      await (await short.sts({
        Action: 'AssumeRole',
        RoleArn: ROLE,
        RoleSessionName: 'aa',
        DurationSeconds: '43200',
      })).text(),
    )
    expect(a.expiration).toBe('2026-01-01T00:00:20Z')
    const plain = setup()
    const b = credentialsFromXml(
      await (await plain.sts({ Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'bb' }))
        .text(),
    )
    expect(b.expiration).toBe('2026-01-01T01:00:00Z')
  })

  test('JSON when the client accepts application/json: same nesting, Expiration in epoch seconds', async () => {
    const { sts } = setup()
    const response = await sts(
      { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'json' },
      undefined,
      { accept: 'application/json' },
    )
    expect(response.headers.get('content-type')).toBe('application/json')
    const body = (await response.json()) as {
      AssumeRoleResponse: {
        AssumeRoleResult: {
          Credentials: Record<string, unknown>
          AssumedRoleUser: Record<string, string>
        }
        ResponseMetadata: { RequestId: string }
      }
    }
    const result = body.AssumeRoleResponse.AssumeRoleResult
    expect(result.Credentials.Expiration).toBe(START / 1000 + 3600)
    expect(result.Credentials.AccessKeyId).toMatch(/^ASIA/)
    expect(result.AssumedRoleUser.Arn).toBe('arn:aws:sts::123456789012:assumed-role/demo/json')
    expect(body.AssumeRoleResponse.ResponseMetadata.RequestId).toBe(
      response.headers.get('x-amzn-RequestId')!,
    )
  })

  test('GET with the query string works like the form POST', async () => {
    const { sts } = setup()
    const response = await sts(
      { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'via-get' },
      undefined,
      { method: 'GET' },
    )
    expect(response.status).toBe(200)
    expect(xmlTag(await response.text(), 'Arn')).toBe(
      'arn:aws:sts::123456789012:assumed-role/demo/via-get',
    )
  })

  test('validation errors are collected and worded as AWS words them', async () => {
    const { sts } = setup()
    expect(
      await errorOf(
        await sts({ Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'bad name!' }),
      ),
    ).toEqual({
      status: 400,
      type: 'Sender',
      code: 'ValidationError',
      message:
        "1 validation error detected: Value 'bad name!' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    })
    expect(
      await errorOf(
        await sts({ Action: 'AssumeRole', RoleArn: 'arn:aws', DurationSeconds: '899' }),
      ),
    ).toEqual({
      status: 400,
      type: 'Sender',
      code: 'ValidationError',
      message:
        "3 validation errors detected: Value 'arn:aws' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20; Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null; Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    })
    expect(
      (await errorOf(
        await sts({
          Action: 'AssumeRole',
          RoleArn: ROLE,
          RoleSessionName: 'x'.repeat(65),
          DurationSeconds: '43201',
        }),
      )).message,
    ).toBe(
      `2 validation errors detected: Value '${
        'x'.repeat(65)
      }' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64; Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200`,
    )
    expect(
      await errorOf(
        await sts({
          Action: 'AssumeRole',
          RoleArn: 'arn:aws:iam::123456789012:user/notarole',
          RoleSessionName: 'ok',
        }),
      ),
    ).toEqual({
      status: 400,
      type: 'Sender',
      code: 'ValidationError',
      message: 'Request ARN is invalid',
    })
  })

  test('session tags: at most 50, key up to 128, value up to 256, no case-insensitive duplicates', async () => {
    const { sts } = setup()
    const tags = (
      n: number,
      key = (i: number) => `k${i}`,
      value = () => 'v',
    ): Record<string, string> => {
      const out: Record<string, string> = {}
      for (let i = 1; i <= n; i++) {
        out[`Tags.member.${i}.Key`] = key(i)
        out[`Tags.member.${i}.Value`] = value()
      }
      return out
    }
    const ok = await sts({
      Action: 'AssumeRole',
      RoleArn: ROLE,
      RoleSessionName: 'tags',
      ...tags(50),
      'TransitiveTagKeys.member.1': 'k1',
    })
    expect(ok.status).toBe(200)
    expect(xmlTag(await ok.text(), 'PackedPolicySize')).toMatch(/^\d+$/)
    const tooMany = await errorOf(
      await sts({ Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'tags', ...tags(51) }),
    )
    expect(tooMany.code).toBe('ValidationError')
    expect(tooMany.message).toEndWith(
      "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50",
    )
    const longKey = await errorOf(
      await sts({
        Action: 'AssumeRole',
        RoleArn: ROLE,
        RoleSessionName: 'tags',
        ...tags(1, () => 'k'.repeat(129)),
      }),
    )
    expect(longKey.message).toBe(
      `1 validation error detected: Value '${
        'k'.repeat(129)
      }' at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128`,
    )
    const longValue = await errorOf(
      await sts({
        Action: 'AssumeRole',
        RoleArn: ROLE,
        RoleSessionName: 'tags',
        ...tags(1, undefined, () => 'v'.repeat(257)),
      }),
    )
    expect(longValue.message).toBe(
      `1 validation error detected: Value '${
        'v'.repeat(257)
      }' at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256`,
    )
    const dup = await errorOf(
      await sts({
        Action: 'AssumeRole',
        RoleArn: ROLE,
        RoleSessionName: 'tags',
        ...tags(2, (i) => (i === 1 ? 'Team' : 'team')),
      }),
    )
    expect(dup).toEqual({
      status: 400,
      type: 'Sender',
      code: 'ValidationError',
      message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
    })
  })

  test('a role that requires an ExternalId refuses a missing or wrong one with AccessDenied', async () => {
    const { sts, emulator } = setup({ roles: [{ arn: ROLE, externalId: 'sesame-42' }] })
    const denied =
      `User: arn:aws:iam::123456789012:user/emulator is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`
    expect(
      await errorOf(await sts({ Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'ext' })),
    ).toEqual({ status: 403, type: 'Sender', code: 'AccessDenied', message: denied })
    expect(
      (await errorOf(
        await sts({
          Action: 'AssumeRole',
          RoleArn: ROLE,
          RoleSessionName: 'ext',
          ExternalId: 'sesame-43',
        }),
      )).code,
    ).toBe('AccessDenied')
    expect(
      (await sts({
        Action: 'AssumeRole',
        RoleArn: ROLE,
        RoleSessionName: 'ext',
        ExternalId: 'sesame-42',
      })).status,
    ).toBe(200)
    expect(emulator.stats().rejections).toEqual({ AccessDenied: 2 })
  })

  test('MFA: a role with a token code needs SerialNumber and the right TokenCode', async () => {
    const { sts } = setup({ roles: [{ arn: ROLE, mfaTokenCode: '123456' }] })
    const serial = 'arn:aws:iam::123456789012:mfa/alice'
    expect(
      (await errorOf(await sts({ Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'mfa' })))
        .code,
    ).toBe('AccessDenied')
    expect(
      await errorOf(
        await sts({
          Action: 'AssumeRole',
          RoleArn: ROLE,
          RoleSessionName: 'mfa',
          SerialNumber: serial,
          TokenCode: '654321',
        }),
      ),
    ).toEqual({
      status: 403,
      type: 'Sender',
      code: 'AccessDenied',
      message: 'MultiFactorAuthentication failed with invalid MFA one time pass code. ',
    })
    expect(
      (await errorOf(
        await sts({
          Action: 'AssumeRole',
          RoleArn: ROLE,
          RoleSessionName: 'mfa',
          SerialNumber: serial,
          TokenCode: '12345',
        }),
      )).message,
    ).toBe(
      "1 validation error detected: Value '12345' at 'tokenCode' failed to satisfy constraint: Member must have length greater than or equal to 6",
    )
    expect(
      (await sts({
        Action: 'AssumeRole',
        RoleArn: ROLE,
        RoleSessionName: 'mfa',
        SerialNumber: serial,
        TokenCode: '123456',
      })).status,
    ).toBe(200)
  })

  test('role chaining: an assumed-role caller may ask for at most 3600 s', async () => {
    const { sts } = setup()
    const first = credentialsFromXml(
      await (await sts({
        Action: 'AssumeRole',
        RoleArn: ROLE,
        RoleSessionName: 'hop1',
        DurationSeconds: '43200',
      })).text(),
    )
    const chained = await sts({
      Action: 'AssumeRole',
      RoleArn: 'arn:aws:iam::210987654321:role/next',
      RoleSessionName: 'hop2',
      DurationSeconds: '3601',
    }, first)
    expect(await errorOf(chained)).toEqual({
      status: 400,
      type: 'Sender',
      code: 'ValidationError',
      message:
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    })
    const ok = await sts({
      Action: 'AssumeRole',
      RoleArn: 'arn:aws:iam::210987654321:role/next',
      RoleSessionName: 'hop2',
      DurationSeconds: '3600',
    }, first)
    const second = credentialsFromXml(await ok.text())
    const who = await sts({ Action: 'GetCallerIdentity' }, second)
    const xml = await who.text()
    expect(xmlTag(xml, 'Arn')).toBe('arn:aws:sts::210987654321:assumed-role/next/hop2')
    expect(xmlTag(xml, 'Account')).toBe('210987654321')
  })

  test('a configured MaxSessionDuration caps DurationSeconds', async () => {
    const { sts } = setup({ roles: [{ arn: ROLE, maxSessionDuration: 3600 }] })
    expect(
      await errorOf(
        await sts({
          Action: 'AssumeRole',
          RoleArn: ROLE,
          RoleSessionName: 'cap',
          DurationSeconds: '7200',
        }),
      ),
    ).toEqual({
      status: 400,
      type: 'Sender',
      code: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    })
  })

  test('strictRoles: only configured roles can be assumed', async () => {
    const { sts } = setup({ strictRoles: true, roles: [{ arn: ROLE }] })
    expect((await sts({ Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'ok' })).status).toBe(
      200,
    )
    const other = await errorOf(
      await sts({
        Action: 'AssumeRole',
        RoleArn: 'arn:aws:iam::123456789012:role/other',
        RoleSessionName: 'no',
      }),
    )
    expect(other.code).toBe('AccessDenied')
  })

  test('a malformed Policy is MalformedPolicyDocument; SourceIdentity is echoed and inherited', async () => {
    const { sts } = setup()
    expect(
      (await errorOf(
        await sts({ Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'pol', Policy: '{nope' }),
      )).code,
    ).toBe('MalformedPolicyDocument')
    const first = await sts({
      Action: 'AssumeRole',
      RoleArn: ROLE,
      RoleSessionName: 'src',
      SourceIdentity: 'alice',
    })
    const xml = await first.text()
    expect(xmlTag(xml, 'SourceIdentity')).toBe('alice')
    const chained = await sts(
      { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'src2' },
      credentialsFromXml(xml),
    )
    expect(xmlTag(await chained.text(), 'SourceIdentity')).toBe('alice')
  })
})

describe('GetCallerIdentity and protocol errors', () => {
  test('the base identity is an IAM user with an AIDA id', async () => {
    const { sts } = setup({ accountId: '111122223333' })
    const xml = await (await sts({ Action: 'GetCallerIdentity' })).text()
    expect(xml).toContain(
      '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n  <GetCallerIdentityResult>\n    <Arn>arn:aws:iam::111122223333:user/emulator</Arn>\n    <UserId>AIDA',
    )
    expect(xmlTag(xml, 'Account')).toBe('111122223333')
  })

  test('unknown and missing actions', async () => {
    const { sts, emulator } = setup()
    expect(await errorOf(await sts({ Action: 'FlyToTheMoon' }))).toEqual({
      status: 400,
      type: 'Sender',
      code: 'InvalidAction',
      message: 'Could not find operation FlyToTheMoon for version 2011-06-15',
    })
    expect((await errorOf(await sts({ Foo: 'bar' }))).code).toBe('MissingAction')
    expect(emulator.stats().stsCalls).toEqual({ FlyToTheMoon: 1 })
  })

  test('errors in JSON for JSON clients', async () => {
    const { sts } = setup()
    const response = await sts(
      { Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'a' },
      undefined,
      { accept: 'application/json' },
    )
    expect(response.status).toBe(400)
    const body = (await response.json()) as { Error: Record<string, string>; RequestId: string }
    expect(body.Error).toEqual({
      Type: 'Sender',
      Code: 'ValidationError',
      Message:
        "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
    })
    expect(body.RequestId).toBe(response.headers.get('x-amzn-RequestId')!)
  })

  test('unsigned calls other than AssumeRoleWithWebIdentity are MissingAuthenticationToken', async () => {
    const { emulator } = setup()
    expect(await errorOf(await callSts(emulator, undefined, { Action: 'GetCallerIdentity' })))
      .toEqual({
        status: 403,
        type: 'Sender',
        code: 'MissingAuthenticationToken',
        message: 'Request is missing Authentication Token',
      })
  })
})
