/**
 * The S3 client end to end against the in-process emulator, which re-verifies every SigV4
 * signature: nothing leaves the process.
 */
import { describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { createManualClock } from '../../src/clock.ts'
import { fromAssumeRole } from '../../src/credentials/assume-role.ts'
import { refreshable } from '../../src/credentials/refreshable.ts'
import { createEmulator } from '../../src/emulator/emulator.ts'
import type { AwsServiceError } from '../../src/errors.ts'
import { createS3Client } from '../../src/s3/index.ts'
import type { S3ClientOptions } from '../../src/s3/index.ts'
import type { FetchLike } from '../../src/types.ts'
import { pseudoRandomBytes } from './fake.ts'
import { rejection } from '../helpers/rejection.ts'

const MiB = 1024 * 1024

function setup(options: Partial<S3ClientOptions> = {}) {
  const clock = createManualClock()
  const emulator = createEmulator({ clock })
  const s3 = createS3Client({
    region: 'us-east-1',
    credentials: emulator.baseCredentials,
    endpoint: 'http://s3.localhost',
    fetch: emulator.fetch,
    clock,
    env: {},
    ...options,
  })
  return { emulator, s3, clock }
}

/** The ETag S3 gives a multipart object, computed independently with node:crypto. */
function expectedMultipartEtag(body: Uint8Array, partSize: number): string {
  const digests: Buffer[] = []
  for (let start = 0; start < body.length; start += partSize) {
    digests.push(createHash('md5').update(body.subarray(start, start + partSize)).digest())
  }
  return `"${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${digests.length}"`
}

const KEYS = [
  'plain.txt',
  'dir/sub/file name with spaces.txt',
  "special +=&?#%!*'()~,;:@$[] chars",
  'unicodé/日本語/emoji-😀',
  'double//slash',
  '/leading-slash',
  '%2F-looks-encoded',
]

describe('S3 client against the emulator', () => {
  test('byte-exact round trips for awkward keys and all 256 byte values, with metadata', async () => {
    const { s3 } = setup()
    await s3.createBucket({ Bucket: 'round-trip' })
    const bytes = Uint8Array.from({ length: 512 }, (_, i) => i % 256)
    for (const [index, Key] of KEYS.entries()) {
      await s3.putObject({ Bucket: 'round-trip', Key, Body: bytes, ContentType: 'application/x-test', Metadata: { Index: String(index) } })
      const obj = await s3.getObject({ Bucket: 'round-trip', Key })
      expect([...(await obj.Body.bytes())]).toEqual([...bytes])
      expect(obj.ContentType).toBe('application/x-test')
      expect(obj.ContentLength).toBe(512)
      expect(obj.ETag).toBe(`"${createHash('md5').update(bytes).digest('hex')}"`)
      expect(obj.Metadata).toEqual({ index: String(index) })
    }
    const listed: string[] = []
    for await (const page of s3.paginateListObjectsV2({ Bucket: 'round-trip' })) {
      listed.push(...page.Contents.map((c) => c.Key!))
    }
    expect(listed.sort()).toEqual([...KEYS].sort())
  })

  test('virtual-hosted addressing on the AWS host is signed and understood', async () => {
    const clock = createManualClock()
    const emulator = createEmulator({ clock })
    const s3 = createS3Client({ region: 'us-east-1', credentials: emulator.baseCredentials, fetch: emulator.fetch, clock, env: {} })
    expect(s3.pathStyle).toBe(false)
    await s3.createBucket({ Bucket: 'vhost-bucket' })
    await s3.putObject({ Bucket: 'vhost-bucket', Key: 'a b/c', Body: 'virtual' })
    expect(await (await s3.getObject({ Bucket: 'vhost-bucket', Key: 'a b/c' })).Body.text()).toBe('virtual')
    const url = new URL(await s3.presign({ method: 'GET', Bucket: 'vhost-bucket', Key: 'a b/c', expiresIn: 60 }))
    expect(url.host).toBe('vhost-bucket.s3.us-east-1.amazonaws.com')
    expect(await (await emulator.fetch(url.toString())).text()).toBe('virtual')
  })

  test('ranges, head, and errors with exact codes', async () => {
    const { s3 } = setup()
    await s3.createBucket({ Bucket: 'ranges' })
    await s3.putObject({ Bucket: 'ranges', Key: 'digits', Body: '0123456789' })
    const cases: [string, string, string][] = [
      ['bytes=0-0', '0', 'bytes 0-0/10'],
      ['bytes=2-5', '2345', 'bytes 2-5/10'],
      ['bytes=7-', '789', 'bytes 7-9/10'],
      ['bytes=-3', '789', 'bytes 7-9/10'],
    ]
    for (const [Range, text, contentRange] of cases) {
      const obj = await s3.getObject({ Bucket: 'ranges', Key: 'digits', Range })
      expect(await obj.Body.text()).toBe(text)
      expect(obj.ContentRange).toBe(contentRange)
      expect(obj.ContentLength).toBe(text.length)
    }
    const head = await s3.headObject({ Bucket: 'ranges', Key: 'digits' })
    expect(head.ContentLength).toBe(10)
    expect(head.LastModified).toBeInstanceOf(Date)

    const missing = (await rejection(s3.getObject({ Bucket: 'ranges', Key: 'nope' }))) as AwsServiceError
    expect([missing.code, missing.status]).toEqual(['NoSuchKey', 404])
    const headMissing = (await rejection(s3.headObject({ Bucket: 'ranges', Key: 'nope' }))) as AwsServiceError
    expect([headMissing.code, headMissing.status]).toEqual(['NotFound', 404])
    const noBucket = (await rejection(s3.listObjectsV2({ Bucket: 'no-such-bucket' }))) as AwsServiceError
    expect([noBucket.code, noBucket.status]).toEqual(['NoSuchBucket', 404])
    const badRange = (await rejection(s3.getObject({ Bucket: 'ranges', Key: 'digits', Range: 'bytes=20-30' }))) as AwsServiceError
    expect([badRange.code, badRange.status]).toEqual(['InvalidRange', 416])
  })

  test('listing: every page via continuation tokens, prefixes and delimiters', async () => {
    const { s3 } = setup()
    await s3.createBucket({ Bucket: 'listing' })
    const keys = Array.from({ length: 25 }, (_, i) => `logs/${String(i).padStart(3, '0')}.txt`)
    for (const Key of [...keys, 'other/x', 'logs/deep/y']) await s3.putObject({ Bucket: 'listing', Key, Body: Key })
    const pages: string[][] = []
    for await (const page of s3.paginateListObjectsV2({ Bucket: 'listing', Prefix: 'logs/', Delimiter: '/', MaxKeys: 10 })) {
      pages.push([...page.Contents.map((c) => c.Key!), ...page.CommonPrefixes.map((p) => p.Prefix!)])
    }
    expect(pages.map((p) => p.length)).toEqual([10, 10, 6])
    expect(pages.flat().sort()).toEqual([...keys, 'logs/deep/'].sort())
    const one = await s3.listObjectsV2({ Bucket: 'listing', Prefix: 'other/' })
    expect(one.Contents.map((c) => [c.Key, c.Size])).toEqual([['other/x', 7]])
    expect(one.IsTruncated).toBe(false)
  })

  test('copy keeps or replaces metadata; delete and deleteObjects remove keys', async () => {
    const { s3 } = setup()
    await s3.createBucket({ Bucket: 'copies' })
    await s3.putObject({ Bucket: 'copies', Key: 'src/a b+c', Body: 'copy me', Metadata: { tag: 'one' } })
    const copied = await s3.copyObject({ Bucket: 'copies', Key: 'dst/1', CopySource: { Bucket: 'copies', Key: 'src/a b+c' } })
    expect(copied.CopyObjectResult.ETag).toBe(`"${createHash('md5').update('copy me').digest('hex')}"`)
    const kept = await s3.getObject({ Bucket: 'copies', Key: 'dst/1' })
    expect([await kept.Body.text(), kept.Metadata]).toEqual(['copy me', { tag: 'one' }])
    await s3.copyObject({
      Bucket: 'copies',
      Key: 'dst/2',
      CopySource: `copies/${encodeURIComponent('src/a b+c')}`,
      MetadataDirective: 'REPLACE',
      Metadata: { tag: 'two' },
    })
    expect((await s3.headObject({ Bucket: 'copies', Key: 'dst/2' })).Metadata).toEqual({ tag: 'two' })

    await s3.deleteObject({ Bucket: 'copies', Key: 'dst/1' })
    const result = await s3.deleteObjects({
      Bucket: 'copies',
      Delete: { Objects: [{ Key: 'dst/2' }, { Key: 'src/a b+c' }, { Key: 'never-existed' }] },
    })
    expect(result.Errors).toEqual([])
    expect(result.Deleted.map((d) => d.Key).sort()).toEqual(['dst/2', 'never-existed', 'src/a b+c'])
    expect((await s3.listObjectsV2({ Bucket: 'copies' })).Contents).toEqual([])
    await s3.deleteBucket({ Bucket: 'copies' })
    expect(((await rejection(s3.headBucket({ Bucket: 'copies' }))) as AwsServiceError).code).toBe('NotFound')
  })

  test('presigned GET and PUT work when fetched directly, and expire', async () => {
    const { s3, emulator, clock } = setup()
    await s3.createBucket({ Bucket: 'presigned' })
    const putUrl = await s3.presign({ method: 'PUT', Bucket: 'presigned', Key: 'up load.bin', expiresIn: 300 })
    const payload = pseudoRandomBytes(4096, 11)
    const put = await emulator.fetch(putUrl, { method: 'PUT', body: payload })
    expect(put.status).toBe(200)
    const getUrl = await s3.presign({ method: 'GET', Bucket: 'presigned', Key: 'up load.bin', expiresIn: 60 })
    const got = await emulator.fetch(getUrl)
    expect(got.status).toBe(200)
    expect(Buffer.from(await got.arrayBuffer()).equals(Buffer.from(payload))).toBe(true)
    await clock.advance(61_000)
    const late = await emulator.fetch(getUrl)
    expect(late.status).toBe(403)
    expect(await late.text()).toContain('<Code>AccessDenied</Code>')
  })

  test('multipart upload of 12 MiB in 5 MiB parts: bytes and ETag match', async () => {
    const { s3 } = setup()
    await s3.createBucket({ Bucket: 'multipart' })
    const body = pseudoRandomBytes(12 * MiB, 5)
    const out = await s3.upload({ Bucket: 'multipart', Key: 'big.bin', Body: body, partSize: 5 * MiB })
    const etag = expectedMultipartEtag(body, 5 * MiB)
    expect(out.ETag).toBe(etag)
    expect(out.Location).toBe('http://s3.localhost/multipart/big.bin')
    const obj = await s3.getObject({ Bucket: 'multipart', Key: 'big.bin' })
    expect(obj.ETag).toBe(etag)
    expect(obj.ContentLength).toBe(12 * MiB)
    expect(Buffer.from(await obj.Body.bytes()).equals(Buffer.from(body))).toBe(true)
    const tail = await s3.getObject({ Bucket: 'multipart', Key: 'big.bin', Range: `bytes=${12 * MiB - 4}-` })
    expect([...(await tail.Body.bytes())]).toEqual([...body.subarray(12 * MiB - 4)])
  })

  test('a failed multipart upload leaves no parts behind', async () => {
    const { s3, emulator, clock } = setup()
    await s3.createBucket({ Bucket: 'aborts' })
    let uploadId: string | undefined
    let partsSeen = 0
    // Deny the third part with a non-retryable error, as a policy change mid-upload would.
    const failing: FetchLike = async (input, init) => {
      const request = new Request(input, init)
      const url = new URL(request.url)
      if (url.searchParams.get('partNumber') === '3') {
        uploadId = url.searchParams.get('uploadId') ?? undefined
        return new Response('<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>', { status: 403 })
      }
      if (url.searchParams.has('partNumber')) partsSeen++
      return emulator.fetch(request)
    }
    const client = createS3Client({ region: 'us-east-1', credentials: emulator.baseCredentials, endpoint: 'http://s3.localhost', fetch: failing, env: {}, clock })
    const error = (await rejection(
      client.upload({ Bucket: 'aborts', Key: 'k', Body: new Uint8Array(16 * MiB), partSize: 5 * MiB, queueSize: 1 }),
    )) as AwsServiceError
    expect(error.code).toBe('AccessDenied')
    expect(partsSeen).toBe(2)
    expect(uploadId).toBeDefined()
    const gone = (await rejection(s3.listParts({ Bucket: 'aborts', Key: 'k', UploadId: uploadId! }))) as AwsServiceError
    expect(gone.code).toBe('NoSuchUpload')
    expect(((await rejection(s3.headObject({ Bucket: 'aborts', Key: 'k' }))) as AwsServiceError).code).toBe('NotFound')
  })

  test('a multipart upload whose parts span several credential expiries completes', async () => {
    const clock = createManualClock()
    const emulator = createEmulator({ clock, lifetimeSeconds: 10 })
    const credentials = refreshable(
      fromAssumeRole({
        roleArn: `arn:aws:iam::${emulator.accountId}:role/uploader`,
        roleSessionName: 'multipart',
        source: emulator.baseCredentials,
        region: 'us-east-1',
        endpoint: 'http://sts.localhost',
        fetch: emulator.fetch,
        clock,
        env: {},
      }),
      { clock, autoStart: false },
    )
    // S3 checks a request's credentials when it arrives; each part then takes 4 simulated
    // seconds to transfer. Credentials live 10 s and the 12 parts take 48 s (more than four
    // lifetimes), so the parts must be signed with several keys, each current when sent.
    const keysUsed = new Set<string>()
    const slow: FetchLike = async (input, init) => {
      const request = new Request(input, init)
      const key = /Credential=([A-Z0-9]+)\//.exec(request.headers.get('authorization') ?? '')?.[1]
      const response = await emulator.fetch(request)
      if (key && new URL(request.url).searchParams.has('partNumber')) {
        expect(response.status).toBe(200)
        keysUsed.add(key)
        await clock.set(clock.now() + 4_000)
      }
      return response
    }
    const s3 = createS3Client({ region: 'us-east-1', credentials, endpoint: 'http://s3.localhost', fetch: slow, clock, env: {} })
    await s3.createBucket({ Bucket: 'long-upload' })
    const body = pseudoRandomBytes(12 * 5 * MiB - 123, 9)
    const started = clock.now()
    const out = await s3.upload({ Bucket: 'long-upload', Key: 'long.bin', Body: body, partSize: 5 * MiB, queueSize: 2 })
    expect(clock.now() - started).toBeGreaterThanOrEqual(48_000)
    expect(keysUsed.size).toBeGreaterThanOrEqual(3)
    expect(out.ETag).toBe(expectedMultipartEtag(body, 5 * MiB))
    const obj = await s3.getObject({ Bucket: 'long-upload', Key: 'long.bin' })
    expect(obj.ETag).toBe(out.ETag!)
    expect(Buffer.from(await obj.Body.bytes()).equals(Buffer.from(body))).toBe(true)
  }, 60_000) // 60 MiB hashed in pure TypeScript: a liveness guard for a loaded CI machine
})
