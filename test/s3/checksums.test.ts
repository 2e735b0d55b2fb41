/**
 * S3 data integrity as the AWS SDKs have done it by default since 2025: PutObject sends a CRC32
 * that the emulator (like S3) checks, GetObject asks for the stored checksum and checks the body
 * against it, and `requestChecksumCalculation` / `responseChecksumValidation` (or their
 * environment variables) turn either off. The host's native CRC-32 agrees with the table's.
 */
import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { crc32, uint32Bytes } from '../../src/aws/crc32.ts'
import { createCrc64Nvme, crc64nvme } from '../../src/aws/crc64nvme.ts'
import { toBase64 } from '../../src/aws/md5.ts'
import { createEmulator } from '../../src/emulator/emulator.ts'
import { getPlatform, setPlatform } from '../../src/platform.ts'
import { nodePlatform } from '../../src/runtime/platform.ts'
import { createS3Client } from '../../src/s3/index.ts'
import type { S3ClientOptions } from '../../src/s3/index.ts'
import type { FetchLike } from '../../src/types.ts'

const BUCKET = 'integrity'
const BODY = new TextEncoder().encode('every byte counts\n'.repeat(2000))
const crc32Base64 = (data: Uint8Array): string => toBase64(uint32Bytes(crc32(data)))

interface Seen {
  readonly method: string
  readonly path: string
  readonly headers: Headers
}

/**
 * An emulator behind a fetch that records each request's method, path and headers, and can
 * damage the body of GetObject answers (one byte flipped, length unchanged).
 */
async function setup(options: Partial<S3ClientOptions> = {}) {
  const emulator = createEmulator()
  const seen: Seen[] = []
  let damage = false
  const fetch: FetchLike = async (input, init) => {
    const request = input instanceof Request ? input : undefined
    const url = new URL(request ? request.url : String(input))
    const method = init?.method ?? request?.method ?? 'GET'
    seen.push({ method, path: url.pathname, headers: new Headers(init?.headers ?? request?.headers) })
    const response = await emulator.fetch(input, init)
    if (!damage || method !== 'GET' || response.status !== 200) return response
    const bytes = new Uint8Array(await response.arrayBuffer())
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] as number) ^ 0x01
    return new Response(bytes, { status: response.status, headers: response.headers })
  }
  const s3 = createS3Client({
    region: 'us-east-1',
    endpoint: 'http://emulator.test',
    credentials: emulator.baseCredentials,
    fetch,
    env: {},
    ...options,
  })
  await s3.createBucket({ Bucket: BUCKET })
  seen.length = 0
  return {
    emulator,
    s3,
    seen,
    damaged: () => {
      damage = true
    },
    last: (method: string) => seen.filter((s) => s.method === method).at(-1)!,
  }
}

