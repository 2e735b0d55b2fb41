/**
 * `stsrefresh credential-process`: the Version 1 JSON, the private cache (reuse, one STS call for
 * concurrent runs, untrusted files replaced), and Debian's AWS CLI using it from ~/.aws/config.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { run } from '../helpers/spawn.ts'
import { debianAwsCli, isolatedAwsEnv } from '../helpers/tools.ts'
import {
  BUN,
  type CliWorld,
  expectNoSecretInStderr,
  MAIN,
  recordStderr,
  removeDirs,
  runCli,
  startWorld,
  tempDir,
} from './harness.ts'

let world: CliWorld
beforeAll(async () => {
  world = await startWorld()
})
afterAll(() => world.close())

const ROLE = 'arn:aws:iam::123456789012:role/cp'
const assumeRoles = (): number => world.emulator.stats().stsCalls.AssumeRole ?? 0

interface ProcessOutput {
  Version: number
  AccessKeyId: string
  SecretAccessKey: string
  SessionToken: string
  Expiration: string
}

async function credentialProcess(home: string, extra: string[] = []): Promise<ProcessOutput> {
  const { code, stdout, stderr } = await runCli([
    'credential-process',
    '--role-arn',
    ROLE,
    ...extra,
  ], { env: world.env({ HOME: home }) })
  expect(stderr).toBe('')
  expect(code).toBe(0)
  expect(stdout.endsWith('}\n')).toBe(true)
  return JSON.parse(stdout)
}

const cacheDir = (home: string): string => join(home, '.cache', 'stsrefresh')
function cacheFile(home: string): string {
  const files = readdirSync(cacheDir(home)).filter((f) => f.endsWith('.json'))
  expect(files).toHaveLength(1)
  return join(cacheDir(home), files[0]!)
}

test('prints Version 1 JSON and reuses the cached credentials (no second STS call)', async () => {
  const home = tempDir()
  const before = assumeRoles()
  const first = await credentialProcess(home)
  expect(Object.keys(first)).toEqual([
    'Version',
    'AccessKeyId',
    'SecretAccessKey',
    'SessionToken',
    'Expiration',
  ])
  expect(first.Version).toBe(1)
  expect(first.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/)
  expect(first.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)
  expect(assumeRoles()).toBe(before + 1)
  // The cache: a 0600 file in a 0700 directory.
  expect(lstatSync(cacheDir(home)).mode & 0o777).toBe(0o700)
  expect(lstatSync(cacheFile(home)).mode & 0o777).toBe(0o600)

  const second = await credentialProcess(home)
  expect(second).toEqual(first)
  expect(assumeRoles()).toBe(before + 1)
  // A different configuration is a different cache entry.
  const other = await credentialProcess(home, ['--role-session-name', 'other'])
  expect(other.AccessKeyId).not.toBe(first.AccessKeyId)
  expect(assumeRoles()).toBe(before + 2)
  // --no-cache always asks STS.
  const fresh = await credentialProcess(home, ['--no-cache'])
  expect(fresh.AccessKeyId).not.toBe(first.AccessKeyId)
  expect(assumeRoles()).toBe(before + 3)
  removeDirs(home)
})

test('an edited profile, or another AWS_ROLE_SESSION_NAME, is another cache entry', async () => {
  const home = tempDir()
  const base = world.emulator.baseCredentials
  mkdirSync(join(home, '.aws'))
  writeFileSync(join(home, '.aws', 'credentials'), `[base]\naws_access_key_id = ${base.accessKeyId}\naws_secret_access_key = ${base.secretAccessKey}\n`)
  const profile = (role: string): void =>
    writeFileSync(join(home, '.aws', 'config'), `[profile x]\nrole_arn = arn:aws:iam::123456789012:role/${role}\nsource_profile = base\n`)
  const run = async (env: Record<string, string> = {}): Promise<ProcessOutput> => {
    const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...rest } = world.env({ HOME: home, ...env })
    const { code, stdout, stderr } = await runCli(['credential-process', '--profile', 'x'], { env: rest })
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    return JSON.parse(stdout)
  }
  const before = assumeRoles()
  profile('first')
  const first = await run()
  expect(await run()).toEqual(first)
  expect(assumeRoles()).toBe(before + 1)
  // The same length, so only the content (and modification time) of the file changes.
  profile('other')
  const edited = await run()
  expect(edited.AccessKeyId).not.toBe(first.AccessKeyId)
  expect(assumeRoles()).toBe(before + 2)
  const alpha = await run({ AWS_ROLE_SESSION_NAME: 'alpha' })
  const beta = await run({ AWS_ROLE_SESSION_NAME: 'beta' })
  expect(new Set([edited.AccessKeyId, alpha.AccessKeyId, beta.AccessKeyId]).size).toBe(3)
  expect(assumeRoles()).toBe(before + 4)
  removeDirs(home)
})

test("a GitHub OIDC session is cached per job: another job's request token, or none, never gets it", async () => {
  const home = tempDir()
  const oidc = {
    ACTIONS_ID_TOKEN_REQUEST_URL: world.served.env.ACTIONS_ID_TOKEN_REQUEST_URL!,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: world.served.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN!,
  }
  const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...base } = world.env({ HOME: home })
  const job = (env: Record<string, string>) =>
    runCli(['credential-process', '--github-oidc', '--role-arn', ROLE, '--role-session-name', 'job'], { env: { ...base, ...env } })
  const calls = (): number => world.emulator.stats().stsCalls.AssumeRoleWithWebIdentity ?? 0
  const before = calls()
  const first = await job(oidc)
  expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' })
  expect(await job(oidc)).toEqual(first)
  expect(calls()).toBe(before + 1)
  // Another job (its own request token, which the token endpoint refuses here): asked, refused.
  const other = await job({ ...oidc, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'another-jobs-token' })
  expect(other.code).toBe(3)
  expect(other.stdout).toBe('')
  // A job without `id-token: write` has no variables at all: a usage error, not the cached session.
  const none = await job({})
  expect(none.code).toBe(2)
  expect(none.stderr).toContain('ACTIONS_ID_TOKEN_REQUEST_URL')
  expect(calls()).toBe(before + 1)
  removeDirs(home)
})

/**
 * `credential-process <args>` while `tokenFile` holds one token, then another: the second token
 * gets its own credentials (one STS call each), each then cached. `between` runs before the swap.
 */
