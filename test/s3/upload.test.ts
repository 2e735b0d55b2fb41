import { describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { crc32 as zlibCrc32 } from 'node:zlib'
import {
  createS3Client,
  DEFAULT_PART_SIZE,
  MIN_PART_SIZE,
  multipartEtag,
  planPartSize,
  planParts,
} from '../../src/s3/index.ts'
import type { S3ClientOptions, UploadProgress } from '../../src/s3/index.ts'
import { isConfigError } from '../../src/errors.ts'
import type { AwsServiceError } from '../../src/errors.ts'
import { CREDS, fakeS3, instantClock, pseudoRandomBytes, s3Error, textOf, xml } from './fake.ts'
import type { Recorded } from './fake.ts'

const MiB = 1024 * 1024

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

interface FakeMultipart {
  /** UploadPart requests in arrival order. */
  readonly parts: Recorded[]
  maxInFlight: number
  /** Answer for an UploadPart (default: 200 with ETag `"<md5>"`). */
  partAnswer?: (r: Recorded, attempt: number) => Response | Promise<Response>
  /** Hold each UploadPart until this resolves (to observe concurrency). */
  gate?: (inFlight: number, started: number) => Promise<void>
}

function multipartFake(state: FakeMultipart) {
  let inFlight = 0
  let started = 0
  const attempts = new Map<string, number>()
  return async (r: Recorded): Promise<Response> => {
    const q = r.url.searchParams
    if (r.method === 'POST' && q.has('uploads')) {
      return xml('<InitiateMultipartUploadResult><Bucket>b-1</Bucket><Key>big</Key><UploadId>UP-1</UploadId></InitiateMultipartUploadResult>')
    }
    if (r.method === 'PUT' && q.has('partNumber')) {
      state.parts.push(r)
      const n = q.get('partNumber')!
      const attempt = (attempts.get(n) ?? 0) + 1
      attempts.set(n, attempt)
      inFlight++
      started++
      state.maxInFlight = Math.max(state.maxInFlight, inFlight)
      try {
        await state.gate?.(inFlight, started)
        if (state.partAnswer) return await state.partAnswer(r, attempt)
        return new Response(null, { headers: { etag: `"${createHash('md5').update(r.body).digest('hex')}"` } })
      } finally {
        inFlight--
      }
    }
    if (r.method === 'POST' && q.has('uploadId')) {
      return xml('<CompleteMultipartUploadResult><Location>https://b-1.s3.us-east-1.amazonaws.com/big</Location><Bucket>b-1</Bucket><Key>big</Key><ETag>"done-3"</ETag></CompleteMultipartUploadResult>')
    }
    if (r.method === 'DELETE') return new Response(null, { status: 204 })
    if (r.method === 'PUT') return new Response(null, { headers: { etag: '"single"' } })
    return s3Error('NotImplemented', 501)
  }
}

function client(handler: (r: Recorded) => Response | Promise<Response>, options: Partial<S3ClientOptions> = {}) {
  const fake = fakeS3(handler)
  const s3 = createS3Client({ region: 'us-east-1', credentials: CREDS, fetch: fake.fetch, clock: instantClock, env: {}, ...options })
  return { s3, requests: fake.requests }
}

const summary = (requests: Recorded[]): string[] =>
  requests.map((r) => `${r.method} ${r.url.pathname}${r.url.search}`)

/** A gate releasing held parts once `width` are in flight (or the last ones have started). */
function widthGate(width: number, totalParts: number) {
  const waiting: (() => void)[] = []
  return (inFlight: number, started: number): Promise<void> => {
    const held = new Promise<void>((resolve) => waiting.push(resolve))
    if (inFlight >= width || started === totalParts) for (const release of waiting.splice(0)) release()
    return held
  }
}

describe('planning', () => {
  test('part size defaults to 8 MiB, must be 5 MiB to 5 GiB, and grows to stay within 10,000 parts', () => {
    expect(planPartSize(undefined)).toBe(DEFAULT_PART_SIZE)
    expect(DEFAULT_PART_SIZE).toBe(8 * MiB)
    expect(planPartSize(12 * MiB, 5 * MiB)).toBe(5 * MiB)
    const total = 100 * 1024 * MiB
    expect(planPartSize(total, 5 * MiB)).toBe(Math.ceil(total / 10_000))
    expect(planParts(total, planPartSize(total, 5 * MiB))).toHaveLength(10_000)
    for (const bad of [MIN_PART_SIZE - 1, 5 * 1024 * MiB + 1, 5 * MiB + 0.5]) {
      expect(() => planPartSize(undefined, bad)).toThrow('partSize')
    }
    expect(() => planPartSize(5 * 1024 * 1024 * MiB + 1)).toThrow('5 TiB')
  })

  test('parts are whole part sizes, the last one smaller', () => {
    expect(planParts(12 * MiB, 5 * MiB)).toEqual([
      { PartNumber: 1, start: 0, end: 5 * MiB },
      { PartNumber: 2, start: 5 * MiB, end: 10 * MiB },
      { PartNumber: 3, start: 10 * MiB, end: 12 * MiB },
    ])
    expect(planParts(10 * MiB, 5 * MiB).map((p) => p.end - p.start)).toEqual([5 * MiB, 5 * MiB])
    expect(planParts(0, 5 * MiB)).toEqual([])
  })
})

describe('managed upload', () => {
  test('a body that fits in one part goes up with a single PutObject', async () => {
    const state: FakeMultipart = { parts: [], maxInFlight: 0 }
    const { s3, requests } = client(multipartFake(state))
    const progress: UploadProgress[] = []
    const out = await s3.upload({
      Bucket: 'b-1',
      Key: 'small',
      Body: 'hello',
      ContentType: 'text/plain',
      onProgress: (p) => progress.push(p),
    })
    expect(out).toEqual({ Bucket: 'b-1', Key: 'small', ETag: '"single"', Location: 'https://b-1.s3.us-east-1.amazonaws.com/small' })
    expect(summary(requests)).toEqual(['PUT /small'])
    expect(requests[0]!.headers.get('content-type')).toBe('text/plain')
    expect(textOf(requests[0]!.body)).toBe('hello')
    expect(progress).toEqual([{ loaded: 5, total: 5, part: 1, Bucket: 'b-1', Key: 'small' }])
  })

  test('exactly one part size is still a single PutObject; an empty body too', async () => {
    const state: FakeMultipart = { parts: [], maxInFlight: 0 }
    const { s3, requests } = client(multipartFake(state))
    await s3.upload({ Bucket: 'b-1', Key: 'one', Body: new Uint8Array(5 * MiB), partSize: 5 * MiB })
    await s3.upload({ Bucket: 'b-1', Key: 'empty', Body: new ReadableStream({ start: (c) => c.close() }) })
    expect(summary(requests)).toEqual(['PUT /one', 'PUT /empty'])
    expect(requests[0]!.body.length).toBe(5 * MiB)
    expect(requests[1]!.body.length).toBe(0)
  })

  test('12 MiB in 5 MiB parts: 5+5+2 MiB, exact bytes, ordered Complete, metadata on Create', async () => {
    const state: FakeMultipart = { parts: [], maxInFlight: 0 }
    const { s3, requests } = client(multipartFake(state))
    const body = pseudoRandomBytes(12 * MiB)
    const progress: number[] = []
    const out = await s3.upload({
      Bucket: 'b-1',
      Key: 'big',
      Body: body,
      partSize: 5 * MiB,
      Metadata: { job: 'migrate' },
      onProgress: (p) => progress.push(p.loaded),
    })
    expect(out).toEqual({ Bucket: 'b-1', Key: 'big', ETag: '"done-3"', Location: 'https://b-1.s3.us-east-1.amazonaws.com/big' })
    const byNumber = [...state.parts].sort(
      (a, b) => Number(a.url.searchParams.get('partNumber')) - Number(b.url.searchParams.get('partNumber')),
    )
    expect(byNumber.map((p) => p.body.length)).toEqual([5 * MiB, 5 * MiB, 2 * MiB])
    expect(Buffer.concat(byNumber.map((p) => p.body)).equals(Buffer.from(body))).toBe(true)
    expect(byNumber.every((p) => p.url.searchParams.get('uploadId') === 'UP-1')).toBe(true)
    const create = requests.find((r) => r.url.searchParams.has('uploads'))!
    expect(create.headers.get('x-amz-meta-job')).toBe('migrate')
    const complete = requests.find((r) => r.method === 'POST' && r.url.searchParams.has('uploadId'))!
    const etags = byNumber.map((p) => createHash('md5').update(p.body).digest('hex'))
    // The fake echoes no checksum, so each part's CRC32 is the one the client sent.
    const crcs = byNumber.map((p) => {
      const crc = Buffer.alloc(4)
      crc.writeUInt32BE(zlibCrc32(p.body))
      return crc.toString('base64')
    })
    expect(byNumber.map((p) => p.headers.get('x-amz-checksum-crc32'))).toEqual(crcs)
    expect(textOf(complete.body)).toContain(
      etags
        .map((e, i) => `<Part><ETag>&#34;${e}&#34;</ETag><ChecksumCRC32>${crcs[i]}</ChecksumCRC32><PartNumber>${i + 1}</PartNumber></Part>`)
        .join(''),
    )
    expect(progress.at(-1)).toBe(12 * MiB)
    expect(progress).toHaveLength(3)
    expect(requests.filter((r) => r.method === 'DELETE')).toHaveLength(0)
  })

  test('at most queueSize parts are in flight, and the bound is reached', async () => {
    for (const [queueSize, parts] of [
      [2, 3],
      [3, 7],
      [1, 3],
    ] as const) {
      const state: FakeMultipart = { parts: [], maxInFlight: 0, gate: widthGate(queueSize, parts) }
      const { s3 } = client(multipartFake(state))
      await s3.upload({ Bucket: 'b-1', Key: 'big', Body: new Uint8Array(parts * 5 * MiB - 1), partSize: 5 * MiB, queueSize })
      expect(state.parts).toHaveLength(parts)
      expect(state.maxInFlight).toBe(queueSize)
    }
  })

  test('a stream of unknown length is cut into exact parts, whatever its chunk sizes', async () => {
    const state: FakeMultipart = { parts: [], maxInFlight: 0 }
    const { s3 } = client(multipartFake(state))
    const body = pseudoRandomBytes(11 * MiB + 12345, 7)
    let offset = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= body.length) return controller.close()
        const size = 1_000_003
        controller.enqueue(body.slice(offset, offset + size))
        offset += size
      },
    })
    const progress: UploadProgress[] = []
    await s3.upload({ Bucket: 'b-1', Key: 'big', Body: stream, partSize: 5 * MiB, onProgress: (p) => progress.push(p) })
    const byNumber = [...state.parts].sort(
      (a, b) => Number(a.url.searchParams.get('partNumber')) - Number(b.url.searchParams.get('partNumber')),
    )
    expect(byNumber.map((p) => p.body.length)).toEqual([5 * MiB, 5 * MiB, MiB + 12345])
    expect(Buffer.concat(byNumber.map((p) => p.body)).equals(Buffer.from(body))).toBe(true)
    expect(progress.every((p) => p.total === undefined)).toBe(true)
  })

  test('a Blob is read slice by slice with the right bytes', async () => {
    const state: FakeMultipart = { parts: [], maxInFlight: 0 }
    const { s3 } = client(multipartFake(state))
    const body = pseudoRandomBytes(6 * MiB, 3)
    await s3.upload({ Bucket: 'b-1', Key: 'big', Body: new Blob([body]), partSize: 5 * MiB })
    const sizes = state.parts.map((p) => p.body.length).sort((a, b) => b - a)
    expect(sizes).toEqual([5 * MiB, MiB])
  })

  test('a part that keeps failing aborts the multipart upload and rethrows its error', async () => {
    const state: FakeMultipart = {
      parts: [],
      maxInFlight: 0,
      partAnswer: (r) =>
        r.url.searchParams.get('partNumber') === '2'
          ? s3Error('AccessDenied', 403, 'Access Denied')
          : new Response(null, { headers: { etag: '"ok"' } }),
    }
    const { s3, requests } = client(multipartFake(state))
    const error = (await caught(
      s3.upload({ Bucket: 'b-1', Key: 'big', Body: new Uint8Array(12 * MiB), partSize: 5 * MiB, queueSize: 1 }),
    )) as AwsServiceError
    expect(error.code).toBe('AccessDenied')
    expect(error.message).toBe('S3.UploadPart on s3://b-1/big: AccessDenied: Access Denied')
    expect(summary(requests)).toEqual([
      'POST /big?uploads=',
      'PUT /big?partNumber=1&uploadId=UP-1',
      'PUT /big?partNumber=2&uploadId=UP-1',
      'DELETE /big?uploadId=UP-1',
    ])
  })

  test('a transient part failure is retried by the request layer, and the upload completes', async () => {
    const state: FakeMultipart = {
      parts: [],
      maxInFlight: 0,
      partAnswer: (r, attempt) =>
        r.url.searchParams.get('partNumber') === '2' && attempt < 3
          ? s3Error('SlowDown', 503, 'Please reduce your request rate.')
          : new Response(null, { headers: { etag: `"e${r.url.searchParams.get('partNumber')}"` } }),
    }
    const { s3, requests } = client(multipartFake(state))
    const out = await s3.upload({ Bucket: 'b-1', Key: 'big', Body: new Uint8Array(11 * MiB), partSize: 5 * MiB })
    expect(out.ETag).toBe('"done-3"')
    const numbers = state.parts.map((p) => p.url.searchParams.get('partNumber')).sort()
    expect(numbers).toEqual(['1', '2', '2', '2', '3'])
    expect(requests.filter((r) => r.method === 'DELETE')).toHaveLength(0)
  })

  test('a failing Complete aborts the upload too', async () => {
    const base = multipartFake({ parts: [], maxInFlight: 0 })
    const { s3, requests } = client((r) =>
      r.method === 'POST' && r.url.searchParams.has('uploadId')
        ? xml('<Error><Code>InvalidPart</Code><Message>bad part</Message></Error>')
        : base(r),
    )
    const error = (await caught(s3.upload({ Bucket: 'b-1', Key: 'big', Body: new Uint8Array(6 * MiB), partSize: 5 * MiB }))) as AwsServiceError
    expect(error.code).toBe('InvalidPart')
    expect(summary(requests).at(-1)).toBe('DELETE /big?uploadId=UP-1')
  })

  test("the caller's abort stops the upload, aborts it on S3 and rejects with the reason", async () => {
    const controller = new AbortController()
    const reason = new Error('operator cancelled')
    const state: FakeMultipart = {
      parts: [],
      maxInFlight: 0,
      gate: async (_inFlight, started) => {
        if (started === 2) controller.abort(reason)
        await new Promise<void>(() => {}) // never answers: only the abort ends it
      },
    }
    const { s3, requests } = client(multipartFake(state))
    const error = await caught(
      s3.upload({ Bucket: 'b-1', Key: 'big', Body: new Uint8Array(20 * MiB), partSize: 5 * MiB, queueSize: 2, signal: controller.signal }),
    )
    expect(error).toBe(reason)
    expect(summary(requests).filter((s) => !s.startsWith('PUT'))).toEqual([
      'POST /big?uploads=',
      'DELETE /big?uploadId=UP-1',
    ])
    expect(state.parts).toHaveLength(2)
  })

  test('a stream that errors mid-way aborts the upload with the stream error', async () => {
    const state: FakeMultipart = { parts: [], maxInFlight: 0 }
    const { s3, requests } = client(multipartFake(state))
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 7 * MiB) return controller.error(new Error('disk read failed'))
        controller.enqueue(new Uint8Array(MiB))
        sent += MiB
      },
    })
    const error = await caught(s3.upload({ Bucket: 'b-1', Key: 'big', Body: stream, partSize: 5 * MiB }))
    expect((error as Error).message).toBe('disk read failed')
    expect(summary(requests).at(-1)).toBe('DELETE /big?uploadId=UP-1')
  })

  test('every part is signed with the credentials current when it is sent', async () => {
    let generation = 0
    const provider = async () => ({ accessKeyId: `AKIAGEN${++generation}`, secretAccessKey: 'secret' })
    const state: FakeMultipart = { parts: [], maxInFlight: 0 }
    const { s3, requests } = client(multipartFake(state), { credentials: provider })
    await s3.upload({ Bucket: 'b-1', Key: 'big', Body: new Uint8Array(16 * MiB), partSize: 5 * MiB, queueSize: 1 })
    expect(requests.map((r) => r.headers.get('authorization')!.split(',')[0]!.split('/')[0])).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => `AWS4-HMAC-SHA256 Credential=AKIAGEN${n}`),
    )
  })

  test('bad queueSize is refused before any request', async () => {
    const { s3, requests } = client(multipartFake({ parts: [], maxInFlight: 0 }))
    const error = await caught(s3.upload({ Bucket: 'b-1', Key: 'k', Body: 'x', queueSize: 0 }))
    expect(isConfigError(error)).toBe(true)
    expect(requests).toHaveLength(0)
  })
})

describe('multipartEtag', () => {
  test('MD5 of the concatenated part MD5s, then -<count>', () => {
    const parts = [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])]
    const md5s = parts.map((p) => createHash('md5').update(p).digest())
    const expected = `"${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-2"`
    expect(multipartEtag(parts)).toBe(expected)
  })
})
