import { describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { computeChecksum } from '../../src/emulator/s3-checksum.ts'
import { decodeAwsChunked } from '../../src/emulator/s3-chunked.ts'
import { EmulatorFault } from '../../src/emulator/context.ts'
import { bytes, nodeMd5, s3Fixture, tags } from './s3-helpers.ts'

const enc = new TextEncoder()

/** Frame `data` as aws-chunked with `chunkSize` chunks, optional signatures and trailers. */
function frame(data: Uint8Array, chunkSize: number, options: { signed?: boolean; trailer?: string } = {}): Uint8Array {
  const parts: Uint8Array[] = []
  const sig = (): string => (options.signed ? `;chunk-signature=${'0'.repeat(64)}` : '')
  for (let offset = 0; offset < data.length; offset += chunkSize) {
    const chunk = data.subarray(offset, offset + chunkSize)
    parts.push(enc.encode(`${chunk.length.toString(16)}${sig()}\r\n`), chunk, enc.encode('\r\n'))
  }
  parts.push(enc.encode(`0${sig()}\r\n`))
  parts.push(enc.encode(options.trailer !== undefined ? `${options.trailer}\r\n\r\n` : '\r\n'))
  return new Uint8Array(Buffer.concat(parts))
}

describe('decodeAwsChunked', () => {
  test('strips signed framing and collects trailers', () => {
    const data = bytes(70_000, 8)
    const decoded = decodeAwsChunked(frame(data, 65_536, { signed: true }), 70_000)
    expect(decoded.data).toEqual(data)
    expect(decoded.trailers).toEqual({})
    const trailed = decodeAwsChunked(frame(data, 8192, { trailer: 'x-amz-checksum-crc32:AAAAAA==\r\nx-amz-trailer-signature:abc' }))
    expect(trailed.data).toEqual(data)
    expect(trailed.trailers).toEqual({ 'x-amz-checksum-crc32': 'AAAAAA==', 'x-amz-trailer-signature': 'abc' })
    expect(decodeAwsChunked(frame(new Uint8Array(0), 10)).data.length).toBe(0)
  })

  test('broken framing and a wrong decoded length are S3 faults, never crashes', () => {
    const good = frame(enc.encode('hello world'), 4)
    const cases: [Uint8Array, number | undefined, string][] = [
      [good.subarray(0, good.length - 6), undefined, 'IncompleteBody'],
      [enc.encode('zz\r\nhello\r\n0\r\n\r\n'), undefined, 'InvalidChunkSizeError'],
      [enc.encode('5\r\nhelloX\r\n0\r\n\r\n'), undefined, 'IncompleteBody'],
      [enc.encode('ff\r\nhello\r\n0\r\n\r\n'), undefined, 'IncompleteBody'],
      [enc.encode('5\r\nhello\r\n0\r\n\r\nextra'), undefined, 'IncompleteBody'],
      [good, 12, 'IncompleteBody'],
    ]
    for (const [body, length, code] of cases) {
      let caught: unknown
      try {
        decodeAwsChunked(body, length)
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(EmulatorFault)
      expect((caught as EmulatorFault).code).toBe(code)
      expect((caught as EmulatorFault).status).toBe(400)
    }
  })
})

describe('checksums', () => {
  test('CRC32, CRC32C, CRC64NVME, SHA1, SHA256 match known values', async () => {
    const check = enc.encode('123456789')
    // The standard "check" values of each CRC over "123456789", big-endian, base64.
    expect(Buffer.from(await computeChecksum('CRC32', check), 'base64').toString('hex')).toBe('cbf43926')
    expect(Buffer.from(await computeChecksum('CRC32C', check), 'base64').toString('hex')).toBe('e3069283')
    expect(Buffer.from(await computeChecksum('CRC64NVME', check), 'base64').toString('hex')).toBe('ae8b14860a799888')
    expect(await computeChecksum('SHA1', check)).toBe(createHash('sha1').update(check).digest('base64'))
    expect(await computeChecksum('SHA256', check)).toBe(createHash('sha256').update(check).digest('base64'))
  })
})

describe('PutObject with aws-chunked bodies and checksums', () => {
  test('STREAMING-AWS4-HMAC-SHA256-PAYLOAD bodies are stored decoded', async () => {
    const s3 = s3Fixture()
    await s3.ok('PUT', '/bkt')
    const data = bytes(200_000, 77)
    const put = await s3.send('PUT', '/bkt/streamed', {
      body: frame(data, 65_536, { signed: true }),
      headers: {
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': '200000',
      },
    })
    expect(put.status).toBe(200)
    expect(put.headers.get('etag')).toBe(`"${nodeMd5(data).toString('hex')}"`)
    const get = await s3.send('GET', '/bkt/streamed')
    expect(new Uint8Array(await get.arrayBuffer())).toEqual(data)
    expect(get.headers.get('content-encoding')).toBeNull()
    expect(get.headers.get('content-length')).toBe('200000')
  })

  test('STREAMING-UNSIGNED-PAYLOAD-TRAILER: the trailer checksum is verified, stored and returned', async () => {
    const s3 = s3Fixture()
    await s3.ok('PUT', '/bkt')
    const data = bytes(10_000, 5)
    const crc = await computeChecksum('CRC32', data)
    const headers = {
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'content-encoding': 'gzip,aws-chunked',
      'x-amz-trailer': 'x-amz-checksum-crc32',
      'x-amz-decoded-content-length': '10000',
    }
    const put = await s3.send('PUT', '/bkt/t', { body: frame(data, 4096, { trailer: `x-amz-checksum-crc32:${crc}` }), headers })
    expect(put.status).toBe(200)
    expect(put.headers.get('x-amz-checksum-crc32')).toBe(crc)
    const get = await s3.send('GET', '/bkt/t', { headers: { 'x-amz-checksum-mode': 'ENABLED' } })
    expect(new Uint8Array(await get.arrayBuffer())).toEqual(data)
    expect(get.headers.get('x-amz-checksum-crc32')).toBe(crc)
    expect(get.headers.get('content-encoding')).toBe('gzip')
    expect((await s3.send('GET', '/bkt/t')).headers.get('x-amz-checksum-crc32')).toBeNull()
    const ranged = await s3.send('GET', '/bkt/t', { headers: { 'x-amz-checksum-mode': 'ENABLED', range: 'bytes=0-1' } })
    expect(ranged.headers.get('x-amz-checksum-crc32')).toBeNull()

    const wrong = await s3.send('PUT', '/bkt/t2', { body: frame(data, 4096, { trailer: 'x-amz-checksum-crc32:AAAAAA==' }), headers })
    expect(wrong.status).toBe(400)
    const text = await wrong.text()
    expect(tags(text, 'Code')).toEqual(['BadDigest'])
    expect(tags(text, 'Message')).toEqual(['The CRC32 you specified did not match the calculated checksum.'])
  })

  test('a checksum header on a plain body is verified too', async () => {
    const s3 = s3Fixture()
    await s3.ok('PUT', '/bkt')
    const sha = createHash('sha256').update('payload').digest('base64')
    const put = await s3.send('PUT', '/bkt/k', { body: 'payload', headers: { 'x-amz-checksum-sha256': sha } })
    expect(put.headers.get('x-amz-checksum-sha256')).toBe(sha)
    const bad = await s3.send('PUT', '/bkt/k', { body: 'payload!', headers: { 'x-amz-checksum-sha256': sha } })
    expect(bad.status).toBe(400)
    expect(tags(await bad.text(), 'Code')).toEqual(['BadDigest'])
  })
})
