/**
 * Cross-check with a client no one here wrote: what this S3 client writes, Debian's `aws` CLI
 * reads back identically, and the reverse. The emulator is served on 127.0.0.1:0 and both
 * clients talk real HTTP to it (which also exercises stream bodies over a real socket).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEmulator } from '../../src/emulator/emulator.ts'
import { serveEmulator } from '../../src/emulator/index.ts'
import type { ServedEmulator } from '../../src/emulator/index.ts'
import { createS3Client } from '../../src/s3/index.ts'
import type { S3Client } from '../../src/s3/index.ts'
import { debianAwsCli, isolatedAwsEnv } from '../helpers/tools.ts'
import { pseudoRandomBytes } from './fake.ts'

const MiB = 1024 * 1024
const cli = debianAwsCli()

describe.skipIf(cli === undefined)("interop with Debian's aws CLI", () => {
  let served: ServedEmulator
  let home: string
  let s3: S3Client

  // Asynchronous: the emulator serves from this very process, so a blocking spawn would deadlock.
  const aws = (...args: string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      const child = spawn(cli!, ['--endpoint-url', served.url, '--output', 'json', ...args], {
        env: isolatedAwsEnv(home, {
          AWS_ACCESS_KEY_ID: served.env.AWS_ACCESS_KEY_ID!,
          AWS_SECRET_ACCESS_KEY: served.env.AWS_SECRET_ACCESS_KEY!,
          AWS_DEFAULT_REGION: 'us-east-1',
        }),
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
      child.on('error', reject)
      child.on('close', (code) =>
        code === 0 ? resolve(stdout) : reject(new Error(`aws ${args.join(' ')} exited ${code}: ${stderr}`)),
      )
    })

  beforeAll(async () => {
    const emulator = createEmulator()
    served = await serveEmulator(emulator)
    home = mkdtempSync(join(tmpdir(), 's3-interop-'))
    s3 = createS3Client({ region: 'us-east-1', credentials: emulator.baseCredentials, endpoint: served.url, env: {} })
    await s3.createBucket({ Bucket: 'interop' })
  })

  afterAll(async () => {
    await served?.close()
    if (home) rmSync(home, { recursive: true, force: true })
  })

  test('objects this client writes (bytes, stream, multipart) read back identically with aws', { timeout: 60_000 }, async () => {
    const small = pseudoRandomBytes(70_001, 21)
    await s3.putObject({ Bucket: 'interop', Key: 'ours/small file.bin', Body: small, Metadata: { origin: 'stsrefresh' } })
    const streamed = pseudoRandomBytes(300_000, 22)
    let offset = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= streamed.length) return controller.close()
        controller.enqueue(streamed.slice(offset, offset + 65_536))
        offset += 65_536
      },
    })
    await s3.putObject({ Bucket: 'interop', Key: 'ours/streamed.bin', Body: stream, ContentLength: streamed.length })
    const large = pseudoRandomBytes(11 * MiB + 7, 23)
    const uploaded = await s3.upload({ Bucket: 'interop', Key: 'ours/large+multi.bin', Body: large, partSize: 5 * MiB })

    for (const [key, bytes] of [
      ['ours/small file.bin', small],
      ['ours/streamed.bin', streamed],
      ['ours/large+multi.bin', large],
    ] as const) {
      const file = join(home, 'download.bin')
      const head = JSON.parse(await aws('s3api', 'get-object', '--bucket', 'interop', '--key', key, file))
      expect(Buffer.from(readFileSync(file)).equals(Buffer.from(bytes))).toBe(true)
      expect(head.ContentLength).toBe(bytes.length)
    }
    const head = JSON.parse(await aws('s3api', 'head-object', '--bucket', 'interop', '--key', 'ours/small file.bin'))
    expect(head.Metadata).toEqual({ origin: 'stsrefresh' })
    const multi = JSON.parse(await aws('s3api', 'head-object', '--bucket', 'interop', '--key', 'ours/large+multi.bin'))
    expect(multi.ETag).toBe(uploaded.ETag)
  })

  test('objects aws writes (put-object, multipart s3 cp) this client reads back identically', { timeout: 60_000 }, async () => {
    const small = pseudoRandomBytes(12_345, 31)
    const large = pseudoRandomBytes(20 * MiB + 3, 32)
    writeFileSync(join(home, 'small.bin'), small)
    writeFileSync(join(home, 'large.bin'), large)
    await aws('s3api', 'put-object', '--bucket', 'interop', '--key', 'theirs/small é.bin', '--body', join(home, 'small.bin'), '--metadata', 'origin=awscli')
    // `aws s3 cp` switches to multipart above 8 MiB (its multipart_threshold default).
    await aws('s3', 'cp', join(home, 'large.bin'), 's3://interop/theirs/large.bin')

    const got = await s3.getObject({ Bucket: 'interop', Key: 'theirs/small é.bin' })
    expect(got.Metadata).toEqual({ origin: 'awscli' })
    expect(Buffer.from(await got.Body.bytes()).equals(Buffer.from(small))).toBe(true)
    const big = await s3.getObject({ Bucket: 'interop', Key: 'theirs/large.bin' })
    expect(big.ETag).toMatch(/-\d+"$/)
    expect(Buffer.from(await big.Body.bytes()).equals(Buffer.from(large))).toBe(true)

    const listed: string[] = []
    for await (const page of s3.paginateListObjectsV2({ Bucket: 'interop', Prefix: 'theirs/', MaxKeys: 1 })) {
      listed.push(...page.Contents.map((c) => c.Key!))
    }
    expect(listed).toEqual(['theirs/large.bin', 'theirs/small é.bin'])
    const listedByCli = JSON.parse(await aws('s3api', 'list-objects-v2', '--bucket', 'interop', '--prefix', 'theirs/'))
    expect(listedByCli.Contents.map((c: { Key: string }) => c.Key)).toEqual(listed)
  })

  test('a presigned PUT from this client works with a plain HTTP client, and aws reads it', { timeout: 60_000 }, async () => {
    const url = await s3.presign({ method: 'PUT', Bucket: 'interop', Key: 'presigned/x.txt', expiresIn: 120 })
    const response = await fetch(url, { method: 'PUT', body: 'through a presigned URL' })
    expect(response.status).toBe(200)
    const file = join(home, 'presigned.txt')
    await aws('s3api', 'get-object', '--bucket', 'interop', '--key', 'presigned/x.txt', file)
    expect(readFileSync(file, 'utf8')).toBe('through a presigned URL')
  })
})
