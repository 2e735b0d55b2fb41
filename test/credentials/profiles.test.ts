import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createManualClock } from '../../src/clock.ts'
import { loadProfiles } from '../../src/config/profiles.ts'
import type { AssumeRoleSourceOptions } from '../../src/credentials/assume-role.ts'
import { toCredentialSource } from '../../src/credentials/input.ts'
import { isNotConfigured } from '../../src/credentials/not-configured.ts'
import { fromProfile } from '../../src/credentials/profile.ts'
import type { FromProfileOptions } from '../../src/credentials/profile.ts'
import { planProfile, roleChainOf } from '../../src/credentials/profile-plan.ts'
import type { NoCredentials, ProfilePlan } from '../../src/credentials/profile-plan.ts'
import { refreshable } from '../../src/credentials/refreshable.ts'
import { createEmulator } from '../../src/emulator/emulator.ts'
import { ConfigError } from '../../src/errors.ts'
import { nodePlatform } from '../../src/runtime/platform.ts'
import { createStsClient } from '../../src/sts.ts'
import type { Credentials } from '../../src/types.ts'

const T0 = Date.UTC(2026, 0, 1)
let home: string
let configPath: string
let credentialsPath: string
const read = (path: string): Promise<string> => readFile(path, 'utf8')

function files(config: string, credentials = ''): void {
  writeFileSync(configPath, config)
  writeFileSync(credentialsPath, credentials)
}

async function plan(name: string, explicit = false, hasTokenCode = false): Promise<ProfilePlan | NoCredentials> {
  const loaded = await loadProfiles({ env: {}, homeDir: home, readTextFile: read })
  return planProfile(loaded, name, { explicit, hasTokenCode })
}

async function planError(name: string, explicit = false): Promise<ConfigError> {
  try {
    await plan(name, explicit)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}

const arn = (name: string): string => `arn:aws:iam::123456789012:role/${name}`

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'stsrefresh-profile-'))
  mkdirSync(join(home, '.aws'))
  configPath = join(home, '.aws', 'config')
  credentialsPath = join(home, '.aws', 'credentials')
})
afterEach(() => rmSync(home, { recursive: true, force: true }))

