import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createManualClock } from '../../src/clock.ts'
import { isNotConfigured } from '../../src/credentials/not-configured.ts'
import {
  fromContainer,
  fromEnv,
  fromInstanceMetadata,
  fromProcess,
  fromStatic,
} from '../../src/credentials/sources.ts'
import { ConfigError, CredentialsError } from '../../src/errors.ts'
import { nodePlatform } from '../../src/runtime/platform.ts'
import type { FetchLike, Logger } from '../../src/types.ts'
import { rejection } from '../helpers/rejection.ts'

const NOW = Date.parse('2030-01-01T00:00:00Z')
const clock = createManualClock(NOW)
const read = (path: string): Promise<string> => readFile(path, 'utf8')

/** A logger that keeps every line and its fields as text, to prove secrets never reach it. */
function recordingLogger(): Logger & { text(): string } {
  const lines: string[] = []
  const log = (message: string, fields?: unknown): void => {
    lines.push(`${message} ${JSON.stringify(fields ?? {})}`)
  }
  return { debug: log, info: log, warn: log, error: log, text: () => lines.join('\n') }
}

describe('fromEnv', () => {
  test('keys, token, expiration and account id', async () => {
    const logger = recordingLogger()
    const creds = await fromEnv({
      env: {
        AWS_ACCESS_KEY_ID: 'AKIAENVEXAMPLE1234',
        AWS_SECRET_ACCESS_KEY: 'envsecret',
        AWS_SESSION_TOKEN: 'envtoken',
        AWS_CREDENTIAL_EXPIRATION: '2030-01-01T01:00:00Z',
        AWS_ACCOUNT_ID: '123456789012',
      },
      clock,
      logger,
    })()
    expect(creds).toEqual({
      accessKeyId: 'AKIAENVEXAMPLE1234',
      secretAccessKey: 'envsecret',
      sessionToken: 'envtoken',
      expiration: new Date('2030-01-01T01:00:00Z'),
      accountId: '123456789012',
    })
    expect(logger.text()).toContain('AKIA…1234')
    expect(logger.text()).not.toContain('envsecret')
    expect(logger.text()).not.toContain('envtoken')
    expect(logger.text()).not.toContain('AKIAENVEXAMPLE1234')
  })

  test('reads the environment at every call', async () => {
    const env: Record<string, string | undefined> = { AWS_ACCESS_KEY_ID: 'AKIA1', AWS_SECRET_ACCESS_KEY: 's1' }
    const provider = fromEnv({ env, clock })
    expect((await provider()).accessKeyId).toBe('AKIA1')
    env.AWS_ACCESS_KEY_ID = 'AKIA2'
    expect((await provider()).accessKeyId).toBe('AKIA2')
  })

  test('nothing set: not configured; half set: a ConfigError; bad or past expiration: errors', async () => {
    const none = await rejection(fromEnv({ env: { AWS_SESSION_TOKEN: 't' } })())
    expect(isNotConfigured(none)).toBe(true)
    expect(none).toBeInstanceOf(CredentialsError)
    expect(none.message).toBe('env: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set')

    const half = await rejection(fromEnv({ env: { AWS_ACCESS_KEY_ID: 'AKIA' } })())
    expect(half).toBeInstanceOf(ConfigError)
    expect(half.message).toBe(
      'env: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both, or unset AWS_ACCESS_KEY_ID',
    )

    const bad = await rejection(
      fromEnv({ env: { AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's', AWS_CREDENTIAL_EXPIRATION: 'soon' } })(),
    )
    expect(bad.message).toBe('env: AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 date-time (got "soon")')

    const past = await rejection(
      fromEnv({
        env: {
          AWS_ACCESS_KEY_ID: 'ASIAPASTEXAMPLE999',
          AWS_SECRET_ACCESS_KEY: 's',
          AWS_CREDENTIAL_EXPIRATION: '2029-12-31T23:00:00Z',
        },
        clock,
      })(),
    )
    expect(past).toBeInstanceOf(CredentialsError)
    expect(past.message).toBe(
      'env: the credentials in AWS_ACCESS_KEY_ID (ASIA…E999) expired at 2029-12-31T23:00:00.000Z (AWS_CREDENTIAL_EXPIRATION): export fresh ones',
    )
  })
})

