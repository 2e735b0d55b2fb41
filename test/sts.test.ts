import { describe, expect, test } from 'bun:test'
import { createManualClock } from '../src/clock.ts'
import { createEmulator } from '../src/emulator/emulator.ts'
import { AwsServiceError, ConfigError } from '../src/errors.ts'
import { createStsClient } from '../src/sts.ts'
import type { AssumeRoleInput } from '../src/sts.ts'
import { fakeFetch, xmlError } from './aws/fake-fetch.ts'
import { rejection } from './helpers/rejection.ts'

const START = Date.UTC(2026, 0, 1)
const ROLE = 'arn:aws:iam::123456789012:role/deploy/Deployer'
const base = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }

const assumeRoleXml = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>alice</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/Deployer/s1</Arn>
      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:s1</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAEXAMPLE00001</AccessKeyId>
      <SecretAccessKey>secret+/=</SecretAccessKey>
      <SessionToken>FwoGZXIvYXdzE&amp;token</SessionToken>
      <Expiration>2026-01-01T01:00:00Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>`

function client(answer: Response, env: Record<string, string> = {}) {
  const fake = fakeFetch(answer)
  const sts = createStsClient({
    region: 'us-east-1',
    credentials: base,
    fetch: fake.fetch,
    clock: createManualClock(START),
    env,
  })
  return { sts, fake }
}

describe('STS client (fake fetch)', () => {
  test('AssumeRole: exact form body, signed, parsed result', async () => {
    const { sts, fake } = client(new Response(assumeRoleXml))
    const out = await sts.assumeRole({
      RoleArn: ROLE,
      RoleSessionName: 'my-session@x',
      DurationSeconds: 900,
      ExternalId: 'ext id/1'.replace(' ', '-'),
      Policy: '{"Version":"2012-10-17"}',
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, {
        arn: 'arn:aws:iam::123456789012:policy/p',
      }],
      Tags: [{ Key: 'team', Value: 'data eng' }, { Key: 'cost:center', Value: '' }],
      TransitiveTagKeys: ['team'],
      SourceIdentity: 'alice',
      SerialNumber: 'arn:aws:iam::123456789012:mfa/alice',
      TokenCode: '123456',
    })
    const sent = fake.requests[0]!
    expect(sent.url).toBe('https://sts.us-east-1.amazonaws.com/')
    expect(sent.body).toBe(
      'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdeploy%2FDeployer' +
        '&RoleSessionName=my-session%40x&DurationSeconds=900&ExternalId=ext-id%2F1' +
        '&Policy=%7B%22Version%22%3A%222012-10-17%22%7D' +
        '&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess' +
        '&PolicyArns.member.2.arn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Fp' +
        '&Tags.member.1.Key=team&Tags.member.1.Value=data%20eng&Tags.member.2.Key=cost%3Acenter&Tags.member.2.Value=' +
        '&TransitiveTagKeys.member.1=team&SourceIdentity=alice' +
        '&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice&TokenCode=123456',
    )
    expect(sent.headers.get('authorization')).toContain(
      'Credential=AKIDEXAMPLE/20260101/us-east-1/sts/aws4_request',
    )
    expect(out).toEqual({
      Credentials: {
        accessKeyId: 'ASIAEXAMPLE00001',
        secretAccessKey: 'secret+/=',
        sessionToken: 'FwoGZXIvYXdzE&token',
        expiration: new Date('2026-01-01T01:00:00Z'),
        accountId: '123456789012',
      },
      AssumedRoleUser: {
        Arn: 'arn:aws:sts::123456789012:assumed-role/Deployer/s1',
        AssumedRoleId: 'AROA3XFRBF535PLBIFPI4:s1',
      },
      PackedPolicySize: 6,
      SourceIdentity: 'alice',
      RequestId: 'c6104cbe-af31-11e0-8154-cbc7ccf896c7',
    })
  })

  test('AssumeRoleWithWebIdentity is unsigned and returns the web identity fields', async () => {
    const xml = assumeRoleXml
      .replaceAll('AssumeRoleResult', 'AssumeRoleWithWebIdentityResult')
      .replace(
        '<PackedPolicySize>6</PackedPolicySize>',
        '<SubjectFromWebIdentityToken>repo:o/r:ref:refs/heads/main</SubjectFromWebIdentityToken><Audience>sts.amazonaws.com</Audience><Provider>arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com</Provider>',
      )
    const { sts, fake } = client(new Response(xml))
    const out = await sts.assumeRoleWithWebIdentity({
      RoleArn: ROLE,
      RoleSessionName: 'gh',
      WebIdentityToken: 'eyJ.a.b',
      DurationSeconds: 3600,
    })
    const sent = fake.requests[0]!
    expect(sent.headers.get('authorization')).toBeNull()
    expect(sent.body).toBe(
      'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdeploy%2FDeployer' +
        '&RoleSessionName=gh&WebIdentityToken=eyJ.a.b&DurationSeconds=3600',
    )
    expect(out.SubjectFromWebIdentityToken).toBe('repo:o/r:ref:refs/heads/main')
    expect(out.Audience).toBe('sts.amazonaws.com')
    expect(out.Provider).toBe(
      'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
    )
    expect(out.Credentials.accessKeyId).toBe('ASIAEXAMPLE00001')
  })

  test('IDPCommunicationError (STS could not reach the identity provider) is retried, as botocore does', async () => {
    const xml = assumeRoleXml.replaceAll('AssumeRoleResult', 'AssumeRoleWithWebIdentityResult')
    const unreachable = xmlError(400, 'IDPCommunicationError', 'Couldn\'t retrieve verification key from your identity provider')
    const fake = fakeFetch(unreachable, unreachable, new Response(xml))
    const clock = createManualClock(START)
    const sts = createStsClient({ region: 'us-east-1', fetch: fake.fetch, clock, env: {} })
    const pending = sts.assumeRoleWithWebIdentity({ RoleArn: ROLE, RoleSessionName: 'gh', WebIdentityToken: 'eyJ.a.b' })
    for (let i = 0; i < 20 && fake.requests.length < 3; i++) await clock.advance(1000)
    expect((await pending).Credentials.accessKeyId).toBe('ASIAEXAMPLE00001')
    expect(fake.requests.map((r) => r.body)).toEqual(Array(3).fill(fake.requests[0]!.body))
  })

  test('GetCallerIdentity', async () => {
    const { sts, fake } = client(
      new Response(
        '<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/a</Arn><UserId>AIDA1</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
      ),
    )
    expect(await sts.getCallerIdentity()).toEqual({
      Arn: 'arn:aws:iam::123456789012:user/a',
      UserId: 'AIDA1',
      Account: '123456789012',
      RequestId: 'r1',
    })
    expect(fake.requests[0]!.body).toBe('Action=GetCallerIdentity&Version=2011-06-15')
  })

  test('service errors keep STS codes; malformed responses are reported', async () => {
    const denied = client(
      xmlError(403, 'AccessDenied', 'User is not authorized to perform: sts:AssumeRole'),
    )
    const error = (await rejection(
      denied.sts.assumeRole({ RoleArn: ROLE, RoleSessionName: 'ss' }),
    )) as AwsServiceError
    expect(error.message).toBe(
      'STS.AssumeRole: AccessDenied: User is not authorized to perform: sts:AssumeRole',
    )
    const broken = client(new Response('<AssumeRoleResponse><AssumeRoleResult>'))
    const malformed = (await rejection(
      broken.sts.assumeRole({ RoleArn: ROLE, RoleSessionName: 'ss' }),
    )) as AwsServiceError
    expect(malformed.code).toBe('MalformedResponse')
    expect(malformed.message).toBe(
      'STS.AssumeRole: MalformedResponse: unexpected response: Malformed XML at 1:39: <AssumeRoleResult> is not closed (input ends early)',
    )
    const empty = client(
      new Response('<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>'),
    )
    expect((await rejection(empty.sts.assumeRole({ RoleArn: ROLE, RoleSessionName: 'ss' }))).message)
      .toBe(
        'STS.AssumeRole: MalformedResponse: unexpected response: AssumeRoleResult has no complete Credentials',
      )
  })

  test('a 2xx body that stalls is a TimeoutError after timeoutMs', async () => {
    const clock = createManualClock(START)
    const stalled = new Response(new ReadableStream({ start: () => {} }), { status: 200 })
    const fake = fakeFetch(stalled)
    const sts = createStsClient({ credentials: base, fetch: fake.fetch, clock, env: {}, timeoutMs: 1000 })
    const pending = rejection(sts.getCallerIdentity())
    await clock.settle()
    await clock.advance(1000)
    const error = (await pending) as AwsServiceError
    expect(error.message).toBe('STS.GetCallerIdentity: TimeoutError: response body not received within 1000 ms')
    expect(error.retryable).toBe(true)
    expect(clock.pendingTimers).toBe(0)
  })

  test('endpoint and region from the environment', () => {
    expect(createStsClient({ env: {}, credentials: base }).endpoint).toBe(
      'https://sts.us-east-1.amazonaws.com',
    )
    expect(createStsClient({ env: { AWS_REGION: 'cn-north-1' }, credentials: base }).endpoint).toBe(
      'https://sts.cn-north-1.amazonaws.com.cn',
    )
    expect(
      createStsClient({ env: { AWS_DEFAULT_REGION: 'us-gov-west-1' }, credentials: base }).endpoint,
    ).toBe('https://sts.us-gov-west-1.amazonaws.com')
    expect(
      createStsClient({ env: { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9/' }, credentials: base })
        .endpoint,
    ).toBe('http://127.0.0.1:9')
    expect(() => createStsClient({ env: { AWS_ENDPOINT_URL: '::' }, credentials: base })).toThrow(
      "AWS_ENDPOINT_URL is not a valid URL: '::' (expected e.g. https://host:port)",
    )
  })

  describe('validation before any request', () => {
    const ok: AssumeRoleInput = { RoleArn: ROLE, RoleSessionName: 'session' }
    const cases: Array<[string, Partial<AssumeRoleInput> | Record<string, unknown>, string]> = [
      [
        'missing ARN',
        { RoleArn: '' },
        'AssumeRole: RoleArn is required (the ARN of the role to assume)',
      ],
      [
        'user ARN',
        { RoleArn: 'arn:aws:iam::123456789012:user/alice' },
        "AssumeRole: RoleArn 'arn:aws:iam::123456789012:user/alice' is not a role ARN (expected arn:aws:iam::<12-digit account id>:role/<path/name>)",
      ],
      [
        'short account',
        { RoleArn: 'arn:aws:iam::1234:role/x' },
        "AssumeRole: RoleArn 'arn:aws:iam::1234:role/x' is not a role ARN (expected arn:aws:iam::<12-digit account id>:role/<path/name>)",
      ],
      [
        'session name with space',
        { RoleSessionName: 'my session' },
        "AssumeRole: RoleSessionName 'my session' may contain only letters, digits and +=,.@_- (no spaces)",
      ],
      [
        'session name too short',
        { RoleSessionName: 'a' },
        'AssumeRole: RoleSessionName must be 2-64 characters long, got 1',
      ],
      [
        'session name too long',
        { RoleSessionName: 'a'.repeat(65) },
        'AssumeRole: RoleSessionName must be 2-64 characters long, got 65',
      ],
      [
        'duration too short',
        { DurationSeconds: 899 },
        'AssumeRole: DurationSeconds must be from 900 (15 min) to 43200 (12 h), got 899',
      ],
      [
        'duration too long',
        { DurationSeconds: 43201 },
        'AssumeRole: DurationSeconds must be from 900 (15 min) to 43200 (12 h), got 43201',
      ],
      [
        'duration fraction',
        { DurationSeconds: 1000.5 },
        'AssumeRole: DurationSeconds must be a whole number of seconds, got 1000.5',
      ],
      [
        '51 tags',
        { Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) },
        'AssumeRole: Tags may hold at most 50 session tags, got 51',
      ],
      [
        'long tag key',
        { Tags: [{ Key: 'k'.repeat(129), Value: 'v' }] },
        `AssumeRole: Tags[0].Key '${
          'k'.repeat(129)
        }' must be 1-128 letters, digits, spaces or _.:/=+-@`,
      ],
      [
        'long tag value',
        { Tags: [{ Key: 'k', Value: 'v'.repeat(257) }] },
        "AssumeRole: Tags[0].Value for 'k' must be 0-256 letters, digits, spaces or _.:/=+-@",
      ],
      [
        'policy too long',
        { Policy: 'x'.repeat(2049) },
        'AssumeRole: Policy must be 1-2048 characters long, got 2049',
      ],
      ['11 policy ARNs', {
        PolicyArns: Array.from(
          { length: 11 },
          () => ({ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
        ),
      }, 'AssumeRole: PolicyArns may list at most 10 managed policies, got 11'],
      [
        'bad policy ARN',
        { PolicyArns: [{ arn: 'ReadOnlyAccess' }] },
        "AssumeRole: PolicyArns[0].arn 'ReadOnlyAccess' is not a policy ARN (e.g. arn:aws:iam::aws:policy/ReadOnlyAccess)",
      ],
      [
        'serial without code',
        { SerialNumber: 'arn:aws:iam::123456789012:mfa/alice' },
        'AssumeRole: TokenCode is required with SerialNumber (the current code of arn:aws:iam::123456789012:mfa/alice)',
      ],
      ['bad token code', {
        SerialNumber: 'arn:aws:iam::123456789012:mfa/alice',
        TokenCode: '12345',
      }, 'AssumeRole: TokenCode must be the 6-digit code shown by the MFA device'],
      [
        'code without serial',
        { TokenCode: '123456' },
        'AssumeRole: SerialNumber is required with TokenCode (the MFA device the code is from)',
      ],
      [
        'external id with space',
        { ExternalId: 'a b' },
        'AssumeRole: ExternalId may contain only letters, digits and +=,.@:/_- (no spaces)',
      ],
    ]
    for (const [name, patch, message] of cases) {
      test(name, async () => {
        const { sts, fake } = client(new Response(assumeRoleXml))
        const error = await rejection(sts.assumeRole({ ...ok, ...patch } as AssumeRoleInput))
        expect(error).toBeInstanceOf(ConfigError)
        expect(error.message).toBe(message)
        expect(fake.requests.length).toBe(0)
      })
    }
    test('web identity token must be present', async () => {
      const { sts, fake } = client(new Response(assumeRoleXml))
      const error = await rejection(
        sts.assumeRoleWithWebIdentity({
          RoleArn: ROLE,
          RoleSessionName: 'gh',
          WebIdentityToken: '',
        }),
      )
      expect(error.message).toBe(
        'AssumeRoleWithWebIdentity: WebIdentityToken is empty or too short (an OIDC ID token is expected)',
      )
      expect(fake.requests.length).toBe(0)
    })
  })
})

