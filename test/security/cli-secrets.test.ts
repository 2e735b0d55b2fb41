/**
 * Secrets never leak through the CLI: the main commands run with `--verbose` against an
 * emulator that records every secret key and session token it issues, and everything they print
 * where secrets do not belong (stderr always; stdout except for the commands whose output *is*
 * credentials) is scanned for each of them, whole or in part, and for secret-shaped text. Also:
 * `env --format github` masks before it writes, and the cache files are private whatever the
 * umask.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDynamoDbClient } from '../../src/dynamodb/index.ts'
import { createEmulator } from '../../src/emulator/index.ts'
import type { Emulator } from '../../src/emulator/index.ts'
import { serve } from '../../src/runtime/serve.ts'
import type { ServedHandler } from '../../src/runtime/serve.ts'
import { createS3Client } from '../../src/s3/index.ts'
import { cliCommand, isolatedCliEnv, runCli } from './cli-run.ts'
import type { CliRun } from './cli-run.ts'
import { findSecrets, findSecretShapes, recordIssuedSecrets } from './secret-scan.ts'
import type { SecretRecorder } from './secret-scan.ts'

const ROLE = 'arn:aws:iam::123456789012:role/secrets'
let emulator: Emulator
let recorder: SecretRecorder
let server: ServedHandler
let home: string
let env: Record<string, string>

beforeAll(async () => {
  emulator = createEmulator({ lifetimeSeconds: 900 })
  recorder = recordIssuedSecrets(emulator)
  server = await serve(recorder.handler)
  home = mkdtempSync(join(tmpdir(), 'stsrefresh-secrets-'))
  env = isolatedCliEnv(home, {
    AWS_ENDPOINT_URL: server.url,
    AWS_ACCESS_KEY_ID: emulator.baseCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emulator.baseCredentials.secretAccessKey,
    AWS_REGION: 'us-east-1',
  })
  const deps = {
    region: 'us-east-1',
    endpoint: 'http://aws.local',
    fetch: emulator.fetch,
    env: {},
    credentials: emulator.baseCredentials,
  }
  await createS3Client({ ...deps, forcePathStyle: true }).createBucket({ Bucket: 'secrets' })
  await createDynamoDbClient(deps).createTable({
    TableName: 'items',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  })
})
afterAll(async () => {
  await server.close()
  rmSync(home, { recursive: true, force: true })
})

/** Assert `text` holds no issued secret and nothing secret-shaped. */
function expectClean(label: string, text: string): void {
  expect([label, findSecrets(text, recorder.secrets)]).toEqual([label, []])
  expect([label, findSecretShapes(text)]).toEqual([label, []])
}

async function cli(
  args: readonly string[],
  options: { stdin?: string; extraEnv?: Record<string, string> } = {},
): Promise<CliRun> {
  return runCli(
    args,
    { ...env, ...options.extraEnv },
    { ...(options.stdin ? { stdin: options.stdin } : {}) },
  )
}

// Commands whose stdout holds no credentials: both streams are scanned.
const QUIET: readonly (readonly string[])[] = [
  ['whoami', '--role-arn', ROLE, '--verbose'],
  ['exec', '--role-arn', ROLE, '--verbose', '--', 'sh', '-c', 'echo child ran'],
  ['exec', '--env', '--role-arn', ROLE, '--verbose', '--', 'true'],
  ['s3', 'ls', 's3://secrets/', '--role-arn', ROLE, '--verbose'],
  ['ddb', 'put', 'items', '--item', '{"pk":"a","v":1}', '--role-arn', ROLE, '--verbose'],
  ['ddb', 'scan', 'items', '--role-arn', ROLE, '--verbose'],
  // Failures with --verbose: a role the caller may not assume, an unknown bucket.
  ['s3', 'ls', 's3://no-such-bucket/', '--role-arn', ROLE, '--verbose'],
  ['whoami', '--verbose'],
]