async function rotateToken(home: string, tokenFile: string, args: string[], between?: () => void): Promise<void> {
  const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...base } = world.env({ HOME: home })
  const exchange = async (): Promise<ProcessOutput> => {
    const { code, stdout, stderr } = await runCli(['credential-process', ...args], { env: base })
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    return JSON.parse(stdout)
  }
  const calls = (): number => world.emulator.stats().stsCalls.AssumeRoleWithWebIdentity ?? 0
  const before = calls()
  writeFileSync(tokenFile, await world.emulator.oidc.mint({ subject: 'system:serviceaccount:a:first' }))
  const first = await exchange()
  expect(await exchange()).toEqual(first)
  expect(calls()).toBe(before + 1)
  between?.()
  writeFileSync(tokenFile, await world.emulator.oidc.mint({ subject: 'system:serviceaccount:b:second' }))
  const second = await exchange()
  expect(second.AccessKeyId).not.toBe(first.AccessKeyId)
  expect(calls()).toBe(before + 2)
  expect(await exchange()).toEqual(second)
  expect(calls()).toBe(before + 2)
}

test('another token in the web identity token file is another cache entry', async () => {
  const home = tempDir()
  const tokenFile = join(home, 'token')
  await rotateToken(home, tokenFile, ['--web-identity-token-file', tokenFile, '--role-arn', ROLE, '--role-session-name', 'pod'])
  removeDirs(home)
})

test("another token in a profile's web_identity_token_file makes the cached entry stale, on both paths", async () => {
  const home = tempDir()
  const tokenFile = join(home, 'profile-token')
  mkdirSync(join(home, '.aws'))
  writeFileSync(join(home, '.aws', 'config'), `[profile wi]\nrole_arn = ${ROLE}\nweb_identity_token_file = ${tokenFile}\nrole_session_name = pod\n`)
  // The cached run after the first is the start-up fast path's; after the swap both paths miss.
  await rotateToken(home, tokenFile, ['--profile', 'wi'], () => {
    // The entry records the token file's version (no token in it).
    const entry = JSON.parse(readFileSync(cacheFile(home), 'utf8'))
    expect(Object.keys(entry.Files)).toEqual([tokenFile])
  })
  removeDirs(home)
})

