/**
 * The Node/Bun/Deno implementation of the core's {@link Platform}: all three implement these
 * `node:*` built-ins, so one file serves every runtime.
 */
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import process from 'node:process'
import type { CommandResult, HostDigests, Platform } from '../platform.ts'
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
}