describe('planProfile: what a profile resolves to', () => {
  test('an empty value is no setting: a blank aws_session_token or region does not spoil the keys', async () => {
    files('[default]\nregion =\n', '[default]\naws_access_key_id = AKIA1\naws_secret_access_key = s1\naws_session_token =\n')
    expect(await plan('default')).toEqual({
      kind: 'static',
      profile: 'default',
      credentials: { accessKeyId: 'AKIA1', secretAccessKey: 's1' },
    })
  })

  test('one profile spelled by two headers in the config file is an error naming both lines', async () => {
    files('[profile x]\nregion = us-east-1\n[profile "x"]\nregion = eu-west-1\n')
    const error = await planError('x')
    expect(error.message).toBe(
      `${configPath} line 3: [profile "x"] defines profile "x" again (first as [profile x] on line 1): merge the two`,
    )
    expect(error.profile).toBe('x')
  })

  test('a credential_process continued on indented lines is one command line', async () => {
    files('[profile wrapped]\ncredential_process = /usr/bin/helper\n  --account 123456789012\n  --role deploy\n')
    expect(await plan('wrapped')).toEqual({
      kind: 'process',
      profile: 'wrapped',
      command: '/usr/bin/helper --account 123456789012 --role deploy',
    })
  })

  test('static keys with session token and account id', async () => {
    files('', '[default]\naws_access_key_id = AKIA1\naws_secret_access_key = s1\naws_session_token = t1\naws_account_id = 123456789012\n')
    expect(await plan('default')).toEqual({
      kind: 'static',
      profile: 'default',
      credentials: { accessKeyId: 'AKIA1', secretAccessKey: 's1', sessionToken: 't1', accountId: '123456789012' },
    })
  })

  test('role -> role -> static, with every role option and per-layer region', async () => {
    files(
      [
        '[profile top]',
        `role_arn = ${arn('top')}`,
        'source_profile = middle',
        'role_session_name = top-session',
        'external_id = ext-1',
        'duration_seconds = 1800',
        'region = eu-west-1',
        '[profile middle]',
        `role_arn = ${arn('middle')}`,
        'source_profile = base',
        'region = us-west-2',
        '[profile base]',
        'region = ap-south-1',
      ].join('\n'),
      '[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = basesecret\n',
    )
    const result = await plan('top')
    expect(result).toEqual({
      kind: 'assume-role',
      profile: 'top',
      roleArn: arn('top'),
      roleSessionName: 'top-session',
      externalId: 'ext-1',
      durationSeconds: 1800,
      region: 'eu-west-1',
      source: {
        kind: 'assume-role',
        profile: 'middle',
        roleArn: arn('middle'),
        region: 'us-west-2',
        source: {
          kind: 'static',
          profile: 'base',
          credentials: { accessKeyId: 'AKIABASE', secretAccessKey: 'basesecret' },
        },
      },
    })
    expect(roleChainOf(result as ProfilePlan)).toEqual([arn('top'), arn('middle')])
  })

  test('a source profile with keys is used for its keys even if it has a role_arn', async () => {
    files(
      `[profile a]\nrole_arn = ${arn('a')}\nsource_profile = b\n[profile b]\nrole_arn = ${arn('b')}\nsource_profile = nowhere\n`,
      '[b]\naws_access_key_id = AKIAB\naws_secret_access_key = sb\n',
    )
    const result = (await plan('a')) as Extract<ProfilePlan, { kind: 'assume-role' }>
    expect(result.source).toEqual({ kind: 'static', profile: 'b', credentials: { accessKeyId: 'AKIAB', secretAccessKey: 'sb' } })
  })

  test('a profile may source itself when it has keys (botocore exception)', async () => {
    files(`[profile self]\nrole_arn = ${arn('self')}\nsource_profile = self\n`, '[self]\naws_access_key_id = AKIAS\naws_secret_access_key = ss\n')
    expect(await plan('self')).toEqual({
      kind: 'assume-role',
      profile: 'self',
      roleArn: arn('self'),
      source: { kind: 'static', profile: 'self', credentials: { accessKeyId: 'AKIAS', secretAccessKey: 'ss' } },
    })
  })

  test('credential_source with and without role_arn; web identity; credential_process', async () => {
    files(
      [
        '[profile ec2]',
        `role_arn = ${arn('x')}`,
        'credential_source = Ec2InstanceMetadata',
        '[profile envonly]',
        'credential_source = Environment',
        '[profile wi]',
        `role_arn = ${arn('wi')}`,
        'web_identity_token_file = /var/run/token',
        'role_session_name = wi-session',
        'source_profile = ignored-for-web-identity',
        '[profile proc]',
        'credential_process = /usr/bin/helper --json',
        'aws_account_id = 111122223333',
      ].join('\n'),
    )
    expect(await plan('ec2')).toEqual({
      kind: 'assume-role',
      profile: 'ec2',
      roleArn: arn('x'),
      source: { kind: 'credential-source', profile: 'ec2', source: 'Ec2InstanceMetadata' },
    })
    expect(await plan('envonly')).toEqual({ kind: 'credential-source', profile: 'envonly', source: 'Environment' })
    expect(await plan('wi')).toEqual({
      kind: 'web-identity',
      profile: 'wi',
      roleArn: arn('wi'),
      webIdentityTokenFile: '/var/run/token',
      roleSessionName: 'wi-session',
    })
    expect(await plan('proc')).toEqual({
      kind: 'process',
      profile: 'proc',
      command: '/usr/bin/helper --json',
      accountId: '111122223333',
    })
  })

  test('no credentials, or an implicit default that does not exist: none (the chain moves on)', async () => {
    files('[default]\nregion = us-east-1\n')
    expect(await plan('default')).toEqual({
      kind: 'none',
      reason:
        'profile "default" has no credentials (none of aws_access_key_id, role_arn, web_identity_token_file, credential_process, credential_source)',
    })
    expect(await plan('other')).toEqual({
      kind: 'none',
      reason: `no profile "other" in ${configPath} or ${credentialsPath}`,
    })
  })
})

