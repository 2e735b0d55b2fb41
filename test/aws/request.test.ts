import { describe, expect, test } from 'bun:test'
import { createHash, createHmac } from 'node:crypto'
import { SignatureV4 } from '@smithy/signature-v4'
import { createAwsClient } from '../../src/aws/request.ts'
import type { AwsClientConfig } from '../../src/aws/request.ts'
import { createManualClock, withSkewCorrection } from '../../src/clock.ts'
import { AwsServiceError, ConfigError } from '../../src/errors.ts'
import type { Credentials, CredentialSession, Logger } from '../../src/types.ts'
import { fakeFetch, ok, xmlError } from './fake-fetch.ts'
import type { Answer } from './fake-fetch.ts'
import { rejection } from '../helpers/rejection.ts'

const START = Date.UTC(2026, 0, 1)
const creds: Credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
}

function setup(answers: Answer[], overrides: Partial<AwsClientConfig> = {}) {
  const clock = createManualClock(START)
  const fake = fakeFetch(...answers)
  const client = createAwsClient({
    service: 'sts',
    serviceLabel: 'STS',
    region: 'us-east-1',
    endpoint: 'https://sts.us-east-1.amazonaws.com',
    protocol: 'query',
    credentials: creds,
    fetch: fake.fetch,
    clock,
    random: () => 0.5,
    ...overrides,
  })
  return { clock, fake, client }
}

/** Let pending work reach its next timer, then move the clock. */
async function elapse(
  clock: { settle(): Promise<void>; advance(ms: number): Promise<void> },
  ms: number,
): Promise<void> {
  await clock.settle()
  await clock.advance(ms)
}

// An independent signer (the AWS SDK's) over node:crypto, to check aws4fetch's output.
type Bytes = string | ArrayBuffer | ArrayBufferView
const toNode = (data: Bytes): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : data instanceof ArrayBuffer
    ? new Uint8Array(data)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)

class NodeHash {
  private readonly secret: Bytes | undefined
  private hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>
  constructor(secret?: Bytes) {
    this.secret = secret
    this.hash = this.fresh()
  }
  private fresh() {
    return this.secret === undefined
      ? createHash('sha256')
      : createHmac('sha256', toNode(this.secret))
  }
  update(data: Bytes): void {
    this.hash.update(toNode(data))
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest())
  }
  reset(): void {
    this.hash = this.fresh()
  }
}

