/**
 * Multipart uploads with checksums, as the AWS SDK for JavaScript v3 sends them by default since
 * 2025 and as S3 checks them: the managed upload creates the upload with a CRC32, sends each
 * part's CRC32 and completes with the part checksums; the emulator refuses a damaged part
 * (BadDigest), a Complete whose part checksums are wrong (InvalidPart) or missing
 * (InvalidRequest), and stores the COMPOSITE (`<crc of the part crcs>-N`) or FULL_OBJECT checksum
 * that GetObject/HeadObject return. Expected values are computed here with node:zlib.
 */
import { describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { crc32 as zlibCrc32 } from 'node:zlib'
import { createEmulator } from '../../src/emulator/emulator.ts'
import { createS3Client } from '../../src/s3/index.ts'
import type { S3ClientOptions } from '../../src/s3/index.ts'
import type { FetchLike } from '../../src/types.ts'
import { pseudoRandomBytes, textOf } from './fake.ts'

const BUCKET = 'parts'
const MiB = 1024 * 1024

const be32 = (value: number): Uint8Array =>
  new Uint8Array([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff])
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')
/** The base64 big-endian CRC32 S3 carries in x-amz-checksum-crc32. */
const crc32Of = (data: Uint8Array): string => b64(be32(zlibCrc32(data)))
/** S3's COMPOSITE CRC32: the CRC32 of the concatenated 4-byte part CRC32s, then `-<parts>`. */
const compositeCrc32 = (parts: readonly Uint8Array[]): string =>
  `${b64(be32(zlibCrc32(Buffer.concat(parts.map((part) => be32(zlibCrc32(part)))))))}-${parts.length}`

interface Seen {
  readonly method: string
  readonly search: string
  readonly headers: Headers
  readonly body: Uint8Array
}

/**
 * The in-process emulator behind a fetch that records every request (method, query, headers,
 * body) and can flip one byte of chosen UploadPart bodies, after the client computed their
 * checksums: damage in transit.
 */
async function setup(options: Partial<S3ClientOptions> = {}) {
  const emulator = createEmulator()
  const seen: Seen[] = []
  let damage: (search: URLSearchParams, attempt: number) => boolean = () => false
  let hideChecksums = false
  const attempts = new Map<string, number>()
  const fetch: FetchLike = async (input, init) => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    let body = new Uint8Array(await request.arrayBuffer())
    const partNumber = url.searchParams.get('partNumber')
    if (request.method === 'PUT' && partNumber !== null) {
      const attempt = (attempts.get(partNumber) ?? 0) + 1
      attempts.set(partNumber, attempt)
      if (damage(url.searchParams, attempt)) {
        body = body.slice()
        body[body.length >> 1] = (body[body.length >> 1] as number) ^ 0x01
      }
    }
    seen.push({ method: request.method, search: url.search, headers: request.headers, body })
    const response = await emulator.fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body }),
    })
    if (!hideChecksums) return response
    // What a browser sees when the bucket's CORS rule exposes only ETag, or a proxy strips them.
    const headers = new Headers([...response.headers].filter(([name]) => !name.startsWith('x-amz-checksum-')))
    return new Response(response.body, { status: response.status, headers })
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
    s3,
    seen,
    damage: (rule: (search: URLSearchParams, attempt: number) => boolean) => {
      damage = rule
    },
    hideAnswerChecksums: () => {
      hideChecksums = true
    },
    parts: () => seen.filter((s) => s.method === 'PUT' && s.search.includes('partNumber')),
    create: () => seen.filter((s) => s.method === 'POST' && s.search === '?uploads=').at(-1)!,
    complete: () => seen.filter((s) => s.method === 'POST' && s.search.startsWith('?uploadId')).at(-1)!,
  }
}

const caught = async (promise: Promise<unknown>): Promise<Record<string, unknown>> =>
  promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: Record<string, unknown>) => error,
  )

// Three parts: 5 MiB, 5 MiB and 2 MiB.
const BODY = pseudoRandomBytes(12 * MiB)
const PARTS = [BODY.subarray(0, 5 * MiB), BODY.subarray(5 * MiB, 10 * MiB), BODY.subarray(10 * MiB)]