describe('planProfile: broken configurations fail loudly, naming file, line, profile and key', () => {
  test('an explicit profile that does not exist', async () => {
    files('[profile a]\n')
    const error = await planError('ghost', true)
    expect(error.message).toBe(
      `profile "ghost" not found in ${configPath} ([profile ghost]) or ${credentialsPath} ([ghost]); profiles found: a`,
    )
    expect(error.profile).toBe('ghost')
  })

  test('role_arn without a source', async () => {
    files(`[profile r]\nregion = us-east-1\nrole_arn = ${arn('r')}\n`)
    const error = await planError('r')
    expect(error.message).toBe(
      `${configPath} line 3: profile "r": role_arn: role_arn is set but the profile says nowhere to get credentials to assume it with: add source_profile = <a profile with credentials>, or credential_source = Environment, Ec2InstanceMetadata or EcsContainer`,
    )
    expect([error.file, error.profile, error.key]).toEqual([configPath, 'r', 'role_arn'])
  })

  test('role_arn with static keys but no source is still an error (botocore), not silently static', async () => {
    files(`[profile r]\nrole_arn = ${arn('r')}\n`, '[r]\naws_access_key_id = AKIA\naws_secret_access_key = s\n')
    expect((await planError('r')).key).toBe('role_arn')
  })

  test('both source_profile and credential_source', async () => {
    files(`[profile r]\nrole_arn = ${arn('r')}\nsource_profile = b\ncredential_source = Environment\n`)
    expect((await planError('r')).message).toBe(
      `${configPath} line 4: profile "r": credential_source: sets both source_profile and credential_source: keep exactly one`,
    )
  })

  test('source_profile pointing nowhere', async () => {
    files(`[profile r]\nrole_arn = ${arn('r')}\nsource_profile = missing\n`)
    expect((await planError('r')).message).toBe(
      `${configPath} line 3: profile "r": source_profile: source_profile "missing" does not exist in ${configPath} or ${credentialsPath}`,
    )
  })

  test('a cycle a -> b -> a', async () => {
    files(`[profile a]\nrole_arn = ${arn('a')}\nsource_profile = b\n[profile b]\nrole_arn = ${arn('b')}\nsource_profile = a\n`)
    const error = await planError('a')
    expect(error.message).toBe(
      `${configPath} line 6: profile "b": source_profile: source_profile loops back to a profile already visited: "a" -> "b" -> "a"; one profile in the chain must have credentials of its own`,
    )
    expect(error.profile).toBe('b')
  })

  test('a profile that sources itself without keys is a cycle', async () => {
    files(`[profile s]\nrole_arn = ${arn('s')}\nsource_profile = s\n`)
    expect((await planError('s')).message).toBe(
      `${configPath} line 3: profile "s": source_profile: source_profile loops back to a profile already visited: "s" -> "s"; one profile in the chain must have credentials of its own`,
    )
  })

  test('a source profile without credentials', async () => {
    files(`[profile r]\nrole_arn = ${arn('r')}\nsource_profile = empty\n[profile empty]\nregion = us-east-1\n`)
    expect((await planError('r')).message).toBe(
      `${configPath} line 3: profile "r": source_profile: source_profile "empty" has no credentials: give it aws_access_key_id and aws_secret_access_key, role_arn with a source, credential_process or credential_source`,
    )
  })

  test('bad duration_seconds in a source profile of the chain', async () => {
    files(`[profile r]\nrole_arn = ${arn('r')}\nsource_profile = m\n[profile m]\nrole_arn = ${arn('m')}\nduration_seconds = 60\nsource_profile = r\n`)
    expect((await planError('r')).message).toBe(
      `${configPath} line 6: profile "m": duration_seconds: must be a whole number of seconds from 900 to 43200 (got "60")`,
    )
  })

  test('mfa_serial without a tokenCode callback', async () => {
    files(`[profile m]\nrole_arn = ${arn('m')}\ncredential_source = Environment\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n`)
    expect((await planError('m')).message).toBe(
      `${configPath} line 4: profile "m": mfa_serial: needs an MFA code, but no tokenCode callback was given: pass tokenCode: (mfaSerial) => code`,
    )
  })

  test('web_identity_token_file without role_arn; unsupported SSO profile', async () => {
    files('[profile w]\nweb_identity_token_file = /t\n[profile sso]\nsso_session = corp\nsso_account_id = 1\n')
    expect((await planError('w')).message).toBe(
      `${configPath} line 2: profile "w": web_identity_token_file: web_identity_token_file is set but role_arn is not: add the ARN of the role to assume with the token`,
    )
    expect((await planError('sso')).message).toBe(
      `${configPath} line 4: profile "sso": sso_session: IAM Identity Center (SSO) profiles are not supported: add credential_process = aws configure export-credentials --profile sso --format process to a profile and use that one`,
    )
  })
})

