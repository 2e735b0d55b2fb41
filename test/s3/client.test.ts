import { describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { createS3Client } from '../../src/s3/index.ts'
import type { S3ClientOptions } from '../../src/s3/index.ts'
import { isAwsServiceError, isConfigError } from '../../src/errors.ts'
import type { AwsServiceError } from '../../src/errors.ts'
import { bytesOf, CREDS, fakeS3, instantClock, s3Error, textOf, xml } from './fake.ts'
import type { Recorded } from './fake.ts'

const ok = (): Response => new Response(null, { status: 200, headers: { etag: '"abc"' } })

function client(handler: (r: Recorded) => Response | Promise<Response>, options: Partial<S3ClientOptions> = {}) {
  const fake = fakeS3(handler)
  const s3 = createS3Client({
    region: 'us-east-1',
    credentials: CREDS,
    fetch: fake.fetch,
    clock: instantClock,
    env: {},
    ...options,
  })
  return { s3, requests: fake.requests }
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex')
const md5b64 = (data: Uint8Array | string): string => createHash('md5').update(data).digest('base64')

describe('addressing', () => {
  const urlOf = async (bucket: string, options: Partial<S3ClientOptions> = {}): Promise<string> => {
    const { s3, requests } = client(ok, options)
    await s3.putObject({ Bucket: bucket, Key: 'k', Body: 'x' })
    return requests[0]!.url.toString()
  }

  test('virtual-hosted on AWS for DNS-compatible names, path style otherwise', async () => {
    expect(await urlOf('my-bucket')).toBe('https://my-bucket.s3.us-east-1.amazonaws.com/k')
    expect(await urlOf('my-bucket', { region: 'eu-west-1' })).toBe(
      'https://my-bucket.s3.eu-west-1.amazonaws.com/k',
    )
    expect(await urlOf('my-bucket', { region: 'cn-north-1' })).toBe(
      'https://my-bucket.s3.cn-north-1.amazonaws.com.cn/k',
    )
    // Dots break the *.s3 wildcard certificate; upper case and IP-like names are not host labels.
    expect(await urlOf('my.bucket')).toBe('https://s3.us-east-1.amazonaws.com/my.bucket/k')
    expect(await urlOf('My_Bucket')).toBe('https://s3.us-east-1.amazonaws.com/My_Bucket/k')
    expect(await urlOf('192.168.5.4')).toBe('https://s3.us-east-1.amazonaws.com/192.168.5.4/k')
    expect(await urlOf('ab')).toBe('https://s3.us-east-1.amazonaws.com/ab/k')
  })

  test('path style for forcePathStyle and for custom endpoints from options or env', async () => {
    expect(await urlOf('my-bucket', { forcePathStyle: true })).toBe(
      'https://s3.us-east-1.amazonaws.com/my-bucket/k',
    )
    expect(await urlOf('my-bucket', { endpoint: 'http://127.0.0.1:9000' })).toBe(
      'http://127.0.0.1:9000/my-bucket/k',
    )
    expect(await urlOf('my-bucket', { env: { AWS_ENDPOINT_URL_S3: 'http://localhost:4566/' } })).toBe(
      'http://localhost:4566/my-bucket/k',
    )
    expect(await urlOf('my-bucket', { env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:1/base' } })).toBe(
      'http://127.0.0.1:1/base/my-bucket/k',
    )
    const { s3 } = client(ok, { endpoint: 'http://127.0.0.1:9000' })
    expect(s3.pathStyle).toBe(true)
    expect(s3.endpoint).toBe('http://127.0.0.1:9000')
  })

  test('region comes from AWS_REGION when not given, and is required', async () => {
    const { s3 } = client(ok, { region: undefined, env: { AWS_REGION: 'ap-south-1' } })
    expect(s3.region).toBe('ap-south-1')
    const error = await caught((async () => client(ok, { region: undefined, env: {} }))())
    expect(isConfigError(error)).toBe(true)
    expect((error as Error).message).toContain('AWS_REGION')
  })

  test('keys are encoded once per segment, slashes kept', async () => {
    const { s3, requests } = client(ok)
    await s3.putObject({ Bucket: 'b-1', Key: "dir/a b+c(1)~é!*'.txt", Body: '' })
    expect(requests[0]!.url.pathname).toBe('/dir/a%20b%2Bc%281%29~%C3%A9%21%2A%27.txt')
    await s3.putObject({ Bucket: 'b-1', Key: 'already%20encoded', Body: '' })
    expect(requests[1]!.url.pathname).toBe('/already%2520encoded')
  })

  test('keys with . or .. segments and empty keys are refused before any request', async () => {
    const { s3, requests } = client(ok)
    for (const Key of ['a/../b', './x', '']) {
      const error = await caught(s3.putObject({ Bucket: 'b-1', Key, Body: '' }))
      expect(isConfigError(error)).toBe(true)
    }
    expect(requests).toHaveLength(0)
  })
})

describe('objects', () => {
  test('putObject sends the exact body, signed payload hash, metadata and attributes', async () => {
    const { s3, requests } = client(
      () => new Response(null, { headers: { etag: '"5d41402abc4b2a76b9719d911017c592"', 'x-amz-version-id': 'v1' } }),
    )
    const out = await s3.putObject({
      Bucket: 'my-bucket',
      Key: 'hello.txt',
      Body: 'hello',
      ContentType: 'text/plain',
      Metadata: { Owner: 'ops', run: '42' },
      CacheControl: 'no-cache',
    })
    expect(out).toEqual({ ETag: '"5d41402abc4b2a76b9719d911017c592"', VersionId: 'v1' })
    const r = requests[0]!
    expect(r.method).toBe('PUT')
    expect(textOf(r.body)).toBe('hello')
    expect(r.headers.get('content-type')).toBe('text/plain')
    expect(r.headers.get('cache-control')).toBe('no-cache')
    expect(r.headers.get('x-amz-meta-owner')).toBe('ops')
    expect(r.headers.get('x-amz-meta-run')).toBe('42')
    expect(r.headers.get('content-length')).toBe('5')
    expect(r.headers.get('x-amz-content-sha256')).toBe(sha256('hello'))
    expect(r.headers.get('authorization')).toStartWith(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/s3/aws4_request',
    )
    expect(r.headers.get('x-amz-date')).toBe('20260101T000000Z')
  })

  test('putObject with a stream and no checksum (WHEN_REQUIRED) sends UNSIGNED-PAYLOAD and its Content-Length', async () => {
    // With the default checksum it goes aws-chunked instead: test/s3/checksums.test.ts.
    const { s3, requests } = client(ok, { requestChecksumCalculation: 'WHEN_REQUIRED' })
    const data = bytesOf('streamed body')
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(data.subarray(0, 4))
        c.enqueue(data.subarray(4))
        c.close()
      },
    })
    await s3.putObject({ Bucket: 'b-1', Key: 's', Body: stream, ContentLength: data.length })
    const r = requests[0]!
    expect(r.headers.get('x-amz-content-sha256')).toBe('UNSIGNED-PAYLOAD')
    expect(r.headers.get('content-length')).toBe(String(data.length))
    expect(textOf(r.body)).toBe('streamed body')

    const error = await caught(s3.putObject({ Bucket: 'b-1', Key: 's', Body: new ReadableStream() }))
    expect(isConfigError(error)).toBe(true)
    expect((error as Error).message).toContain('ContentLength')
  })

  test('putObject accepts Blob, ArrayBuffer and Uint8Array bodies byte for byte', async () => {
    const { s3, requests } = client(ok)
    const bytes = new Uint8Array([0, 1, 2, 253, 254, 255])
    await s3.putObject({ Bucket: 'b-1', Key: 'a', Body: bytes })
    await s3.putObject({ Bucket: 'b-1', Key: 'b', Body: bytes.buffer })
    await s3.putObject({ Bucket: 'b-1', Key: 'c', Body: new Blob([bytes]) })
    for (const r of requests) expect([...r.body]).toEqual([...bytes])
  })

  test('ChecksumAlgorithm adds x-amz-checksum-<alg> with the known values', async () => {
    const { s3, requests } = client(ok)
    await s3.putObject({ Bucket: 'b-1', Key: 'k', Body: 'hello', ChecksumAlgorithm: 'CRC32' })
    await s3.putObject({ Bucket: 'b-1', Key: 'k', Body: '123456789', ChecksumAlgorithm: 'CRC32C' })
    await s3.putObject({ Bucket: 'b-1', Key: 'k', Body: 'hello', ChecksumAlgorithm: 'SHA256' })
    expect(requests[0]!.headers.get('x-amz-checksum-crc32')).toBe('NhCmhg==')
    expect(requests[0]!.headers.get('x-amz-sdk-checksum-algorithm')).toBe('CRC32')
    // CRC-32C check value of "123456789" is 0xE3069283 (RFC 3720 appendix).
    expect(requests[1]!.headers.get('x-amz-checksum-crc32c')).toBe(
      Buffer.from([0xe3, 0x06, 0x92, 0x83]).toString('base64'),
    )
    expect(requests[2]!.headers.get('x-amz-checksum-sha256')).toBe(
      createHash('sha256').update('hello').digest('base64'),
    )
  })

  test('invalid metadata and header values are refused with the member named', async () => {
    const { s3, requests } = client(ok)
    const bad = await caught(s3.putObject({ Bucket: 'b-1', Key: 'k', Body: '', Metadata: { 'a b': 'x' } }))
    expect((bad as Error).message).toContain("Metadata key 'a b'")
    const value = await caught(s3.putObject({ Bucket: 'b-1', Key: 'k', Body: '', Metadata: { a: 'é' } }))
    expect((value as Error).message).toContain('Metadata.a')
    expect(requests).toHaveLength(0)
  })

  test('getObject sends Range and returns SDK-shaped headers and a readable body', async () => {
    const { s3, requests } = client(
      () =>
        new Response('llo', {
          status: 206,
          headers: {
            'content-length': '3',
            'content-range': 'bytes 2-4/5',
            'content-type': 'text/plain',
            etag: '"e"',
            'last-modified': 'Thu, 01 Jan 2026 00:00:00 GMT',
            'x-amz-meta-owner': 'ops',
            'accept-ranges': 'bytes',
          },
        }),
    )
    const obj = await s3.getObject({ Bucket: 'b-1', Key: 'k', Range: 'bytes=2-4', VersionId: 'v 1' })
    expect(requests[0]!.method).toBe('GET')
    expect(requests[0]!.headers.get('range')).toBe('bytes=2-4')
    expect(requests[0]!.url.search).toBe('?versionId=v%201')
    expect(obj.ContentLength).toBe(3)
    expect(obj.ContentRange).toBe('bytes 2-4/5')
    expect(obj.ContentType).toBe('text/plain')
    expect(obj.ETag).toBe('"e"')
    expect(obj.LastModified).toEqual(new Date(Date.UTC(2026, 0, 1)))
    expect(obj.Metadata).toEqual({ owner: 'ops' })
    expect(obj.AcceptRanges).toBe('bytes')
    expect(await obj.Body.text()).toBe('llo')
  })

  test('getObject body as bytes and as a stream', async () => {
    const payload = new Uint8Array([1, 2, 3, 200])
    const { s3 } = client(() => new Response(payload))
    expect([...(await (await s3.getObject({ Bucket: 'b-1', Key: 'k' })).Body.bytes())]).toEqual([1, 2, 3, 200])
    const stream = (await s3.getObject({ Bucket: 'b-1', Key: 'k' })).Body.stream()
    expect([...new Uint8Array(await new Response(stream).arrayBuffer())]).toEqual([1, 2, 3, 200])
  })

  test('headObject on a missing key throws NotFound 404 with the request id', async () => {
    const { s3, requests } = client(
      () => new Response(null, { status: 404, headers: { 'x-amz-request-id': 'RID' } }),
    )
    const error = (await caught(s3.headObject({ Bucket: 'b-1', Key: 'missing' }))) as AwsServiceError
    expect(isAwsServiceError(error)).toBe(true)
    expect(error.code).toBe('NotFound')
    expect(error.status).toBe(404)
    expect(error.requestId).toBe('RID')
    expect(error.message).toStartWith('S3.HeadObject on s3://b-1/missing: NotFound')
    expect(requests).toHaveLength(1)
    expect(requests[0]!.method).toBe('HEAD')
  })

  test('a 304 answer to a conditional read throws NotModified, as the SDKs do', async () => {
    const { s3, requests } = client(() => new Response(null, { status: 304 }))
    const since = new Date(Date.UTC(2025, 11, 31))
    for (const call of [
      () => s3.getObject({ Bucket: 'b-1', Key: 'k', IfNoneMatch: '"e"' }),
      () => s3.headObject({ Bucket: 'b-1', Key: 'k', IfModifiedSince: since }),
    ]) {
      const error = (await caught(call())) as AwsServiceError
      expect([error.code, error.status]).toEqual(['NotModified', 304])
    }
    expect(requests[0]!.headers.get('if-none-match')).toBe('"e"')
    expect(requests[1]!.headers.get('if-modified-since')).toBe('Wed, 31 Dec 2025 00:00:00 GMT')
  })

  test('getObject of a missing key throws NoSuchKey from the XML error', async () => {
    const { s3 } = client(() => s3Error('NoSuchKey', 404, 'The specified key does not exist.'))
    const error = (await caught(s3.getObject({ Bucket: 'b-1', Key: 'k' }))) as AwsServiceError
    expect(error.code).toBe('NoSuchKey')
    expect(error.message).toBe('S3.GetObject on s3://b-1/k: NoSuchKey: The specified key does not exist.')
  })

  test('deleteObject sends DELETE and reads the delete-marker headers', async () => {
    const { s3, requests } = client(
      () => new Response(null, { status: 204, headers: { 'x-amz-delete-marker': 'true', 'x-amz-version-id': 'dm' } }),
    )
    expect(await s3.deleteObject({ Bucket: 'b-1', Key: 'k' })).toEqual({ DeleteMarker: true, VersionId: 'dm' })
    expect(requests[0]!.method).toBe('DELETE')
    expect(requests[0]!.url.toString()).toBe('https://b-1.s3.us-east-1.amazonaws.com/k')
  })

  test('deleteObjects posts the XML with Content-MD5 and surfaces per-key errors', async () => {
    const { s3, requests } = client(() =>
      xml(
        '<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Deleted><Key>a&amp;b</Key></Deleted>' +
          '<Error><Key>locked</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>',
      ),
    )
    const out = await s3.deleteObjects({
      Bucket: 'b-1',
      Delete: { Objects: [{ Key: 'a&b' }, { Key: 'locked', VersionId: 'v2' }, { Key: 'line\r\nend' }] },
    })
    expect(out).toEqual({
      Deleted: [{ Key: 'a&b' }],
      Errors: [{ Key: 'locked', Code: 'AccessDenied', Message: 'Access Denied' }],
    })
    const r = requests[0]!
    expect(r.method).toBe('POST')
    expect(r.url.toString()).toBe('https://b-1.s3.us-east-1.amazonaws.com/?delete=')
    const body = textOf(r.body)
    expect(body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        '<Object><Key>a&#38;b</Key></Object><Object><Key>locked</Key><VersionId>v2</VersionId></Object>' +
        '<Object><Key>line&#13;&#10;end</Key></Object></Delete>',
    )
    expect(r.headers.get('content-md5')).toBe(md5b64(r.body))
    expect(r.headers.get('x-amz-content-sha256')).toBe(sha256(r.body))
  })

  test('deleteObjects refuses more than 1000 keys, and none', async () => {
    const { s3, requests } = client(ok)
    const many = Array.from({ length: 1001 }, (_, i) => ({ Key: `k${i}` }))
    expect(isConfigError(await caught(s3.deleteObjects({ Bucket: 'b-1', Delete: { Objects: many } })))).toBe(true)
    expect(isConfigError(await caught(s3.deleteObjects({ Bucket: 'b-1', Delete: { Objects: [] } })))).toBe(true)
    expect(requests).toHaveLength(0)
  })

  test('copyObject sends x-amz-copy-source and parses CopyObjectResult', async () => {
    const { s3, requests } = client(() =>
      xml(
        '<CopyObjectResult><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"etag1"</ETag></CopyObjectResult>',
        200,
        { 'x-amz-version-id': 'v9' },
      ),
    )
    const out = await s3.copyObject({
      Bucket: 'dst',
      Key: 'to/key',
      CopySource: { Bucket: 'src-bucket', Key: 'from/a b.txt', VersionId: 'v1' },
      MetadataDirective: 'REPLACE',
      Metadata: { x: 'y' },
    })
    expect(out).toEqual({
      CopyObjectResult: { ETag: '"etag1"', LastModified: new Date(Date.UTC(2026, 0, 1)) },
      VersionId: 'v9',
    })
    const r = requests[0]!
    expect(r.method).toBe('PUT')
    expect(r.url.toString()).toBe('https://dst.s3.us-east-1.amazonaws.com/to/key')
    expect(r.headers.get('x-amz-copy-source')).toBe('src-bucket/from/a%20b.txt?versionId=v1')
    expect(r.headers.get('x-amz-metadata-directive')).toBe('REPLACE')
    expect(r.headers.get('x-amz-meta-x')).toBe('y')
    await s3.copyObject({ Bucket: 'dst', Key: 'k', CopySource: 'src/pre%20encoded' })
    expect(requests[1]!.headers.get('x-amz-copy-source')).toBe('src/pre%20encoded')
  })

  test('copyObject answered 200 with a transient <Error> is retried, a final one thrown', async () => {
    let calls = 0
    const { s3, requests } = client(() =>
      ++calls === 1
        ? xml('<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>')
        : xml('<CopyObjectResult><ETag>"e2"</ETag></CopyObjectResult>'),
    )
    expect((await s3.copyObject({ Bucket: 'd-1', Key: 'k', CopySource: 's/k' })).CopyObjectResult.ETag).toBe('"e2"')
    expect(requests).toHaveLength(2)

    const denied = client(() => xml('<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>'))
    const error = (await caught(denied.s3.copyObject({ Bucket: 'd-1', Key: 'k', CopySource: 's/k' }))) as AwsServiceError
    expect(error.code).toBe('AccessDenied')
    expect(error.status).toBe(200)
    expect(error.message).toBe('S3.CopyObject: AccessDenied: Access Denied (answered with HTTP 200)')
    expect(denied.requests).toHaveLength(1)

    const empty = client(() => new Response('', { status: 200 }))
    const aborted = (await caught(empty.s3.copyObject({ Bucket: 'd-1', Key: 'k', CopySource: 's/k' }))) as AwsServiceError
    expect(aborted.code).toBe('InternalError')
    expect(empty.requests).toHaveLength(3)
  })
})

describe('listing', () => {
  test('listObjectsV2 sends list-type=2 and its parameters, and parses the page', async () => {
    const { s3, requests } = client(() =>
      xml(
        '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b-1</Name><Prefix>p/</Prefix>' +
          '<KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><Delimiter>/</Delimiter><IsTruncated>false</IsTruncated>' +
          '<Contents><Key>p/a b</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"x"</ETag>' +
          '<Size>12</Size><StorageClass>STANDARD</StorageClass></Contents>' +
          '<CommonPrefixes><Prefix>p/sub/</Prefix></CommonPrefixes></ListBucketResult>',
      ),
    )
    const page = await s3.listObjectsV2({ Bucket: 'b-1', Prefix: 'p/', Delimiter: '/', MaxKeys: 2 })
    expect(requests[0]!.url.toString()).toBe(
      'https://b-1.s3.us-east-1.amazonaws.com/?list-type=2&prefix=p%2F&delimiter=%2F&max-keys=2',
    )
    expect(page).toEqual({
      Name: 'b-1',
      Prefix: 'p/',
      Delimiter: '/',
      MaxKeys: 2,
      KeyCount: 2,
      IsTruncated: false,
      Contents: [
        { Key: 'p/a b', LastModified: new Date(Date.UTC(2026, 0, 1)), ETag: '"x"', Size: 12, StorageClass: 'STANDARD' },
      ],
      CommonPrefixes: [{ Prefix: 'p/sub/' }],
    })
  })

  test('paginateListObjectsV2 follows every continuation token to the end', async () => {
    const pages = [
      { keys: ['a', 'b'], next: 'tok 1/+' },
      { keys: ['c', 'd'], next: 'tok2' },
      { keys: ['e'], next: undefined },
    ]
    const { s3, requests } = client((r) => {
      const token = r.url.searchParams.get('continuation-token')
      const index = token === null ? 0 : token === 'tok 1/+' ? 1 : 2
      const page = pages[index]!
      return xml(
        `<ListBucketResult><IsTruncated>${page.next !== undefined}</IsTruncated>` +
          page.keys.map((k) => `<Contents><Key>${k}</Key></Contents>`).join('') +
          (page.next ? `<NextContinuationToken>${page.next}</NextContinuationToken>` : '') +
          '</ListBucketResult>',
      )
    })
    const keys: string[] = []
    for await (const page of s3.paginateListObjectsV2({ Bucket: 'b-1', MaxKeys: 2 })) {
      keys.push(...page.Contents.map((c) => c.Key!))
    }
    expect(keys).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(requests).toHaveLength(3)
    expect(requests[1]!.url.search).toBe('?list-type=2&max-keys=2&continuation-token=tok%201%2F%2B')
  })

  test('a truncated page without a token ends the paginator with an error, not a loop', async () => {
    const { s3, requests } = client(() => xml('<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>'))
    const error = await caught((async () => {
      for await (const _ of s3.paginateListObjectsV2({ Bucket: 'b-1' })) {
        // drain
      }
    })())
    expect((error as AwsServiceError).code).toBe('InvalidPagination')
    expect(requests).toHaveLength(1)
  })
})

describe('buckets', () => {
  test('createBucket outside us-east-1 sends the LocationConstraint; in us-east-1 no body', async () => {
    const eu = client(() => new Response(null, { headers: { location: 'http://b-1.s3.amazonaws.com/' } }), {
      region: 'eu-west-1',
    })
    expect(await eu.s3.createBucket({ Bucket: 'b-1' })).toEqual({ Location: 'http://b-1.s3.amazonaws.com/' })
    expect(eu.requests[0]!.method).toBe('PUT')
    expect(eu.requests[0]!.url.toString()).toBe('https://b-1.s3.eu-west-1.amazonaws.com/')
    expect(textOf(eu.requests[0]!.body)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        '<LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>',
    )
    const us = client(ok)
    await us.s3.createBucket({ Bucket: 'b-1' })
    expect(us.requests[0]!.body.length).toBe(0)
  })

  test('headBucket and deleteBucket', async () => {
    const { s3, requests } = client((r) =>
      r.method === 'HEAD'
        ? new Response(null, { headers: { 'x-amz-bucket-region': 'us-east-1' } })
        : new Response(null, { status: 204 }),
    )
    expect(await s3.headBucket({ Bucket: 'b-1' })).toEqual({ BucketRegion: 'us-east-1' })
    await s3.deleteBucket({ Bucket: 'b-1' })
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'HEAD https://b-1.s3.us-east-1.amazonaws.com/',
      'DELETE https://b-1.s3.us-east-1.amazonaws.com/',
    ])
  })
})

