import { describe, expect, test } from 'bun:test'
import { createManualClock } from '../../src/clock.ts'
import { fromAssumeRole } from '../../src/credentials/assume-role.ts'
import {
  fromGitHubOidc,
  fromWebIdentityTokenFile,
  webIdentityFromEnv,
} from '../../src/credentials/web-identity.ts'
import { createEmulator } from '../../src/emulator/emulator.ts'
import { AwsServiceError, ConfigError, CredentialsError } from '../../src/errors.ts'
import { isTransientRefreshError } from '../../src/credentials/refresh-windows.ts'
import { createStsClient } from '../../src/sts.ts'
import type { Credentials, FetchLike } from '../../src/types.ts'
import { rejection } from '../helpers/rejection.ts'

const START = Date.UTC(2026, 0, 1)
const ENDPOINT = 'http://sts.emulator.test'
const ROLE = 'arn:aws:iam::123456789012:role/gh-deploy'

function setup() {
  const clock = createManualClock(START)
  const emulator = createEmulator({ clock })
  const deps = { endpoint: ENDPOINT, fetch: emulator.fetch, clock }
  const whoami = async (credentials: Credentials) =>
    (await createStsClient({ ...deps, env: {}, credentials }).getCallerIdentity()).Arn
  return { clock, emulator, deps, whoami }
}

describe('fromWebIdentityTokenFile', () => {
  test('re-reads the token file at every call', async () => {
    const { emulator, deps, whoami } = setup()
    const reads: string[] = []
    let token = await emulator.oidc.mint()
    const provider = fromWebIdentityTokenFile({
      ...deps,
      env: {},
      roleArn: ROLE,
      roleSessionName: 'irsa',
      webIdentityTokenFile: '/var/run/token',
      readTextFile: async (path) => {
        reads.push(path)
        return `${token}\n`
      },
    })
    expect(provider.sourceName).toBe('web-identity')
    const first = await provider()
    expect(await whoami(first)).toBe('arn:aws:sts::123456789012:assumed-role/gh-deploy/irsa')
    token = await emulator.oidc.mint({ subject: 'system:serviceaccount:ns:sa' })
    await provider()
    expect(reads).toEqual(['/var/run/token', '/var/run/token'])
    expect(emulator.stats().stsCalls.AssumeRoleWithWebIdentity).toBe(2)
  })

  test('unreadable or empty token files are CredentialsErrors naming the file', async () => {
    const { deps } = setup()
    const missing = fromWebIdentityTokenFile({
      ...deps,
      env: {},
      roleArn: ROLE,
      webIdentityTokenFile: '/nope',
      readTextFile: async () => {
        throw new Error('ENOENT: no such file or directory')
      },
    })
    const error = await rejection(missing())
    expect(error).toBeInstanceOf(CredentialsError)
    expect(error.message).toBe(
      'Cannot read the web identity token file /nope: ENOENT: no such file or directory',
    )
    const empty = fromWebIdentityTokenFile({
      ...deps,
      env: {},
      roleArn: ROLE,
      webIdentityTokenFile: '/empty',
      readTextFile: async () => '  \n',
    })
    expect((await rejection(empty())).message).toBe('The web identity token file /empty is empty')
  })

  test('an expired token is rejected by STS and not retried', async () => {
    const { emulator, deps } = setup()
    const token = await emulator.oidc.mint({ lifetimeSeconds: -10 })
    const provider = fromWebIdentityTokenFile({
      ...deps,
      env: {},
      roleArn: ROLE,
      webIdentityTokenFile: '/t',
      readTextFile: async () => token,
    })
    const error = (await rejection(provider())) as AwsServiceError
    expect(error).toBeInstanceOf(AwsServiceError)
    expect(error.code).toBe('ExpiredTokenException')
    expect(emulator.stats().stsCalls.AssumeRoleWithWebIdentity).toBe(1)
  })
})