describe('signing', () => {
  test('signs with SigV4 as the AWS SDK would, using the clock for X-Amz-Date', async () => {
    const session = { ...creds, sessionToken: 'TOKEN/with+chars=' }
    const { fake, client } = setup([ok()], { credentials: session })
    const body = 'Action=GetCallerIdentity&Version=2011-06-15'
    await client.send({ operation: 'GetCallerIdentity', body })
    const sent = fake.requests[0]!
    expect(sent.method).toBe('POST')
    expect(sent.url).toBe('https://sts.us-east-1.amazonaws.com/')
    expect(sent.body).toBe(body)
    expect(sent.headers.get('x-amz-date')).toBe('20260101T000000Z')
    expect(sent.headers.get('x-amz-security-token')).toBe('TOKEN/with+chars=')
    expect(sent.headers.get('content-type')).toBe(
      'application/x-www-form-urlencoded; charset=utf-8',
    )
    expect(sent.headers.get('x-amz-content-sha256')).toBeNull()

    const signer = new SignatureV4({
      service: 'sts',
      region: 'us-east-1',
      credentials: session,
      sha256: NodeHash,
      applyChecksum: false,
    })
    const expected = await signer.sign(
      {
        method: 'POST',
        protocol: 'https:',
        hostname: 'sts.us-east-1.amazonaws.com',
        path: '/',
        query: {},
        // aws4fetch leaves content-type unsigned; the SDK would sign it if it saw it.
        headers: { host: 'sts.us-east-1.amazonaws.com' },
        body,
      },
      { signingDate: new Date(START) },
    )
    const signature = (value: string | null | undefined) =>
      /Signature=([0-9a-f]{64})/.exec(value ?? '')?.[1]
    expect(sent.headers.get('authorization')).toStartWith(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=',
    )
    expect(signature(sent.headers.get('authorization'))).toBe(
      signature(expected.headers.authorization as string),
    )
  })

  test('S3: signed payload hash, path encoded once, query encoded RFC 3986', async () => {
    const { fake, client } = setup([ok()], {
      service: 's3',
      serviceLabel: 'S3',
      protocol: 'rest-xml',
      endpoint: 'http://127.0.0.1:4566',
    })
    const path = '/bucket/a%20b/%C3%BC%2Bc%21.txt'
    await client.send({
      operation: 'PutObject',
      method: 'PUT',
      path,
      body: 'hello',
      query: { 'x-id': 'PutObject', tag: "a b!'" },
    })
    const sent = fake.requests[0]!
    expect(sent.url).toBe(
      'http://127.0.0.1:4566/bucket/a%20b/%C3%BC%2Bc%21.txt?x-id=PutObject&tag=a%20b%21%27',
    )
    const hash = createHash('sha256').update('hello').digest('hex')
    expect(sent.headers.get('x-amz-content-sha256')).toBe(hash)
    const signer = new SignatureV4({
      service: 's3',
      region: 'us-east-1',
      credentials: creds,
      sha256: NodeHash,
      uriEscapePath: false,
    })
    const expected = await signer.sign(
      {
        method: 'PUT',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 4566,
        path: '/bucket/a%20b/%C3%BC%2Bc%21.txt',
        query: { 'x-id': 'PutObject', tag: "a b!'" },
        headers: { host: '127.0.0.1:4566', 'x-amz-content-sha256': hash },
        body: 'hello',
      },
      { signingDate: new Date(START) },
    )
    expect(sent.headers.get('authorization')).toBe(expected.headers.authorization as string)
  })

  test('S3 unsigned payload and per-attempt streams', async () => {
    const { clock, fake, client } = setup([xmlError(500, 'InternalError', 'x'), ok()], {
      service: 's3',
      serviceLabel: 'S3',
      protocol: 'rest-xml',
      endpoint: 'http://127.0.0.1:4566',
    })
    let streams = 0
    const stream = () => {
      streams++
      return new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(`part-${streams}`))
          controller.close()
        },
      })
    }
    const sending = client.send({
      operation: 'UploadPart',
      method: 'PUT',
      path: '/b/k',
      stream,
      headers: { 'content-length': '6' },
    })
    await elapse(clock, 50)
    await sending
    expect(streams).toBe(2)
    expect(fake.requests.map((r) => r.body)).toEqual(['part-1', 'part-2'])
    expect(fake.requests.map((r) => r.headers.get('x-amz-content-sha256'))).toEqual([
      'UNSIGNED-PAYLOAD',
      'UNSIGNED-PAYLOAD',
    ])
    await client.send({
      operation: 'PutObject',
      method: 'PUT',
      path: '/b/k',
      body: 'x',
      unsignedPayload: true,
    })
    expect(fake.requests[2]!.headers.get('x-amz-content-sha256')).toBe('UNSIGNED-PAYLOAD')
  })

  test('unsigned calls carry no Authorization', async () => {
    const { fake, client } = setup([ok()])
    await client.send({ operation: 'AssumeRoleWithWebIdentity', body: 'Action=x', unsigned: true })
    expect(fake.requests[0]!.headers.get('authorization')).toBeNull()
    expect(fake.requests[0]!.headers.get('x-amz-date')).toBeNull()
  })

  test('each attempt is signed with the credentials of that moment', async () => {
    let n = 0
    const provider = async () => ({ accessKeyId: `AKID${++n}`, secretAccessKey: 'secret' })
    const { clock, fake, client } = setup([xmlError(503, 'ServiceUnavailable', 'x'), ok()], {
      credentials: provider,
    })
    const sending = client.send({ operation: 'GetCallerIdentity', body: 'a' })
    await clock.settle()
    await elapse(clock, 1000)
    await sending
    expect(
      fake.requests.map((r) =>
        /Credential=(\w+)\//.exec(r.headers.get('authorization') ?? '')?.[1]
      ),
    ).toEqual(['AKID1', 'AKID2'])
  })

  test('presign: query auth with expiry, token and scope; limits checked', async () => {
    const { client } = setup([ok()], {
      service: 's3',
      serviceLabel: 'S3',
      protocol: 'rest-xml',
      endpoint: 'http://127.0.0.1:4566',
      credentials: { ...creds, sessionToken: 'TOKEN' },
    })
    const url = new URL(
      await client.presign({
        operation: 'GetObject',
        method: 'GET',
        path: '/b/k',
        expiresInSeconds: 900,
      }),
    )
    expect(url.pathname).toBe('/b/k')
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900')
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256')
    expect(url.searchParams.get('X-Amz-Credential')).toBe(
      'AKIDEXAMPLE/20260101/us-east-1/s3/aws4_request',
    )
    expect(url.searchParams.get('X-Amz-Date')).toBe('20260101T000000Z')
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('TOKEN')
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/)
    const error = await rejection(
      client.presign({ operation: 'GetObject', path: '/b/k', expiresInSeconds: 604_801 }),
    )
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toBe(
      'expiresInSeconds must be an integer from 1 to 604800 (7 days), got 604801',
    )
  })
})