describe('requests: a CRC32 with every upload, by default', () => {
  test('PutObject sends x-amz-checksum-crc32 of the body and names the algorithm; S3 keeps it', async () => {
    const { s3, last } = await setup()
    const put = await s3.putObject({ Bucket: BUCKET, Key: 'a.txt', Body: BODY })
    const headers = last('PUT').headers
    expect(headers.get('x-amz-checksum-crc32')).toBe(crc32Base64(BODY))
    expect(headers.get('x-amz-sdk-checksum-algorithm')).toBe('CRC32')
    expect(put.ChecksumCRC32).toBe(crc32Base64(BODY))
    const head = await s3.headObject({ Bucket: BUCKET, Key: 'a.txt' })
    expect(head.ChecksumCRC32).toBe(crc32Base64(BODY))
    expect(last('HEAD').headers.get('x-amz-checksum-mode')).toBe('ENABLED')
  })

  test('a named ChecksumAlgorithm replaces the default', async () => {
    const { s3, last } = await setup()
    await s3.putObject({ Bucket: BUCKET, Key: 'b.txt', Body: 'hello', ChecksumAlgorithm: 'SHA256' })
    const headers = last('PUT').headers
    expect(headers.get('x-amz-checksum-sha256')).toBe('LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=')
    expect(headers.get('x-amz-checksum-crc32')).toBeNull()
    expect(headers.get('x-amz-sdk-checksum-algorithm')).toBe('SHA256')
  })

  test('a stream body sends it as an aws-chunked trailer, as the SDKs do; S3 checks it and stores the plain bytes', async () => {
    const { s3, last } = await setup()
    // 150,000 bytes: two full 64 KiB chunks and a short one, fed in odd-sized pieces.
    const data = new Uint8Array(150_000).map((_, i) => (i * 31) & 0xff)
    const pieces = [data.subarray(0, 1), data.subarray(1, 70_000), data.subarray(70_000, 70_001), data.subarray(70_001)]
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = pieces.shift()
        if (next) controller.enqueue(next)
        else controller.close()
      },
    })
    const put = await s3.putObject({ Bucket: BUCKET, Key: 'c.bin', Body: stream, ContentLength: data.length, ContentEncoding: 'gzip' })
    const headers = last('PUT').headers
    const trailer = `x-amz-checksum-crc32:${crc32Base64(data)}\r\n\r\n`
    expect(Object.fromEntries([...headers].filter(([name]) => /^(content-(length|encoding)|x-amz-(content-sha256|decoded-content-length|trailer|sdk-checksum-algorithm|checksum-crc32))$/.test(name)))).toEqual({
      'content-encoding': 'gzip,aws-chunked',
      'content-length': String(2 * (5 + 2 + 65_536 + 2) + (4 + 2 + 18_928 + 2) + 3 + trailer.length),
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'x-amz-decoded-content-length': '150000',
      'x-amz-sdk-checksum-algorithm': 'CRC32',
      'x-amz-trailer': 'x-amz-checksum-crc32',
    })
    expect(put.ChecksumCRC32).toBe(crc32Base64(data))
    const got = await s3.getObject({ Bucket: BUCKET, Key: 'c.bin' })
    expect(got.ContentEncoding).toBe('gzip')
    expect(got.ChecksumCRC32).toBe(crc32Base64(data))
    expect(await got.Body.bytes()).toEqual(data)
  })

  test('a stream that ends short of its ContentLength fails, naming both sizes, and stores nothing', async () => {
    const { s3 } = await setup()
    const short = new Blob([BODY.subarray(0, 100)]).stream()
    const error = await s3.putObject({ Bucket: BUCKET, Key: 'short', Body: short, ContentLength: 200 }).catch((e) => e)
    expect(String(error.message)).toContain('the Body stream ended after 100 of its ContentLength of 200 bytes')
    expect(await s3.headObject({ Bucket: BUCKET, Key: 'short' }).catch((e) => e.code)).toBe('NotFound')
  })

  test('a SHA checksum of a stream needs an incremental SHA: a ConfigError without one, a trailer with one', async () => {
    const { s3 } = await setup()
    const upload = () => s3.putObject({ Bucket: BUCKET, Key: 'sha.bin', Body: new Blob([BODY]).stream(), ContentLength: BODY.length, ChecksumAlgorithm: 'SHA256' })
    expect(await upload().catch((e) => e)).toMatchObject({
      name: 'ConfigError',
      message: 'S3.PutObject: a SHA256 checksum of a stream needs an incremental SHA256, which this runtime lacks; pass the Body as bytes, or use CRC32, CRC32C or CRC64NVME',
    })
    const before = getPlatform()
    setPlatform(nodePlatform)
    try {
      const put = await upload()
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', BODY))
      expect(put.ChecksumSHA256).toBe(toBase64(digest))
    } finally {
      setPlatform(before)
    }
  })

  test('WHEN_REQUIRED sends none unless the call names an algorithm', async () => {
    const { s3, last } = await setup({ requestChecksumCalculation: 'WHEN_REQUIRED' })
    await s3.putObject({ Bucket: BUCKET, Key: 'd.txt', Body: BODY })
    expect(last('PUT').headers.get('x-amz-checksum-crc32')).toBeNull()
    expect(last('PUT').headers.get('x-amz-sdk-checksum-algorithm')).toBeNull()
    await s3.putObject({ Bucket: BUCKET, Key: 'd.txt', Body: BODY, ChecksumAlgorithm: 'CRC32' })
    expect(last('PUT').headers.get('x-amz-checksum-crc32')).toBe(crc32Base64(BODY))
  })

  test('AWS_REQUEST_CHECKSUM_CALCULATION / AWS_RESPONSE_CHECKSUM_VALIDATION, any case, as the SDKs read them', async () => {
    const { s3, last } = await setup({
      env: { AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required', AWS_RESPONSE_CHECKSUM_VALIDATION: 'When_Required' },
    })
    await s3.putObject({ Bucket: BUCKET, Key: 'e.txt', Body: BODY })
    expect(last('PUT').headers.get('x-amz-checksum-crc32')).toBeNull()
    await (await s3.getObject({ Bucket: BUCKET, Key: 'e.txt' })).Body.bytes()
    expect(last('GET').headers.get('x-amz-checksum-mode')).toBeNull()
  })

  test('an unknown setting is a ConfigError naming the variable or option and the values', () => {
    const emulator = createEmulator()
    const base = { region: 'us-east-1', credentials: emulator.baseCredentials, fetch: emulator.fetch }
    expect(() => createS3Client({ ...base, env: { AWS_REQUEST_CHECKSUM_CALCULATION: 'always' } })).toThrow(
      "environment variable AWS_REQUEST_CHECKSUM_CALCULATION is 'always': use WHEN_SUPPORTED (the default) or WHEN_REQUIRED",
    )
    expect(() =>
      createS3Client({ ...base, env: {}, responseChecksumValidation: 'never' as 'WHEN_REQUIRED' }),
    ).toThrow("S3 client option responseChecksumValidation is 'never': use WHEN_SUPPORTED (the default) or WHEN_REQUIRED")
  })
})

