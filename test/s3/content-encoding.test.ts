/**
 * GetObject returns the stored bytes of an object stored with a Content-Encoding (gzip, br,
 * deflate), ranges included, and reports that ContentEncoding, as the AWS SDK does, although
 * fetch decodes bodies by that header (undici, Deno; Bun unless told `decompress: false`).
 * Real HTTP on loopback with the host's fetch and with an injected one, and in-process with a
 * fake fetch that decodes like undici whatever it is asked.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { GetObjectCommand, S3Client as SdkS3Client } from '@aws-sdk/client-s3'
import { brotliCompressSync, brotliDecompressSync, deflateSync, gzipSync, gunzipSync, inflateSync } from 'node:zlib'
import { createManualClock } from '../../src/clock.ts'
import { createEmulator } from '../../src/emulator/emulator.ts'
import type { Emulator } from '../../src/emulator/emulator.ts'
import { serveEmulator } from '../../src/emulator/index.ts'
import type { ServedEmulator } from '../../src/emulator/index.ts'
import { getPlatform, setPlatform } from '../../src/platform.ts'
import type { Platform } from '../../src/platform.ts'
import { nodePlatform } from '../../src/runtime/platform.ts'
import { createS3Client } from '../../src/s3/index.ts'
import type { S3Client } from '../../src/s3/index.ts'
import type { FetchLike, Logger } from '../../src/types.ts'

const BUCKET = 'content-encoding'
const TEXT = new TextEncoder().encode('{"hello":"world"} '.repeat(100))
const ENCODED = {
  gzip: new Uint8Array(gzipSync(TEXT)),
  br: new Uint8Array(brotliCompressSync(TEXT)),
  deflate: new Uint8Array(deflateSync(TEXT)),
} as const
const CODINGS = Object.keys(ENCODED) as (keyof typeof ENCODED)[]
const onBun = typeof process !== 'undefined' && process.versions.bun !== undefined

/** A fetch that counts GetObject requests (GETs of an object key) and forwards everything. */
function counting(inner: FetchLike): { fetch: FetchLike; gets: () => number } {
  let gets = 0
  const fetch: FetchLike = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET')
    if (method === 'GET' && url.pathname.split('/').filter(Boolean).length > 1) gets++
    return inner(input, init)
  }
  return { fetch, gets: () => gets }
}

/** Decodes a body by its Content-Encoding whatever the request said, as undici does. */
function decodingFetch(inner: FetchLike): FetchLike {
  const decoders: Record<string, (bytes: Uint8Array) => Uint8Array> = {
    gzip: (b) => new Uint8Array(gunzipSync(b)),
    br: (b) => new Uint8Array(brotliDecompressSync(b)),
    deflate: (b) => new Uint8Array(inflateSync(b)),
  }
  return async (input, init) => {
    const response = await inner(input, init)
    const decode = decoders[response.headers.get('content-encoding')?.trim().toLowerCase() ?? '']
    if (!decode || response.body === null) return response
    // Decoded on read, so a Range of a gzip stream fails when read, as with undici.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        controller.enqueue(decode(new Uint8Array(await response.arrayBuffer())))
        controller.close()
      },
    })
    return new Response(body, { status: response.status, headers: response.headers })
  }
}

async function seed(s3: S3Client): Promise<void> {
  await s3.createBucket({ Bucket: BUCKET })
  for (const coding of CODINGS) {
    await s3.putObject({ Bucket: BUCKET, Key: coding, Body: ENCODED[coding], ContentEncoding: coding, ContentType: 'application/json' })
  }
  await s3.putObject({ Bucket: BUCKET, Key: 'plain', Body: TEXT, ContentType: 'application/json' })
}

