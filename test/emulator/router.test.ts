import { describe, expect, test } from 'bun:test'
import { detectService, readBodyCapped } from '../../src/emulator/router.ts'
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