describe('multipart operations', () => {
  test('create, upload part, list parts, complete, abort: exact requests', async () => {
    const { s3, requests } = client((r) => {
      if (r.method === 'POST' && r.url.searchParams.has('uploads')) {
        return xml('<InitiateMultipartUploadResult><Bucket>b-1</Bucket><Key>big</Key><UploadId>U1</UploadId></InitiateMultipartUploadResult>')
      }
      if (r.method === 'PUT') return new Response(null, { headers: { etag: `"p${r.url.searchParams.get('partNumber')}"` } })
      if (r.method === 'GET') {
        return xml('<ListPartsResult><UploadId>U1</UploadId><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber><ETag>"p1"</ETag><Size>3</Size></Part></ListPartsResult>')
      }
      if (r.method === 'POST') return xml('<CompleteMultipartUploadResult><Location>L</Location><Bucket>b-1</Bucket><Key>big</Key><ETag>"m-2"</ETag></CompleteMultipartUploadResult>')
      return new Response(null, { status: 204 })
    })
    expect(await s3.createMultipartUpload({ Bucket: 'b-1', Key: 'big', ContentType: 'a/b' })).toEqual({
      Bucket: 'b-1',
      Key: 'big',
      UploadId: 'U1',
    })
    // The fake echoes no checksum: the part's CRC32 is the one sent (CRC32 of "xyz").
    expect(await s3.uploadPart({ Bucket: 'b-1', Key: 'big', UploadId: 'U1', PartNumber: 2, Body: 'xyz' })).toEqual({ ETag: '"p2"', ChecksumCRC32: '6466Zw==' })
    expect((await s3.listParts({ Bucket: 'b-1', Key: 'big', UploadId: 'U1' })).Parts).toEqual([
      { PartNumber: 1, ETag: '"p1"', Size: 3 },
    ])
    expect(
      await s3.completeMultipartUpload({
        Bucket: 'b-1',
        Key: 'big',
        UploadId: 'U1',
        MultipartUpload: { Parts: [{ PartNumber: 2, ETag: '"p2"' }, { PartNumber: 1, ETag: '"p1"' }] },
      }),
    ).toEqual({ Location: 'L', Bucket: 'b-1', Key: 'big', ETag: '"m-2"' })
    await s3.abortMultipartUpload({ Bucket: 'b-1', Key: 'big', UploadId: 'U1' })
    expect(requests.map((r) => `${r.method} ${r.url.pathname}${r.url.search}`)).toEqual([
      'POST /big?uploads=',
      'PUT /big?partNumber=2&uploadId=U1',
      'GET /big?uploadId=U1',
      'POST /big?uploadId=U1',
      'DELETE /big?uploadId=U1',
    ])
    expect(requests[0]!.headers.get('content-type')).toBe('a/b')
    expect(textOf(requests[3]!.body)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        '<Part><ETag>&#34;p1&#34;</ETag><PartNumber>1</PartNumber></Part><Part><ETag>&#34;p2&#34;</ETag><PartNumber>2</PartNumber></Part>' +
        '</CompleteMultipartUpload>',
    )
  })

  test('completeMultipartUpload answered 200 with <Error> throws (as the SDKs do)', async () => {
    const { s3, requests } = client(() =>
      xml('<Error><Code>InvalidPart</Code><Message>One or more of the specified parts could not be found.</Message></Error>'),
    )
    const error = (await caught(
      s3.completeMultipartUpload({ Bucket: 'b-1', Key: 'k', UploadId: 'U', MultipartUpload: { Parts: [] } }),
    )) as AwsServiceError
    expect(error.code).toBe('InvalidPart')
    expect(error.status).toBe(200)
    expect(requests).toHaveLength(1)
  })

  test('uploadPart refuses part numbers outside 1..10000', async () => {
    const { s3, requests } = client(ok)
    for (const PartNumber of [0, 10001, 1.5]) {
      const error = await caught(s3.uploadPart({ Bucket: 'b-1', Key: 'k', UploadId: 'U', PartNumber, Body: 'x' }))
      expect(isConfigError(error)).toBe(true)
    }
    expect(requests).toHaveLength(0)
  })
})

