/**
 * Fault: the `credential-process` cache file is corrupt, truncated, readable by others, owned by
 * someone else, or a symlink; or the cache directory cannot be written. Each time the CLI still
 * prints valid credentials from a fresh AssumeRole, never trusts (or follows) the bad file, and
 * replaces it with a private file of its own; an unwritable directory just means no cache.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEmulator, serveEmulator } from '../../src/emulator/index.ts'
import type { Emulator, ServedEmulator } from '../../src/emulator/index.ts'
import { isolatedCliEnv, runCli } from '../security/cli-run.ts'

const ROLE = 'arn:aws:iam::123456789012:role/cache'
const isRoot = process.getuid?.() === 0
let emulator: Emulator
let served: ServedEmulator
let home: string
let cacheDir: string

beforeAll(async () => {
  emulator = createEmulator()
  served = await serveEmulator(emulator)
})
afterAll(() => served.close())
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'stsrefresh-cache-faults-'))
  cacheDir = join(home, '.cache', 'stsrefresh')
})
afterEach(() => {
  if (isRoot) spawnSync('chattr', ['-i', cacheDir])
  chmodSync(home, 0o700)
  rmSync(home, { recursive: true, force: true })
})

interface Printed {
  readonly AccessKeyId: string
  readonly SecretAccessKey: string
  readonly SessionToken: string
  readonly Expiration: string
}

/** Run credential-process; it must succeed with valid JSON. Returns it and the debug lines. */
async function credentialProcess(): Promise<{ json: Printed; notes: string; assumed: number }> {
  const before = emulator.stats().stsCalls.AssumeRole ?? 0
  const run = await runCli(
    ['credential-process', '--role-arn', ROLE, '--verbose'],
    isolatedCliEnv(home, { ...served.env, STSREFRESH_CACHE_DIR: cacheDir }),
  )
  expect([run.code, run.stderr.includes('unexpected')]).toEqual([0, false])
  const json = JSON.parse(run.stdout) as Printed & { Version: number }
  expect(json.Version).toBe(1)
  expect(json.AccessKeyId).toMatch(/^ASIA/)
  return { json, notes: run.stderr, assumed: (emulator.stats().stsCalls.AssumeRole ?? 0) - before }
}

/** The one cache file (created by a first, healthy run). */
async function primedCacheFile(): Promise<{ file: string; first: Printed }> {
  const { json, assumed } = await credentialProcess()
  expect(assumed).toBe(1)
  const files = readdirSync(cacheDir).filter((name) => name.endsWith('.json'))
  expect(files).toHaveLength(1)
  return { file: join(cacheDir, files[0]!), first: json }
}

function expectPrivateFileOfOurs(file: string, printed: Printed): void {
  const info = lstatSync(file)
  expect(info.isFile()).toBe(true)
  expect(info.mode & 0o777).toBe(0o600)
  expect(info.uid).toBe(process.getuid!())
  expect(JSON.parse(readFileSync(file, 'utf8')).AccessKeyId).toBe(printed.AccessKeyId)
  expect(statSync(cacheDir).mode & 0o777).toBe(0o700)
}

describe('credential-process cache faults', () => {
  test('a healthy cache is reused (the baseline the cases below depart from)', async () => {
    const { first } = await primedCacheFile()
    const again = await credentialProcess()
    expect(again.assumed).toBe(0)
    expect(again.json.AccessKeyId).toBe(first.AccessKeyId)
  })

  test('corrupted: ignored and replaced', async () => {
    const { file, first } = await primedCacheFile()
    writeFileSync(file, '\u0000\u00ffnot json at all{{{', { mode: 0o600 })
    const { json, notes, assumed } = await credentialProcess()
    expect(assumed).toBe(1)
    expect(json.AccessKeyId).not.toBe(first.AccessKeyId)
    expect(notes).toContain(`ignoring cache file ${file}: not valid JSON`)
    expectPrivateFileOfOurs(file, json)
  })

  test('truncated: ignored and replaced', async () => {
    const { file } = await primedCacheFile()
    const text = readFileSync(file, 'utf8')
    writeFileSync(file, text.slice(0, Math.floor(text.length / 2)), { mode: 0o600 })
    const { json, notes, assumed } = await credentialProcess()
    expect(assumed).toBe(1)
    expect(notes).toContain(`ignoring cache file ${file}: not valid JSON`)
    expectPrivateFileOfOurs(file, json)
  })

  for (const mode of [0o640, 0o604]) {
    test(`readable by ${mode === 0o640 ? 'the group' : 'the world'} (0${mode.toString(8)}): not trusted, replaced`, async () => {
      const { file, first } = await primedCacheFile()
      chmodSync(file, mode)
      const { json, notes, assumed } = await credentialProcess()
      expect(assumed).toBe(1)
      expect(json.AccessKeyId).not.toBe(first.AccessKeyId)
      expect(notes).toContain(`ignoring cache file ${file}: not a private (0600) file owned by you`)
      expectPrivateFileOfOurs(file, json)
    })
  }

  test.if(isRoot)('owned by someone else: not trusted, replaced', async () => {
    const { file, first } = await primedCacheFile()
    chownSync(file, 65534, 65534)
    const { json, notes, assumed } = await credentialProcess()
    expect(assumed).toBe(1)
    expect(json.AccessKeyId).not.toBe(first.AccessKeyId)
    expect(notes).toContain(`ignoring cache file ${file}: not a private (0600) file owned by you`)
    expectPrivateFileOfOurs(file, json)
  })

  test('a symlink: never followed, the link replaced, its target untouched', async () => {
    const { file, first } = await primedCacheFile()
    // A planted link to a file holding (other) valid-looking cached credentials.
    const target = join(home, 'planted.json')
    const planted = JSON.parse(readFileSync(file, 'utf8'))
    planted.AccessKeyId = 'ASIAPLANTEDPLANTED00'
    const plantedText = JSON.stringify(planted)
    writeFileSync(target, plantedText, { mode: 0o600 })
    rmSync(file)
    symlinkSync(target, file)
    const { json, notes, assumed } = await credentialProcess()
    expect(assumed).toBe(1)
    expect(json.AccessKeyId).not.toBe('ASIAPLANTEDPLANTED00')
    expect(json.AccessKeyId).not.toBe(first.AccessKeyId)
    expect(notes).toContain(`ignoring cache file ${file}: it is a symlink`)
    expect(readFileSync(target, 'utf8')).toBe(plantedText)
    expectPrivateFileOfOurs(file, json)
  })

  test('an unwritable cache directory: works, without a cache', async () => {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 })
    // Root ignores permission bits, so make the directory immutable instead.
    if (isRoot) expect(spawnSync('chattr', ['+i', cacheDir]).status).toBe(0)
    else chmodSync(cacheDir, 0o500)
    const first = await credentialProcess()
    expect(first.assumed).toBe(1)
    expect(first.notes).toMatch(/could not write cache file|running without the cache lock/)
    const second = await credentialProcess()
    expect(second.assumed).toBe(1)
    expect(readdirSync(cacheDir)).toEqual([])
  })
})
