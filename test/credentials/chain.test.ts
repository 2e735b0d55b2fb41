import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createManualClock } from '../../src/clock.ts'
import { chain, defaultCredentials } from '../../src/credentials/chain.ts'
import type { DefaultCredentialsOptions } from '../../src/credentials/chain.ts'
import { namedProvider } from '../../src/credentials/input.ts'
import { isNotConfigured, notConfigured } from '../../src/credentials/not-configured.ts'
import { createEmulator } from '../../src/emulator/emulator.ts'
import { ConfigError, CredentialsError, isCredentialsError } from '../../src/errors.ts'
import type { FetchLike, Logger } from '../../src/types.ts'
import { rejection } from '../helpers/rejection.ts'

const T0 = Date.UTC(2026, 0, 1)
let home: string
const read = (path: string): Promise<string> => readFile(path, 'utf8')

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'stsrefresh-chain-'))
  mkdirSync(join(home, '.aws'))
})
afterEach(() => rmSync(home, { recursive: true, force: true }))

function writeAws(name: 'config' | 'credentials', text: string): void {
  writeFileSync(join(home, '.aws', name), text)
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  const log = (message: string, fields?: unknown): void => {
    lines.push(`${message} ${JSON.stringify(fields ?? {})}`)
  }
  return { debug: log, info: log, warn: log, error: log, lines }
}

/** A fake IMDS that records requests; `reachable: false` makes every request fail as off EC2. */
function fakeImds(reachable: boolean): { fetch: FetchLike; urls: string[] } {
  const urls: string[] = []
  const fetch: FetchLike = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input)
    urls.push(`${init?.method ?? 'GET'} ${url}`)
    if (!reachable) throw new TypeError('connect EHOSTUNREACH 169.254.169.254:80')
    const path = new URL(url).pathname
    if (path === '/latest/api/token') return new Response('imds-token')
    if (path.endsWith('/security-credentials/')) return new Response('instance-role')
    return Response.json({
      Code: 'Success',
      AccessKeyId: 'ASIAIMDS',
      SecretAccessKey: 'imds-secret',
      Token: 'imds-token-value',
      Expiration: '2026-01-01T06:00:00Z',
    })
  }
  return { fetch, urls }
}

function options(extra: Partial<DefaultCredentialsOptions> = {}): DefaultCredentialsOptions {
  return { env: {}, homeDir: home, readTextFile: read, clock: createManualClock(T0), ...extra }
}

describe('chain', () => {
  test('first credentials win; not configured is skipped; later sources are not called', async () => {
    const called: string[] = []
    const skip = namedProvider('skip', async () => {
      called.push('skip')
      throw notConfigured('skip', 'nothing here')
    })
    const hit = namedProvider('hit', async () => {
      called.push('hit')
      return { accessKeyId: 'AKIAHIT', secretAccessKey: 's' }
    })
    const never = namedProvider('never', async () => {
      called.push('never')
      return { accessKeyId: 'AKIANEVER', secretAccessKey: 's' }
    })
    expect((await chain(skip, hit, never)()).accessKeyId).toBe('AKIAHIT')
    expect(called).toEqual(['skip', 'hit'])
  })

  test('configured but broken stops the chain and surfaces the error', async () => {
    const broken = new ConfigError('profile "x": bad')
    let later = 0
    const error = await rejection(
      chain(
        namedProvider('a', async () => {
          throw broken
        }),
        namedProvider('b', async () => {
          later++
          return { accessKeyId: 'AKIA', secretAccessKey: 's' }
        }),
      )(),
    )
    expect(error).toBe(broken)
    expect(later).toBe(0)
  })

  test('all skipped: a CredentialsError listing each source and why (itself "not configured")', async () => {
    const error = await rejection(
      chain(
        namedProvider('one', async () => {
          throw notConfigured('one', 'first reason')
        }),
        async () => {
          throw notConfigured('two', 'second reason')
        },
      )(),
    )
    expect(error).toBeInstanceOf(CredentialsError)
    expect(isNotConfigured(error)).toBe(true)
    expect(error.message).toBe('No AWS credentials found. Tried, in order:\n  - one: first reason\n  - source 2: two: second reason')
    expect(await rejection(chain()())).toHaveProperty('message', 'No AWS credentials found. Tried, in order: (no sources)')
  })
})