describe('responses: the body checked against the stored checksum, by default', () => {
  test('intact bodies read as stored, through bytes(), text() and stream(), for each algorithm', async () => {
    const { s3, last } = await setup()
    for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const) {
      await s3.putObject({ Bucket: BUCKET, Key: algorithm, Body: BODY, ChecksumAlgorithm: algorithm })
      const got = await s3.getObject({ Bucket: BUCKET, Key: algorithm })
      expect(last('GET').headers.get('x-amz-checksum-mode')).toBe('ENABLED')
      expect(typeof got[`Checksum${algorithm}`]).toBe('string')
      expect(await got.Body.bytes()).toEqual(BODY)
      expect(await (await s3.getObject({ Bucket: BUCKET, Key: algorithm })).Body.text()).toBe(new TextDecoder().decode(BODY))
      const streamed = await new Response((await s3.getObject({ Bucket: BUCKET, Key: algorithm })).Body.stream()).bytes()
      expect(streamed).toEqual(BODY)
    }
  })

  test('a damaged body fails with ChecksumMismatch, naming the object and both checksums', async () => {
    const { s3, damaged } = await setup()
    await s3.putObject({ Bucket: BUCKET, Key: 'logs/a.txt', Body: BODY })
    damaged()
    const stored = crc32Base64(BODY)
    const expected = {
      name: 'AwsServiceError',
      code: 'ChecksumMismatch',
      retryable: true,
      resource: `s3://${BUCKET}/logs/a.txt`,
      message: expect.stringMatching(
        new RegExp(`^S3\\.GetObject on s3://${BUCKET}/logs/a\\.txt: ChecksumMismatch: the body's CRC32 is \\S+ but the object's stored CRC32 is ${stored.replace(/[+/]/g, '\\$&')} \\(x-amz-checksum-crc32\\): the bytes changed on the way; read the object again$`),
      ),
    }
    expect(await (await s3.getObject({ Bucket: BUCKET, Key: 'logs/a.txt' })).Body.bytes().catch((e) => e)).toMatchObject(expected)
    expect(await (await s3.getObject({ Bucket: BUCKET, Key: 'logs/a.txt' })).Body.text().catch((e) => e)).toMatchObject(expected)
    // A stream hands over every chunk, then errors instead of ending.
    const reader = (await s3.getObject({ Bucket: BUCKET, Key: 'logs/a.txt' })).Body.stream().getReader()
    let received = 0
    const failure = await (async () => {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return undefined
        received += value.length
      }
    })().catch((e) => e)
    expect(failure).toMatchObject(expected)
    expect(received).toBe(BODY.length)
  })

  test('a damaged CRC64NVME body (the checksum S3 stores for objects uploaded without one) fails too, whole and streamed', async () => {
    const { s3, damaged } = await setup()
    await s3.putObject({ Bucket: BUCKET, Key: 'nvme', Body: BODY, ChecksumAlgorithm: 'CRC64NVME' })
    damaged()
    const expected = { code: 'ChecksumMismatch', message: expect.stringContaining("the object's stored CRC64NVME is ") }
    expect(await (await s3.getObject({ Bucket: BUCKET, Key: 'nvme' })).Body.bytes().catch((e) => e)).toMatchObject(expected)
    const stream = (await s3.getObject({ Bucket: BUCKET, Key: 'nvme' })).Body.stream()
    expect(await new Response(stream).bytes().catch((e) => e)).toMatchObject(expected)
  })

  test("a damaged SHA256 body fails too, streamed, through the host's incremental hash", async () => {
    const before = getPlatform()
    setPlatform(nodePlatform)
    try {
      const { s3, damaged } = await setup()
      await s3.putObject({ Bucket: BUCKET, Key: 'sha', Body: BODY, ChecksumAlgorithm: 'SHA256' })
      damaged()
      const stream = (await s3.getObject({ Bucket: BUCKET, Key: 'sha' })).Body.stream()
      expect(await new Response(stream).bytes().catch((e) => e)).toMatchObject({ code: 'ChecksumMismatch' })
    } finally {
      setPlatform(before)
    }
  })

  test('without an incremental SHA (a bare Web runtime) a streamed SHA body is passed on unchecked, and says so', async () => {
    const debug: string[] = []
    const logger = { debug: (m: string) => debug.push(m), info: () => {}, warn: () => {}, error: () => {} }
    const { s3, damaged } = await setup({ logger })
    await s3.putObject({ Bucket: BUCKET, Key: 'sha', Body: BODY, ChecksumAlgorithm: 'SHA256' })
    damaged()
    const stream = (await s3.getObject({ Bucket: BUCKET, Key: 'sha' })).Body.stream()
    expect((await new Response(stream).bytes()).length).toBe(BODY.length)
    expect(debug).toContain('S3.GetObject: not checking the SHA256 of a streamed body: this runtime has no incremental SHA256')
    // bytes() still checks, through WebCrypto.
    expect(await (await s3.getObject({ Bucket: BUCKET, Key: 'sha' })).Body.bytes().catch((e) => e)).toMatchObject({ code: 'ChecksumMismatch' })
  })

  test('WHEN_REQUIRED does not ask or check, unless the call says ChecksumMode ENABLED', async () => {
    const { s3, damaged, last } = await setup({ responseChecksumValidation: 'WHEN_REQUIRED' })
    await s3.putObject({ Bucket: BUCKET, Key: 'x', Body: BODY })
    damaged()
    const unchecked = await s3.getObject({ Bucket: BUCKET, Key: 'x' })
    expect(last('GET').headers.get('x-amz-checksum-mode')).toBeNull()
    expect(unchecked.ChecksumCRC32).toBeUndefined()
    expect((await unchecked.Body.bytes()).length).toBe(BODY.length)
    const checked = await s3.getObject({ Bucket: BUCKET, Key: 'x', ChecksumMode: 'ENABLED' })
    expect(await checked.Body.bytes().catch((e) => e)).toMatchObject({ code: 'ChecksumMismatch' })
  })

  test('a Range is not checked against the whole object', async () => {
    const { s3 } = await setup()
    await s3.putObject({ Bucket: BUCKET, Key: 'r', Body: BODY })
    const part = await s3.getObject({ Bucket: BUCKET, Key: 'r', Range: 'bytes=0-9' })
    expect(await part.Body.bytes()).toEqual(BODY.slice(0, 10))
  })

  test("a multipart object's composite checksum (<base64>-<parts>) is not checked against the bytes", async () => {
    const composite: FetchLike = async () =>
      new Response('not the parts', { status: 200, headers: { 'x-amz-checksum-crc32': 'AAAAAA==-3', etag: '"x-3"' } })
    const emulator = createEmulator()
    const s3 = createS3Client({ region: 'us-east-1', endpoint: 'http://e.test', credentials: emulator.baseCredentials, fetch: composite, env: {} })
    const got = await s3.getObject({ Bucket: BUCKET, Key: 'mp' })
    expect(got.ChecksumCRC32).toBe('AAAAAA==-3')
    expect(await got.Body.text()).toBe('not the parts')
  })
})