describe('fromStatic', () => {
  test('returns the credentials; empty parts are rejected at creation', async () => {
    const provider = fromStatic({ accessKeyId: 'AKIA', secretAccessKey: 's', sessionToken: 't' })
    expect(provider.sourceName).toBe('static')
    expect(await provider()).toEqual({ accessKeyId: 'AKIA', secretAccessKey: 's', sessionToken: 't' })
    expect(() => fromStatic({ accessKeyId: '', secretAccessKey: 's' })).toThrow(
      'static: accessKeyId and secretAccessKey must both be non-empty',
    )
  })
})

describe('fromContainer', () => {
  let home: string
  let server: ReturnType<typeof Bun.serve>
  let requests: { path: string; authorization: string | null }[]
  let answer: () => Response
  const body = {
    AccessKeyId: 'ASIACONTAINER12345',
    SecretAccessKey: 'containersecret',
    Token: 'containertoken',
    Expiration: '2030-01-01T06:00:00Z',
    AccountId: '123456789012',
  }

  beforeAll(() => {
    server = Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      fetch(request) {
        const url = new URL(request.url)
        requests.push({ path: url.pathname + url.search, authorization: request.headers.get('authorization') })
        return answer()
      },
    })
  })
  afterAll(() => {
    void server.stop(true)
  })
  beforeEach(() => {
    requests = []
    answer = () => Response.json(body)
    home = mkdtempSync(join(tmpdir(), 'stsrefresh-container-'))
  })
  afterEach(() => rmSync(home, { recursive: true, force: true }))

  const fullUri = (): string => `http://127.0.0.1:${server.port}/creds?x=1`

  test('FULL_URI on loopback with a token from the environment', async () => {
    const logger = recordingLogger()
    const creds = await fromContainer({
      env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: fullUri(), AWS_CONTAINER_AUTHORIZATION_TOKEN: 'tok-123' },
      logger,
    })()
    expect(creds).toEqual({
      accessKeyId: 'ASIACONTAINER12345',
      secretAccessKey: 'containersecret',
      sessionToken: 'containertoken',
      expiration: new Date('2030-01-01T06:00:00Z'),
      accountId: '123456789012',
    })
    expect(requests).toEqual([{ path: '/creds?x=1', authorization: 'tok-123' }])
    expect(logger.text()).not.toContain('containersecret')
    expect(logger.text()).not.toContain('tok-123')
  })

  test('a redirect is never followed: the token stays with the configured endpoint', async () => {
    answer = () => new Response(null, { status: 302, headers: { location: `http://127.0.0.1:${server.port}/elsewhere` } })
    const error = await fromContainer({
      env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: fullUri(), AWS_CONTAINER_AUTHORIZATION_TOKEN: 'tok-123' },
    })().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toContain('302')
    expect(requests.map((r) => r.path)).toEqual(['/creds?x=1'])
  })

  test('the token file wins over the token and is re-read at every call', async () => {
    const tokenFile = join(home, 'token')
    writeFileSync(tokenFile, 'from-file-1\n')
    const provider = fromContainer({
      env: {
        AWS_CONTAINER_CREDENTIALS_FULL_URI: fullUri(),
        AWS_CONTAINER_AUTHORIZATION_TOKEN: 'env-token',
        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
      },
      readTextFile: read,
    })
    await provider()
    writeFileSync(tokenFile, 'from-file-2')
    await provider()
    expect(requests.map((r) => r.authorization)).toEqual(['from-file-1', 'from-file-2'])
  })

  test('RELATIVE_URI goes to 169.254.170.2 and wins over FULL_URI', async () => {
    const seen: string[] = []
    const fetch: FetchLike = async (input) => {
      seen.push(String(input instanceof Request ? input.url : input))
      return Response.json(body)
    }
    await fromContainer({
      env: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/abc', AWS_CONTAINER_CREDENTIALS_FULL_URI: fullUri() },
      fetch,
    })()
    expect(seen).toEqual(['http://169.254.170.2/v2/credentials/abc'])
  })

  test('plain http only to loopback and the ECS/EKS hosts', async () => {
    const ok: FetchLike = async () => Response.json(body)
    for (const uri of [
      'http://127.0.0.2:1/x',
      'http://localhost:1/x',
      'http://[::1]:1/x',
      'http://169.254.170.23/v1/credentials',
      'http://[fd00:ec2::23]/v1/credentials',
      'https://creds.example.com/x',
    ]) {
      const creds = await fromContainer({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: uri }, fetch: ok })()
      expect(creds.accessKeyId).toBe('ASIACONTAINER12345')
    }
    for (const uri of ['http://10.0.0.1/x', 'http://example.com/x', 'http://128.0.0.1/x']) {
      const error = await rejection(fromContainer({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: uri }, fetch: ok })())
      expect(error).toBeInstanceOf(ConfigError)
      expect(error.message).toStartWith('container: AWS_CONTAINER_CREDENTIALS_FULL_URI uses http:// with host ')
    }
    const ftp = await rejection(fromContainer({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'ftp://127.0.0.1/' }, fetch: ok })())
    expect(ftp.message).toBe('container: AWS_CONTAINER_CREDENTIALS_FULL_URI must be an http:// or https:// URL (got ftp:)')
    const junk = await rejection(fromContainer({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'not a url' }, fetch: ok })())
    expect(junk.message).toBe('container: AWS_CONTAINER_CREDENTIALS_FULL_URI is not a valid URL')
  })

  test('not configured without either URI variable', async () => {
    const error = await rejection(fromContainer({ env: {} })())
    expect(isNotConfigured(error)).toBe(true)
    expect(error.message).toBe(
      'container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set',
    )
  })

  test('5xx is retried once; 4xx is not retried and quotes the server Message', async () => {
    let calls = 0
    answer = () => (++calls === 1 ? new Response('busy', { status: 503 }) : Response.json(body))
    const env = { AWS_CONTAINER_CREDENTIALS_FULL_URI: fullUri(), AWS_CONTAINER_AUTHORIZATION_TOKEN: 'bad' }
    expect((await fromContainer({ env })()).accessKeyId).toBe('ASIACONTAINER12345')
    expect(calls).toBe(2)

    calls = 0
    answer = () => {
      calls++
      return Response.json({ Message: 'invalid authorization token' }, { status: 403 })
    }
    const error = await rejection(fromContainer({ env })())
    expect(calls).toBe(1)
    expect(error).toBeInstanceOf(CredentialsError)
    expect(error.message).toBe(
      `container (http://127.0.0.1:${server.port}/creds): HTTP 403: invalid authorization token (check AWS_CONTAINER_AUTHORIZATION_TOKEN / _FILE)`,
    )

    calls = 0
    answer = () => {
      calls++
      return new Response('down', { status: 500 })
    }
    const down = await rejection(fromContainer({ env })())
    expect(calls).toBe(2)
    expect(down.message).toBe(`container (http://127.0.0.1:${server.port}/creds): HTTP 500 (after 2 attempts)`)
  })

  test('a malformed body names the field, never the body', async () => {
    const env = { AWS_CONTAINER_CREDENTIALS_FULL_URI: fullUri() }
    answer = () => Response.json({ ...body, Token: undefined })
    expect((await rejection(fromContainer({ env })())).message).toBe(
      `container (http://127.0.0.1:${server.port}/creds): the response is not {AccessKeyId, SecretAccessKey, Token, Expiration}: Token is missing or not a string`,
    )
    answer = () => Response.json({ ...body, Expiration: 'tomorrow' })
    expect((await rejection(fromContainer({ env })())).message).toBe(
      `container (http://127.0.0.1:${server.port}/creds): the response is not {AccessKeyId, SecretAccessKey, Token, Expiration}: Expiration must be an ISO 8601 date-time`,
    )
    answer = () => new Response('AccessKeyId=ASIA secret=containersecret')
    const notJson = await rejection(fromContainer({ env })())
    expect(notJson.message).toBe(
      `container (http://127.0.0.1:${server.port}/creds): the response is not JSON (body withheld: it may hold secrets)`,
    )
  })

  test('a token with a line break or an unreadable token file is a ConfigError', async () => {
    const url = fullUri()
    const lf = await rejection(
      fromContainer({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: url, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'a\nb' } })(),
    )
    expect(lf.message).toBe('container: the token in AWS_CONTAINER_AUTHORIZATION_TOKEN contains a line break')
    const missing = join(home, 'missing')
    const nofile = await rejection(
      fromContainer({
        env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: url, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: missing },
        readTextFile: read,
      })(),
    )
    expect(nofile).toBeInstanceOf(ConfigError)
    expect(nofile.message).toStartWith(`container: cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ${missing}: `)
    expect(requests).toEqual([])
  })

  test('a hung endpoint times out, is retried once, and fails clearly', async () => {
    let calls = 0
    const hang: FetchLike = (_input, init) =>
      new Promise((_resolve, reject) => {
        calls++
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason))
      })
    const error = await rejection(
      fromContainer({ env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9/c' }, fetch: hang, timeoutMs: 20 })(),
    )
    expect(calls).toBe(2)
    expect(error.message).toBe('container (http://127.0.0.1:9/c): no answer within 20 ms (after 2 attempts)')
  })
})

