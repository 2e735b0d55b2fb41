/**
 * The shared credential flags beat what they override: a profile's role settings (duration,
 * external ID, session name), the environment's endpoints; and role settings that cannot apply
 * are refused, not dropped.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type CliWorld, expectNoSecretInStderr, recordStderr, runCli, startWorld } from './harness.ts'

let world: CliWorld
beforeAll(async () => {
  world = await startWorld()
  const base = world.emulator.baseCredentials
  mkdirSync(join(world.home, '.aws'))
  writeFileSync(
    join(world.home, '.aws', 'credentials'),
    `[base]\naws_access_key_id = ${base.accessKeyId}\naws_secret_access_key = ${base.secretAccessKey}\n`,
  )
  writeFileSync(
    join(world.home, '.aws', 'config'),
    '[profile r1]\nrole_arn = arn:aws:iam::123456789012:role/r1\nsource_profile = base\nrole_session_name = mysess\nduration_seconds = 1800\n',
  )
})
afterAll(() => world.close())

/** The world's environment without the base keys in it (the profiles hold them). */
function profileEnv(extra: Record<string, string> = {}): Record<string, string> {
  const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...env } = world.env(extra)
  return env
}

async function lifetimeSeconds(args: string[], env: Record<string, string>): Promise<number> {
  const started = Date.now()
  const { code, stdout, stderr } = await runCli(['env', '--format', 'json', ...args], { env })
  expect({ code, stderr }).toEqual({ code: 0, stderr: expect.stringContaining('will not refresh') })
  return Math.round((Date.parse(JSON.parse(stdout).AWS_CREDENTIAL_EXPIRATION) - started) / 1000)
}

test('--duration beats the profile\'s duration_seconds; without it the profile\'s applies', async () => {
  expect(await lifetimeSeconds(['--profile', 'r1'], profileEnv())).toBeCloseTo(1800, -1)
  expect(await lifetimeSeconds(['--profile', 'r1', '--duration', '7200'], profileEnv())).toBeCloseTo(7200, -1)
})

test('--role-session-name beats the profile\'s role_session_name', async () => {
  const arn = async (args: string[]): Promise<string> => {
    const { code, stdout } = await runCli(['whoami', '--profile', 'r1', ...args], { env: profileEnv() })
    expect(code).toBe(0)
    return JSON.parse(stdout).Arn
  }
  expect(await arn([])).toBe('arn:aws:sts::123456789012:assumed-role/r1/mysess')
  expect(await arn(['--role-session-name', 'flagsess'])).toBe('arn:aws:sts::123456789012:assumed-role/r1/flagsess')
})

test('role settings for credentials that come from no role are refused, naming where they came from', async () => {
  const fromProfile = await runCli(['env', '--profile', 'base', '--duration', '7200'], { env: profileEnv() })
  expect(fromProfile.code).toBe(2)
  expect(fromProfile.stdout).toBe('')
  expect(fromProfile.stderr).toStartWith(
    'stsrefresh: profile "base" assumes no role (its credentials are the static keys of "base" (AKIA',
  )
  expect(fromProfile.stderr).toContain('so a duration given for its role cannot apply')
  const fromEnv = await runCli(['env', '--external-id', 'abcdef'], { env: world.env() })
  expect(fromEnv.code).toBe(2)
  expect(fromEnv.stderr).toStartWith('stsrefresh: the credentials come from AWS_ACCESS_KEY_ID in the environment (AKIA')
  recordStderr(fromProfile.stderr + fromEnv.stderr)
  expectNoSecretInStderr()
})

test('--external-id with a web identity token is a usage error', async () => {
  const result = await runCli(
    ['env', '--role-arn', 'arn:aws:iam::123456789012:role/w', '--web-identity-token-file', '/nonexistent', '--external-id', 'abcdef'],
    { env: world.env() },
  )
  expect(result).toEqual({
    code: 2,
    stdout: '',
    stderr: expect.stringContaining('--external-id applies to AssumeRole; a role assumed with a web identity token takes none'),
  })
})

test('--endpoint-url beats AWS_ENDPOINT_URL_STS (and AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)', async () => {
  const env = world.env({ AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:1', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' })
  const { code, stdout, stderr } = await runCli(['whoami', '--endpoint-url', world.served.url], { env })
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
  expect(JSON.parse(stdout).Arn).toBe('arn:aws:iam::123456789012:user/emulator')
})
