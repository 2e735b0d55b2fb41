import { describe, expect, test } from 'bun:test'
import { createManualClock } from '../../src/clock.ts'
import {
  fromAssumeRole,
  isRoleChainingSource,
  markAssumedRole,
} from '../../src/credentials/assume-role.ts'
import { createEmulator } from '../../src/emulator/emulator.ts'
import type { EmulatorOptions } from '../../src/emulator/emulator.ts'
import { AwsServiceError, ConfigError } from '../../src/errors.ts'
import { createStsClient } from '../../src/sts.ts'
import type { Credentials, CredentialSession, Logger } from '../../src/types.ts'
import { rejection } from '../helpers/rejection.ts'

const START = Date.UTC(2026, 0, 1)
const ENDPOINT = 'http://sts.emulator.test'
const ROLE_A = 'arn:aws:iam::123456789012:role/A'
const ROLE_B = 'arn:aws:iam::123456789012:role/B'

function recordingLogger() {
  const warnings: string[] = []
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (m) => warnings.push(m),
    error: () => {},
  }
  return { logger, warnings }
}

function setup(options: EmulatorOptions = {}) {
  const clock = createManualClock(START)
  const emulator = createEmulator({ clock, ...options })
  const deps = { endpoint: ENDPOINT, fetch: emulator.fetch, clock, env: {} }
  const whoami = async (credentials: Credentials) =>
    (await createStsClient({ ...deps, credentials }).getCallerIdentity()).Arn
  return { clock, emulator, deps, whoami }
}