describe('fromInstanceMetadata', () => {
  interface Seen {
    method: string
    url: string
    headers: Record<string, string>
  }
  const imdsBody = {
    Code: 'Success',
    LastUpdated: '2030-01-01T00:00:00Z',
    Type: 'AWS-HMAC',
    AccessKeyId: 'ASIAIMDSEXAMPLE777',
    SecretAccessKey: 'imdssecret',
    Token: 'imdstoken',
    Expiration: '2030-01-01T06:00:00Z',
  }

  function fakeImds(routes: Record<string, () => Response>): { fetch: FetchLike; seen: Seen[] } {
    const seen: Seen[] = []
    const fetch: FetchLike = async (input, init) => {
      const url = String(input)
      const headers = Object.fromEntries(new Headers(init?.headers).entries())
      seen.push({ method: init?.method ?? 'GET', url, headers })
      const route = routes[`${init?.method ?? 'GET'} ${new URL(url).pathname}`]
      return route ? route() : new Response('not found', { status: 404 })
    }
    return { fetch, seen }
  }

  const happy = {
    'PUT /latest/api/token': () => new Response('session-token-abc'),
    'GET /latest/meta-data/iam/security-credentials/': () => new Response('my-role\n'),
    'GET /latest/meta-data/iam/security-credentials/my-role': () => Response.json(imdsBody),
  }

  test('static stability: just-expired credentials are used 5-10 more minutes, with a warning (as the SDKs do)', async () => {
    const expiredAt = Date.UTC(2030, 0, 1, 6)
    const now = expiredAt + 60_000
    const { fetch } = fakeImds({ ...happy, 'GET /latest/meta-data/iam/security-credentials/my-role': () => Response.json(imdsBody) })
    const logger = recordingLogger()
    const creds = await fromInstanceMetadata({ env: {}, fetch, logger, clock: createManualClock(now), random: () => 0.5 })()
    expect(creds.expiration).toEqual(new Date(now + 5 * 60_000 + 150_000))
    expect(logger.text()).toContain('credentials: instance metadata returned credentials that expired at 2030-01-01T06:00:00.000Z')
    expect(logger.text()).not.toContain('imdssecret')
  })

  test('an unknown AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE is a ConfigError, not a silent IPv4', async () => {
    const { fetch, seen } = fakeImds(happy)
    const error = await fromInstanceMetadata({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IP6' }, fetch })().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toBe('instance-metadata: AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE must be IPv4 or IPv6 (got "IP6")')
    expect(seen).toEqual([])
    await fromInstanceMetadata({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv6' }, fetch })()
    expect(seen[0]!.url).toStartWith('http://[fd00:ec2::254]/')
  })

  test('IMDSv2: PUT a token with the TTL header, then role name and credentials with the token', async () => {
    const { fetch, seen } = fakeImds(happy)
    const logger = recordingLogger()
    const creds = await fromInstanceMetadata({ env: {}, fetch, logger })()
    expect(creds).toEqual({
      accessKeyId: 'ASIAIMDSEXAMPLE777',
      secretAccessKey: 'imdssecret',
      sessionToken: 'imdstoken',
      expiration: new Date('2030-01-01T06:00:00Z'),
    })
    expect(seen).toEqual([
      {
        method: 'PUT',
        url: 'http://169.254.169.254/latest/api/token',
        headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '21600' },
      },
      {
        method: 'GET',
        url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
        headers: { 'x-aws-ec2-metadata-token': 'session-token-abc' },
      },
      {
        method: 'GET',
        url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/my-role',
        headers: { 'x-aws-ec2-metadata-token': 'session-token-abc' },
      },
    ])
    expect(logger.text()).not.toContain('imdssecret')
    expect(logger.text()).not.toContain('session-token-abc')
  })

  test('endpoint override and IPv6 mode', async () => {
    const a = fakeImds(happy)
    await fromInstanceMetadata({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:1338/' }, fetch: a.fetch })()
    expect(a.seen.map((s) => s.url)[0]).toBe('http://127.0.0.1:1338/latest/api/token')
    const b = fakeImds(happy)
    await fromInstanceMetadata({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv6' }, fetch: b.fetch })()
    expect(b.seen.map((s) => s.url)[0]).toBe('http://[fd00:ec2::254]/latest/api/token')
  })

  test('AWS_EC2_METADATA_DISABLED: not configured, nothing fetched ("false" keeps it on)', async () => {
    const { fetch, seen } = fakeImds(happy)
    const error = await rejection(fromInstanceMetadata({ env: { AWS_EC2_METADATA_DISABLED: 'true' }, fetch })())
    expect(isNotConfigured(error)).toBe(true)
    expect(error.message).toBe('instance-metadata: disabled by AWS_EC2_METADATA_DISABLED=true')
    expect(seen).toEqual([])
    await fromInstanceMetadata({ env: { AWS_EC2_METADATA_DISABLED: 'false' }, fetch })()
    expect(seen.length).toBe(3)
  })

  test('unreachable: two attempts, then not configured', async () => {
    let calls = 0
    const fetch: FetchLike = async () => {
      calls++
      throw new TypeError('connect EHOSTUNREACH')
    }
    const error = await rejection(fromInstanceMetadata({ env: {}, fetch })())
    expect(calls).toBe(2)
    expect(isNotConfigured(error)).toBe(true)
    expect(error.message).toBe(
      'instance-metadata: no instance metadata service at http://169.254.169.254 (request failed: connect EHOSTUNREACH; not on EC2?)',
    )
  })

  test('no role attached: not configured; token refused: not configured (no IMDSv1 fallback)', async () => {
    const noRole = fakeImds({ 'PUT /latest/api/token': happy['PUT /latest/api/token'] })
    const error = await rejection(fromInstanceMetadata({ env: {}, fetch: noRole.fetch })())
    expect(isNotConfigured(error)).toBe(true)
    expect(error.message).toBe('instance-metadata: no IAM role is attached to this instance')

    const v1only = fakeImds({ 'PUT /latest/api/token': () => new Response('', { status: 405 }) })
    const refused = await rejection(fromInstanceMetadata({ env: {}, fetch: v1only.fetch })())
    expect(isNotConfigured(refused)).toBe(true)
    expect(v1only.seen.length).toBe(1)
  })

  test('a failing credentials document is broken, not skipped', async () => {
    const failing = fakeImds({
      ...happy,
      'GET /latest/meta-data/iam/security-credentials/my-role': () =>
        Response.json({ Code: 'AssumeRoleUnauthorizedAccess', Message: 'role trust policy' }),
    })
    const error = await rejection(fromInstanceMetadata({ env: {}, fetch: failing.fetch })())
    expect(isNotConfigured(error)).toBe(false)
    expect(error.message).toBe(
      'instance-metadata (http://169.254.169.254/latest/meta-data/iam/security-credentials/my-role): answered Code "AssumeRoleUnauthorizedAccess": role trust policy',
    )
    let calls = 0
    const flaky = fakeImds({
      ...happy,
      'GET /latest/meta-data/iam/security-credentials/': () => {
        calls++
        return new Response('', { status: 500 })
      },
    })
    const down = await rejection(fromInstanceMetadata({ env: {}, fetch: flaky.fetch })())
    expect(calls).toBe(2)
    expect(down.message).toBe(
      'instance-metadata (http://169.254.169.254): /latest/meta-data/iam/security-credentials/: HTTP 500',
    )
  })
})

describe('fromProcess', () => {
  const run = nodePlatform.runCommand
  const output = {
    Version: 1,
    AccessKeyId: 'ASIAPROCESSEXA4321',
    SecretAccessKey: 'processsecret',
    SessionToken: 'processtoken',
    Expiration: '2030-01-01T02:00:00Z',
  }
  const echo = (value: unknown): string => `printf '%s' '${JSON.stringify(value)}'`

  test('runs a real shell command and parses Version 1 JSON', async () => {
    const logger = recordingLogger()
    const creds = await fromProcess({ command: echo(output), profile: 'p', runCommand: run, clock, logger })()
    expect(creds).toEqual({
      accessKeyId: 'ASIAPROCESSEXA4321',
      secretAccessKey: 'processsecret',
      sessionToken: 'processtoken',
      expiration: new Date('2030-01-01T02:00:00Z'),
    })
    expect(logger.text()).toContain('ASIA…4321')
    expect(logger.text()).not.toContain('processsecret')
  })

  test('long-term keys without expiration; AccountId falls back to the profile', async () => {
    const creds = await fromProcess({
      command: echo({ Version: 1, AccessKeyId: 'AKIA', SecretAccessKey: 's' }),
      accountId: '111122223333',
      runCommand: run,
      clock,
    })()
    expect(creds).toEqual({ accessKeyId: 'AKIA', secretAccessKey: 's', accountId: '111122223333' })
  })

  test('non-zero exit: the stderr tail, never stdout', async () => {
    const error = await rejection(
      fromProcess({
        command: `printf '%s' '{"Version":1,"SecretAccessKey":"leaked-secret"}'; echo 'token expired, run login' >&2; exit 3`,
        profile: 'ci',
        runCommand: run,
        clock,
      })(),
    )
    expect(error).toBeInstanceOf(CredentialsError)
    expect(error.message).toBe('credential_process of profile "ci" exited with code 3; stderr: token expired, run login')
    expect(error.message).not.toContain('leaked-secret')
  })

  test('bad JSON, wrong Version, missing fields, expired: clear errors without stdout', async () => {
    const cases: [string, string][] = [
      [`printf 'AccessKeyId=AKIA secret=leaked-secret'`, 'did not print valid JSON on stdout (output withheld: it may hold secrets)'],
      [echo({ ...output, Version: 2 }), 'printed Version 2; only "Version": 1 is supported'],
      [echo({ AccessKeyId: 'a', SecretAccessKey: 'leaked-secret' }), 'printed no Version; only "Version": 1 is supported'],
      [echo({ Version: 1, AccessKeyId: 'a', SessionToken: 'leaked-secret' }), 'printed JSON whose SecretAccessKey is missing or has the wrong type'],
      [echo({ ...output, Expiration: 'later' }), 'printed JSON whose Expiration must be an ISO 8601 date-time'],
      [echo({ ...output, Expiration: '2029-12-31T00:00:00Z' }), 'returned credentials that expired at 2029-12-31T00:00:00.000Z'],
      [echo([1, 2]), 'printed JSON that is not an object with Version, AccessKeyId and SecretAccessKey'],
    ]
    for (const [command, message] of cases) {
      const error = await rejection(fromProcess({ command, profile: 'dev', runCommand: run, clock })())
      expect(error.message).toBe(`credential_process of profile "dev" ${message}`)
      expect(error.message).not.toContain('leaked-secret')
      expect(error.message).not.toContain('processsecret')
    }
  })

  test('a command that cannot start or times out', async () => {
    const missing = await rejection(
      fromProcess({ command: '/nonexistent/credential-helper', profile: 'x', runCommand: run, clock })(),
    )
    expect(missing.message).toStartWith('credential_process of profile "x" exited with code 127; stderr: ')
    const slow = await rejection(fromProcess({ command: 'sleep 5', profile: 'x', runCommand: run, clock, timeoutMs: 50 })())
    expect(slow.message).toBe('credential_process of profile "x" could not be run: command timed out after 50 ms')
  })

  test('runs through the injected runCommand with the given env and timeout', async () => {
    const calls: unknown[] = []
    const creds = await fromProcess({
      command: 'helper --json',
      env: { PATH: '/bin' },
      runCommand: async (line, options) => {
        calls.push({ line, options })
        return { exitCode: 0, stdout: JSON.stringify(output), stderr: '' }
      },
      clock,
    })()
    expect(creds.accessKeyId).toBe('ASIAPROCESSEXA4321')
    expect(calls).toEqual([
      {
        line: 'helper --json',
        options: { timeoutMs: 60_000, env: { PATH: '/bin', STSREFRESH_CREDENTIAL_PROCESS_PROFILES: '["default"]' } },
      },
    ])
  })

  test('a credential_process that comes back to its own profile stops at the second turn, naming the loop', async () => {
    const lines: string[] = []
    let innerError: unknown
    // The command is itself in a new process: it runs the same profile's credential_process
    // with the environment it was given, and a failure is its exit code and stderr.
    const runCommand = async (line: string, options: { env?: Record<string, string | undefined> }) => {
      lines.push(line)
      try {
        await fromProcess({ command: line, profile: 'migration', env: options.env ?? {}, runCommand, clock })()
      } catch (error) {
        innerError = error
        return { exitCode: 2, stdout: '', stderr: `stsrefresh: ${(error as Error).message}` }
      }
      return { exitCode: 0, stdout: JSON.stringify(output), stderr: '' }
    }
    const outer = fromProcess({ command: 'stsrefresh credential-process --role-arn R', profile: 'migration', env: { AWS_PROFILE: 'migration' }, runCommand, clock })
    const error = await outer().catch((e: unknown) => e)
    expect(lines).toEqual(['stsrefresh credential-process --role-arn R'])
    expect(innerError).toBeInstanceOf(ConfigError)
    expect((innerError as ConfigError).profile).toBe('migration')
    expect((innerError as Error).message).toStartWith(
      'credential_process of profile "migration" came back to itself ("migration" -> "migration")',
    )
    expect((innerError as Error).message).toContain('AWS_PROFILE=migration')
    expect(error).toBeInstanceOf(CredentialsError)
    expect((error as Error).message).toStartWith('credential_process of profile "migration" exited with code 2; stderr: stsrefresh: credential_process of profile "migration" came back to itself')
  })

  test('its stderr is quoted on one line, control characters escaped (no forged lines, no terminal escapes)', async () => {
    const error = await fromProcess({
      command: 'helper',
      env: {},
      runCommand: async () => ({ exitCode: 3, stdout: '', stderr: 'line1\nstsrefresh: forged\n\u001b[31mRED\u001b[0m\n' }),
      clock,
    })().catch((e: unknown) => e)
    expect((error as Error).message).toBe(
      'credential_process of profile "default" exited with code 3; stderr: line1\\u000astsrefresh: forged\\u000a\\u001b[31mRED\\u001b[0m',
    )
  })

  test('another profile further up the chain is no loop; the list grows', async () => {
    const seen: (string | undefined)[] = []
    await fromProcess({
      command: 'helper',
      profile: 'b',
      env: { STSREFRESH_CREDENTIAL_PROCESS_PROFILES: '["a"]' },
      runCommand: async (_line, options) => {
        seen.push(options.env?.STSREFRESH_CREDENTIAL_PROCESS_PROFILES)
        return { exitCode: 0, stdout: JSON.stringify(output), stderr: '' }
      },
      clock,
    })()
    expect(seen).toEqual(['["a","b"]'])
  })
})