describe('retries', () => {
  test('throttling then success: waits the full-jitter delay on the clock', async () => {
    const { clock, fake, client } = setup([
      xmlError(400, 'Throttling', 'Rate exceeded'),
      ok('done'),
    ])
    const sending = client.send({ operation: 'AssumeRole', body: 'a' })
    await clock.settle()
    expect(fake.requests.length).toBe(1)
    // random 0.5 * throttling base 500 ms * 2^0 = 250 ms
    await elapse(clock, 249)
    expect(fake.requests.length).toBe(1)
    await elapse(clock, 1)
    expect(await (await sending).text()).toBe('done')
    expect(fake.requests.length).toBe(2)
  })

  test("DynamoDB's HTTP 400 throttling codes are retried", async () => {
    for (
      const code of [
        'ThrottlingException',
        'ProvisionedThroughputExceededException',
        'RequestLimitExceeded',
      ]
    ) {
      const body = JSON.stringify({
        __type: `com.amazonaws.dynamodb.v20120810#${code}`,
        message: 'slow down',
      })
      const { clock, fake, client } = setup([new Response(body, { status: 400 }), ok()], {
        service: 'dynamodb',
        serviceLabel: 'DynamoDB',
        protocol: 'json',
      })
      const sending = client.send({ operation: 'PutItem', body: '{}' })
      await elapse(clock, 250)
      await sending
      expect(fake.requests.length).toBe(2)
    }
  })

  test('5xx exhausted after 3 attempts: retryable error with status and request id', async () => {
    const { clock, fake, client } = setup([
      xmlError(503, 'ServiceUnavailable', 'Service is unavailable', { 'x-amzn-requestid': 'RID' }),
    ])
    const sending = rejection(client.send({ operation: 'AssumeRole', body: 'a' }))
    await elapse(clock, 50) // 0.5 * 100
    await elapse(clock, 100) // 0.5 * 200
    const error = (await sending) as AwsServiceError
    expect(fake.requests.length).toBe(3)
    expect(error).toBeInstanceOf(AwsServiceError)
    expect(error.message).toBe('STS.AssumeRole: ServiceUnavailable: Service is unavailable')
    expect(error.code).toBe('ServiceUnavailable')
    expect(error.status).toBe(503)
    expect(error.retryable).toBe(true)
    expect(error.requestId).toBe('RID')
    expect(error.service).toBe('STS')
    expect(error.operation).toBe('AssumeRole')
  })

  test('maxAttempts is honoured', async () => {
    const { clock, fake, client } = setup([xmlError(500, 'InternalFailure', 'x')], {
      maxAttempts: 5,
    })
    const sending = rejection(client.send({ operation: 'AssumeRole', body: 'a' }))
    await elapse(clock, 60_000)
    expect(((await sending) as AwsServiceError).code).toBe('InternalFailure')
    expect(fake.requests.length).toBe(5)
  })

  test('AccessDenied is not retried', async () => {
    const { fake, client } = setup([xmlError(403, 'AccessDenied', 'not authorized')])
    const error =
      (await rejection(client.send({ operation: 'AssumeRole', body: 'a' }))) as AwsServiceError
    expect(fake.requests.length).toBe(1)
    expect(error.message).toBe('STS.AssumeRole: AccessDenied: not authorized')
    expect(error.retryable).toBe(false)
    expect(error.requestId).toBe('req-AccessDenied')
  })

  test('network errors are retried and then reported as NetworkError, status 0', async () => {
    const { clock, fake, client } = setup([new TypeError('fetch failed')])
    const sending = rejection(client.send({ operation: 'GetCallerIdentity', body: 'a' }))
    await elapse(clock, 1000)
    const error = (await sending) as AwsServiceError
    expect(fake.requests.length).toBe(3)
    expect(error.code).toBe('NetworkError')
    expect(error.status).toBe(0)
    expect(error.retryable).toBe(true)
    expect(error.message).toBe(
      'STS.GetCallerIdentity: NetworkError: request to sts.us-east-1.amazonaws.com failed: fetch failed',
    )
  })

  test('per-attempt timeout with a fetch that never settles', async () => {
    const { clock, fake, client } = setup(['hang'], { timeoutMs: 1000 })
    const sending = rejection(client.send({ operation: 'AssumeRole', body: 'a' }))
    await elapse(clock, 999)
    expect(fake.requests.length).toBe(1)
    await elapse(clock, 1) // timeout, then 50 ms backoff
    await elapse(clock, 50)
    expect(fake.requests.length).toBe(2)
    await elapse(clock, 1000 + 100 + 1000)
    const error = (await sending) as AwsServiceError
    expect(fake.requests.length).toBe(3)
    expect(error.code).toBe('TimeoutError')
    expect(error.status).toBe(0)
    expect(error.retryable).toBe(true)
    expect(error.message).toBe('STS.AssumeRole: TimeoutError: no response within 1000 ms')
    expect(clock.pendingTimers).toBe(0)
  })

  test('abort mid-backoff stops at once with the abort reason', async () => {
    const { clock, fake, client } = setup([xmlError(503, 'ServiceUnavailable', 'x')])
    const controller = new AbortController()
    const sending = rejection(
      client.send({ operation: 'AssumeRole', body: 'a', signal: controller.signal }),
    )
    await clock.settle()
    expect(fake.requests.length).toBe(1)
    const reason = new Error('caller gave up')
    controller.abort(reason)
    expect(await sending).toBe(reason)
    await elapse(clock, 10_000)
    expect(fake.requests.length).toBe(1)
    expect(clock.pendingTimers).toBe(0)
  })

  test('abort during a hanging attempt rejects with the reason', async () => {
    const { clock, client } = setup(['hang'])
    const controller = new AbortController()
    const sending = rejection(
      client.send({ operation: 'AssumeRole', body: 'a', signal: controller.signal }),
    )
    await clock.settle()
    controller.abort(new Error('stop'))
    expect(((await sending) as Error).message).toBe('stop')
  })

  test('Retry-After lengthens the wait by at most 5 s', async () => {
    const { clock, fake, client } = setup([
      xmlError(503, 'SlowDown', 'x', { 'retry-after': '3' }),
      ok(),
    ])
    const sending = client.send({ operation: 'GetObject', body: 'a' })
    await elapse(clock, 2999)
    expect(fake.requests.length).toBe(1)
    await elapse(clock, 1)
    await sending
    expect(fake.requests.length).toBe(2)
  })
})

