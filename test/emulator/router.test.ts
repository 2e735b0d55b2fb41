import { describe, expect, test } from 'bun:test'
import { detectService, markFramed, readBodyCapped } from '../../src/emulator/router.ts'
import { parseSigV4 } from '../../src/emulator/sigv4-verify.ts'

const detect = (url: string, init: RequestInit = {}) => {
  const request = new Request(url, init)
  const u = new URL(url)
  return detectService(request, u, parseSigV4(request, u))
}

const auth = (service: string) => ({
  authorization:
    `AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`,
  'x-amz-date': '20260101T000000Z',
})

describe('detectService', () => {
  test('DynamoDB by X-Amz-Target, whatever the scope says', () => {
    expect(
      detect('http://h/', {
        method: 'POST',
        headers: { ...auth('s3'), 'x-amz-target': 'DynamoDB_20120810.PutItem' },
      }),
    ).toBe('dynamodb')
  })
  test('the SigV4 scope names the service', () => {
    expect(detect('http://h/', { headers: auth('sts') })).toBe('sts')
    expect(detect('http://h/bucket/key', { headers: auth('s3') })).toBe('s3')
    expect(detect('http://h/', { method: 'POST', headers: auth('dynamodb') })).toBe('dynamodb')
    expect(
      detect(
        'http://h/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20260101%2Fus-east-1%2Fsts%2Faws4_request',
      ),
    ).toBe('sts')
  })
  test('unsigned: STS when an Action is in the query or a form body; S3 otherwise', () => {
    expect(detect('http://h/?Action=AssumeRoleWithWebIdentity')).toBe('sts')
    expect(
      detect('http://h/', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=X',
      }),
    ).toBe('sts')
    expect(detect('http://bucket.s3.localhost/key')).toBe('s3')
    expect(detect('http://h/', { headers: auth('iam') })).toBe('s3')
    expect(detect('http://h/?Action=GetCallerIdentity', { headers: auth('iam') })).toBe('sts')
  })
})

describe('readBodyCapped', () => {
  test('reads up to the cap and refuses one byte more', async () => {
    expect(await readBodyCapped(new Request('http://h/', { method: 'POST', body: 'abcd' }), 4))
      .toEqual(new TextEncoder().encode('abcd'))
    expect(await readBodyCapped(new Request('http://h/', { method: 'POST', body: 'abcde' }), 4))
      .toBeUndefined()
    expect(await readBodyCapped(new Request('http://h/'), 4)).toEqual(new Uint8Array(0))
  })
  test('a body received over HTTP with a declared Content-Length is read whole, and still capped', async () => {
    const declared = (body: string, length: number) =>
      markFramed(new Request('http://h/', { method: 'PUT', body, headers: { 'content-length': String(length) } }))
    expect(await readBodyCapped(declared('abcd', 4), 4)).toEqual(new TextEncoder().encode('abcd'))
    expect(await readBodyCapped(declared('abcde', 4), 4)).toBeUndefined()
    expect(await readBodyCapped(declared('abcde', 5), 4)).toBeUndefined()
  })
  test('an in-process body that runs past its declared Content-Length is cut at the cap, not read on', async () => {
    let pulls = 0
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++
        controller.enqueue(new Uint8Array(1024))
      },
    })
    const request = new Request(
      'http://h/',
      { method: 'PUT', body: endless, headers: { 'content-length': '10' }, duplex: 'half' } as RequestInit,
    )
    expect(await readBodyCapped(request, 4096)).toBeUndefined()
    expect(pulls).toBeLessThanOrEqual(6)
  })
  test('a 1 MiB upload through serveEmulator (the framed, native read) round-trips', async () => {
    const { createEmulator, serveEmulator } = await import('../../src/emulator/index.ts')
    const { createS3Client } = await import('../../src/s3/index.ts')
    const emulator = createEmulator()
    const served = await serveEmulator(emulator)
    try {
      const s3 = createS3Client({ region: 'us-east-1', endpoint: served.url, credentials: emulator.baseCredentials, env: {} })
      await s3.createBucket({ Bucket: 'framed' })
      const body = new Uint8Array(1024 * 1024).map((_, i) => (i * 13) & 0xff)
      await s3.putObject({ Bucket: 'framed', Key: 'k', Body: body })
      const read = await s3.getObject({ Bucket: 'framed', Key: 'k' })
      expect(Buffer.from(await read.Body.bytes()).equals(Buffer.from(body))).toBe(true)
    } finally {
      await served.close()
    }
  })
  test('a body that fails while being read rejects with RequestBodyError, its cause the body\'s error, with or without a length', async () => {
    for (const headers of [{}, { 'content-length': '10' }]) {
      const broken = new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.error(new Error('disk gone'))
        },
      })
      const request = new Request('http://h/', { method: 'PUT', body: broken, headers, duplex: 'half' } as RequestInit)
      const error = await readBodyCapped(request, 100).catch((e) => e)
      expect(error).toMatchObject({ name: 'RequestBodyError', message: 'the request body failed' })
      expect(error.cause).toMatchObject({ message: 'disk gone' })
    }
  })
  test('a streamed body without Content-Length is cut at the cap', async () => {
    let pulls = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++
        controller.enqueue(new Uint8Array(1024))
      },
    })
    const request = new Request(
      'http://h/',
      { method: 'POST', body: stream, duplex: 'half' } as RequestInit,
    )
    expect(await readBodyCapped(request, 4096)).toBeUndefined()
    expect(pulls).toBeLessThanOrEqual(6)
  })
})