describe('the managed upload: a CRC32 per part by default, as @aws-sdk/lib-storage', () => {
  test('completes with the checksums it sent when the answers hide x-amz-checksum-* (CORS, a proxy)', async () => {
    const { s3, complete, hideAnswerChecksums } = await setup()
    hideAnswerChecksums()
    await s3.upload({ Bucket: BUCKET, Key: 'hidden.bin', Body: BODY, partSize: 5 * MiB })
    const xml = new TextDecoder().decode(complete().body)
    for (const part of PARTS) expect(xml).toContain(`<ChecksumCRC32>${crc32Of(part)}</ChecksumCRC32>`)
    const read = await s3.getObject({ Bucket: BUCKET, Key: 'hidden.bin' })
    expect(Buffer.from(await read.Body.bytes()).equals(Buffer.from(BODY))).toBe(true)
  })

  test('creates with CRC32, sends each part CRC32, completes with them; S3 stores the COMPOSITE "-3"', async () => {
    const { s3, create, parts, complete } = await setup()
    const out = await s3.upload({ Bucket: BUCKET, Key: 'big.bin', Body: BODY, partSize: 5 * MiB })

    expect(create().headers.get('x-amz-checksum-algorithm')).toBe('CRC32')
    expect(create().headers.get('x-amz-checksum-type')).toBeNull()
    const sent = parts().sort((a, b) => a.search.localeCompare(b.search))
    expect(sent.map((p) => [p.headers.get('x-amz-checksum-crc32'), p.headers.get('x-amz-sdk-checksum-algorithm')])).toEqual(
      PARTS.map((part) => [crc32Of(part), 'CRC32']),
    )
    const etag = (part: Uint8Array): string => `&#34;${createHash('md5').update(part).digest('hex')}&#34;`
    expect(textOf(complete().body)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        PARTS.map((part, i) => `<Part><ETag>${etag(part)}</ETag><ChecksumCRC32>${crc32Of(part)}</ChecksumCRC32><PartNumber>${i + 1}</PartNumber></Part>`).join('') +
        '</CompleteMultipartUpload>',
    )
    const composite = compositeCrc32(PARTS)
    expect(out).toMatchObject({ ChecksumCRC32: composite, ChecksumType: 'COMPOSITE' })

    // GET/HEAD report the composite value; the body is not checked against it (nor failed by it).
    const head = await s3.headObject({ Bucket: BUCKET, Key: 'big.bin' })
    expect(head).toMatchObject({ ChecksumCRC32: composite, ChecksumType: 'COMPOSITE' })
    const got = await s3.getObject({ Bucket: BUCKET, Key: 'big.bin' })
    expect(got.ChecksumCRC32).toBe(composite)
    expect(Buffer.from(await got.Body.bytes()).equals(Buffer.from(BODY))).toBe(true)
  })

  test('a part damaged in transit is refused by S3 and sent again; the object is intact', async () => {
    const { s3, damage, parts } = await setup()
    damage((search, attempt) => search.get('partNumber') === '2' && attempt === 1)
    const out = await s3.upload({ Bucket: BUCKET, Key: 'again.bin', Body: BODY, partSize: 5 * MiB })
    const second = parts().filter((p) => p.search.startsWith('?partNumber=2&'))
    expect(second).toHaveLength(2)
    expect(second.map((p) => p.headers.get('x-amz-checksum-crc32'))).toEqual([crc32Of(PARTS[1]!), crc32Of(PARTS[1]!)])
    expect(out.ChecksumCRC32).toBe(compositeCrc32(PARTS))
    const got = await s3.getObject({ Bucket: BUCKET, Key: 'again.bin' })
    expect(Buffer.from(await got.Body.bytes()).equals(Buffer.from(BODY))).toBe(true)
  })

  test('a part damaged on every attempt fails the upload and leaves nothing', async () => {
    const { s3, damage, parts, seen } = await setup()
    damage((search) => search.get('partNumber') === '3')
    const error = await caught(s3.upload({ Bucket: BUCKET, Key: 'never.bin', Body: BODY, partSize: 5 * MiB, queueSize: 1 }))
    // A part in memory is sent with its signed SHA-256, which S3 checks before the CRC32.
    expect(error).toMatchObject({ code: 'XAmzContentSHA256Mismatch', status: 400 })
    expect(parts().filter((p) => p.search.startsWith('?partNumber=3&'))).toHaveLength(3)
    expect(seen.at(-1)!.method).toBe('DELETE')
    expect(await caught(s3.headObject({ Bucket: BUCKET, Key: 'never.bin' }))).toMatchObject({ code: 'NotFound' })
  })

  test('WHEN_REQUIRED sends no checksum anywhere unless the call names one', async () => {
    const { s3, create, parts, complete } = await setup({ requestChecksumCalculation: 'WHEN_REQUIRED' })
    const out = await s3.upload({ Bucket: BUCKET, Key: 'plain.bin', Body: BODY, partSize: 5 * MiB })
    expect(create().headers.get('x-amz-checksum-algorithm')).toBeNull()
    for (const part of parts()) {
      expect([...part.headers.keys()].filter((name) => name.startsWith('x-amz-checksum') || name === 'x-amz-sdk-checksum-algorithm')).toEqual([])
    }
    expect(textOf(complete().body)).not.toContain('Checksum')
    expect(out.ChecksumCRC32).toBeUndefined()
    const head = await s3.headObject({ Bucket: BUCKET, Key: 'plain.bin', ChecksumMode: 'ENABLED' })
    expect(head.ChecksumCRC32).toBeUndefined()

    await s3.upload({ Bucket: BUCKET, Key: 'named.bin', Body: BODY, partSize: 5 * MiB, ChecksumAlgorithm: 'CRC32C' })
    expect(create().headers.get('x-amz-checksum-algorithm')).toBe('CRC32C')
    expect(parts().at(-1)!.headers.get('x-amz-checksum-crc32c')).toMatch(/^[A-Za-z0-9+/]{6}==$/)
    expect((await s3.headObject({ Bucket: BUCKET, Key: 'named.bin', ChecksumMode: 'ENABLED' })).ChecksumCRC32C).toMatch(/-3$/)
  })
})

