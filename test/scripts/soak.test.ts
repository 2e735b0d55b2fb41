/**
 * The soak (scripts/soak.ts) itself: it runs a stale compiled binary only knowingly, it fails
 * when its children worked with the long-term keys instead of what `exec` serves, and an
 * interrupted soak leaves no process and no temporary directory behind.
 */
import { afterAll, expect, test } from 'bun:test'
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chooseCli } from '../../scripts/soak/cli-command.ts'

const ROOT = join(import.meta.dir, '..', '..')
const SOAK = join(ROOT, 'scripts', 'soak.ts')
const dirs: string[] = []
const temp = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'stsrefresh-soak-test-'))
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** The environment the soak runs with: no AWS_* and no CI (a missing client is skipped). */
function soakEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('AWS_') && key !== 'CI') env[key] = value
  }
  return { ...env, ...extra }
}

test('chooseCli: the binary only when no file under src/ is newer; otherwise the sources, and why', () => {
  const root = temp()
  mkdirSync(join(root, 'src', 'cli'), { recursive: true })
  writeFileSync(join(root, 'src', 'cli', 'main.ts'), '')
  writeFileSync(join(root, 'src', 'index.ts'), '')
  const at = (path: string, seconds: number): void => utimesSync(path, seconds, seconds)
  at(join(root, 'src', 'cli', 'main.ts'), 1_000)
  at(join(root, 'src', 'index.ts'), 2_000)

  const missing = chooseCli(root, '/bin/bun')
  expect(missing.argv).toEqual(['/bin/bun', join(root, 'src', 'cli', 'main.ts')])
  expect(missing.note).toBe(
    'soak: running the sources (bun src/cli/main.ts): dist/bin/stsrefresh is not built (npm run compile)',
  )

  const binary = join(root, 'dist', 'bin', 'stsrefresh')
  mkdirSync(join(root, 'dist', 'bin'), { recursive: true })
  writeFileSync(binary, '')
  at(binary, 1_500)
  const stale = chooseCli(root, '/bin/bun')
  expect(stale.argv).toEqual(['/bin/bun', join(root, 'src', 'cli', 'main.ts')])
  expect(stale.note).toBe(
    'soak: running the sources (bun src/cli/main.ts): dist/bin/stsrefresh is older than src/index.ts (npm run compile to soak the binary)',
  )

  at(binary, 2_000)
  const fresh = chooseCli(root, '/bin/bun')
  expect(fresh.argv).toEqual([binary])
  expect(fresh.note).toBe('soak: running the compiled binary dist/bin/stsrefresh: no file under src/ is newer')

  expect(chooseCli(root, '/bin/bun', '/x/fake-cli --flag').argv).toEqual(['/x/fake-cli', '--flag'])
})

test('an exec that leaks the long-term keys to its command fails the soak, though every call succeeds', async () => {
  const dir = temp()
  // A broken `stsrefresh exec`: runs the command as it is, the emulator's keys in its environment.
  const fake = join(dir, 'leaky-exec')
  writeFileSync(fake, '#!/bin/sh\nwhile [ "$1" != "--" ]; do shift; done\nshift\nexec "$@"\n')
  chmodSync(fake, 0o755)
  const child = Bun.spawn([process.execPath, SOAK, '--seconds', '5', '--skip-in-process'], {
    env: soakEnv({ SOAK_CLI: fake, TMPDIR: dir }),
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ])
  expect(stderr).toContain(`soak: running SOAK_CLI=${fake}`)
  expect(code).toBe(1)
  expect(stdout).toMatch(/ {2}total +calls +\d+ +failed +0\n/)
  expect(stdout).toMatch(
    /WRONG CREDENTIALS: at its start it was arn:aws:iam::123456789012:user\/\S+, not assumed-role\/soak\/soak-aws-sdk-js-v3/,
  )
  expect(stdout).toContain('WRONG CREDENTIALS: it signed with 1 long-term key(s) (AKIA…')
  expect(stdout.trimEnd().split('\n').at(-1)).toBe('soak: FAILED')
}, 60_000)

/** Processes started for the soak running with TMPDIR=`dir` (the exec children and theirs). */
function soakProcesses(dir: string): number[] {
  const pids: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    let environ: string
    try {
      environ = readFileSync(`/proc/${name}/environ`, 'latin1')
    } catch {
      continue
    }
    const vars = environ.split('\0')
    if (vars.includes(`TMPDIR=${dir}`) && vars.some((v) => v.startsWith('SOAK_DEADLINE='))) {
      pids.push(Number(name))
    }
  }
  return pids
}

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (!condition()) {
    if (Date.now() > deadline) return false
    await Bun.sleep(100)
  }
  return true
}

for (const [signal, exit] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`a soak stopped by ${signal} stops its children and theirs, removes its directory, exits ${exit}`, async () => {
    const dir = temp()
    const soak = Bun.spawn([process.execPath, SOAK, '--seconds', '60', '--skip-in-process'], {
      env: soakEnv({ TMPDIR: dir }),
      stdout: 'pipe',
      stderr: 'pipe',
    })
    // Three `exec`s and their three commands (more while the AWS CLI loop runs `aws`).
    expect(await until(() => soakProcesses(dir).length >= 6, 30_000)).toBe(true)
    expect(readdirSync(dir).filter((n) => n.startsWith('stsrefresh-soak-'))).toHaveLength(1)
    soak.kill(signal)
    const [stderr, code] = await Promise.all([new Response(soak.stderr).text(), soak.exited])
    expect(stderr).toContain(`soak: ${signal}: stopping 3 exec children and their commands`)
    expect(code).toBe(exit)
    // SIGKILLed processes are gone once reaped: a moment, not a grace period.
    await until(() => soakProcesses(dir).length === 0, 3_000)
    expect(soakProcesses(dir)).toEqual([])
    expect(readdirSync(dir)).toEqual([])
  }, 60_000)
}