describe('CRC-64/NVME (slicing by 8)', () => {
  // The definition, bit by bit: reflected polynomial, all-ones initial value and final XOR.
  const reference = (data: Uint8Array): bigint => {
    let c = 0xffffffffffffffffn
    for (const byte of data) {
      c ^= BigInt(byte)
      for (let bit = 0; bit < 8; bit++) c = c & 1n ? (c >> 1n) ^ 0x9a6c9329ac4bc9b5n : c >> 1n
    }
    return c ^ 0xffffffffffffffffn
  }
  const asBigInt = (bytes: Uint8Array): bigint => new DataView(bytes.buffer).getBigUint64(0)

  test('its check value, and the definition over any bytes, whole and in pieces', () => {
    expect(asBigInt(crc64nvme(new TextEncoder().encode('123456789')))).toBe(0xae8b14860a799888n)
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (data, at) => {
        const cut = data.length === 0 ? 0 : at % data.length
        const crc = createCrc64Nvme()
        crc.update(data.subarray(0, cut))
        crc.update(data.subarray(cut))
        expect(asBigInt(crc.digest())).toBe(reference(data))
        expect(asBigInt(crc64nvme(data))).toBe(reference(data))
      }),
      { numRuns: 200 },
    )
  })
})

describe("the host's CRC-32", () => {
  test('equals the table CRC-32, whole and in pieces (Bun.hash.crc32 under Bun, zlib.crc32 elsewhere)', () => {
    const host = nodePlatform.crc32
    expect(typeof host).toBe('function')
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(), (data, at) => {
        const cut = data.length === 0 ? 0 : at % data.length
        const whole = crc32(data)
        expect(host!(data)).toBe(whole)
        expect(host!(data.subarray(cut), host!(data.subarray(0, cut)))).toBe(whole)
        expect(crc32(data.subarray(cut), crc32(data.subarray(0, cut)))).toBe(whole)
      }),
      { numRuns: 300 },
    )
  })
})