describe('fromAssumeRole', () => {
  test('assumes the role with the given source; each call is a new AssumeRole', async () => {
    const { emulator, deps, whoami } = setup()
    const provider = fromAssumeRole({
      ...deps,
      roleArn: ROLE_A,
      roleSessionName: 'migration',
      durationSeconds: 900,
      source: emulator.baseCredentials,
    })
    expect(provider.sourceName).toBe('assume-role')
    const first = await provider()
    expect(first.accessKeyId).toStartWith('ASIA')
    expect(first.expiration?.getTime()).toBe(START + 900_000)
    expect(first.accountId).toBe('123456789012')
    expect(await whoami(first)).toBe('arn:aws:sts::123456789012:assumed-role/A/migration')
    const second = await provider()
    expect(second.accessKeyId).not.toBe(first.accessKeyId)
    expect(emulator.stats().stsCalls.AssumeRole).toBe(2)
  })

  test('session name: AWS_ROLE_SESSION_NAME, else stsrefresh-<epoch ms>', async () => {
    const { emulator, deps, whoami } = setup()
    const named = fromAssumeRole({
      ...deps,
      env: { AWS_ROLE_SESSION_NAME: 'from-env' },
      roleArn: ROLE_A,
      source: emulator.baseCredentials,
    })
    expect(await whoami(await named())).toBe('arn:aws:sts::123456789012:assumed-role/A/from-env')
    const unnamed = fromAssumeRole({ ...deps, roleArn: ROLE_A, source: emulator.baseCredentials })
    expect(await whoami(await unnamed())).toBe(
      `arn:aws:sts::123456789012:assumed-role/A/stsrefresh-${START}`,
    )
  })

  test('role chaining through our own source: clamped to 3600 before the call, one warning', async () => {
    const { emulator, deps } = setup()
    const { logger, warnings } = recordingLogger()
    const a = fromAssumeRole({
      ...deps,
      roleArn: ROLE_A,
      roleSessionName: 'sa',
      durationSeconds: 7200,
      source: emulator.baseCredentials,
    })
    const b = fromAssumeRole({
      ...deps,
      logger,
      roleArn: ROLE_B,
      roleSessionName: 'sb',
      durationSeconds: 7200,
      source: a,
    })
    const creds = await b()
    expect(creds.expiration?.getTime()).toBe(START + 3600_000)
    await b()
    expect(emulator.stats().stsCalls.AssumeRole).toBe(4)
    expect(emulator.stats().rejections).toEqual({})
    expect(warnings.length).toBe(1)
    expect(warnings[0]).toMatch(
      /^durationSeconds 7200 for arn:aws:iam::123456789012:role\/B exceeds the 1-hour limit of role chaining \(the source credentials ASIA…\w{4} are an assumed-role session\); using 3600$/,
    )
  })

  test('a role -> role -> role chain, each layer signed by the previous one', async () => {
    const { emulator, deps, whoami } = setup()
    const a = fromAssumeRole({
      ...deps,
      roleArn: ROLE_A,
      roleSessionName: 'sa',
      source: emulator.baseCredentials,
    })
    const b = fromAssumeRole({ ...deps, roleArn: ROLE_B, roleSessionName: 'sb', source: a })
    const c = fromAssumeRole({
      ...deps,
      roleArn: 'arn:aws:iam::123456789012:role/C',
      roleSessionName: 'sc',
      durationSeconds: 3600,
      source: b,
    })
    expect(await whoami(await c())).toBe('arn:aws:sts::123456789012:assumed-role/C/sc')
    expect(emulator.stats().stsCalls.AssumeRole).toBe(3)
  })

  test('role keys of unknown origin: STS says chaining, we retry with 3600 and clamp from then on', async () => {
    const { emulator, deps } = setup()
    const { logger, warnings } = recordingLogger()
    const sts = createStsClient({ ...deps, credentials: emulator.baseCredentials })
    const assumed = await sts.assumeRole({
      RoleArn: ROLE_A,
      RoleSessionName: 'sa',
      DurationSeconds: 7200,
    })
    const copied = { ...assumed.Credentials } // like keys pasted into AWS_ACCESS_KEY_ID
    expect(isRoleChainingSource(copied)).toBe(false)
    const b = fromAssumeRole({
      ...deps,
      logger,
      roleArn: ROLE_B,
      roleSessionName: 'sb',
      durationSeconds: 7200,
      source: copied,
    })
    expect((await b()).expiration?.getTime()).toBe(START + 3600_000)
    expect(emulator.stats().stsCalls.AssumeRole).toBe(3)
    expect(emulator.stats().rejections).toEqual({ ValidationError: 1 })
    await b()
    expect(emulator.stats().stsCalls.AssumeRole).toBe(4)
    expect(warnings).toEqual([
      'durationSeconds 7200 for arn:aws:iam::123456789012:role/B exceeds the 1-hour limit of role chaining (STS reports role chaining); using 3600',
    ])
  })

  test('long-term source keys are not clamped', async () => {
    const { emulator, deps } = setup()
    const provider = fromAssumeRole({
      ...deps,
      roleArn: ROLE_A,
      roleSessionName: 'sa',
      durationSeconds: 7200,
      source: emulator.baseCredentials,
    })
    expect((await provider()).expiration?.getTime()).toBe(START + 7200_000)
  })

  test('ExternalId and MFA: the token code callback is asked at every call', async () => {
    const { emulator, deps } = setup({
      roles: [{ arn: ROLE_A, externalId: 'ext-123', mfaTokenCode: '654321' }],
      strictRoles: true,
    })
    let asked = 0
    const provider = fromAssumeRole({
      ...deps,
      roleArn: ROLE_A,
      roleSessionName: 'sa',
      externalId: 'ext-123',
      source: emulator.baseCredentials,
      serialNumber: 'arn:aws:iam::123456789012:mfa/emulator',
      tokenCode: async () => {
        asked++
        return '654321'
      },
    })
    await provider()
    await provider()
    expect(asked).toBe(2)
    const wrong = fromAssumeRole({
      ...deps,
      roleArn: ROLE_A,
      roleSessionName: 'sa',
      externalId: 'nope-1',
      source: emulator.baseCredentials,
    })
    const error = (await rejection(wrong())) as AwsServiceError
    expect(error.code).toBe('AccessDenied')
    expect(error.retryable).toBe(false)
  })

  test('a stale source key: ExpiredToken -> the source refreshes -> the call succeeds', async () => {
    const { clock, emulator, deps } = setup()
    const sts = createStsClient({ ...deps, credentials: emulator.baseCredentials })
    const stale =
      (await sts.assumeRole({ RoleArn: ROLE_A, RoleSessionName: 'old', DurationSeconds: 900 }))
        .Credentials
    await clock.advance(901_000)
    const invalidated: string[] = []
    let current: Credentials = stale
    const session: CredentialSession = {
      get: async () => current,
      invalidate: (rejected) => {
        invalidated.push(typeof rejected === 'string' ? rejected : rejected.accessKeyId)
        current = emulator.baseCredentials
      },
      provider: async () => current,
    }
    const provider = fromAssumeRole({
      ...deps,
      roleArn: ROLE_B,
      roleSessionName: 'sb',
      source: session,
    })
    const creds = await provider()
    expect(creds.accessKeyId).toStartWith('ASIA')
    expect(invalidated).toEqual([stale.accessKeyId])
    expect(emulator.stats().rejections).toEqual({ ExpiredToken: 1 })
  })

  test('the default source is the default chain (env keys here)', async () => {
    const { emulator, deps } = setup()
    const env = {
      AWS_ACCESS_KEY_ID: emulator.baseCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: emulator.baseCredentials.secretAccessKey,
    }
    const provider = fromAssumeRole({ ...deps, env, roleArn: ROLE_A, roleSessionName: 'dflt' })
    expect((await provider()).accessKeyId).toStartWith('ASIA')
  })

  test('bad options fail at construction with the option named', () => {
    const attempt = (fn: () => unknown): ConfigError => {
      try {
        fn()
      } catch (error) {
        return error as ConfigError
      }
      throw new Error('expected a throw')
    }
    const source = { accessKeyId: 'AKID', secretAccessKey: 's' }
    const badArn = attempt(() => fromAssumeRole({ roleArn: 'Deployer', source, env: {} }))
    expect(badArn).toBeInstanceOf(ConfigError)
    expect(badArn.message).toBe(
      "fromAssumeRole: roleArn 'Deployer' is not a role ARN (expected arn:aws:iam::<12-digit account id>:role/<path/name>)",
    )
    expect(badArn.key).toBe('roleArn')
    expect(
      attempt(() => fromAssumeRole({ roleArn: ROLE_A, durationSeconds: 60, source, env: {} }))
        .message,
    ).toBe(
      'fromAssumeRole: durationSeconds must be from 900 (15 min) to 43200 (12 h), got 60',
    )
    expect(
      attempt(() =>
        fromAssumeRole({ roleArn: ROLE_A, source, env: { AWS_ROLE_SESSION_NAME: 'has space' } })
      ).message,
    ).toBe(
      "fromAssumeRole: AWS_ROLE_SESSION_NAME 'has space' may contain only letters, digits and +=,.@_- (no spaces)",
    )
    expect(
      attempt(() =>
        fromAssumeRole({
          roleArn: ROLE_A,
          serialNumber: 'arn:aws:iam::123456789012:mfa/x',
          source,
          env: {},
        })
      ).message,
    ).toBe(
      'fromAssumeRole: serialNumber arn:aws:iam::123456789012:mfa/x needs a tokenCode callback that returns the current MFA code',
    )
  })

  test('a bad STS endpoint in the environment fails at construction', () => {
    expect(() =>
      fromAssumeRole({
        roleArn: ROLE_A,
        source: { accessKeyId: 'AKID', secretAccessKey: 's' },
        env: { AWS_ENDPOINT_URL_STS: 'sts' },
      })
    )
      .toThrow("AWS_ENDPOINT_URL_STS is not a valid URL: 'sts' (expected e.g. https://host:port)")
  })

  test('isRoleChainingSource', () => {
    const asia = { accessKeyId: 'ASIAXXXXXXXX', secretAccessKey: 's', sessionToken: 't' }
    expect(isRoleChainingSource(asia)).toBe(false)
    expect(isRoleChainingSource(asia, 'web-identity')).toBe(true)
    expect(isRoleChainingSource(asia, 'instance-metadata')).toBe(false)
    expect(isRoleChainingSource(markAssumedRole({ ...asia }))).toBe(true)
    expect(isRoleChainingSource({ accessKeyId: 'AKIAXXXX', secretAccessKey: 's' }, 'assume-role'))
      .toBe(false)
  })
})