/** The checks every fetch must pass; `gets` counts GetObject requests, `raw` is one per object. */
async function expectStoredBytes(s3: S3Client, gets: () => number, oneRequestForEncoded: boolean) {
  const perEncoded = oneRequestForEncoded ? 1 : 2
  for (const coding of CODINGS) {
    const before = gets()
    const obj = await s3.getObject({ Bucket: BUCKET, Key: coding })
    expect(obj.ContentEncoding).toBe(coding)
    expect(obj.ContentLength).toBe(ENCODED[coding].length)
    expect(obj.ContentType).toBe('application/json')
    expect([...(await obj.Body.bytes())]).toEqual([...ENCODED[coding]])
    expect(gets() - before).toBe(perEncoded)
  }

  let before = gets()
  const ranged = await s3.getObject({ Bucket: BUCKET, Key: 'gzip', Range: 'bytes=0-9' })
  expect(ranged.ContentEncoding).toBe('gzip')
  expect(ranged.ContentRange).toBe(`bytes 0-9/${ENCODED.gzip.length}`)
  expect(ranged.ContentLength).toBe(10)
  expect([...(await ranged.Body.bytes())]).toEqual([...ENCODED.gzip.subarray(0, 10)])
  expect(gets() - before).toBe(perEncoded)

  const tail = await s3.getObject({ Bucket: BUCKET, Key: 'br', Range: 'bytes=-7' })
  expect([...new Uint8Array(await new Response(tail.Body.stream()).arrayBuffer())]).toEqual([
    ...ENCODED.br.subarray(-7),
  ])

  // A plain object costs exactly one request.
  before = gets()
  const plain = await s3.getObject({ Bucket: BUCKET, Key: 'plain' })
  expect(plain.ContentEncoding).toBeUndefined()
  expect(await plain.Body.text()).toBe(new TextDecoder().decode(TEXT))
  expect(gets() - before).toBe(1)

  // The caller's ResponseContentEncoding is what is reported; the body stays the stored bytes,
  // in one request.
  before = gets()
  const relabelled = await s3.getObject({ Bucket: BUCKET, Key: 'plain', ResponseContentEncoding: 'gzip', ResponseContentType: 'text/plain' })
  expect(relabelled.ContentEncoding).toBe('gzip')
  expect(relabelled.ContentType).toBe('text/plain')
  expect([...(await relabelled.Body.bytes())]).toEqual([...TEXT])
  expect(gets() - before).toBe(1)
}

describe('GetObject of encoded objects over loopback HTTP', () => {
  let emulator: Emulator
  let served: ServedEmulator
  let previous: Platform

  beforeAll(async () => {
    previous = getPlatform()
    setPlatform(nodePlatform)
    emulator = createEmulator()
    served = await serveEmulator(emulator)
    await seed(createS3Client({ region: 'us-east-1', credentials: emulator.baseCredentials, endpoint: served.url, env: {} }))
  })

  afterAll(async () => {
    setPlatform(previous)
    await served?.close()
  })

  const gets = () => emulator.stats().operations['s3:GetObject'] ?? 0

  test("the host's fetch: stored bytes; Bun asks for them directly, others re-read encoded objects once", async () => {
    const s3 = createS3Client({ region: 'us-east-1', credentials: emulator.baseCredentials, endpoint: served.url, env: {} })
    await expectStoredBytes(s3, gets, onBun)
  })

  test('an injected fetch (not known to leave bodies alone): stored bytes, one more request only for encoded objects', async () => {
    const counted = counting((input, init) => globalThis.fetch(input, init))
    const s3 = createS3Client({ region: 'us-east-1', credentials: emulator.baseCredentials, endpoint: served.url, env: {}, fetch: counted.fetch })
    await expectStoredBytes(s3, counted.gets, false)
  })

  test('the AWS SDK v3 reads the same bytes and ContentEncoding', async () => {
    const { accessKeyId, secretAccessKey } = emulator.baseCredentials
    const sdk = new SdkS3Client({ endpoint: served.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 })
    const s3 = createS3Client({ region: 'us-east-1', credentials: emulator.baseCredentials, endpoint: served.url, env: {} })
    try {
      for (const [Key, Range] of [['gzip', undefined], ['br', undefined], ['gzip', 'bytes=3-20']] as const) {
        const theirs = await sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key, Range }))
        const ours = await s3.getObject({ Bucket: BUCKET, Key, ...(Range ? { Range } : {}) })
        expect(ours.ContentEncoding).toBe(theirs.ContentEncoding!)
        expect(ours.ContentLength).toBe(theirs.ContentLength!)
        expect([...(await ours.Body.bytes())]).toEqual([...(await theirs.Body!.transformToByteArray())])
      }
    } finally {
      sdk.destroy()
    }
  })
})

