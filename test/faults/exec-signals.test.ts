/**
 * Fault: `stsrefresh exec` receives SIGTERM or SIGINT while its child runs (a CI job cancelled,
 * Ctrl-C). The signal is forwarded to the child, the credential server stops listening, and
 * `exec` exits with the child's code, or 128 + the signal's number when the child died of it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEmulator, serveEmulator } from '../../src/emulator/index.ts'
import type { ServedEmulator } from '../../src/emulator/index.ts'
import { cliCommand, isolatedCliEnv } from '../security/cli-run.ts'

let served: ServedEmulator
let home: string
beforeAll(async () => {
  served = await serveEmulator(createEmulator({ lifetimeSeconds: 900 }))
  home = mkdtempSync(join(tmpdir(), 'stsrefresh-signals-'))
})
afterAll(async () => {
  await served.close()
  rmSync(home, { recursive: true, force: true })
})

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`timed out waiting for ${what}`)
}

function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname)
    socket.on('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.on('error', () => resolve(true))
  })
}

/** Run `exec` with a shell child; resolve once the child has written its server URL. */
async function startExec(script: string, marker: string) {
  const [command, ...prefix] = cliCommand()
  const args = [
    ...prefix,
    'exec',
    '--role-arn',
    'arn:aws:iam::123456789012:role/signals',
    '--',
    'sh',
    '-c',
    script,
  ]
  const cli = spawn(command!, args, {
    env: isolatedCliEnv(home, { ...served.env, MARKER: marker }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  cli.stderr.on('data', (chunk) => (stderr += chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    cli.on('close', (code, signal) => resolve({ code, signal })),
  )
  await waitFor(
    () => existsSync(marker) && readFileSync(marker, 'utf8').includes('ready'),
    'the child to start',
  )
  const url = readFileSync(marker, 'utf8').split('\n')[0]!
  return { cli, exited, url, stderr: () => stderr }
}

describe('signals during exec', () => {
  test("SIGTERM: forwarded to the child, server closed, exit code is the child's", async () => {
    const marker = join(home, 'term')
    const script =
      'trap \'echo got-TERM >> "$MARKER"; exit 42\' TERM\n' +
      'printf "%s\\nready\\n" "$AWS_CONTAINER_CREDENTIALS_FULL_URI" > "$MARKER"\n' +
      'while true; do sleep 0.05; done'
    const run = await startExec(script, marker)
    expect(run.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(await refused(run.url)).toBe(false)
    run.cli.kill('SIGTERM')
    expect(await run.exited).toEqual({ code: 42, signal: null })
    expect(readFileSync(marker, 'utf8')).toContain('got-TERM')
    expect(await refused(run.url)).toBe(true)
    expect(run.stderr()).not.toMatch(/^\s+at\s/m)
  }, 20_000)

  test('SIGINT: the child dies of it, exec exits 130, server closed', async () => {
    const marker = join(home, 'int')
    const script =
      'printf "%s\\nready\\n" "$AWS_CONTAINER_CREDENTIALS_FULL_URI" > "$MARKER"\n' +
      // exec: the shell becomes the sleeping process, which dies of SIGINT.
      'exec sleep 30'
    const run = await startExec(script, marker)
    run.cli.kill('SIGINT')
    expect(await run.exited).toEqual({ code: 130, signal: null })
    expect(await refused(run.url)).toBe(true)
  }, 20_000)
})