describe('presign', () => {
  test('GET and PUT URLs carry the query signature for the virtual host', async () => {
    const { s3, requests } = client(ok)
    const url = new URL(await s3.presign({ method: 'GET', Bucket: 'b-1', Key: 'a b.txt', expiresIn: 3600 }))
    expect(url.origin + url.pathname).toBe('https://b-1.s3.us-east-1.amazonaws.com/a%20b.txt')
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256')
    expect(url.searchParams.get('X-Amz-Credential')).toBe('AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/s3/aws4_request')
    expect(url.searchParams.get('X-Amz-Date')).toBe('20260101T000000Z')
    expect(url.searchParams.get('X-Amz-Expires')).toBe('3600')
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host')
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/)
    const put = new URL(await s3.presign({ method: 'PUT', Bucket: 'b-1', Key: 'k' }))
    expect(put.searchParams.get('X-Amz-Expires')).toBe('900')
    expect(requests).toHaveLength(0)
  })

  test('expiresIn outside 1..604800 is refused', async () => {
    const { s3 } = client(ok)
    for (const expiresIn of [0, 604801, 1.5]) {
      const error = await caught(s3.presign({ method: 'GET', Bucket: 'b-1', Key: 'k', expiresIn }))
      expect(isConfigError(error)).toBe(true)
      expect((error as Error).message).toContain('604800')
    }
  })
})

