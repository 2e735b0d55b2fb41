import { describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { crc32 as zlibCrc32 } from 'node:zlib'
import { bytes, nodeMd5, s3Fixture, tags, type S3Fixture } from './s3-helpers.ts'

const MIB = 1024 * 1024

async function initiate(s3: S3Fixture, key = 'big/object.bin', headers: Record<string, string> = {}): Promise<string> {
  const xml = await s3.ok('POST', `/bkt/${key}?uploads`, { headers })
  expect(xml).toContain('<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">')
  expect(tags(xml, 'Bucket')).toEqual(['bkt'])
  expect(tags(xml, 'Key')).toEqual([key])
  return tags(xml, 'UploadId')[0] as string
}

async function upload(s3: S3Fixture, key: string, id: string, number: number, body: Uint8Array): Promise<string> {
  const response = await s3.send('PUT', `/bkt/${key}?partNumber=${number}&uploadId=${encodeURIComponent(id)}`, { body })
  expect(response.status).toBe(200)
  return response.headers.get('etag') as string
}

function completion(parts: readonly [number, string][]): string {
  return `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts
    .map(([n, etag]) => `<Part><PartNumber>${n}</PartNumber><ETag>${etag}</ETag></Part>`)
    .join('')}</CompleteMultipartUpload>`
}

async function fixture(): Promise<S3Fixture> {
  const s3 = s3Fixture()
  await s3.ok('PUT', '/bkt')
  return s3
}

async function failure(response: Response): Promise<{ status: number; xml: string; code: string }> {
  const xml = await response.text()
  return { status: response.status, xml, code: tags(xml, 'Code')[0] ?? '' }
}

describe('multipart upload', () => {
  test('three parts complete into the concatenation with the "<md5 of md5s>-3" ETag', async () => {
    const s3 = await fixture()
    const key = 'big/object.bin'
    const id = await initiate(s3, key, { 'content-type': 'video/mp4', 'x-amz-meta-origin': 'camera' })
    const parts = [bytes(5 * MIB, 1), bytes(5 * MIB + 3, 2), bytes(1234, 3)]
    const etags: string[] = []
    // Upload out of order: only the completion list's order matters.
    etags[2] = await upload(s3, key, id, 3, parts[2]!)
    etags[0] = await upload(s3, key, id, 1, parts[0]!)
    etags[1] = await upload(s3, key, id, 2, parts[1]!)
    parts.forEach((part, i) => expect(etags[i]).toBe(`"${nodeMd5(part).toString('hex')}"`))

    const listed = await s3.ok('GET', `/bkt/${key}?uploadId=${encodeURIComponent(id)}`)
    expect(tags(listed, 'PartNumber')).toEqual(['1', '2', '3'])
    expect(tags(listed, 'Size')).toEqual([String(5 * MIB), String(5 * MIB + 3), '1234'])
    expect(tags(listed, 'UploadId')).toEqual([id])
    expect(tags(listed, 'IsTruncated')).toEqual(['false'])

    const expected = createHash('md5')
      .update(Buffer.concat(parts.map((part) => nodeMd5(part))))
      .digest('hex')
    const done = await s3.ok('POST', `/bkt/${key}?uploadId=${encodeURIComponent(id)}`, {
      body: completion(etags.map((etag, i) => [i + 1, etag])),
    })
    expect(done).toContain('<CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">')
    expect(tags(done, 'ETag')).toEqual([`&quot;${expected}-3&quot;`])
    expect(tags(done, 'Location')).toEqual(['http://127.0.0.1:4566/bkt/big/object.bin'])
    expect(tags(done, 'Key')).toEqual([key])

    const get = await s3.send('GET', `/bkt/${key}`)
    expect(get.headers.get('etag')).toBe(`"${expected}-3"`)
    expect(get.headers.get('content-type')).toBe('video/mp4')
    expect(get.headers.get('x-amz-meta-origin')).toBe('camera')
    expect(new Uint8Array(await get.arrayBuffer())).toEqual(new Uint8Array(Buffer.concat(parts)))
    const list = await s3.ok('GET', '/bkt?list-type=2')
    expect(tags(list, 'Size')).toEqual([String(10 * MIB + 3 + 1234)])

    // The upload is gone once completed.
    const again = await failure(await s3.send('POST', `/bkt/${key}?uploadId=${encodeURIComponent(id)}`, { body: completion([[1, etags[0]!]]) }))
    expect([again.status, again.code]).toEqual([404, 'NoSuchUpload'])
  })

  test('a subset of uploaded parts may be completed; ETags are accepted with or without quotes', async () => {
    const s3 = await fixture()
    const id = await initiate(s3, 'k')
    const one = await upload(s3, 'k', id, 1, bytes(5 * MIB, 4))
    await upload(s3, 'k', id, 2, bytes(100, 5))
    const three = await upload(s3, 'k', id, 3, bytes(10, 6))
    const done = await s3.ok('POST', `/bkt/k?uploadId=${id}`, { body: completion([[1, one.replace(/"/g, '')], [3, three]]) })
    expect(tags(done, 'ETag')[0]).toEndWith('-2&quot;')
    expect(Number((await s3.send('HEAD', '/bkt/k')).headers.get('content-length'))).toBe(5 * MIB + 10)
  })

  test('a single small part is fine: only non-last parts have a minimum', async () => {
    const s3 = await fixture()
    const id = await initiate(s3, 'small')
    const etag = await upload(s3, 'small', id, 1, bytes(10, 1))
    await s3.ok('POST', `/bkt/small?uploadId=${id}`, { body: completion([[1, etag]]) })
    expect(await s3.ok('GET', '/bkt/small')).toBe(new TextDecoder().decode(bytes(10, 1)))
  })

  test('EntityTooSmall for a non-last part under 5 MiB, with ProposedSize and MinSizeAllowed', async () => {
    const s3 = await fixture()
    const id = await initiate(s3, 'k')
    const one = await upload(s3, 'k', id, 1, bytes(5 * MIB - 1, 1))
    const two = await upload(s3, 'k', id, 2, bytes(10, 2))
    const result = await failure(await s3.send('POST', `/bkt/k?uploadId=${id}`, { body: completion([[1, one], [2, two]]) }))
    expect([result.status, result.code]).toEqual([400, 'EntityTooSmall'])
    expect(tags(result.xml, 'Message')).toEqual(['Your proposed upload is smaller than the minimum allowed size'])
    expect(tags(result.xml, 'ProposedSize')).toEqual([String(5 * MIB - 1)])
    expect(tags(result.xml, 'MinSizeAllowed')).toEqual([String(5 * MIB)])
    expect(tags(result.xml, 'PartNumber')).toEqual(['1'])
    // The failed completion leaves the upload in place.
    expect((await s3.send('GET', `/bkt/k?uploadId=${id}`)).status).toBe(200)
    expect((await s3.send('GET', '/bkt/k')).status).toBe(404)
  })

  test('InvalidPartOrder, InvalidPart (unknown part or wrong ETag), MalformedXML', async () => {
    const s3 = await fixture()
    const id = await initiate(s3, 'k')
    const one = await upload(s3, 'k', id, 1, bytes(5 * MIB, 1))
    const two = await upload(s3, 'k', id, 2, bytes(10, 2))
    const complete = async (body: string): Promise<{ status: number; xml: string; code: string }> =>
      failure(await s3.send('POST', `/bkt/k?uploadId=${id}`, { body }))

    const order = await complete(completion([[2, two], [1, one]]))
    expect([order.status, order.code]).toEqual([400, 'InvalidPartOrder'])
    expect(tags(order.xml, 'Message')).toEqual(['The list of parts was not in ascending order. Parts must be ordered by part number.'])
    const duplicate = await complete(completion([[1, one], [1, one]]))
    expect(duplicate.code).toBe('InvalidPartOrder')

    const unknown = await complete(completion([[1, one], [7, two]]))
    expect([unknown.status, unknown.code]).toEqual([400, 'InvalidPart'])
    expect(tags(unknown.xml, 'PartNumber')).toEqual(['7'])
    expect(tags(unknown.xml, 'Message')).toEqual([
      "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
    ])
    const mismatch = await complete(completion([[1, '"00000000000000000000000000000000"']]))
    expect(mismatch.code).toBe('InvalidPart')

    for (const body of ['', '<CompleteMultipartUpload>', '<CompleteMultipartUpload/>', '<Other/>', '<CompleteMultipartUpload><Part><PartNumber>x</PartNumber><ETag>a</ETag></Part></CompleteMultipartUpload>']) {
      const malformed = await complete(body)
      expect([malformed.status, malformed.code]).toEqual([400, 'MalformedXML'])
    }
  })

  test('AbortMultipartUpload answers 204, then the upload is NoSuchUpload everywhere', async () => {
    const s3 = await fixture()
    const id = await initiate(s3, 'k')
    await upload(s3, 'k', id, 1, bytes(10, 1))
    expect((await s3.send('DELETE', `/bkt/k?uploadId=${id}`)).status).toBe(204)
    for (const [method, path] of [
      ['DELETE', `/bkt/k?uploadId=${id}`],
      ['GET', `/bkt/k?uploadId=${id}`],
      ['PUT', `/bkt/k?partNumber=1&uploadId=${id}`],
      ['POST', `/bkt/k?uploadId=${id}`],
    ] as const) {
      const result = await failure(await s3.send(method, path, { body: completion([[1, '"x"']]) }))
      expect([result.status, result.code]).toEqual([404, 'NoSuchUpload'])
      expect(tags(result.xml, 'UploadId')).toEqual([id])
    }
    // An upload id used with another key is also unknown.
    const other = await initiate(s3, 'k2')
    expect((await failure(await s3.send('GET', `/bkt/k?uploadId=${other}`))).code).toBe('NoSuchUpload')
  })

  test('part numbers outside 1-10000 are InvalidArgument', async () => {
    const s3 = await fixture()
    const id = await initiate(s3, 'k')
    for (const number of ['0', '10001', 'abc', '']) {
      const result = await failure(await s3.send('PUT', `/bkt/k?partNumber=${number}&uploadId=${id}`, { body: 'x' }))
      expect([result.status, result.code]).toEqual([400, 'InvalidArgument'])
      expect(tags(result.xml, 'ArgumentName')).toEqual(['partNumber'])
    }
  })

  test('ListParts pages with max-parts and part-number-marker; ListMultipartUploads lists uploads', async () => {
    const s3 = await fixture()
    const id = await initiate(s3, 'k')
    for (let n = 1; n <= 5; n++) await upload(s3, 'k', id, n, bytes(n, n))
    const first = await s3.ok('GET', `/bkt/k?uploadId=${id}&max-parts=2`)
    expect(tags(first, 'PartNumber')).toEqual(['1', '2'])
    expect(tags(first, 'IsTruncated')).toEqual(['true'])
    expect(tags(first, 'NextPartNumberMarker')).toEqual(['2'])
    const rest = await s3.ok('GET', `/bkt/k?uploadId=${id}&part-number-marker=2`)
    expect(tags(rest, 'PartNumber')).toEqual(['3', '4', '5'])
    expect(tags(rest, 'IsTruncated')).toEqual(['false'])
    const other = await initiate(s3, 'a-key')
    const uploads = await s3.ok('GET', '/bkt?uploads')
    expect(tags(uploads, 'Key')).toEqual(['a-key', 'k'])
    expect(tags(uploads, 'UploadId')).toEqual([other, id])
  })

  test('UploadPartCopy copies a byte range of an object into a part', async () => {
    const s3 = await fixture()
    const source = bytes(6 * MIB, 9)
    await s3.ok('PUT', '/bkt/src', { body: source })
    const id = await initiate(s3, 'dst')
    const copied = await s3.ok('PUT', `/bkt/dst?partNumber=1&uploadId=${id}`, {
      headers: { 'x-amz-copy-source': '/bkt/src', 'x-amz-copy-source-range': `bytes=0-${5 * MIB - 1}` },
    })
    expect(copied).toContain('<CopyPartResult')
    const etag1 = (tags(copied, 'ETag')[0] as string).replace(/&quot;/g, '"')
    expect(etag1).toBe(`"${nodeMd5(source.subarray(0, 5 * MIB)).toString('hex')}"`)
    const etag2 = await upload(s3, 'dst', id, 2, bytes(3, 3))
    await s3.ok('POST', `/bkt/dst?uploadId=${id}`, { body: completion([[1, etag1], [2, etag2]]) })
    const got = new Uint8Array(await (await s3.send('GET', '/bkt/dst')).arrayBuffer())
    expect(got).toEqual(new Uint8Array(Buffer.concat([source.subarray(0, 5 * MIB), bytes(3, 3)])))
    const bad = await failure(await s3.send('PUT', `/bkt/dst2?partNumber=1&uploadId=${id}`, { headers: { 'x-amz-copy-source': '/bkt/src' } }))
    expect(bad.code).toBe('NoSuchUpload')
  })

  test('CopyObject of a multipart object gets a plain MD5 ETag', async () => {
    const s3 = await fixture()
    const id = await initiate(s3, 'mp')
    const etag = await upload(s3, 'mp', id, 1, bytes(100, 1))
    await s3.ok('POST', `/bkt/mp?uploadId=${id}`, { body: completion([[1, etag]]) })
    const copy = await s3.ok('PUT', '/bkt/copy', { headers: { 'x-amz-copy-source': 'bkt/mp' } })
    expect(tags(copy, 'ETag')).toEqual([`&quot;${nodeMd5(bytes(100, 1)).toString('hex')}&quot;`])
  })

  test('a SHA256 upload: part checksums stored and listed, a COMPOSITE "-N" object checksum, copied parts checksummed by S3', async () => {
    const s3 = await fixture()
    const sha = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest()
    const created = await s3.send('POST', '/bkt/sha.bin?uploads', { headers: { 'x-amz-checksum-algorithm': 'SHA256' } })
    expect(created.headers.get('x-amz-checksum-algorithm')).toBe('SHA256')
    expect(created.headers.get('x-amz-checksum-type')).toBe('COMPOSITE')
    const id = tags(await created.text(), 'UploadId')[0] as string
    const first = bytes(5 * MIB, 7)
    const put = await s3.send('PUT', `/bkt/sha.bin?partNumber=1&uploadId=${encodeURIComponent(id)}`, {
      body: first,
      headers: { 'x-amz-checksum-sha256': sha(first).toString('base64') },
    })
    expect(put.headers.get('x-amz-checksum-sha256')).toBe(sha(first).toString('base64'))
    await s3.ok('PUT', '/bkt/src.txt', { body: 'copied bytes' })
    const copied = await s3.ok('PUT', `/bkt/sha.bin?partNumber=2&uploadId=${encodeURIComponent(id)}`, {
      headers: { 'x-amz-copy-source': 'bkt/src.txt' },
    })
    const second = new TextEncoder().encode('copied bytes')
    expect(tags(copied, 'ChecksumSHA256')).toEqual([sha(second).toString('base64')])

    const listed = await s3.ok('GET', `/bkt/sha.bin?uploadId=${encodeURIComponent(id)}`)
    expect(tags(listed, 'ChecksumSHA256')).toEqual([sha(first).toString('base64'), sha(second).toString('base64')])
    expect([tags(listed, 'ChecksumAlgorithm'), tags(listed, 'ChecksumType')]).toEqual([['SHA256'], ['COMPOSITE']])
    // ListMultipartUploads shows each upload's algorithm and type too (S3 API, MultipartUpload).
    const uploads = await s3.ok('GET', '/bkt?uploads')
    expect([tags(uploads, 'ChecksumAlgorithm'), tags(uploads, 'ChecksumType')]).toEqual([['SHA256'], ['COMPOSITE']])

    const composite = `${sha(Buffer.concat([sha(first), sha(second)])).toString('base64')}-2`
    const etags = [`"${nodeMd5(first).toString('hex')}"`, `"${nodeMd5(second).toString('hex')}"`]
    const body = `<CompleteMultipartUpload>${etags
      .map((etag, i) => `<Part><ETag>${etag}</ETag><ChecksumSHA256>${sha(i === 0 ? first : second).toString('base64')}</ChecksumSHA256><PartNumber>${i + 1}</PartNumber></Part>`)
      .join('')}</CompleteMultipartUpload>`
    const done = await s3.ok('POST', `/bkt/sha.bin?uploadId=${encodeURIComponent(id)}`, {
      body,
      headers: { 'x-amz-checksum-sha256': composite.replace(/-2$/, '') },
    })
    expect([tags(done, 'ChecksumSHA256'), tags(done, 'ChecksumType')]).toEqual([[composite], ['COMPOSITE']])

    const head = await s3.send('HEAD', '/bkt/sha.bin', { headers: { 'x-amz-checksum-mode': 'ENABLED' } })
    expect([head.headers.get('x-amz-checksum-sha256'), head.headers.get('x-amz-checksum-type')]).toEqual([composite, 'COMPOSITE'])
    const plain = await s3.send('HEAD', '/bkt/sha.bin')
    expect(plain.headers.get('x-amz-checksum-sha256')).toBeNull()

    // A copy is one piece: the source's algorithm, computed over the whole body (FULL_OBJECT),
    // or the algorithm the copy asks for; an unknown one is refused.
    const whole = Buffer.concat([first, second])
    const copy = await s3.ok('PUT', '/bkt/copy.bin', { headers: { 'x-amz-copy-source': 'bkt/sha.bin' } })
    expect([tags(copy, 'ChecksumSHA256'), tags(copy, 'ChecksumType')]).toEqual([[sha(whole).toString('base64')], ['FULL_OBJECT']])
    const copyHead = await s3.send('HEAD', '/bkt/copy.bin', { headers: { 'x-amz-checksum-mode': 'ENABLED' } })
    expect(copyHead.headers.get('x-amz-checksum-sha256')).toBe(sha(whole).toString('base64'))
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(zlibCrc32(whole))
    const asked = await s3.ok('PUT', '/bkt/crc.bin', { headers: { 'x-amz-copy-source': 'bkt/sha.bin', 'x-amz-checksum-algorithm': 'CRC32' } })
    expect([tags(asked, 'ChecksumCRC32'), tags(asked, 'ChecksumSHA256')]).toEqual([[crc.toString('base64')], []])
    const bad = await s3.send('PUT', '/bkt/bad.bin', { headers: { 'x-amz-copy-source': 'bkt/sha.bin', 'x-amz-checksum-algorithm': 'MD4' } })
    expect([bad.status, tags(await bad.text(), 'Code')]).toEqual([400, ['InvalidRequest']])
    expect((await s3.send('HEAD', '/bkt/bad.bin')).status).toBe(404)
  })
})