/** A fake AssumeRole factory: records each layer and returns ASIA keys naming role and source key. */
function fakeAssumer(clock: { now(): number }) {
  const built: AssumeRoleSourceOptions[] = []
  const calls: { role: string; sourceKey: string }[] = []
  const assumeRole = (options: AssumeRoleSourceOptions) => {
    built.push(options)
    const source = toCredentialSource(options.source as never)
    let n = 0
    return async (): Promise<Credentials> => {
      const sourceCreds = await source.get()
      const role = options.roleArn.split('/').pop() as string
      calls.push({ role, sourceKey: sourceCreds.accessKeyId })
      n++
      return {
        accessKeyId: `ASIA${role.toUpperCase()}${n}`,
        secretAccessKey: `secret-${role}-${n}`,
        sessionToken: `token-${role}-${n}`,
        expiration: new Date(clock.now() + 3600_000),
      }
    }
  }
  return { assumeRole, built, calls }
}

describe('fromProfile', () => {
  const chainConfig = [
    '[profile r3]',
    `role_arn = ${arn('r3')}`,
    'source_profile = r2',
    'role_session_name = job',
    '[profile r2]',
    `role_arn = ${arn('r2')}`,
    'source_profile = r1',
    '[profile r1]',
    `role_arn = ${arn('r1')}`,
    'source_profile = base',
  ].join('\n')

  test('role -> role -> role from a config file: the exact chain, each layer cached', async () => {
    files(chainConfig, '[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = basesecret\n')
    const clock = createManualClock(T0)
    const fake = fakeAssumer(clock)
    const options: FromProfileOptions = {
      profile: 'r3',
      env: {},
      homeDir: home,
      readTextFile: read,
      clock,
      region: 'us-east-2',
      assumeRole: fake.assumeRole,
    }
    const provider = fromProfile(options)
    expect(provider.sourceName).toBe('profile')
    const first = await provider()
    expect(first.accessKeyId).toBe('ASIAR31')
    expect(fake.calls).toEqual([
      { role: 'r1', sourceKey: 'AKIABASE' },
      { role: 'r2', sourceKey: 'ASIAR11' },
      { role: 'r3', sourceKey: 'ASIAR21' },
    ])
    expect(fake.built.map((o) => [o.roleArn, o.roleSessionName, o.region])).toEqual([
      [arn('r1'), undefined, 'us-east-2'],
      [arn('r2'), undefined, 'us-east-2'],
      [arn('r3'), 'job', 'us-east-2'],
    ])
    // Next refresh of the top layer: the intermediate sessions still hold valid credentials.
    const second = await provider()
    expect(second.accessKeyId).toBe('ASIAR32')
    expect(fake.calls.slice(3)).toEqual([{ role: 'r3', sourceKey: 'ASIAR21' }])
    expect(fake.built.length).toBe(3)
    // An hour later every layer refreshes itself.
    await clock.advance(3600_000)
    await provider()
    expect(fake.calls.slice(4)).toEqual([
      { role: 'r1', sourceKey: 'AKIABASE' },
      { role: 'r2', sourceKey: 'ASIAR12' },
      { role: 'r3', sourceKey: 'ASIAR22' },
    ])
  })

  test('rotated base keys in the credentials file are picked up at the next call', async () => {
    files(chainConfig, '[base]\naws_access_key_id = AKIAOLD\naws_secret_access_key = old\n')
    const clock = createManualClock(T0)
    const fake = fakeAssumer(clock)
    const provider = fromProfile({ profile: 'r1', env: {}, homeDir: home, readTextFile: read, clock, assumeRole: fake.assumeRole })
    await provider()
    files(chainConfig, '[base]\naws_access_key_id = AKIANEW\naws_secret_access_key = new\n')
    await provider()
    expect(fake.calls.map((c) => c.sourceKey)).toEqual(['AKIAOLD', 'AKIANEW'])
  })

  test('mfa_serial: the tokenCode callback receives the serial', async () => {
    files(`[profile m]\nrole_arn = ${arn('m')}\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n`, '[base]\naws_access_key_id = AKIAB\naws_secret_access_key = s\n')
    const clock = createManualClock(T0)
    const fake = fakeAssumer(clock)
    const serials: string[] = []
    await fromProfile({
      profile: 'm',
      env: {},
      homeDir: home,
      readTextFile: read,
      clock,
      assumeRole: fake.assumeRole,
      tokenCode: (serial) => {
        serials.push(serial)
        return '123456'
      },
    })()
    expect(fake.built[0]?.serialNumber).toBe('arn:aws:iam::123456789012:mfa/me')
    expect(await fake.built[0]?.tokenCode?.()).toBe('123456')
    expect(serials).toEqual(['arn:aws:iam::123456789012:mfa/me'])
  })

  test('credential_source = Environment with nothing in the environment is broken, not skipped', async () => {
    files(`[profile e]\nrole_arn = ${arn('e')}\ncredential_source = Environment\n`)
    const clock = createManualClock(T0)
    const fake = fakeAssumer(clock)
    const error = (await fromProfile({ profile: 'e', env: {}, homeDir: home, readTextFile: read, clock, assumeRole: fake.assumeRole })().catch(
      (e: unknown) => e,
    )) as Error
    expect(isNotConfigured(error)).toBe(false)
    expect(error.message).toBe(
      'profile "e": credential_source = Environment found nothing: env: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set',
    )
  })

  test('credential_source = Environment reads the environment at call time', async () => {
    files(`[profile e]\nrole_arn = ${arn('e')}\ncredential_source = Environment\n`)
    const clock = createManualClock(T0)
    const fake = fakeAssumer(clock)
    const env: Record<string, string | undefined> = { AWS_ACCESS_KEY_ID: 'AKIAENV1', AWS_SECRET_ACCESS_KEY: 's' }
    const provider = fromProfile({ profile: 'e', env, homeDir: home, readTextFile: read, clock, assumeRole: fake.assumeRole })
    await provider()
    env.AWS_ACCESS_KEY_ID = 'AKIAENV2'
    await provider()
    expect(fake.calls.map((c) => c.sourceKey)).toEqual(['AKIAENV1', 'AKIAENV2'])
  })

  test('web identity profile goes through the injected factory with the token file and region', async () => {
    files(`[profile w]\nrole_arn = ${arn('w')}\nweb_identity_token_file = /run/token\nregion = eu-north-1\n`)
    const seen: unknown[] = []
    const creds = await fromProfile({
      profile: 'w',
      env: {},
      homeDir: home,
      readTextFile: read,
      webIdentity: (options) => {
        seen.push([options.roleArn, options.webIdentityTokenFile, options.region])
        return async () => ({ accessKeyId: 'ASIAWEB', secretAccessKey: 's' })
      },
    })()
    expect(creds.accessKeyId).toBe('ASIAWEB')
    expect(seen).toEqual([[arn('w'), '/run/token', 'eu-north-1']])
  })

  test('role <- web identity profile: the web identity layer is its own cached session', async () => {
    files(
      `[profile top]\nrole_arn = ${arn('top')}\nsource_profile = wi\n` +
        `[profile wi]\nrole_arn = ${arn('wi')}\nweb_identity_token_file = /run/token\n`,
    )
    const clock = createManualClock(T0)
    const fake = fakeAssumer(clock)
    let webCalls = 0
    const provider = fromProfile({
      profile: 'top',
      env: {},
      homeDir: home,
      readTextFile: read,
      clock,
      assumeRole: fake.assumeRole,
      webIdentity: () => async () => {
        webCalls++
        return {
          accessKeyId: `ASIAWEB${webCalls}`,
          secretAccessKey: 's',
          sessionToken: 't',
          expiration: new Date(clock.now() + 3600_000),
        }
      },
    })
    await provider()
    await provider()
    expect(webCalls).toBe(1)
    expect(fake.calls).toEqual([
      { role: 'top', sourceKey: 'ASIAWEB1' },
      { role: 'top', sourceKey: 'ASIAWEB1' },
    ])
    await clock.advance(3600_000)
    await provider()
    expect(webCalls).toBe(2)
    expect(fake.calls[2]).toEqual({ role: 'top', sourceKey: 'ASIAWEB2' })
  })

  test('credential_process profile runs the real command', async () => {
    const json = JSON.stringify({ Version: 1, AccessKeyId: 'AKIAPROC', SecretAccessKey: 's' })
    files(`[profile p]\ncredential_process = printf '%s' '${json}'\n`)
    const creds = await fromProfile({ profile: 'p', env: {}, homeDir: home, readTextFile: read, runCommand: nodePlatform.runCommand })()
    expect(creds).toEqual({ accessKeyId: 'AKIAPROC', secretAccessKey: 's' })
  })

  test('no profile and not explicit: not configured; AWS_PROFILE makes a missing profile an error', async () => {
    files('')
    const skipped = (await fromProfile({ env: {}, homeDir: home, readTextFile: read })().catch((e: unknown) => e)) as Error
    expect(isNotConfigured(skipped)).toBe(true)
    expect(skipped.message).toBe(`profile: no profile "default" in ${configPath} or ${credentialsPath}`)
    const explicit = (await fromProfile({ env: { AWS_PROFILE: 'nope' }, homeDir: home, readTextFile: read })().catch(
      (e: unknown) => e,
    )) as Error
    expect(explicit).toBeInstanceOf(ConfigError)
    expect(explicit.message).toBe(
      `profile "nope" not found in ${configPath} ([profile nope]) or ${credentialsPath} ([nope]); neither file has any profile`,
    )
  })

  test('end to end through the emulator: base keys -> r1 -> r2 -> r3, refreshed per layer', async () => {
    const clock = createManualClock(T0)
    const emulator = createEmulator({ clock, lifetimeSeconds: 3600 })
    const base = emulator.baseCredentials
    files(chainConfig, `[base]\naws_access_key_id = ${base.accessKeyId}\naws_secret_access_key = ${base.secretAccessKey}\n`)
    const session = refreshable(
      fromProfile({ profile: 'r3', env: {}, homeDir: home, readTextFile: read, clock, fetch: emulator.fetch, region: 'us-east-1' }),
      { clock, autoStart: false },
    )
    const creds = await session.get()
    expect(creds.accessKeyId.startsWith('ASIA')).toBe(true)
    expect(emulator.stats().stsCalls).toEqual({ AssumeRole: 3 })
    const sts = createStsClient({ credentials: creds, fetch: emulator.fetch, clock, region: 'us-east-1', env: {} })
    const identity = await sts.getCallerIdentity()
    expect(identity.Arn).toBe('arn:aws:sts::123456789012:assumed-role/r3/job')
    // Cached: no STS call for a second get().
    await session.get()
    expect(emulator.stats().stsCalls).toEqual({ AssumeRole: 3, GetCallerIdentity: 1 })
    // After expiry, each layer refreshes itself once.
    await clock.advance(3600_000)
    const next = await session.get()
    expect(next.accessKeyId).not.toBe(creds.accessKeyId)
    expect(emulator.stats().stsCalls).toEqual({ AssumeRole: 6, GetCallerIdentity: 1 })
    await session.stop()
  })
})