describe('webIdentityFromEnv', () => {
  test('undefined when AWS_WEB_IDENTITY_TOKEN_FILE is absent', () => {
    expect(webIdentityFromEnv({})).toBeUndefined()
    expect(webIdentityFromEnv({ AWS_ROLE_ARN: ROLE })).toBeUndefined()
  })

  test('a token file without a role ARN is a loud ConfigError', () => {
    let caught: unknown
    try {
      webIdentityFromEnv({ AWS_WEB_IDENTITY_TOKEN_FILE: '/t' })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(ConfigError)
    expect((caught as ConfigError).message).toBe(
      'AWS_WEB_IDENTITY_TOKEN_FILE is set (/t) but AWS_ROLE_ARN is not: set the ARN of the role to assume with the token',
    )
    expect((caught as ConfigError).key).toBe('AWS_ROLE_ARN')
  })

  test('reads AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN and AWS_ROLE_SESSION_NAME', async () => {
    const { emulator, deps, whoami } = setup()
    const token = await emulator.oidc.mint()
    const env = {
      AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token',
      AWS_ROLE_ARN: ROLE,
      AWS_ROLE_SESSION_NAME: 'pod-1',
    }
    const provider = webIdentityFromEnv(env, { ...deps, readTextFile: async () => token })
    expect(provider?.sourceName).toBe('web-identity')
    expect(await whoami(await provider!())).toBe(
      'arn:aws:sts::123456789012:assumed-role/gh-deploy/pod-1',
    )
  })
})

describe('fromGitHubOidc', () => {
  test('a fresh ID token at every call, then AssumeRoleWithWebIdentity', async () => {
    const { emulator, deps, whoami } = setup()
    const seen: string[] = []
    const fetch: FetchLike = async (input, init) => {
      const request = new Request(input, init)
      if (request.url.includes('/_oidc/')) {
        seen.push(
          `${request.url} ${
            request.headers.get('authorization') === `Bearer ${emulator.oidc.requestToken}`
          }`,
        )
      }
      return emulator.fetch(request)
    }
    const env = emulator.oidc.env('http://actions.emulator.test')
    const provider = fromGitHubOidc({
      ...deps,
      fetch,
      env,
      roleArn: ROLE,
      roleSessionName: 'run-42',
    })
    expect(provider.sourceName).toBe('github-oidc')
    const creds = await provider()
    expect(await whoami(creds)).toBe('arn:aws:sts::123456789012:assumed-role/gh-deploy/run-42')
    await provider()
    expect(seen).toEqual([
      'http://actions.emulator.test/_oidc/token?api-version=2.0&audience=sts.amazonaws.com true',
      'http://actions.emulator.test/_oidc/token?api-version=2.0&audience=sts.amazonaws.com true',
    ])
    expect(emulator.stats().oidcTokensIssued).toBe(2)
    expect(emulator.stats().stsCalls.AssumeRoleWithWebIdentity).toBe(2)
  })

  test('its credentials chain into AssumeRole, clamped to one hour', async () => {
    const { emulator, deps } = setup()
    const oidc = fromGitHubOidc({
      ...deps,
      env: emulator.oidc.env('http://actions.emulator.test'),
      roleArn: ROLE,
      roleSessionName: 'run',
    })
    const next = fromAssumeRole({
      ...deps,
      env: {},
      roleArn: 'arn:aws:iam::123456789012:role/prod',
      roleSessionName: 'sp',
      durationSeconds: 7200,
      source: oidc,
    })
    expect((await next()).expiration?.getTime()).toBe(START + 3600_000)
  })

  test('missing runner variables: ConfigError that mentions id-token: write', () => {
    let caught: unknown
    try {
      fromGitHubOidc({ roleArn: ROLE, env: {} })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(ConfigError)
    expect((caught as Error).message).toBe(
      "fromGitHubOidc: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN not set. These come from the GitHub Actions runner: is the job's `permissions: id-token: write` set?",
    )
  })

  test('a wrong request token: CredentialsError at once, the token never in the message', async () => {
    const { emulator, deps } = setup()
    let calls = 0
    const fetch: FetchLike = async (input, init) => {
      calls++
      return emulator.fetch(input, init)
    }
    const env = {
      ...emulator.oidc.env('http://actions.emulator.test'),
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'WRONG-SECRET-TOKEN',
    }
    const provider = fromGitHubOidc({ ...deps, fetch, env, roleArn: ROLE })
    const error = await rejection(provider())
    expect(error).toBeInstanceOf(CredentialsError)
    expect(error.message).toBe(
      "Could not get a GitHub OIDC token from http://actions.emulator.test (HTTP 403); the request token was refused: is the job's `permissions: id-token: write` set, and is ACTIONS_ID_TOKEN_REQUEST_TOKEN the job's own?",
    )
    expect(calls).toBe(1)
    // Permanent: a refreshing session does not retry it.
    expect(isTransientRefreshError(error)).toBe(false)
  })

  test('5xx from the token endpoint is retried, then transient for the session; a body without a token is an error', async () => {
    const { clock, deps } = setup()
    const env = {
      ACTIONS_ID_TOKEN_REQUEST_URL: 'http://actions.test/token?v=1',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'secret',
    }
    let calls = 0
    const flaky: FetchLike = async () => {
      calls++
      return new Response('oops', { status: 503 })
    }
    const pending = rejection(fromGitHubOidc({ ...deps, fetch: flaky, env, roleArn: ROLE })())
    for (let i = 0; i < 3; i++) {
      await clock.settle()
      await clock.advance(1000)
    }
    const error = await pending
    expect(error.message).toBe('Could not get a GitHub OIDC token from http://actions.test (HTTP 503, after 3 attempts)')
    expect(calls).toBe(3)
    // The session retries it with backoff, as an STS 5xx, instead of giving up until expiry.
    expect(isTransientRefreshError(error)).toBe(true)
    const noToken: FetchLike = async () => Response.json({ count: 1 })
    expect(
      (await rejection(fromGitHubOidc({ ...deps, fetch: noToken, env, roleArn: ROLE })())).message,
    ).toBe(
      'The GitHub OIDC token endpoint answered without a token (expected {"value": "<jwt>"})',
    )
  })

  test('an endpoint that does not answer is transient; a 404 is not, and names the variable to check', async () => {
    const { clock, deps } = setup()
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://actions.test/token', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'secret' }
    const refused: FetchLike = async () => {
      throw new TypeError('fetch failed: ECONNREFUSED')
    }
    const pending = rejection(fromGitHubOidc({ ...deps, fetch: refused, env, roleArn: ROLE })())
    for (let i = 0; i < 3; i++) {
      await clock.settle()
      await clock.advance(1000)
    }
    const down = await pending
    expect(down.message).toBe(
      'Could not get a GitHub OIDC token from http://actions.test (fetch failed: ECONNREFUSED, after 3 attempts)',
    )
    expect(isTransientRefreshError(down)).toBe(true)
    const missing: FetchLike = async () => new Response('no', { status: 404 })
    const notFound = await rejection(fromGitHubOidc({ ...deps, fetch: missing, env, roleArn: ROLE })())
    expect(notFound.message).toBe('Could not get a GitHub OIDC token from http://actions.test (HTTP 404); check ACTIONS_ID_TOKEN_REQUEST_URL')
    expect(isTransientRefreshError(notFound)).toBe(false)
  })
})
