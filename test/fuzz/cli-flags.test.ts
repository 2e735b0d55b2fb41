/**
 * Property-based test of the CLI's flag handling: spawn `stsrefresh` with random command lines
 * that each hold at least one bad flag (unknown option, out-of-range or malformed value) among
 * valid ones. Every such run must exit 2 at once, print nothing on stdout, and print one error
 * line on stderr (plus, for cac's own parse errors, the `see --help` hint), with no stack trace.
 * The environment is isolated (temporary HOME, no AWS_* variables, endpoints on a closed
 * loopback port), so nothing is contacted even if a bad flag were accepted.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cliCommand, isolatedCliEnv } from '../security/cli-run.ts'
import { runs } from './settings.ts'

let home: string
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'stsrefresh-fuzz-cli-'))
})
afterAll(() => rmSync(home, { recursive: true, force: true }))

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  readonly timedOut: boolean
}

function run(args: readonly string[], env: Record<string, string>): Promise<Run> {
  const [command, ...prefix] = cliCommand()
  return new Promise((resolve) => {
    const child = spawn(command!, [...prefix, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    // A bad flag is refused before any work starts: 10 s means the CLI went on regardless.
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, 10_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, timedOut })
    })
  })
}

const COMMANDS = ['exec', 'serve', 'credential-process', 'env', 'whoami', 's3', 'ddb', 'emulator']
// Flags with values no command accepts.
const BAD: readonly (readonly string[])[] = [
  ['--duration', 'abc'],
  ['--duration', '899'],
  ['--duration', '43201'],
  ['--duration', '1.5'],
  ['--port', '65536'],
  ['--port', '-1'],
  ['--port', 'eighty'],
  ['--role-arn', 'not-an-arn'],
  ['--endpoint-url', 'ftp://127.0.0.1:9'],
  ['--endpoint-url', 'not a url'],
  ['--format', 'xml'],
  ['--lifetime', '0'],
  ['--lifetime', 'soon'],
  ['--max-hang', '-5'],
  ['--fail-next', 'AssumeRole=two'],
  ['--failure-rate', 'sts=1.5'],
  ['--part-size', '1'],
  ['--format', 'sh', '--format', 'json'],
  ['--max-items', '-3'],
  ['--role-arn', 'arn:aws:iam::123456789012:role/fuzz', '--role-session-name', 'has space'],
  ['--role-session-name', 'has space'],
  ['--role-session-name', 'x'],
  ['--external-id', 'x'],
  ['--region', 'Not A Region'],
  ['--profile', ''],
]
// Flags that are fine on their own (so the bad one is found among good ones).
const GOOD: readonly (readonly string[])[] = [
  ['--verbose'],
  ['--region', 'us-east-1'],
  ['--duration', '900'],
]
const unknown = fc.stringMatching(/^[a-z][a-z-]{1,10}$/).map((word) => [`--zz-${word}`])
const bad = fc.oneof(fc.constantFrom(...BAD), unknown)
const argv = fc
  .tuple(
    fc.constantFrom(...COMMANDS),
    fc.array(fc.constantFrom(...GOOD), { maxLength: 2 }),
    bad,
    fc.nat(3),
  )
  .map(([command, good, flag, at]) => {
    const flags = [...good]
    flags.splice(Math.min(at, flags.length), 0, flag)
    const tail =
      command === 'exec'
        ? ['--', 'true']
        : command === 's3'
          ? ['ls']
          : command === 'ddb'
            ? ['scan', 't']
            : []
    return [command, ...flags.flat(), ...tail]
  })

/** The checks every refused command line must pass. */
function expectRefused(args: readonly string[], result: Run): void {
  const label = `stsrefresh ${args.join(' ')}`
  expect([label, result.timedOut]).toEqual([label, false])
  expect([label, result.code]).toEqual([label, 2])
  expect(result.stdout).toBe('')
  const [first, ...rest] = result.stderr.trimEnd().split('\n')
  expect(first).toMatch(/^stsrefresh: \S/)
  expect(rest.filter((line) => line !== 'stsrefresh: see `stsrefresh --help`')).toEqual([])
  expect(result.stderr).not.toMatch(/^\s+at\s|\.ts:\d+:\d+|\bError:\s/m)
}

describe('CLI flags', () => {
  test('any bad flag: exit 2, nothing on stdout, one error line, no stack trace', async () => {
    const env = isolatedCliEnv(home)
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        expectRefused(args, await run(args, env))
      }),
      runs(40),
    )
  }, 60_000)
})

describe('CLI flags: credential values AWS would refuse are refused up front', () => {
  const CASES: readonly [readonly string[], string][] = [
    [['--region', 'Not A Region'], 'stsrefresh: --region must be an AWS region name such as us-east-1 (got "Not A Region")'],
    [['--role-session-name', 'has space'], 'stsrefresh: --role-session-name must be 2-64 characters of letters, digits and +=,.@_- (got "has space")'],
    [['--external-id', 'x'], 'stsrefresh: --external-id must be 2-1224 characters of letters, digits and +=,.@:/_- (got "x")'],
    [['--profile', ''], 'stsrefresh: --profile needs a value (got an empty string)'],
  ]
  for (const [flags, line] of CASES) {
    test(`whoami ${flags.join(' ')} -> exit 2 before any credential lookup`, async () => {
      const result = await run(['whoami', ...flags], isolatedCliEnv(home))
      expectRefused(['whoami', ...flags], result)
      expect(result.stderr).toBe(`${line}\n`)
    })
  }
})
