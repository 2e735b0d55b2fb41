import { describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { bytes, contentMd5, nodeMd5, s3Fixture, tags, type S3Fixture } from './s3-helpers.ts'

async function withBucket(): Promise<S3Fixture> {
  const s3 = s3Fixture()
  await s3.ok('PUT', '/bkt')
  return s3
}

async function errorOf(response: Response): Promise<{ status: number; code: string; text: string }> {
  const text = await response.text()
  return { status: response.status, code: tags(text, 'Code')[0] ?? '', text }
}

describe('PutObject / GetObject / HeadObject', () => {
  test('binary bodies round-trip byte for byte with ETag, metadata and headers', async () => {
    const s3 = await withBucket()
    const body = bytes(100_000, 42)
    const put = await s3.send('PUT', '/bkt/dir/blob.bin', {
      body,
      headers: {
        'content-type': 'application/x-test',
        'x-amz-meta-Color': 'blue',
        'x-amz-meta-empty': '',
        'cache-control': 'max-age=60',
        'content-disposition': 'attachment; filename="b.bin"',
        'content-md5': contentMd5(body),
      },
    })
    expect(put.status).toBe(200)
    const etag = `"${nodeMd5(body).toString('hex')}"`
    expect(put.headers.get('etag')).toBe(etag)
    expect(put.headers.get('x-amz-server-side-encryption')).toBe('AES256')

    const get = await s3.send('GET', '/bkt/dir/blob.bin')
    expect(get.status).toBe(200)
    expect(new Uint8Array(await get.arrayBuffer())).toEqual(body)
    expect(get.headers.get('etag')).toBe(etag)
    expect(get.headers.get('content-length')).toBe('100000')
    expect(get.headers.get('content-type')).toBe('application/x-test')
    expect(get.headers.get('x-amz-meta-color')).toBe('blue')
    expect(get.headers.get('x-amz-meta-empty')).toBe('')
    expect(get.headers.get('cache-control')).toBe('max-age=60')
    expect(get.headers.get('content-disposition')).toBe('attachment; filename="b.bin"')
    expect(get.headers.get('last-modified')).toBe('Fri, 02 Jan 2026 03:04:05 GMT')
    expect(get.headers.get('accept-ranges')).toBe('bytes')

    const head = await s3.send('HEAD', '/bkt/dir/blob.bin')
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    expect(head.headers.get('content-length')).toBe('100000')
    expect(head.headers.get('etag')).toBe(etag)
    expect(head.headers.get('x-amz-meta-color')).toBe('blue')
  })

  test('a 0-byte object has the empty MD5 ETag and binary/octet-stream by default', async () => {
    const s3 = await withBucket()
    const put = await s3.send('PUT', '/bkt/empty')
    expect(put.headers.get('etag')).toBe('"d41d8cd98f00b204e9800998ecf8427e"')
    const get = await s3.send('GET', '/bkt/empty')
    expect(get.status).toBe(200)
    expect((await get.arrayBuffer()).byteLength).toBe(0)
    expect(get.headers.get('content-length')).toBe('0')
    expect(get.headers.get('content-type')).toBe('binary/octet-stream')
  })

  test('overwrite replaces bytes, metadata and Last-Modified (from the injected clock)', async () => {
    const s3 = await withBucket()
    await s3.ok('PUT', '/bkt/k', { body: 'one', headers: { 'x-amz-meta-a': '1' } })
    await s3.clock.set(Date.UTC(2027, 5, 6, 7, 8, 9, 999))
    await s3.ok('PUT', '/bkt/k', { body: 'two!' })
    const get = await s3.send('GET', '/bkt/k')
    expect(await get.text()).toBe('two!')
    expect(get.headers.get('x-amz-meta-a')).toBeNull()
    expect(get.headers.get('last-modified')).toBe('Sun, 06 Jun 2027 07:08:09 GMT')
  })

  test('missing key: NoSuchKey (404) with Key; HEAD gives a bodiless 404; missing bucket: NoSuchBucket', async () => {
    const s3 = await withBucket()
    const missing = await errorOf(await s3.send('GET', '/bkt/no/such'))
    expect(missing.status).toBe(404)
    expect(missing.code).toBe('NoSuchKey')
    expect(tags(missing.text, 'Message')).toEqual(['The specified key does not exist.'])
    expect(tags(missing.text, 'Key')).toEqual(['no/such'])
    expect(tags(missing.text, 'RequestId')).toEqual(['REQ0000000000002'])
    const head = await s3.send('HEAD', '/bkt/no/such')
    expect(head.status).toBe(404)
    expect(await head.text()).toBe('')
    expect(head.headers.get('x-amz-request-id')).toBe('REQ0000000000003')
    const noBucket = await errorOf(await s3.send('PUT', '/nobkt/k', { body: 'x' }))
    expect(noBucket.status).toBe(404)
    expect(noBucket.code).toBe('NoSuchBucket')
    expect(tags(noBucket.text, 'BucketName')).toEqual(['nobkt'])
  })

  test('Content-MD5 must be valid base64 of 16 bytes (InvalidDigest) and match (BadDigest)', async () => {
    const s3 = await withBucket()
    const invalid = await errorOf(await s3.send('PUT', '/bkt/k', { body: 'abc', headers: { 'content-md5': 'nope' } }))
    expect([invalid.status, invalid.code]).toEqual([400, 'InvalidDigest'])
    const short = await errorOf(await s3.send('PUT', '/bkt/k', { body: 'abc', headers: { 'content-md5': 'AAAA' } }))
    expect(short.code).toBe('InvalidDigest')
    const bad = await errorOf(await s3.send('PUT', '/bkt/k', { body: 'abc', headers: { 'content-md5': contentMd5('abd') } }))
    expect([bad.status, bad.code]).toEqual([400, 'BadDigest'])
    expect(tags(bad.text, 'Message')).toEqual(['The Content-MD5 you specified did not match what we received.'])
    expect(tags(bad.text, 'CalculatedDigest')).toEqual([contentMd5('abc')])
    expect((await s3.send('GET', '/bkt/k')).status).toBe(404)
  })

  test('a reader that changes the bytes it got (whole or a Range) does not change the stored object', async () => {
    const s3 = await withBucket()
    await s3.ok('PUT', '/bkt/k', { body: 'abcdef' })
    const whole = new Uint8Array(await (await s3.send('GET', '/bkt/k')).arrayBuffer())
    whole.fill(0x7a)
    const part = new Uint8Array(await (await s3.send('GET', '/bkt/k', { headers: { range: 'bytes=1-3' } })).arrayBuffer())
    expect(new TextDecoder().decode(part)).toBe('bcd')
    part.fill(0x7a)
    expect(await s3.ok('GET', '/bkt/k')).toBe('abcdef')
  })

  test('x-amz-content-sha256 that does not match the body is XAmzContentSHA256Mismatch', async () => {
    const s3 = await withBucket()
    const sha = createHash('sha256').update('other').digest('hex')
    const result = await errorOf(await s3.send('PUT', '/bkt/k', { body: 'abc', headers: { 'x-amz-content-sha256': sha } }))
    expect([result.status, result.code]).toEqual([400, 'XAmzContentSHA256Mismatch'])
    const good = createHash('sha256').update('abc').digest('hex')
    await s3.ok('PUT', '/bkt/k', { body: 'abc', headers: { 'x-amz-content-sha256': good } })
    await s3.ok('PUT', '/bkt/u', { body: 'abc', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } })
  })

  test('user metadata over 2 KB is MetadataTooLarge; unknown storage class is InvalidStorageClass', async () => {
    const s3 = await withBucket()
    const big = await errorOf(await s3.send('PUT', '/bkt/k', { body: 'x', headers: { 'x-amz-meta-big': 'v'.repeat(2046) } }))
    expect([big.status, big.code]).toEqual([400, 'MetadataTooLarge'])
    await s3.ok('PUT', '/bkt/k', { body: 'x', headers: { 'x-amz-meta-big': 'v'.repeat(2045) } })
    const storage = await errorOf(await s3.send('PUT', '/bkt/k', { body: 'x', headers: { 'x-amz-storage-class': 'COLD' } }))
    expect(storage.code).toBe('InvalidStorageClass')
    await s3.ok('PUT', '/bkt/ia', { body: 'x', headers: { 'x-amz-storage-class': 'STANDARD_IA' } })
    expect((await s3.send('HEAD', '/bkt/ia')).headers.get('x-amz-storage-class')).toBe('STANDARD_IA')
  })

  test('response-* query parameters override GetObject headers', async () => {
    const s3 = await withBucket()
    await s3.ok('PUT', '/bkt/k', { body: 'x', headers: { 'content-type': 'text/plain' } })
    const get = await s3.send('GET', '/bkt/k?response-content-type=application%2Fjson&response-content-disposition=inline')
    expect(get.headers.get('content-type')).toBe('application/json')
    expect(get.headers.get('content-disposition')).toBe('inline')
  })
})

