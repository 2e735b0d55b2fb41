/**
 * `stsrefresh s3` where it must behave as `aws s3` does: a recursive rm takes its path as a
 * directory, an upload's Content-Type is guessed from the file extension, and a download makes
 * missing local directories. Spawned against the emulator, as s3.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { guessContentType } from '../../src/cli/commands/s3-content-type.ts'
import { createS3Client, type S3Client } from '../../src/s3/index.ts'
import {
  type CliWorld,
  expectNoSecretInStderr,
  removeDirs,
  runCli,
  startWorld,
  tempDir,
} from './harness.ts'

const BUCKET = 'parity-test'
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
  await s3.createBucket({ Bucket: BUCKET })
  work = tempDir()
})
afterAll(async () => {
  removeDirs(work)
  await world.close()
})

const put = (Key: string, Body = 'x', Bucket = BUCKET) => s3.putObject({ Bucket, Key, Body })
const keysUnder = async (Prefix: string, Bucket = BUCKET): Promise<string[]> =>
  (await s3.listObjectsV2({ Bucket, Prefix })).Contents.map((o) => o.Key ?? '')
const contentType = async (Key: string): Promise<string | undefined> =>
  (await s3.headObject({ Bucket: BUCKET, Key })).ContentType

describe('rm --recursive takes the path as a directory', () => {
  test('s3://bucket/rm2/old deletes rm2/old/... only, never rm2/older/c, rm2/oldx or rm2/old', async () => {
    for (const key of ['rm2/old/a', 'rm2/old/b/deep', 'rm2/older/c', 'rm2/oldx', 'rm2/old']) {
      await put(key)
    }
    const rm = await runCli(['s3', 'rm', `s3://${BUCKET}/rm2/old`, '--recursive'], {
      env: world.env(),
    })
    expect(rm).toEqual({
      code: 0,
      stdout: '',
      stderr: `delete: s3://${BUCKET}/rm2/old/a\ndelete: s3://${BUCKET}/rm2/old/b/deep\n`,
    })
    expect(await keysUnder('rm2/')).toEqual(['rm2/old', 'rm2/older/c', 'rm2/oldx'])

    // With the trailing slash it is the same directory; ls --recursive keeps the raw prefix.
    await put('rm2/old/a')
    const slash = await runCli(['s3', 'rm', `s3://${BUCKET}/rm2/old/`, '--recursive', '--json'], {
      env: world.env(),
    })
    expect(slash).toEqual({ code: 0, stdout: '{"Deleted":["rm2/old/a"]}\n', stderr: '' })
    const ls = await runCli(['s3', 'ls', `s3://${BUCKET}/rm2/old`, '--recursive', '--json'], {
      env: world.env(),
    })
    expect(ls.code).toBe(0)
    expect(ls.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).Key)).toEqual([
      'rm2/old',
      'rm2/older/c',
      'rm2/oldx',
    ])
  })

  test('the bucket itself (with or without a slash) still means every key', async () => {
    await s3.createBucket({ Bucket: 'parity-root' })
    for (const url of ['s3://parity-root', 's3://parity-root/']) {
      await put('a', 'x', 'parity-root')
      await put('b/c', 'x', 'parity-root')
      const rm = await runCli(['s3', 'rm', url, '--recursive', '--quiet'], { env: world.env() })
      expect({ url, ...rm }).toEqual({ url, code: 0, stdout: '', stderr: '' })
      expect(await keysUnder('', 'parity-root')).toEqual([])
    }
  })
})

describe('cp of a local file guesses its Content-Type from the extension', () => {
  test('the table: values as Python mimetypes gives them on Debian, no charset', () => {
    const cases: [string, string | undefined][] = [
      ['index.html', 'text/html'],
      ['page.HTM', 'text/html'],
      ['dir.v2/app.js', 'text/javascript'],
      ['mod.mjs', 'text/javascript'],
      ['data.json', 'application/json'],
      ['notes.txt', 'text/plain'],
      ['feed.xml', 'application/xml'],
      ['logo.svg', 'image/svg+xml'],
      ['photo.JPG', 'image/jpeg'],
      ['favicon.ico', 'image/vnd.microsoft.icon'],
      ['backup.tar', 'application/x-tar'],
      ['font.woff2', 'font/woff2'],
      // No guess, as Python makes none: S3 then stores binary/octet-stream.
      ['backup.tar.gz', undefined],
      ['config.yaml', undefined],
      ['.html', undefined],
      ['Makefile', undefined],
      ['dir.html/README', undefined],
      ['trailing.', undefined],
    ]
    expect(cases.map(([path]) => [path, guessContentType(path)])).toEqual(cases)
  })

  test('uploads store the guessed type; --content-type wins; stdin and unknown keep the default', async () => {
    const files = { 'index.html': '<p>hi</p>', 'data.json': '{}', 'archive.xyz': '?' }
    for (const [name, text] of Object.entries(files)) writeFileSync(join(work, name), text)
    const env = world.env()
    const run = (args: string[], stdin?: string) =>
      runCli(['s3', 'cp', ...args, '--quiet'], { env, ...(stdin ? { stdin } : {}) })
    const html = join(work, 'index.html')
    expect((await run([html, `s3://${BUCKET}/site/`])).code).toBe(0)
    expect((await run([join(work, 'data.json'), `s3://${BUCKET}/site/d`])).code).toBe(0)
    expect((await run([join(work, 'archive.xyz'), `s3://${BUCKET}/site/`])).code).toBe(0)
    const explicit = ['--content-type', 'text/plain; charset=utf-8']
    expect((await run([html, `s3://${BUCKET}/site/raw.html`, ...explicit])).code).toBe(0)
    expect((await run(['-', `s3://${BUCKET}/site/piped.html`], 'piped')).code).toBe(0)
    expect({
      html: await contentType('site/index.html'),
      // The local file's name decides, not the key's.
      json: await contentType('site/d'),
      unknown: await contentType('site/archive.xyz'),
      explicit: await contentType('site/raw.html'),
      stdin: await contentType('site/piped.html'),
    }).toEqual({
      html: 'text/html',
      json: 'application/json',
      unknown: 'binary/octet-stream',
      explicit: 'text/plain; charset=utf-8',
      stdin: 'binary/octet-stream',
    })
  })

  test('a multipart upload carries the guessed type too', async () => {
    const file = join(work, 'clip.mp4')
    writeFileSync(file, new Uint8Array(6 * 1024 * 1024))
    const up = await runCli(['s3', 'cp', file, `s3://${BUCKET}/media/`, '--part-size', '5'], {
      env: world.env(),
    })
    expect(up.code).toBe(0)
    const head = await s3.headObject({ Bucket: BUCKET, Key: 'media/clip.mp4' })
    expect({ type: head.ContentType, parts: head.ETag?.endsWith('-2"') }).toEqual({
      type: 'video/mp4',
      parts: true,
    })
  })
})

describe('cp to a local path makes missing directories', () => {
  test('a relative nodir/sub/x.txt and a nodir2/deeper/ "folder" are created', async () => {
    await put('dl/x.txt', 'downloaded')
    const cwd = join(work, 'dl-cwd')
    mkdirSync(cwd)
    const env = world.env()
    const file = await runCli(['s3', 'cp', `s3://${BUCKET}/dl/x.txt`, 'nodir/sub/x.txt'], {
      env,
      cwd,
    })
    expect(file).toEqual({
      code: 0,
      stdout: '',
      stderr: `download: s3://${BUCKET}/dl/x.txt to nodir/sub/x.txt\n`,
    })
    expect(readFileSync(join(cwd, 'nodir/sub/x.txt'), 'utf8')).toBe('downloaded')
    const folder = await runCli(['s3', 'cp', `s3://${BUCKET}/dl/x.txt`, 'nodir2/deeper/'], {
      env,
      cwd,
    })
    expect(folder.code).toBe(0)
    expect(readFileSync(join(cwd, 'nodir2/deeper/x.txt'), 'utf8')).toBe('downloaded')
    // Only the directories and the file: no temporary file is left behind.
    expect(readdirSync(join(cwd, 'nodir/sub'))).toEqual(['x.txt'])
    // Written private (0600) under a random name, then given a new file's usual mode.
    expect(statSync(join(cwd, 'nodir/sub/x.txt')).mode & 0o777).toBe(0o666 & ~process.umask())
  })

  test('a failed download leaves an existing file untouched', async () => {
    const keep = join(work, 'keep.txt')
    writeFileSync(keep, 'precious')
    const env = world.env()
    const missing = await runCli(['s3', 'cp', `s3://${BUCKET}/dl/nope.txt`, keep], { env })
    expect(missing).toEqual({
      code: 4,
      stdout: '',
      stderr: 'stsrefresh: S3.GetObject on s3://parity-test/dl/nope.txt: NoSuchKey: The specified key does not exist.\n',
    })
    // A file where a directory would have to be made: a usage error, and the file is kept.
    const under = join(keep, 'sub', 'x.txt')
    const blocked = await runCli(['s3', 'cp', `s3://${BUCKET}/dl/x.txt`, under], { env })
    expect(blocked).toEqual({
      code: 2,
      stdout: '',
      stderr: `stsrefresh: cannot write '${under}': a parent is not a directory\n`,
    })
    expect(readFileSync(keep, 'utf8')).toBe('precious')
  })
})

test('no secret the emulator issued appears in any stderr captured in this file', () => {
  expectNoSecretInStderr()
})