test('a profile whose credential_process comes back to itself through AWS_PROFILE stops at once, saying so', async () => {
  const home = tempDir()
  mkdirSync(join(home, '.aws'))
  writeFileSync(
    join(home, '.aws', 'config'),
    `[profile migration]\ncredential_process = '${BUN}' '${MAIN}' credential-process --role-arn ${ROLE}\n`,
  )
  const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...env } = world.env({ HOME: home, AWS_PROFILE: 'migration' })
  const before = assumeRoles()
  const { code, stdout, stderr } = await runCli(['whoami'], { env })
  recordStderr(stderr)
  expect({ code, stdout }).toEqual({ code: 3, stdout: '' })
  expect(stderr).toContain(
    'credential_process of profile "migration" exited with code 2; stderr: stsrefresh: credential_process of profile ' +
      '"migration" came back to itself ("migration" -> "migration")',
  )
  expect(assumeRoles()).toBe(before)
  removeDirs(home)
})

test('eight concurrent invocations share one STS call', async () => {
  const home = tempDir()
  const before = assumeRoles()
  const outputs = await Promise.all(Array.from({ length: 8 }, () => credentialProcess(home)))
  expect(new Set(outputs.map((o) => o.AccessKeyId)).size).toBe(1)
  expect(assumeRoles()).toBe(before + 1)
  removeDirs(home)
})

describe('an untrusted cache file is ignored and replaced, never used', () => {
  let home: string
  let planted: ProcessOutput
  beforeAll(async () => {
    home = tempDir()
    planted = await credentialProcess(home)
  })
  afterAll(() => removeDirs(home))

  // Each case makes the cache file untrustworthy; the next run must call STS and rewrite it.
  const cases: [string, (file: string) => void][] = [
    ['corrupt (not JSON)', (file) => writeFileSync(file, '{"Version": 1, "AccessKeyId": "ASIA')],
    [
      'foreign (JSON of another shape)',
      (file) => writeFileSync(file, JSON.stringify({ Version: 2, token: 'x' })),
    ],
    ['group-readable (0640)', (file) => chmodSync(file, 0o640)],
    ['a symlink to a file with valid contents', (file) => {
      const elsewhere = join(home, 'elsewhere.json')
      writeFileSync(elsewhere, readFileSync(file), { mode: 0o600 })
      unlinkSync(file)
      symlinkSync(elsewhere, file)
    }],
  ]
  test.each(cases)('%s', async (_name, spoil) => {
    const file = cacheFile(home)
    spoil(file)
    const before = assumeRoles()
    const output = await credentialProcess(home)
    expect(assumeRoles()).toBe(before + 1)
    expect(output.AccessKeyId).not.toBe(planted.AccessKeyId)
    const info = lstatSync(file)
    expect(info.isFile()).toBe(true)
    expect(info.mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(file, 'utf8')).AccessKeyId).toBe(output.AccessKeyId)
    planted = output
  })

  test('the symlink target was left alone', () => {
    const elsewhere = JSON.parse(readFileSync(join(home, 'elsewhere.json'), 'utf8'))
    expect(elsewhere.AccessKeyId).not.toBe(planted.AccessKeyId)
  })
})

test(
  "Debian's aws CLI runs credential_process from ~/.aws/config, and reuses the cache",
  async () => {
    const aws = debianAwsCli()
    if (!aws) return
    const home = tempDir()
    mkdirSync(join(home, '.aws'))
    const { accessKeyId, secretAccessKey } = world.emulator.baseCredentials
    writeFileSync(
      join(home, '.aws', 'credentials'),
      `[base]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\n`,
    )
    writeFileSync(
      join(home, '.aws', 'config'),
      `[profile job]\nregion = us-east-1\ncredential_process = ${BUN} ${MAIN} credential-process --profile base --role-arn ${ROLE} --role-session-name from-config --endpoint-url ${world.served.url}\n`,
    )
    const env = isolatedAwsEnv(home, { AWS_EC2_METADATA_DISABLED: 'true' })
    const before = assumeRoles()
    for (let i = 0; i < 2; i++) {
      const { stdout, stderr, code } = await run([
        aws,
        '--profile',
        'job',
        '--endpoint-url',
        world.served.url,
        'sts',
        'get-caller-identity',
        '--output',
        'json',
      ], { env })
      recordStderr(stderr)
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
      expect(JSON.parse(stdout).Arn).toBe('arn:aws:sts::123456789012:assumed-role/cp/from-config')
    }
    expect(assumeRoles()).toBe(before + 1)
    removeDirs(home)
  },
  30_000,
)

test('no secret the emulator issued appears in any stderr captured in this file', () => {
  expectNoSecretInStderr()
})