describe('expired credentials and clock skew', () => {
  function session(keys: string[]) {
    const invalidated: string[] = []
    let index = 0
    const value: CredentialSession = {
      get: async () => ({
        accessKeyId: keys[Math.min(index, keys.length - 1)]!,
        secretAccessKey: 's',
        sessionToken: 't',
      }),
      invalidate: (rejected) => {
        invalidated.push(typeof rejected === 'string' ? rejected : rejected.accessKeyId)
        index++
      },
      provider: async () => creds,
    }
    return { value, invalidated }
  }

  test('a body that goes once: the first attempt\'s AWS error is the answer, its code and request id kept', async () => {
    const s = session(['ASIAOLDKEY00001', 'ASIANEWKEY00002'])
    const once = { stream: () => new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(new Uint8Array([1])), c.close()) }), streamOnce: true }
    const s3 = { service: 's3', serviceLabel: 'S3', protocol: 'rest-xml', endpoint: 'http://127.0.0.1:4566' } as const
    const throttled = setup([xmlError(503, 'SlowDown', 'Please reduce your request rate.'), ok()], s3)
    const slow = await rejection(
      throttled.client.send({ operation: 'PutObject', method: 'PUT', path: '/b/k', ...once, headers: { 'content-length': '1' } }),
    )
    expect(slow).toBeInstanceOf(AwsServiceError)
    expect({ code: (slow as AwsServiceError).code, status: (slow as AwsServiceError).status, requestId: (slow as AwsServiceError).requestId }).toEqual({
      code: 'SlowDown',
      status: 503,
      requestId: 'req-SlowDown',
    })
    expect(slow.message).toBe(
      'S3.PutObject: SlowDown: Please reduce your request rate. (not retried: the ReadableStream body was sent once; pass bytes or a Blob, or use upload(), which retries part by part)',
    )
    expect(throttled.fake.requests.length).toBe(1)

    const expired = setup([xmlError(400, 'ExpiredToken', 'The provided token has expired.'), ok()], { ...s3, credentials: s.value })
    const error = await rejection(
      expired.client.send({ operation: 'PutObject', method: 'PUT', path: '/b/k', ...once, headers: { 'content-length': '1' } }),
    )
    expect((error as AwsServiceError).code).toBe('ExpiredToken')
    // The next call signs with fresh credentials.
    expect(s.invalidated).toEqual(['ASIAOLDKEY00001'])
    expect(expired.fake.requests.length).toBe(1)
  })

  test('ExpiredToken -> invalidate the rejected key and retry once with fresh credentials', async () => {
    const s = session(['ASIAOLDKEY00001', 'ASIANEWKEY00002'])
    const warnings: string[] = []
    const logger: Logger = {
      debug: () => {},
      info: () => {},
      warn: (m, f) => warnings.push(`${m} ${JSON.stringify(f)}`),
      error: () => {},
    }
    const { fake, client } = setup([
      xmlError(400, 'ExpiredToken', 'The security token included in the request is expired'),
      ok(),
    ], {
      credentials: s.value,
      logger,
    })
    await client.send({ operation: 'PutObject', body: 'a' })
    expect(s.invalidated).toEqual(['ASIAOLDKEY00001'])
    expect(
      fake.requests.map((r) =>
        /Credential=(\w+)\//.exec(r.headers.get('authorization') ?? '')?.[1]
      ),
    ).toEqual([
      'ASIAOLDKEY00001',
      'ASIANEWKEY00002',
    ])
    expect(warnings.join('\n')).toContain('ASIA…0001')
    expect(warnings.join('\n')).not.toContain('ASIAOLDKEY00001')
  })

  test('a second ExpiredToken is surfaced, not looped', async () => {
    const s = session(['ASIAOLDKEY00001', 'ASIANEWKEY00002'])
    const { fake, client } = setup([xmlError(403, 'ExpiredTokenException', 'expired')], {
      credentials: s.value,
    })
    const error =
      (await rejection(client.send({ operation: 'Query', body: 'a' }))) as AwsServiceError
    expect(error.code).toBe('ExpiredTokenException')
    expect(fake.requests.length).toBe(2)
    expect(s.invalidated).toEqual(['ASIAOLDKEY00001'])
  })

  test('an unknown temporary key (session gone) -> invalidate and retry once', async () => {
    const s = session(['ASIAOLDKEY00001', 'ASIANEWKEY00002'])
    const { fake, client } = setup([
      xmlError(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'),
      ok(),
    ], { credentials: s.value })
    await client.send({ operation: 'GetObject', body: 'a' })
    expect(s.invalidated).toEqual(['ASIAOLDKEY00001'])
    expect(fake.requests.length).toBe(2)
  })

  test('an unknown long-term key is surfaced at once: new credentials would not help', async () => {
    const { fake, client } = setup([xmlError(403, 'InvalidAccessKeyId', 'unknown')], {
      credentials: { accessKeyId: 'AKIAEXAMPLE000001', secretAccessKey: 's' },
    })
    const error = (await rejection(client.send({ operation: 'GetObject', body: 'a' }))) as AwsServiceError
    expect(error.code).toBe('InvalidAccessKeyId')
    expect(fake.requests.length).toBe(1)
  })

  test('a plain provider is asked again with forceRefresh after ExpiredToken', async () => {
    const calls: Array<boolean | undefined> = []
    const provider = async (options?: { forceRefresh?: boolean }) => {
      calls.push(options?.forceRefresh)
      return { accessKeyId: `AKID${calls.length}`, secretAccessKey: 's' }
    }
    const { client } = setup([xmlError(400, 'InvalidToken', 'bad token'), ok()], {
      credentials: provider,
    })
    await client.send({ operation: 'GetObject', body: 'a' })
    expect(calls).toEqual([undefined, true])
  })

  test('RequestTimeTooSkewed -> adopt the server time from Date and retry once', async () => {
    const manual = createManualClock(START)
    const clock = withSkewCorrection(manual)
    const serverNow = START + 15 * 60_000
    const date = new Date(serverNow).toUTCString()
    const fake = fakeFetch(
      xmlError(
        403,
        'RequestTimeTooSkewed',
        'The difference between the request time and the current time is too large.',
        { date },
      ),
      ok('', { date }),
    )
    const client = createAwsClient({
      service: 's3',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:1',
      protocol: 'rest-xml',
      credentials: creds,
      fetch: fake.fetch,
      clock,
    })
    await client.send({ operation: 'ListBuckets', method: 'GET' })
    expect(fake.requests.map((r) => r.headers.get('x-amz-date'))).toEqual([
      '20260101T000000Z',
      '20260101T001500Z',
    ])
    expect(clock.offsetMs).toBe(15 * 60_000)
  })

  test('SignatureDoesNotMatch is a skew error only with "Signature expired"', async () => {
    const { fake, client } = setup([
      xmlError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match'),
    ])
    await rejection(client.send({ operation: 'GetCallerIdentity', body: 'a' }))
    expect(fake.requests.length).toBe(1)
    const second = setup([
      xmlError(
        403,
        'SignatureDoesNotMatch',
        'Signature expired: 20260101T000000Z is now earlier than 20260101T001000Z',
      ),
      ok(),
    ])
    await second.client.send({ operation: 'GetCallerIdentity', body: 'a' })
    expect(second.fake.requests.length).toBe(2)
  })

  test('the Date header of every response is observed with the uncorrected local time', async () => {
    const manual = createManualClock(START)
    const clock = withSkewCorrection(manual)
    const date = (offset: number) => new Date(START + offset).toUTCString()
    const fake = fakeFetch(
      ok('', { date: date(-10 * 60_000) }),
      ok('', { date: date(-10 * 60_000) }),
    )
    const client = createAwsClient({
      service: 'sts',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:1',
      protocol: 'query',
      credentials: creds,
      fetch: fake.fetch,
      clock,
    })
    await client.send({ operation: 'GetCallerIdentity', body: 'a' })
    expect(clock.offsetMs).toBe(-10 * 60_000)
    // A second response with the same server time must not undo the correction.
    await client.send({ operation: 'GetCallerIdentity', body: 'a' })
    expect(clock.offsetMs).toBe(-10 * 60_000)
    expect(fake.requests[1]!.headers.get('x-amz-date')).toBe('20251231T235000Z')
  })
})