describe('Range', () => {
  const data = bytes(1000, 9)
  const cases: [string, number, number][] = [
    ['bytes=0-9', 0, 9],
    ['bytes=990-', 990, 999],
    ['bytes=-10', 990, 999],
    ['bytes=-5000', 0, 999],
    ['bytes=500-5000', 500, 999],
    ['bytes=999-999', 999, 999],
  ]
  for (const [range, start, end] of cases) {
    test(`${range} -> 206 bytes ${start}-${end}/1000`, async () => {
      const s3 = await withBucket()
      await s3.ok('PUT', '/bkt/k', { body: data })
      const response = await s3.send('GET', '/bkt/k', { headers: { range } })
      expect(response.status).toBe(206)
      expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/1000`)
      expect(response.headers.get('content-length')).toBe(String(end - start + 1))
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(data.slice(start, end + 1))
    })
  }

  test('unsatisfiable ranges are InvalidRange (416) with RangeRequested and ActualObjectSize', async () => {
    const s3 = await withBucket()
    await s3.ok('PUT', '/bkt/k', { body: data })
    await s3.ok('PUT', '/bkt/empty')
    for (const [key, range, size] of [['k', 'bytes=1000-', '1000'], ['k', 'bytes=-0', '1000'], ['empty', 'bytes=0-0', '0'], ['empty', 'bytes=-1', '0']] as const) {
      const result = await errorOf(await s3.send('GET', `/bkt/${key}`, { headers: { range } }))
      expect([result.status, result.code]).toEqual([416, 'InvalidRange'])
      expect(tags(result.text, 'Message')).toEqual(['The requested range is not satisfiable'])
      expect(tags(result.text, 'RangeRequested')).toEqual([range])
      expect(tags(result.text, 'ActualObjectSize')).toEqual([size])
    }
  })

  test('syntactically invalid or multiple ranges are ignored: 200 with the whole object', async () => {
    const s3 = await withBucket()
    await s3.ok('PUT', '/bkt/k', { body: data })
    for (const range of ['bytes=9-1', 'items=0-1', 'bytes=0-1,5-6', 'bytes=']) {
      const response = await s3.send('GET', '/bkt/k', { headers: { range } })
      expect(response.status).toBe(200)
      expect((await response.arrayBuffer()).byteLength).toBe(1000)
    }
  })

  test('HEAD honours Range too, without a body', async () => {
    const s3 = await withBucket()
    await s3.ok('PUT', '/bkt/k', { body: data })
    const head = await s3.send('HEAD', '/bkt/k', { headers: { range: 'bytes=10-19' } })
    expect(head.status).toBe(206)
    expect(head.headers.get('content-range')).toBe('bytes 10-19/1000')
    expect(await head.text()).toBe('')
  })
})

describe('conditional requests', () => {
  test('If-Match / If-None-Match / If-Modified-Since / If-Unmodified-Since on GET', async () => {
    const s3 = await withBucket()
    const etag = (await s3.send('PUT', '/bkt/k', { body: 'abc' })).headers.get('etag') as string
    const lastModified = 'Fri, 02 Jan 2026 03:04:05 GMT'
    const status = async (headers: Record<string, string>): Promise<number> => (await s3.send('GET', '/bkt/k', { headers })).status
    expect(await status({ 'if-match': etag })).toBe(200)
    expect(await status({ 'if-match': '"0000"' })).toBe(412)
    expect(await status({ 'if-none-match': etag })).toBe(304)
    expect(await status({ 'if-none-match': '"0000"' })).toBe(200)
    expect(await status({ 'if-modified-since': lastModified })).toBe(304)
    expect(await status({ 'if-modified-since': 'Fri, 02 Jan 2026 03:04:04 GMT' })).toBe(200)
    expect(await status({ 'if-unmodified-since': 'Fri, 02 Jan 2026 03:04:04 GMT' })).toBe(412)
    expect(await status({ 'if-unmodified-since': lastModified })).toBe(200)
    const failed = await errorOf(await s3.send('GET', '/bkt/k', { headers: { 'if-match': '"0000"' } }))
    expect(failed.code).toBe('PreconditionFailed')
    expect(tags(failed.text, 'Condition')).toEqual(['If-Match'])
  })

  test('PutObject with If-None-Match: * refuses to overwrite (412)', async () => {
    const s3 = await withBucket()
    await s3.ok('PUT', '/bkt/k', { body: 'first', headers: { 'if-none-match': '*' } })
    const second = await errorOf(await s3.send('PUT', '/bkt/k', { body: 'second', headers: { 'if-none-match': '*' } }))
    expect([second.status, second.code]).toEqual([412, 'PreconditionFailed'])
    expect(await s3.ok('GET', '/bkt/k')).toBe('first')
  })
})

describe('DeleteObject', () => {
  test('answers 204 whether or not the key exists', async () => {
    const s3 = await withBucket()
    await s3.ok('PUT', '/bkt/k', { body: 'x' })
    expect((await s3.send('DELETE', '/bkt/k')).status).toBe(204)
    expect((await s3.send('DELETE', '/bkt/k')).status).toBe(204)
    expect((await s3.send('GET', '/bkt/k')).status).toBe(404)
    expect((await errorOf(await s3.send('DELETE', '/nobkt/k'))).code).toBe('NoSuchBucket')
  })
})

describe('CopyObject', () => {
  test('copies bytes and metadata (COPY), or replaces metadata (REPLACE); answers CopyObjectResult', async () => {
    const s3 = await withBucket()
    await s3.ok('PUT', '/dst')
    const body = bytes(5000, 3)
    await s3.ok('PUT', '/bkt/src key+€', { body, headers: { 'x-amz-meta-a': '1', 'content-type': 'text/x' } })
    await s3.clock.advance(2000)
    const copied = await s3.ok('PUT', '/dst/copy', {
      headers: { 'x-amz-copy-source': `/bkt/${encodeURIComponent('src key+€')}` },
    })
    expect(copied).toContain('<CopyObjectResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">')
    expect(tags(copied, 'ETag')).toEqual([`&quot;${nodeMd5(body).toString('hex')}&quot;`])
    expect(tags(copied, 'LastModified')).toEqual(['2026-01-02T03:04:07.000Z'])
    const get = await s3.send('GET', '/dst/copy')
    expect(new Uint8Array(await get.arrayBuffer())).toEqual(body)
    expect(get.headers.get('x-amz-meta-a')).toBe('1')
    expect(get.headers.get('content-type')).toBe('text/x')

    await s3.ok('PUT', '/dst/replaced', {
      headers: {
        'x-amz-copy-source': 'bkt/src%20key%2B%E2%82%AC',
        'x-amz-metadata-directive': 'REPLACE',
        'x-amz-meta-b': '2',
      },
    })
    const replaced = await s3.send('HEAD', '/dst/replaced')
    expect(replaced.headers.get('x-amz-meta-a')).toBeNull()
    expect(replaced.headers.get('x-amz-meta-b')).toBe('2')
    expect(replaced.headers.get('content-type')).toBe('binary/octet-stream')
  })

  test('copy errors: missing source key/bucket, bad source, copy onto itself without REPLACE', async () => {
    const s3 = await withBucket()
    await s3.ok('PUT', '/bkt/k', { body: 'x' })
    const copy = (source: string, extra: Record<string, string> = {}): Promise<Response> =>
      s3.send('PUT', '/bkt/target', { headers: { 'x-amz-copy-source': source, ...extra } })
    expect((await errorOf(await copy('/bkt/missing'))).code).toBe('NoSuchKey')
    expect((await errorOf(await copy('/nobkt/k'))).code).toBe('NoSuchBucket')
    const bad = await errorOf(await copy('just-a-bucket'))
    expect([bad.status, bad.code]).toEqual([400, 'InvalidArgument'])
    expect(tags(bad.text, 'ArgumentName')).toEqual(['x-amz-copy-source'])
    const self = await errorOf(await s3.send('PUT', '/bkt/k', { headers: { 'x-amz-copy-source': '/bkt/k' } }))
    expect([self.status, self.code]).toEqual([400, 'InvalidRequest'])
    await s3.ok('PUT', '/bkt/k', { headers: { 'x-amz-copy-source': '/bkt/k', 'x-amz-metadata-directive': 'REPLACE' } })
    const unmatched = await errorOf(await copy('/bkt/k', { 'x-amz-copy-source-if-match': '"nope"' }))
    expect([unmatched.status, unmatched.code]).toEqual([412, 'PreconditionFailed'])
  })
})
