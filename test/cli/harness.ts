/**
 * Spawn the CLI as users run it, against an emulator served on 127.0.0.1:0 by the test process,
 * with a temporary HOME and only the environment the test sets. Every stderr is kept, and every
 * secret the emulator issues is sniffed from its STS answers, so a file can end by proving that
 * no secret reached any stderr it captured.
 */
import { expect } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createEmulator,
  type Emulator,
  type EmulatorOptions,
  type ServedEmulator,
  serveEmulator,
} from '../../src/emulator/index.ts'

/** The CLI entry point. */
export const MAIN: string = join(import.meta.dir, '../../src/cli/main.ts')
/** The runtime running the tests (Bun), used to run the CLI from source. */
export const BUN: string = process.execPath

/** The result of one CLI run. */
export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const capturedStderr: string[] = []
const secrets = new Set<string>()

/** Remember a secret that must never appear in stderr. */
export function rememberSecret(secret: string | undefined): void {
  if (secret && secret.length >= 8) secrets.add(secret)
}

/** Record a stderr captured outside {@link runCli} (e.g. a long-running child). */
export function recordStderr(text: string): void {
  capturedStderr.push(text)
}

/** Assert that no remembered secret appears in any stderr captured so far. */
export function expectNoSecretInStderr(): void {
  expect(secrets.size).toBeGreaterThan(0)
  const all = capturedStderr.join('\n')
  const leaked = [...secrets].filter((secret) => all.includes(secret))
  expect(leaked).toEqual([])
}

/** A fresh temporary directory, removed by `cleanup()`. */
export function tempDir(prefix = 'stsrefresh-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** Remove directories made by {@link tempDir}. */
export function removeDirs(...dirs: string[]): void {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
}

// STS answers are XML; pick the secrets out of them as they pass.
function sniff(handler: Emulator['handler']): Emulator['handler'] {
  return async (request) => {
    const isSts = (request.headers.get('content-type') ?? '').includes('x-www-form-urlencoded')
    const response = await handler(request)
    if (isSts) {
      const text = await response.clone().text()
      for (const match of text.matchAll(/<(SecretAccessKey|SessionToken)>([^<]+)</g)) {
        rememberSecret(match[2])
      }
    }
    return response
  }
}

/** An emulator on 127.0.0.1:0 and a temporary HOME for one test file. */
export interface CliWorld {
  readonly emulator: Emulator
  readonly served: ServedEmulator
  readonly home: string
  /** The emulator's variables (endpoint, base keys, region), HOME, and `extra`. Nothing else. */
  env(extra?: Record<string, string>): Record<string, string>
  close(): Promise<void>
}

/** Start an emulator and make a HOME; the base secret is remembered. */
export async function startWorld(options: EmulatorOptions = {}): Promise<CliWorld> {
  const emulator = createEmulator(options)
  const served = await serveEmulator(
    { ...emulator, handler: sniff(emulator.handler) } as Emulator,
    { port: 0 },
  )
  const home = tempDir()
  rememberSecret(emulator.baseCredentials.secretAccessKey)
  rememberSecret(served.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN)
  return {
    emulator,
    served,
    home,
    env: (extra = {}) => ({
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL: served.url,
      AWS_ACCESS_KEY_ID: emulator.baseCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: emulator.baseCredentials.secretAccessKey,
      AWS_REGION: emulator.region,
      ...extra,
    }),
    close: async () => {
      await served.close()
      removeDirs(home)
    },
  }
}

/** Options of {@link runCli}. */
export interface RunOptions {
  readonly env: Record<string, string>
  readonly stdin?: string | Uint8Array
  readonly cwd?: string
  /** The command to run instead of `bun src/cli/main.ts` (e.g. the compiled binary). */
  readonly command?: readonly string[]
}

/** Run `stsrefresh args...` to completion. */
export async function runCli(args: readonly string[], options: RunOptions): Promise<CliResult> {
  const child = Bun.spawn([...(options.command ?? [BUN, MAIN]), ...args], {
    env: options.env,
    stdin: options.stdin === undefined ? 'ignore' : new Blob([options.stdin as BlobPart]),
    stdout: 'pipe',
    stderr: 'pipe',
    ...(options.cwd ? { cwd: options.cwd } : {}),
  })
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ])
  capturedStderr.push(stderr)
  for (const match of stdout.matchAll(/"(?:SecretAccessKey|SessionToken|Token)":\s*"([^"]+)"/g)) {
    rememberSecret(match[1])
  }
  return { code, stdout, stderr }
}

/** Read `count` lines from a child's stdout (keeps the rest unread). */
export async function readLines(
  stream: ReadableStream<Uint8Array>,
  count: number,
): Promise<string[]> {
  const reader = stream.getReader()
  let text = ''
  while (text.split('\n').length <= count) {
    const { done, value } = await reader.read()
    if (done) break
    text += new TextDecoder().decode(value)
  }
  reader.releaseLock()
  return text.split('\n').slice(0, count)
}