describe('credentials', () => {
  test('each attempt is signed with the credentials current when it is sent', async () => {
    let generation = 0
    const provider = async () => ({ accessKeyId: `AKIAGEN${++generation}`, secretAccessKey: 'secret' })
    let calls = 0
    const { s3, requests } = client(
      () => (++calls === 1 ? s3Error('ExpiredToken', 400, 'The provided token has expired.') : ok()),
      { credentials: provider },
    )
    await s3.putObject({ Bucket: 'b-1', Key: 'k', Body: 'payload' })
    expect(requests.map((r) => r.headers.get('authorization')!.split('/')[0])).toEqual([
      'AWS4-HMAC-SHA256 Credential=AKIAGEN1',
      'AWS4-HMAC-SHA256 Credential=AKIAGEN2',
    ])
    expect(requests.map((r) => textOf(r.body))).toEqual(['payload', 'payload'])
  })
})

describe('a stream body goes once', () => {
  test('a throttled PutObject of a stream throws S3\'s own error, not a replay complaint', async () => {
    const { s3, requests } = client(() => s3Error('SlowDown', 503, 'Please reduce your request rate.'))
    const body = new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(new Uint8Array([1, 2])), c.close()) })
    const error = await caught(s3.putObject({ Bucket: 'b', Key: 'k', Body: body, ContentLength: 2 }))
    expect(isAwsServiceError(error)).toBe(true)
    expect(isConfigError(error)).toBe(false)
    expect((error as AwsServiceError).code).toBe('SlowDown')
    expect((error as AwsServiceError).status).toBe(503)
    expect((error as Error).message).toEndWith('(not retried: the ReadableStream body was sent once; pass bytes or a Blob, or use upload(), which retries part by part)')
    expect(requests.length).toBe(1)
  })
})