describe('GetObject of encoded objects through a fetch that always decodes (in-process)', () => {
  function setup() {
    const clock = createManualClock()
    const emulator = createEmulator({ clock })
    const counted = counting(decodingFetch(emulator.fetch))
    const s3 = createS3Client({ region: 'us-east-1', credentials: emulator.baseCredentials, endpoint: 'http://s3.localhost', fetch: counted.fetch, clock, env: {} })
    return { emulator, s3, gets: counted.gets, clock }
  }

  test('stored bytes, ranges included, ContentEncoding reported', async () => {
    const { s3, gets } = setup()
    await seed(s3)
    await expectStoredBytes(s3, gets, false)
  })

  test('an object replaced between the two requests is read again from the start', async () => {
    const clock = createManualClock()
    const emulator = createEmulator({ clock })
    let replace: (() => Promise<unknown>) | undefined
    const counted = counting(decodingFetch(async (input, init) => {
      const response = await emulator.fetch(input, init)
      const pending = replace
      replace = undefined
      await pending?.()
      return response
    }))
    const s3 = createS3Client({ region: 'us-east-1', credentials: emulator.baseCredentials, endpoint: 'http://s3.localhost', fetch: counted.fetch, clock, env: {} })
    await seed(s3)
    replace = () => s3.putObject({ Bucket: BUCKET, Key: 'gzip', Body: 'replaced' })
    const before = counted.gets()
    const obj = await s3.getObject({ Bucket: BUCKET, Key: 'gzip' })
    expect(obj.ContentEncoding).toBeUndefined()
    expect(await obj.Body.text()).toBe('replaced')
    // The first answer (gzip), the re-read refused by If-Match (412), the new plain object.
    expect(counted.gets() - before).toBe(3)
  })

  test('an endpoint that ignores response-content-encoding is reported in a warning', async () => {
    const clock = createManualClock()
    const emulator = createEmulator({ clock })
    const ignoring: FetchLike = async (input, init) => {
      const response = await emulator.fetch(input, init)
      if (!String(input).includes('response-content-encoding=')) return response
      const headers = new Headers(response.headers)
      headers.set('content-encoding', 'gzip')
      return new Response(response.body, { status: response.status, headers })
    }
    const warnings: string[] = []
    const logger: Logger = { debug() {}, info() {}, error() {}, warn: (message) => void warnings.push(message) }
    const s3 = createS3Client({ region: 'us-east-1', credentials: emulator.baseCredentials, endpoint: 'http://s3.localhost', fetch: decodingFetch(ignoring), clock, env: {}, logger })
    await seed(s3)
    const obj = await s3.getObject({ Bucket: BUCKET, Key: 'gzip' })
    expect(obj.ContentEncoding).toBe('gzip')
    expect(warnings).toEqual([expect.stringContaining('ignored response-content-encoding')])
  })

  test("the caller's conditions still apply to the re-read", async () => {
    const { s3 } = setup()
    await seed(s3)
    const head = await s3.headObject({ Bucket: BUCKET, Key: 'gzip' })
    const obj = await s3.getObject({ Bucket: BUCKET, Key: 'gzip', IfMatch: head.ETag!, Range: 'bytes=5-' })
    expect(obj.ContentEncoding).toBe('gzip')
    expect([...(await obj.Body.bytes())]).toEqual([...ENCODED.gzip.subarray(5)])
    await expect(s3.getObject({ Bucket: BUCKET, Key: 'gzip', IfNoneMatch: head.ETag! })).rejects.toMatchObject({ code: 'NotModified' })
  })
})
