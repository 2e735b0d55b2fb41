/** `stsrefresh s3 ls|cp|rm`, spawned against the emulator. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { copy } from '../../src/cli/commands/s3-cp.ts'
import { createS3Client, type S3Client } from '../../src/s3/index.ts'
import type { FetchLike } from '../../src/types.ts'
import {
  type CliWorld,
  expectNoSecretInStderr,
  removeDirs,
  runCli,
  startWorld,
  tempDir,
} from './harness.ts'

let world: CliWorld
let s3: S3Client
let work: string

beforeAll(async () => {
  world = await startWorld()
  s3 = createS3Client({
    region: 'us-east-1',
    endpoint: world.served.url,
    credentials: world.emulator.baseCredentials,
  })
  await s3.createBucket({ Bucket: 'cli-test' })
  work = tempDir()
})
afterAll(async () => {
  removeDirs(work)
  await world.close()
})

const ROLE = ['--role-arn', 'arn:aws:iam::123456789012:role/s3-cli']
const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')
const get = async (key: string): Promise<Uint8Array> =>
  (await s3.getObject({ Bucket: 'cli-test', Key: key })).Body.bytes()

describe('cp', () => {
  test('a large local file goes up in parts through an assumed role, and comes back identical', async () => {
    const bytes = new Uint8Array(12 * 1024 * 1024 + 123)
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = (i / 4096) & 0xff
    const file = join(work, 'big.bin')
    writeFileSync(file, bytes)
    world.emulator.resetStats()
    const up = await runCli([
      's3',
      'cp',
      file,
      's3://cli-test/backups/',
      '--part-size',
      '5',
      ...ROLE,
    ], { env: world.env() })
    expect(up).toEqual({
      code: 0,
      stdout: '',
      stderr: `upload: ${file} to s3://cli-test/backups/big.bin\n`,
    })
    const stats = world.emulator.stats()
    expect(stats.stsCalls).toEqual({ AssumeRole: 1 })
    const head = await s3.headObject({ Bucket: 'cli-test', Key: 'backups/big.bin' })
    expect(head.ContentLength).toBe(bytes.length)
    // A multipart ETag ends with the part count: 5 + 5 + 2 MiB.
    expect(head.ETag).toMatch(/-3"$/)

    const down = join(work, 'down.bin')
    const result = await runCli(['s3', 'cp', 's3://cli-test/backups/big.bin', down, '--json'], {
      env: world.env(),
    })
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout)).toEqual({
      operation: 'download',
      from: 's3://cli-test/backups/big.bin',
      to: down,
      bytes: bytes.length,
      etag: head.ETag,
    })
    expect(sha(readFileSync(down))).toBe(sha(bytes))
  })

  test('stdin to S3 and S3 to stdout, bytes exact', async () => {
    const text = 'line one\nline two\n\u00e9\u00e8\n'
    const up = await runCli([
      's3',
      'cp',
      '-',
      's3://cli-test/piped.txt',
      '--content-type',
      'text/plain',
    ], { env: world.env(), stdin: text })
    expect(up).toEqual({ code: 0, stdout: '', stderr: 'upload: - to s3://cli-test/piped.txt\n' })
    expect((await s3.headObject({ Bucket: 'cli-test', Key: 'piped.txt' })).ContentType).toBe(
      'text/plain',
    )
    const down = await runCli(['s3', 'cp', 's3://cli-test/piped.txt', '-'], { env: world.env() })
    expect(down).toEqual({ code: 0, stdout: text, stderr: '' })
  })

  test('S3 to S3 copies into a "folder" with the same name; S3 to a local directory keeps the name', async () => {
    const copy = await runCli([
      's3',
      'cp',
      's3://cli-test/piped.txt',
      's3://cli-test/copies/',
      '--quiet',
    ], { env: world.env() })
    expect(copy).toEqual({ code: 0, stdout: '', stderr: '' })
    expect(new TextDecoder().decode(await get('copies/piped.txt'))).toBe(
      'line one\nline two\n\u00e9\u00e8\n',
    )
    const dir = join(work, 'dir')
    mkdirSync(dir)
    const down = await runCli(['s3', 'cp', 's3://cli-test/copies/piped.txt', dir], {
      env: world.env(),
    })
    expect(down).toEqual({
      code: 0,
      stdout: '',
      stderr: `download: s3://cli-test/copies/piped.txt to ${join(dir, 'piped.txt')}\n`,
    })
    expect(readFileSync(join(dir, 'piped.txt'), 'utf8')).toBe('line one\nline two\n\u00e9\u00e8\n')
  })

  test('mistakes: exit 2 naming the argument; AWS errors: exit 4 with the service line', async () => {
    const env = world.env()
    const cases: [string[], number, string][] = [
      [
        ['s3', 'cp', 'a.txt', 'b.txt'],
        2,
        "stsrefresh: s3 cp needs an s3:// URL on at least one side (got 'a.txt' and 'b.txt')\n",
      ],
      [
        ['s3', 'cp', join(work, 'missing.bin'), 's3://cli-test/x'],
        2,
        `stsrefresh: source '${join(work, 'missing.bin')}' cannot be read: no such file\n`,
      ],
      [
        ['s3', 'cp', work, 's3://cli-test/x'],
        2,
        `stsrefresh: source '${work}' is a directory: s3 cp copies one file\n`,
      ],
      [
        ['s3', 'cp', '-', 's3://cli-test/'],
        2,
        "stsrefresh: copying from stdin needs a full object key (got 's3://cli-test/')\n",
      ],
      [
        ['s3', 'cp', 's3://cli-test/piped.txt'],
        2,
        'stsrefresh: s3 cp takes two arguments: stsrefresh s3 cp <source> <destination>   (local path, - for stdin/stdout, or s3://bucket/key)\n',
      ],
      [
        ['s3', 'cp', 's3://cli-test/x', '-', '--json'],
        2,
        'stsrefresh: --json cannot be used when the object goes to stdout (-)\n',
      ],
      [
        ['s3', 'cp', 'f', 's3://cli-test/x', '--part-size', '4'],
        2,
        'stsrefresh: --part-size is in MiB, a whole number from 5 to 5120 (got 4)\n',
      ],
      [
        ['s3', 'cp', 's3://cli-test/nope.txt', '-'],
        4,
        'stsrefresh: S3.GetObject on s3://cli-test/nope.txt: NoSuchKey: The specified key does not exist.\n',
      ],
      [
        ['s3', 'mv', 's3://a/b'],
        2,
        "stsrefresh: unknown s3 action 'mv': use one of ls, cp, rm (see `stsrefresh s3 --help`)\n",
      ],
    ]
    for (const [args, code, stderr] of cases) {
      expect({ args, ...(await runCli(args, { env })) }).toEqual({ args, code, stdout: '', stderr })
    }
  })
})

describe('ls', () => {
  test('lists every page (2,100 keys > 1,000 per page), recursively, as JSON lines', async () => {
    const keys = Array.from({ length: 2100 }, (_, i) => `many/${String(i).padStart(4, '0')}.txt`)
    for (let i = 0; i < keys.length; i += 100) {
      await Promise.all(
        keys.slice(i, i + 100).map((Key) => s3.putObject({ Bucket: 'cli-test', Key, Body: 'x' })),
      )
    }
    const { code, stdout, stderr } = await runCli([
      's3',
      'ls',
      's3://cli-test/many/',
      '--recursive',
      '--json',
    ], { env: world.env() })
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const lines = stdout.trimEnd().split('\n').map((l) => JSON.parse(l))
    expect(lines.map((l) => l.Key)).toEqual(keys)
    expect(lines[0]).toEqual({
      Key: 'many/0000.txt',
      Size: 1,
      LastModified: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      ETag: '"9dd4e461268c8034f5c8564e155c67a6"',
      StorageClass: 'STANDARD',
    })
  })

  test('one level with PRE lines, names relative to the prefix, as the AWS CLI shows them', async () => {
    const { code, stdout } = await runCli(['s3', 'ls', 's3://cli-test'], { env: world.env() })
    expect(code).toBe(0)
    const lines = stdout.trimEnd().split('\n')
    expect(lines.slice(0, 3)).toEqual([
      `${' '.repeat(27)}PRE backups/`,
      `${' '.repeat(27)}PRE copies/`,
      `${' '.repeat(27)}PRE many/`,
    ])
    expect(lines[3]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {9}23 piped\.txt$/)
    expect(lines).toHaveLength(4)
    const sub = await runCli(['s3', 'ls', 's3://cli-test/backups/b'], { env: world.env() })
    expect(sub.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {3}12583035 big\.bin\n$/)
  })

  test('errors: NoSuchBucket exits 4; a bad URL or bucket name exits 2', async () => {
    const env = world.env()
    expect(await runCli(['s3', 'ls', 's3://no-such-bucket'], { env })).toEqual({
      code: 4,
      stdout: '',
      stderr: 'stsrefresh: S3.ListObjectsV2 on s3://no-such-bucket: NoSuchBucket: The specified bucket does not exist\n',
    })
    expect(await runCli(['s3', 'ls', 'cli-test'], { env })).toEqual({
      code: 2,
      stdout: '',
      stderr: "stsrefresh: s3 ls must be an s3://bucket[/key] URL (got 'cli-test')\n",
    })
    expect(await runCli(['s3', 'ls', 's3://a'], { env })).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "stsrefresh: s3 ls: 'a' is not a valid bucket name (3-63 characters: a-z, 0-9, '.', '-'), in 's3://a'\n",
    })
    expect(await runCli(['s3', 'ls', 's3://cli-test', '--part-size', '8'], { env })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'stsrefresh: --part-size does not apply to s3 ls (only to s3 cp)\n',
    })
  })
})

describe('rm', () => {
  test('one key; then a prefix with --recursive (DeleteObjects in batches of 1,000)', async () => {
    const one = await runCli(['s3', 'rm', 's3://cli-test/copies/piped.txt'], { env: world.env() })
    expect(one).toEqual({ code: 0, stdout: '', stderr: 'delete: s3://cli-test/copies/piped.txt\n' })
    world.emulator.resetStats()
    const many = await runCli(['s3', 'rm', 's3://cli-test/many/', '--recursive', '--json'], {
      env: world.env(),
    })
    expect(many.code).toBe(0)
    expect(many.stderr).toBe('')
    expect(JSON.parse(many.stdout).Deleted).toHaveLength(2100)
    const left = await s3.listObjectsV2({ Bucket: 'cli-test', Prefix: 'many/' })
    expect(left.Contents).toEqual([])
    const noKey = await runCli(['s3', 'rm', 's3://cli-test/backups/'], { env: world.env() })
    expect(noKey).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "stsrefresh: s3 rm needs an object key (got 's3://cli-test/backups/'); add --recursive to delete a prefix\n",
    })
  })
})

test('no secret the emulator issued appears in any stderr captured in this file', () => {
  expectNoSecretInStderr()
})

describe('integrity settings, as the AWS CLI reads them', () => {
  const stored = async (key: string) =>
    (await s3.headObject({ Bucket: 'cli-test', Key: key, ChecksumMode: 'ENABLED' })).ChecksumCRC32
  const file = (): string => {
    const path = join(work, 'small.txt')
    writeFileSync(path, 'checked on the way in\n')
    return path
  }

  test("cp sends a CRC32 by default; the profile's request_checksum_calculation = when_required sends none", async () => {
    const up = await runCli(['s3', 'cp', file(), 's3://cli-test/integrity/default.txt'], { env: world.env() })
    expect(up.code).toBe(0)
    expect(await stored('integrity/default.txt')).toBe('FvO6jQ==')

    const config = join(work, 'checksum-config')
    writeFileSync(config, '[default]\nrequest_checksum_calculation = when_required\n')
    const off = await runCli(['s3', 'cp', file(), 's3://cli-test/integrity/off.txt'], {
      env: world.env({ AWS_CONFIG_FILE: config }),
    })
    expect(off.code).toBe(0)
    expect(await stored('integrity/off.txt')).toBeUndefined()
    // The environment variable beats the profile, as in the SDKs.
    const on = await runCli(['s3', 'cp', file(), 's3://cli-test/integrity/env.txt'], {
      env: world.env({ AWS_CONFIG_FILE: config, AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_SUPPORTED' }),
    })
    expect(on.code).toBe(0)
    expect(await stored('integrity/env.txt')).toBe('FvO6jQ==')
  })

  test('a download whose bytes do not match the stored checksum fails and leaves no file', async () => {
    await s3.putObject({ Bucket: 'cli-test', Key: 'integrity/damaged.txt', Body: 'x'.repeat(10_000) })
    // The bytes change on the way (one flipped), the length does not.
    const damaging: FetchLike = async (input, init) => {
      const response = await fetch(input, init)
      if ((init?.method ?? 'GET') !== 'GET' || response.status !== 200) return response
      const bytes = new Uint8Array(await response.arrayBuffer())
      bytes[5000] = 0x79
      return new Response(bytes, { status: 200, headers: response.headers })
    }
    const client = createS3Client({
      region: 'us-east-1',
      endpoint: world.served.url,
      credentials: world.emulator.baseCredentials,
      fetch: damaging,
    })
    const dir = join(work, 'damaged')
    mkdirSync(dir)
    const failure = await copy(client, 's3://cli-test/integrity/damaged.txt', join(dir, 'out.txt'), { progress: false }).catch((e) => e)
    expect(failure).toMatchObject({ code: 'ChecksumMismatch', resource: 's3://cli-test/integrity/damaged.txt' })
    expect(readdirSync(dir)).toEqual([])
  })

  test('a bad value is a usage error that names the profile, the key and the values', async () => {
    const config = join(work, 'bad-checksum-config')
    writeFileSync(config, '[default]\nresponse_checksum_validation = sometimes\n')
    const result = await runCli(['s3', 'cp', 's3://cli-test/integrity/default.txt', '-'], {
      env: world.env({ AWS_CONFIG_FILE: config }),
    })
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "stsrefresh: profile 'default' sets response_checksum_validation = sometimes: use when_supported (the default) or when_required\n",
    })
  })
})