describe('the multipart calls and what S3 answers', () => {
  async function created(s3: Awaited<ReturnType<typeof setup>>['s3'], key: string, type?: 'COMPOSITE' | 'FULL_OBJECT') {
    const out = await s3.createMultipartUpload({ Bucket: BUCKET, Key: key, ChecksumAlgorithm: 'CRC32', ...(type ? { ChecksumType: type } : {}) })
    return out.UploadId!
  }

  test('UploadPart answers the part CRC32; ListParts shows them; a wrong one at Complete is InvalidPart, a missing one InvalidRequest', async () => {
    const { s3, create } = await setup()
    const UploadId = await created(s3, 'low.bin')
    expect(create().headers.get('x-amz-checksum-algorithm')).toBe('CRC32')
    const [one, two] = [PARTS[0]!, PARTS[2]!]
    const p1 = await s3.uploadPart({ Bucket: BUCKET, Key: 'low.bin', UploadId, PartNumber: 1, Body: one })
    const p2 = await s3.uploadPart({ Bucket: BUCKET, Key: 'low.bin', UploadId, PartNumber: 2, Body: two })
    expect([p1.ChecksumCRC32, p2.ChecksumCRC32]).toEqual([crc32Of(one), crc32Of(two)])
    const listed = await s3.listParts({ Bucket: BUCKET, Key: 'low.bin', UploadId })
    expect(listed).toMatchObject({ ChecksumAlgorithm: 'CRC32', ChecksumType: 'COMPOSITE' })
    expect(listed.Parts.map((p) => p.ChecksumCRC32)).toEqual([crc32Of(one), crc32Of(two)])

    const complete = (parts: { ChecksumCRC32?: string }[]) =>
      s3.completeMultipartUpload({
        Bucket: BUCKET,
        Key: 'low.bin',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag!, ...parts[0] }, { PartNumber: 2, ETag: p2.ETag!, ...parts[1] }] },
      })
    expect(await caught(complete([{ ChecksumCRC32: p1.ChecksumCRC32! }, { ChecksumCRC32: p1.ChecksumCRC32! }]))).toMatchObject({
      code: 'InvalidPart',
      status: 400,
    })
    expect(await caught(complete([{ ChecksumCRC32: p1.ChecksumCRC32! }, {}]))).toMatchObject({
      code: 'InvalidRequest',
      serviceMessage: 'The upload was created using a crc32 checksum. The complete request must include the checksum for each part. It was missing for part 2 in the request.',
    })
    const done = await complete([{ ChecksumCRC32: p1.ChecksumCRC32! }, { ChecksumCRC32: p2.ChecksumCRC32! }])
    expect(done).toMatchObject({ ChecksumCRC32: compositeCrc32([one, two]), ChecksumType: 'COMPOSITE' })
  })

  test('a part whose bytes do not match its checksum is BadDigest at UploadPart; none on a COMPOSITE upload is InvalidRequest', async () => {
    const { s3, seen } = await setup()
    const UploadId = await created(s3, 'bad.bin')
    const wrong = await caught(
      s3.uploadPart({ Bucket: BUCKET, Key: 'bad.bin', UploadId, PartNumber: 1, Body: PARTS[2]!, ChecksumCRC32: crc32Of(PARTS[0]!) }),
    )
    expect(wrong).toMatchObject({ code: 'BadDigest', status: 400 })
    expect(seen.at(-1)!.headers.get('x-amz-checksum-crc32')).toBe(crc32Of(PARTS[0]!))
    expect(seen.at(-1)!.headers.get('x-amz-sdk-checksum-algorithm')).toBe('CRC32')

    // A stream part goes unsigned with its CRC32 as an aws-chunked trailer: the CRC32 catches damage.
    const streamed = await setup()
    const streamId = await created(streamed.s3, 'stream.bin')
    streamed.damage(() => true)
    const data = pseudoRandomBytes(1000)
    const damaged = await caught(
      streamed.s3.uploadPart({ Bucket: BUCKET, Key: 'stream.bin', UploadId: streamId, PartNumber: 1, Body: new Blob([data]).stream(), ContentLength: 1000 }),
    )
    expect(damaged).toMatchObject({ code: 'BadDigest', status: 400, serviceMessage: 'The CRC32 you specified did not match the calculated checksum.' })
    expect(streamed.parts().at(-1)!.headers.get('x-amz-trailer')).toBe('x-amz-checksum-crc32')
    expect(textOf(streamed.parts().at(-1)!.body)).toEndWith(`x-amz-checksum-crc32:${crc32Of(data)}\r\n\r\n`)

    const lax = await setup({ requestChecksumCalculation: 'WHEN_REQUIRED' })
    const id = await created(lax.s3, 'none.bin')
    expect(await caught(lax.s3.uploadPart({ Bucket: BUCKET, Key: 'none.bin', UploadId: id, PartNumber: 1, Body: 'abc' }))).toMatchObject({
      code: 'InvalidRequest',
      serviceMessage: 'Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: null',
    })
    expect(
      await caught(lax.s3.uploadPart({ Bucket: BUCKET, Key: 'none.bin', UploadId: id, PartNumber: 1, Body: 'abc', ChecksumAlgorithm: 'SHA256' })),
    ).toMatchObject({
      code: 'InvalidRequest',
      serviceMessage: 'Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: sha256',
    })
  })

  test('FULL_OBJECT: the CRC32 of the whole object, checked against the one the Complete names', async () => {
    const { s3, complete } = await setup()
    const UploadId = await created(s3, 'full.bin', 'FULL_OBJECT')
    const [one, two] = [PARTS[0]!, PARTS[2]!]
    const p1 = await s3.uploadPart({ Bucket: BUCKET, Key: 'full.bin', UploadId, PartNumber: 1, Body: one })
    const p2 = await s3.uploadPart({ Bucket: BUCKET, Key: 'full.bin', UploadId, PartNumber: 2, Body: two })
    const whole = crc32Of(Buffer.concat([one, two]))
    const input = {
      Bucket: BUCKET,
      Key: 'full.bin',
      UploadId,
      ChecksumType: 'FULL_OBJECT' as const,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag! }, { PartNumber: 2, ETag: p2.ETag! }] },
    }
    expect(await caught(s3.completeMultipartUpload({ ...input, ChecksumCRC32: crc32Of(one) }))).toMatchObject({ code: 'BadDigest' })
    expect(complete().headers.get('x-amz-checksum-crc32')).toBe(crc32Of(one))
    expect(complete().headers.get('x-amz-checksum-type')).toBe('FULL_OBJECT')
    expect(await caught(s3.completeMultipartUpload({ ...input, ChecksumType: 'COMPOSITE' }))).toMatchObject({ code: 'BadDigest' })
    const done = await s3.completeMultipartUpload({ ...input, ChecksumCRC32: whole })
    expect(done).toMatchObject({ ChecksumCRC32: whole, ChecksumType: 'FULL_OBJECT' })
    // A full-object CRC is checked on download like a single PUT's.
    const got = await s3.getObject({ Bucket: BUCKET, Key: 'full.bin' })
    expect(got).toMatchObject({ ChecksumCRC32: whole, ChecksumType: 'FULL_OBJECT' })
    expect(Buffer.from(await got.Body.bytes()).equals(Buffer.concat([one, two]))).toBe(true)
  })

  test("CreateMultipartUpload validates the algorithm and type with S3's messages", async () => {
    const { s3 } = await setup()
    const create = (input: Record<string, string>) => s3.createMultipartUpload({ Bucket: BUCKET, Key: 'c', ...input })
    expect(await caught(create({ ChecksumAlgorithm: 'SHA256', ChecksumType: 'FULL_OBJECT' }))).toMatchObject({
      code: 'InvalidRequest',
      serviceMessage: 'The FULL_OBJECT checksum type cannot be used with the sha256 checksum algorithm.',
    })
    expect(await caught(create({ ChecksumType: 'COMPOSITE' }))).toMatchObject({
      code: 'InvalidRequest',
      serviceMessage: 'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.',
    })
    expect(await caught(create({ ChecksumAlgorithm: 'CRC32', ChecksumType: 'PARTIAL' }))).toMatchObject({
      code: 'InvalidRequest',
      serviceMessage: 'Value for x-amz-checksum-type header is invalid.',
    })
    expect(await create({ ChecksumAlgorithm: 'CRC64NVME' })).toMatchObject({ ChecksumAlgorithm: 'CRC64NVME', ChecksumType: 'FULL_OBJECT' })
    expect(await create({ ChecksumAlgorithm: 'SHA1' })).toMatchObject({ ChecksumAlgorithm: 'SHA1', ChecksumType: 'COMPOSITE' })
  })
})
