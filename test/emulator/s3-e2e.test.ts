/**
 * S3 through the whole emulator (router, SigV4 verification, S3 module): in-process requests
 * signed by aws4fetch, and the AWS SDK for JavaScript v3 against the emulator served on loopback.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { Readable } from 'node:stream'
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import { AwsClient } from 'aws4fetch'
import { createManualClock } from '../../src/clock.ts'
import { createEmulator, type Emulator } from '../../src/emulator/emulator.ts'
import { serveEmulator, type ServedEmulator } from '../../src/emulator/index.ts'
import { bytes, nodeMd5, tags } from './s3-helpers.ts'

function signer(emulator: Emulator): AwsClient {
  const { accessKeyId, secretAccessKey } = emulator.baseCredentials
  return new AwsClient({ accessKeyId, secretAccessKey, service: 's3', region: 'us-east-1' })
}

const START = Date.UTC(2026, 0, 1)
// aws4fetch signs with the wall clock unless told; the emulator runs on a manual clock.
const DATETIME = new Date(START).toISOString().replace(/[:-]|\.\d{3}/g, '')

async function call(emulator: Emulator, url: string, init: RequestInit = {}): Promise<Response> {
  return emulator.handler(await signer(emulator).sign(url, { ...init, aws: { datetime: DATETIME } }))
}

describe('S3 in-process through createEmulator (aws4fetch signing)', () => {
  test('bucket, binary put/get, list, range, delete with real SigV4', async () => {
    const emulator = createEmulator({ clock: createManualClock(START) })
    const base = 'http://127.0.0.1:4566'
    expect((await call(emulator, `${base}/e2e-bucket`, { method: 'PUT' })).status).toBe(200)
    const body = bytes(300_000, 11)
    const put = await call(emulator, `${base}/e2e-bucket/path/to/obj%20one.bin`, { method: 'PUT', body })
    expect(put.status).toBe(200)
    expect(put.headers.get('etag')).toBe(`"${nodeMd5(body).toString('hex')}"`)
    const get = await call(emulator, `${base}/e2e-bucket/path/to/obj%20one.bin`)
    expect(new Uint8Array(await get.arrayBuffer())).toEqual(body)
    const ranged = await call(emulator, `${base}/e2e-bucket/path/to/obj%20one.bin`, { headers: { range: 'bytes=-4' } })
    expect(ranged.status).toBe(206)
    expect(new Uint8Array(await ranged.arrayBuffer())).toEqual(body.slice(-4))
    const list = await (await call(emulator, `${base}/e2e-bucket?list-type=2&prefix=path%2F`)).text()
    expect(tags(list, 'Key')).toEqual(['path/to/obj one.bin'])
    expect((await call(emulator, `${base}/e2e-bucket/path/to/obj%20one.bin`, { method: 'DELETE' })).status).toBe(204)
    expect((await call(emulator, `${base}/e2e-bucket/path/to/obj%20one.bin`)).status).toBe(404)
  })

  test('virtual-hosted requests and presigned URLs work through the router', async () => {
    const emulator = createEmulator({ clock: createManualClock(START) })
    expect((await call(emulator, 'http://vhost-bucket.s3.localhost:4566/', { method: 'PUT' })).status).toBe(200)
    expect((await call(emulator, 'http://vhost-bucket.localhost:4566/k.txt', { method: 'PUT', body: 'hi' })).status).toBe(200)
    const presigned = await signer(emulator).sign('http://127.0.0.1:4566/vhost-bucket/k.txt?X-Amz-Expires=60', {
      aws: { signQuery: true, datetime: DATETIME },
    })
    expect(new URL(presigned.url).searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/)
    const response = await emulator.handler(new Request(presigned.url))
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('hi')
  })

  test('auth failures come back in S3 XML Error format', async () => {
    const emulator = createEmulator({ clock: createManualClock(START) })
    const signed = await signer(emulator).sign('http://127.0.0.1:4566/some-bucket', { method: 'PUT', aws: { datetime: DATETIME } })
    const tampered = new Request('http://127.0.0.1:4566/other-bucket', { method: 'PUT', headers: signed.headers })
    const response = await emulator.handler(tampered)
    expect(response.status).toBe(403)
    expect(response.headers.get('x-amz-request-id')).not.toBeNull()
    const xml = await response.text()
    expect(xml).toStartWith('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code>')
    expect(tags(xml, 'RequestId')).toEqual([response.headers.get('x-amz-request-id') as string])
    expect(xml).toContain('<HostId>')
    const unknown = new AwsClient({ accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x', service: 's3', region: 'us-east-1' })
    const denied = await emulator.handler(await unknown.sign('http://127.0.0.1:4566/', { aws: { datetime: DATETIME } }))
    expect(denied.status).toBe(403)
    expect(tags(await denied.text(), 'Code')).toEqual(['InvalidAccessKeyId'])
    const late = await signer(emulator).sign('http://127.0.0.1:4566/', { aws: { datetime: '20260101T000601Z' } })
    const skewed = await emulator.handler(late)
    expect(skewed.status).toBe(403)
    expect(tags(await skewed.text(), 'Code')).toEqual(['RequestTimeTooSkewed'])
  })
})

describe('S3 with the AWS SDK for JavaScript v3 on loopback', () => {
  let served: ServedEmulator | undefined
  afterEach(async () => {
    await served?.close()
    served = undefined
  })

  /** Headers of every request the served emulator saw, in order. */
  let seen: Headers[] = []

  async function client(): Promise<S3Client> {
    const emulator = createEmulator()
    seen = []
    const recording: Emulator = Object.create(emulator, {
      handler: {
        value: (request: Request): Promise<Response> => {
          seen.push(new Headers(request.headers))
          return emulator.handler(request)
        },
      },
    })
    served = await serveEmulator(recording, { port: 0 })
    const { accessKeyId, secretAccessKey } = emulator.baseCredentials
    return new S3Client({
      endpoint: served.url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
      maxAttempts: 1,
    })
  }

  test('put/get/head/list/copy/delete-objects, with the SDK default checksums', async () => {
    const s3 = await client()
    await s3.send(new CreateBucketCommand({ Bucket: 'sdk-bucket' }))
    const body = bytes(123_457, 21)
    const put = await s3.send(new PutObjectCommand({ Bucket: 'sdk-bucket', Key: 'a/b.bin', Body: body, Metadata: { team: 'core' }, ContentType: 'application/x-bin' }))
    expect(put.ETag).toBe(`"${nodeMd5(body).toString('hex')}"`)
    const got = await s3.send(new GetObjectCommand({ Bucket: 'sdk-bucket', Key: 'a/b.bin' }))
    expect(new Uint8Array(await got.Body!.transformToByteArray())).toEqual(body)
    expect(got.Metadata).toEqual({ team: 'core' })
    expect(got.ContentType).toBe('application/x-bin')
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'sdk-bucket', Key: 'a/b.bin' }))
    expect(head.ContentLength).toBe(body.length)
    await s3.send(new CopyObjectCommand({ Bucket: 'sdk-bucket', Key: 'copy with space', CopySource: 'sdk-bucket/a/b.bin' }))
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'sdk-bucket' }))
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['a/b.bin', 'copy with space'])
    expect(listed.KeyCount).toBe(2)
    const deleted = await s3.send(new DeleteObjectsCommand({ Bucket: 'sdk-bucket', Delete: { Objects: [{ Key: 'a/b.bin' }, { Key: 'copy with space' }] } }))
    expect(deleted.Deleted?.map((d) => d.Key).sort()).toEqual(['a/b.bin', 'copy with space'])
    expect(deleted.Errors).toBeUndefined()
    let missing: unknown
    try {
      await s3.send(new GetObjectCommand({ Bucket: 'sdk-bucket', Key: 'a/b.bin' }))
    } catch (error) {
      missing = error
    }
    expect((missing as { name: string }).name).toBe('NoSuchKey')
    expect((missing as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(404)
  })

  test('a streamed body of known length goes aws-chunked with a trailing checksum and is stored decoded', async () => {
    const s3 = await client()
    await s3.send(new CreateBucketCommand({ Bucket: 'stream-bucket' }))
    const body = bytes(200_000, 4)
    await s3.send(
      new PutObjectCommand({
        Bucket: 'stream-bucket',
        Key: 'streamed',
        Body: Readable.from([body.subarray(0, 70_000), body.subarray(70_000)]),
        ContentLength: body.length,
      }),
    )
    const putHeaders = seen[seen.length - 1] as Headers
    expect(putHeaders.get('x-amz-content-sha256')).toStartWith('STREAMING-')
    expect(putHeaders.get('content-encoding')).toContain('aws-chunked')
    expect(putHeaders.get('x-amz-decoded-content-length')).toBe('200000')
    const got = await s3.send(new GetObjectCommand({ Bucket: 'stream-bucket', Key: 'streamed', ChecksumMode: 'ENABLED' }))
    expect(new Uint8Array(await got.Body!.transformToByteArray())).toEqual(body)
    expect(got.ETag).toBe(`"${nodeMd5(body).toString('hex')}"`)
    expect(got.ChecksumCRC32).toBeDefined()
  })

  test('multipart upload through the SDK: ETag "<md5 of part md5s>-2"', async () => {
    const s3 = await client()
    await s3.send(new CreateBucketCommand({ Bucket: 'mp-bucket' }))
    const parts = [bytes(5 * 1024 * 1024, 1), bytes(777, 2)]
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'mp-bucket', Key: 'big' }))
    const etags: string[] = []
    for (const [index, part] of parts.entries()) {
      const result = await s3.send(new UploadPartCommand({ Bucket: 'mp-bucket', Key: 'big', UploadId, PartNumber: index + 1, Body: part }))
      etags.push(result.ETag as string)
    }
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'mp-bucket',
        Key: 'big',
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    )
    const expected = nodeMd5(Buffer.concat(parts.map((part) => nodeMd5(part)))).toString('hex')
    expect(done.ETag).toBe(`"${expected}-2"`)
    const got = await s3.send(new GetObjectCommand({ Bucket: 'mp-bucket', Key: 'big' }))
    expect(new Uint8Array(await got.Body!.transformToByteArray())).toEqual(new Uint8Array(Buffer.concat(parts)))
  })
})