describe('defaultCredentials', () => {
  test('is named default-chain', () => {
    expect(defaultCredentials(options()).sourceName).toBe('default-chain')
  })

  test('nothing configured: the exact error, listing every source in order, and what to do', async () => {
    const imds = fakeImds(false)
    const error = await rejection(defaultCredentials(options({ fetch: imds.fetch }))())
    expect(isCredentialsError(error)).toBe(true)
    expect(error.message).toBe(
      [
        'No AWS credentials found. Tried, in order:',
        '  - env: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set',
        `  - profile: no profile "default" in ${home}/.aws/config or ${home}/.aws/credentials`,
        '  - web-identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set',
        '  - container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set',
        '  - instance-metadata: no instance metadata service at http://169.254.169.254 (request failed: connect EHOSTUNREACH 169.254.169.254:80; not on EC2?)',
        'To fix: export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; or set AWS_PROFILE to a profile of ~/.aws/config or ~/.aws/credentials with keys, role_arn + source_profile, or credential_process; or run where a role is provided (web identity token, container credentials, EC2 instance profile).',
      ].join('\n'),
    )
    expect(imds.urls).toEqual(['PUT http://169.254.169.254/latest/api/token', 'PUT http://169.254.169.254/latest/api/token'])
  })

  test('AWS_EC2_METADATA_DISABLED: instance metadata is skipped without a request', async () => {
    const imds = fakeImds(true)
    const error = await rejection(defaultCredentials(options({ env: { AWS_EC2_METADATA_DISABLED: 'true' }, fetch: imds.fetch }))())
    expect(error.message).toContain('\n  - instance-metadata: disabled by AWS_EC2_METADATA_DISABLED=true\n')
    expect(imds.urls).toEqual([])
  })

  test('env first when no profile is chosen, even with a default profile on disk', async () => {
    writeAws('credentials', '[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = f\n')
    const logger = recordingLogger()
    const creds = await defaultCredentials(
      options({ env: { AWS_ACCESS_KEY_ID: 'AKIAENVKEY1234', AWS_SECRET_ACCESS_KEY: 'env-secret' }, logger }),
    )()
    expect(creds.accessKeyId).toBe('AKIAENVKEY1234')
    expect(logger.lines.join('\n')).toContain('credentials: using env {"accessKeyId":"AKIA…1234"}')
    expect(logger.lines.join('\n')).not.toContain('env-secret')
    expect(logger.lines.join('\n')).not.toContain('AKIAENVKEY1234')
  })

  test('AWS_PROFILE skips env (as SDK v3 does), with one warning when keys are set too', async () => {
    writeAws('credentials', '[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = d\n')
    const logger = recordingLogger()
    const env = { AWS_PROFILE: 'dev', AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'e' }
    const provider = defaultCredentials(options({ env, logger }))
    expect((await provider()).accessKeyId).toBe('AKIADEV')
    expect((await provider()).accessKeyId).toBe('AKIADEV')
    const warnings = logger.lines.filter((line) => line.includes('both AWS_PROFILE=dev and'))
    expect(warnings.length).toBe(1)
    expect(logger.lines).toContain('credentials: skipped env: AWS_PROFILE=dev selects a profile instead {}')
  })

  test('the legacy AWS_DEFAULT_PROFILE does not skip env keys (SDK v3 looks at AWS_PROFILE only)', async () => {
    writeAws('credentials', '[p]\naws_access_key_id = AKIAFILE\naws_secret_access_key = f\n')
    const logger = recordingLogger()
    const env = { AWS_DEFAULT_PROFILE: 'p', AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'e' }
    expect((await defaultCredentials(options({ env, logger }))()).accessKeyId).toBe('AKIAENV')
    expect(logger.lines.some((line) => line.includes('both'))).toBe(false)
    // Without env keys it still selects the profile.
    expect((await defaultCredentials(options({ env: { AWS_DEFAULT_PROFILE: 'p' } }))()).accessKeyId).toBe('AKIAFILE')
  })

  test('the profile option also skips env; a missing named profile stops the chain', async () => {
    const imds = fakeImds(true)
    const error = await rejection(
      defaultCredentials(
        options({ profile: 'ghost', env: { AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'e' }, fetch: imds.fetch }),
      )(),
    )
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.message).toBe(
      `profile "ghost" not found in ${home}/.aws/config ([profile ghost]) or ${home}/.aws/credentials ([ghost]); neither file has any profile`,
    )
    expect(imds.urls).toEqual([])
  })

  test('a broken profile stops the chain before container and instance metadata', async () => {
    writeAws('config', '[default]\nrole_arn = arn:aws:iam::123456789012:role/r\n')
    const imds = fakeImds(true)
    const error = await rejection(
      defaultCredentials(
        options({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9/x' }, fetch: imds.fetch }),
      )(),
    )
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).key).toBe('role_arn')
    expect(imds.urls).toEqual([])
  })

  test('the profile wins over web identity variables (SDK v3 order)', async () => {
    writeAws('credentials', '[default]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = p\n')
    const creds = await defaultCredentials(
      options({ env: { AWS_WEB_IDENTITY_TOKEN_FILE: '/nonexistent', AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/w' } }),
    )()
    expect(creds.accessKeyId).toBe('AKIAPROFILE')
  })

  test('web identity token file from the environment, through the emulator', async () => {
    const clock = createManualClock(T0)
    const emulator = createEmulator({ clock })
    const tokenFile = join(home, 'token')
    writeFileSync(tokenFile, await emulator.oidc.mint())
    const creds = await defaultCredentials({
      env: {
        AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
        AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/web',
        AWS_ROLE_SESSION_NAME: 'wi',
      },
      homeDir: home,
      readTextFile: read,
      clock,
      fetch: emulator.fetch,
      region: 'us-east-1',
    })()
    expect(creds.accessKeyId.startsWith('ASIA')).toBe(true)
    expect(emulator.stats().stsCalls).toEqual({ AssumeRoleWithWebIdentity: 1 })
  })

  test('web identity file without AWS_ROLE_ARN is broken, not skipped', async () => {
    const error = await rejection(defaultCredentials(options({ env: { AWS_WEB_IDENTITY_TOKEN_FILE: '/t' } }))())
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.message).toBe(
      'AWS_WEB_IDENTITY_TOKEN_FILE is set (/t) but AWS_ROLE_ARN is not: set the ARN of the role to assume with the token',
    )
  })

  test('container before instance metadata; instance metadata last', async () => {
    const seen: string[] = []
    const fetch: FetchLike = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input)
      seen.push(`${init?.method ?? 'GET'} ${url}`)
      if (url.startsWith('http://127.0.0.1:9/')) {
        return Response.json({ AccessKeyId: 'ASIACONT', SecretAccessKey: 's', Token: 't', Expiration: '2026-01-01T01:00:00Z' })
      }
      return fakeImds(true).fetch(input, init)
    }
    const container = await defaultCredentials(options({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9/creds' }, fetch }))()
    expect(container.accessKeyId).toBe('ASIACONT')
    expect(seen).toEqual(['GET http://127.0.0.1:9/creds'])
    seen.length = 0
    const imds = await defaultCredentials(options({ fetch }))()
    expect(imds.accessKeyId).toBe('ASIAIMDS')
    expect(seen.length).toBe(3)
  })

  test('a failing container endpoint does not fall through to instance metadata', async () => {
    const seen: string[] = []
    const fetch: FetchLike = async (input) => {
      seen.push(String(input))
      return new Response('{"Message":"nope"}', { status: 403 })
    }
    const error = await rejection(defaultCredentials(options({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9/c' }, fetch }))())
    expect(error.message).toBe('container (http://127.0.0.1:9/c): HTTP 403: nope (check AWS_CONTAINER_AUTHORIZATION_TOKEN / _FILE)')
    expect(seen).toEqual(['http://127.0.0.1:9/c'])
  })

  test('environment changes are seen at the next call', async () => {
    const env: Record<string, string | undefined> = { AWS_ACCESS_KEY_ID: 'AKIAONE', AWS_SECRET_ACCESS_KEY: 's' }
    const provider = defaultCredentials(options({ env }))
    expect((await provider()).accessKeyId).toBe('AKIAONE')
    env.AWS_ACCESS_KEY_ID = 'AKIATWO'
    expect((await provider()).accessKeyId).toBe('AKIATWO')
  })
})