describe('STS client against the emulator', () => {
  function setup(options: Parameters<typeof createEmulator>[0] = {}) {
    const clock = createManualClock(START)
    const emulator = createEmulator({ clock, ...options })
    const sts = createStsClient({
      region: 'us-east-1',
      endpoint: 'http://sts.emulator.test',
      credentials: emulator.baseCredentials,
      fetch: emulator.fetch,
      clock,
      env: {},
    })
    return { clock, emulator, sts }
  }

  test('GetCallerIdentity with base credentials, then with assumed-role credentials', async () => {
    const { clock, emulator, sts } = setup()
    const me = await sts.getCallerIdentity()
    expect(me.Account).toBe('123456789012')
    expect(me.Arn).toBe('arn:aws:iam::123456789012:user/emulator')
    const assumed = await sts.assumeRole({
      RoleArn: 'arn:aws:iam::123456789012:role/Deployer',
      RoleSessionName: 'job-1',
      DurationSeconds: 900,
    })
    expect(assumed.AssumedRoleUser.Arn).toBe(
      'arn:aws:sts::123456789012:assumed-role/Deployer/job-1',
    )
    expect(assumed.Credentials.accessKeyId).toStartWith('ASIA')
    expect(assumed.Credentials.expiration.getTime()).toBe(START + 900_000)
    expect(assumed.Credentials.accountId).toBe('123456789012')
    const asRole = createStsClient({
      endpoint: 'http://sts.emulator.test',
      credentials: assumed.Credentials,
      fetch: emulator.fetch,
      clock,
      env: {},
    })
    expect((await asRole.getCallerIdentity()).Arn).toBe(
      'arn:aws:sts::123456789012:assumed-role/Deployer/job-1',
    )
    expect(emulator.stats().stsCalls).toEqual({ GetCallerIdentity: 2, AssumeRole: 1 })
  })

  test('AssumeRoleWithWebIdentity with an emulator-minted token', async () => {
    const { emulator, sts } = setup()
    const token = await emulator.oidc.mint()
    const out = await sts.assumeRoleWithWebIdentity({
      RoleArn: 'arn:aws:iam::123456789012:role/gh',
      RoleSessionName: 'gh-run',
      WebIdentityToken: token,
    })
    expect(out.AssumedRoleUser.Arn).toBe('arn:aws:sts::123456789012:assumed-role/gh/gh-run')
    expect(out.SubjectFromWebIdentityToken).toBe('repo:octo-org/octo-repo:ref:refs/heads/main')
  })

  test('a stale key gets ExpiredToken, not retried without a fresher key', async () => {
    const { clock, emulator, sts } = setup()
    const assumed = await sts.assumeRole({
      RoleArn: 'arn:aws:iam::123456789012:role/r',
      RoleSessionName: 'ss',
      DurationSeconds: 900,
    })
    await clock.advance(900_000)
    const asRole = createStsClient({
      endpoint: 'http://sts.emulator.test',
      credentials: assumed.Credentials,
      fetch: emulator.fetch,
      clock,
      env: {},
    })
    const error = (await rejection(asRole.getCallerIdentity())) as AwsServiceError
    expect(error.code).toBe('ExpiredToken')
    expect(error.status).toBe(403)
    expect(error.message).toStartWith('STS.GetCallerIdentity: ExpiredToken: ')
    expect(error.retryable).toBe(false)
  })
})