describe('no secret in CLI output', () => {
  for (const args of QUIET) {
    test(`stsrefresh ${args.join(' ')}`, async () => {
      const before = recorder.secrets.size
      const run = await cli(args)
      expect(run.signal).toBeNull()
      expectClean('stderr', run.stderr)
      expectClean('stdout', run.stdout)
      // The command did obtain secrets (so the scan had something to find).
      expect(recorder.secrets.size).toBeGreaterThanOrEqual(before)
      expect(run.stderr).not.toMatch(/^\s+at\s/m)
    })
  }

  test('s3 cp from stdin and back, verbose', async () => {
    const up = await cli(
      ['s3', 'cp', '-', 's3://secrets/file.txt', '--role-arn', ROLE, '--verbose'],
      { stdin: 'hello' },
    )
    expect(up.code).toBe(0)
    expectClean('stderr', up.stderr)
    const down = await cli([
      's3',
      'cp',
      's3://secrets/file.txt',
      '-',
      '--role-arn',
      ROLE,
      '--verbose',
    ])
    expect(down.stdout).toBe('hello')
    expectClean('stderr', down.stderr)
  })

  test('STS failing and retried under --verbose: the retries are logged, no secret', async () => {
    emulator.faults.failNext('AssumeRole', 2, 'error')
    const run = await cli(['whoami', '--role-arn', ROLE, '--verbose'])
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('InternalFailure')
    expectClean('stderr', run.stderr)
  })

  test('env and credential-process print credentials on stdout only', async () => {
    for (const args of [
      ['env', '--role-arn', ROLE, '--verbose'],
      ['env', '--format', 'json', '--role-arn', ROLE, '--verbose'],
      ['credential-process', '--role-arn', ROLE, '--verbose', '--no-cache'],
    ]) {
      const run = await cli(args)
      expect(run.code).toBe(0)
      expectClean(`stderr of ${args.join(' ')}`, run.stderr)
      // The control: the credentials are on stdout, and the scanner sees them there.
      expect(findSecrets(run.stdout, recorder.secrets).length).toBeGreaterThanOrEqual(2)
      expect(findSecretShapes(run.stdout).length).toBeGreaterThanOrEqual(1)
    }
  })

  test('serve --verbose: stdout holds the URL and server token only; stderr is clean', async () => {
    const [command, ...prefix] = cliCommand()
    const child = spawn(command!, [...prefix, 'serve', '--role-arn', ROLE, '--verbose'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const closed = new Promise<number | null>((resolve) =>
      child.on('close', (code) => resolve(code)),
    )
    for (let i = 0; i < 400 && !/AWS_CONTAINER_AUTHORIZATION_TOKEN/.test(stdout); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    const url = /AWS_CONTAINER_CREDENTIALS_FULL_URI=['"]?([^'"\s]+)/.exec(stdout)?.[1]
    const token = /AWS_CONTAINER_AUTHORIZATION_TOKEN=['"]?([^'"\s]+)/.exec(stdout)?.[1]
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    const response = await fetch(url!, { headers: { authorization: token! } })
    expect(response.status).toBe(200)
    const served = (await response.json()) as { SecretAccessKey: string }
    expect(recorder.secrets.has(served.SecretAccessKey)).toBe(true)
    const refused = await fetch(url!, { headers: { authorization: 'wrong' } })
    expect(refused.status).toBe(403)
    child.kill('SIGTERM')
    expect(await closed).toBe(0)
    expectClean('serve stdout', stdout)
    expectClean('serve stderr', stderr)
    expect(stderr).not.toContain(token!)
  }, 20_000)
})

describe('env --format github', () => {
  test('masks the secret key and token on stdout before writing them to $GITHUB_ENV', async () => {
    const githubEnv = join(home, 'github_env')
    writeFileSync(githubEnv, '')
    const run = await cli(['env', '--format', 'github', '--role-arn', ROLE, '--verbose'], {
      extraEnv: { GITHUB_ENV: githubEnv },
    })
    expect(run.code).toBe(0)
    const written = Object.fromEntries(
      readFileSync(githubEnv, 'utf8')
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    )
    expect(written.AWS_ACCESS_KEY_ID).toMatch(/^ASIA/)
    const masks = run.stdout.trim().split('\n')
    expect(masks).toContain(`::add-mask::${written.AWS_ACCESS_KEY_ID}`)
    expect(masks).toContain(`::add-mask::${written.AWS_SECRET_ACCESS_KEY}`)
    expect(masks).toContain(`::add-mask::${written.AWS_SESSION_TOKEN}`)
    expect(masks.every((line) => line.startsWith('::add-mask::'))).toBe(true)
    expectClean('stderr', run.stderr)
  })
})

describe('cache files', () => {
  test('0600 files in a 0700 directory, whatever the umask', async () => {
    const cacheHome = mkdtempSync(join(tmpdir(), 'stsrefresh-umask-'))
    const cacheDir = join(cacheHome, 'cache', 'stsrefresh')
    const [command, ...prefix] = cliCommand()
    const quoted = [command!, ...prefix, 'credential-process', '--role-arn', ROLE]
      .map((a) => `'${a}'`)
      .join(' ')
    const run = await new Promise<number | null>((resolve) => {
      const child = spawn('sh', ['-c', `umask 000; exec ${quoted}`], {
        env: { ...env, STSREFRESH_CACHE_DIR: cacheDir },
        stdio: 'ignore',
      })
      child.on('close', (code) => resolve(code))
    })
    expect(run).toBe(0)
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700)
    const files = readdirSync(cacheDir)
    // One cache file; the lock file and temporary files are gone.
    expect(files).toHaveLength(1)
    expect(files[0]).toMatch(/^[0-9a-f]{64}\.json$/)
    expect(statSync(join(cacheDir, files[0]!)).mode & 0o777).toBe(0o600)
    rmSync(cacheHome, { recursive: true, force: true })
  })
})