describe('configuration', () => {
  test('an invalid endpoint is a ConfigError', () => {
    expect(() => setup([ok()], { endpoint: 'nope' })).toThrow(
      "STS endpoint is not a valid URL: 'nope'",
    )
  })
  test('credentials of the wrong shape are a ConfigError', () => {
    expect(() => setup([ok()], { credentials: 42 as never })).toThrow(ConfigError)
  })
  test('304 counts as success', async () => {
    const { client } = setup([new Response(null, { status: 304 })])
    expect((await client.send({ operation: 'GetObject', method: 'GET' })).status).toBe(304)
  })
  test('HEAD 404 with no body -> NotFound', async () => {
    const { client } = setup([
      new Response(null, { status: 404, headers: { 'x-amz-request-id': 'H1' } }),
    ], {
      service: 's3',
      serviceLabel: 'S3',
      protocol: 'rest-xml',
    })
    const error = (await rejection(
      client.send({ operation: 'HeadObject', method: 'HEAD', path: '/b/k' }),
    )) as AwsServiceError
    expect(error.message).toBe('S3.HeadObject: NotFound: HTTP 404')
    expect(error.requestId).toBe('H1')
  })
  test('errors and logs never contain secrets', async () => {
    const lines: string[] = []
    const logger: Logger = {
      debug: (m, f) => lines.push(m + JSON.stringify(f)),
      info: () => {},
      warn: (m, f) => lines.push(m + JSON.stringify(f)),
      error: () => {},
    }
    const secretCreds = {
      accessKeyId: 'ASIASECRETKEYID1',
      secretAccessKey: 'SECRETSECRET',
      sessionToken: 'TOKENTOKEN',
    }
    const { clock, client } = setup([
      xmlError(400, 'ExpiredToken', 'expired'),
      xmlError(500, 'InternalError', 'x'),
    ], {
      credentials: secretCreds,
      logger,
    })
    const sending = rejection(client.send({ operation: 'GetObject', body: 'a' }))
    await elapse(clock, 1000)
    const error = (await sending) as Error
    const everything = [...lines, error.message, String(error.stack), JSON.stringify(error)].join(
      '\n',
    )
    for (const secret of ['SECRETSECRET', 'TOKENTOKEN', 'ASIASECRETKEYID1']) {
      expect(everything).not.toContain(secret)
    }
  })
})
