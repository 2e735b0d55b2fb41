/**
 * The Node/Bun/Deno implementation of the core's {@link Platform}: all three implement these
 * `node:*` built-ins, so one file serves every runtime.
 */
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import process from 'node:process'
import type { CommandResult, HostDigests, IncrementalHash, Platform } from '../platform.ts'
import { hostDigests } from './host-digests.ts'

/** Run `commandLine` through the platform shell, as the AWS CLI runs `credential_process`. */
async function runCommand(
  commandLine: string,
  options: { readonly timeoutMs: number; readonly env?: Record<string, string | undefined> },
): Promise<CommandResult> {
  // Loaded on use: most runs never start a process, and a compiled binary pays for every import.
  const { spawn } = await import('node:child_process')
  return new Promise((resolve, reject) => {
    const child = spawn(commandLine, {
      shell: true,
      env: (options.env ?? process.env) as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`command timed out after ${options.timeoutMs} ms`))
    }, options.timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({
        exitCode: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      })
    })
  })
}

let chosenDigests: HostDigests | undefined | null = null

type Crc32 = (data: Uint8Array, previous?: number) => number

/**
 * Bun's `Bun.hash.crc32` (a global), else `zlib.crc32` (Node >= 20.15, Deno), loaded on first use
 * through getBuiltinModule, as the digests are: most commands never checksum anything.
 */
function hostCrc32(): Crc32 | undefined {
  const bun = (globalThis as { Bun?: { hash?: { crc32?: Crc32 } } }).Bun?.hash?.crc32
  if (bun) return bun
  if (typeof process.getBuiltinModule !== 'function') return undefined
  const zlib = process.getBuiltinModule('node:zlib') as { crc32?: Crc32 }
  return typeof zlib.crc32 === 'function' ? zlib.crc32 : undefined
}
let chosenCrc32: Crc32 | undefined | null = null

type BunHasher = new (algorithm: string) => { update(data: Uint8Array): void; digest(): Uint8Array }

/** MD5 through Bun's CryptoHasher, else node:crypto (loaded on first use). */
function md5(data: Uint8Array): Uint8Array {
  const hash = createHash('md5')
  hash.update(data)
  return hash.digest()
}

/** Bun's CryptoHasher, else node:crypto's createHash (loaded on first use). */
function createHash(algorithm: 'md5' | 'sha1' | 'sha256'): IncrementalHash {
  const Bun = (globalThis as { Bun?: { CryptoHasher?: BunHasher } }).Bun?.CryptoHasher
  if (Bun) return new Bun(algorithm)
  const hash = process.getBuiltinModule('node:crypto').createHash(algorithm)
  return { update: (data) => void hash.update(data), digest: () => new Uint8Array(hash.digest()) }
}

/** The host platform for Node, Bun and Deno. */
export const nodePlatform: Platform = {
  env: () => process.env,
  readTextFile: (path) => readFile(path, 'utf8'),
  homeDir: () => process.env.HOME ?? process.env.USERPROFILE ?? homedir(),
  runCommand,
  // Chosen on the first signature rather than at import: hostDigests checks Bun's HMAC, ~0.4 ms
  // that commands which never sign would pay at start-up.
  get digests() {
    if (chosenDigests === null) chosenDigests = hostDigests()
    return chosenDigests
  },
  // Bun's fetch skips Content-Encoding decoding on request (BunFetchRequestInit.decompress,
  // checked on Bun 1.4.5); undici (Node) and Deno's fetch have no such switch.
  fetchKeepsEncodedBodies: process.versions.bun !== undefined,
  get crc32() {
    if (chosenCrc32 === null) chosenCrc32 = hostCrc32()
    return chosenCrc32
  },
  createHash,
  md5,
}
