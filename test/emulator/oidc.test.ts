import { describe, expect, test } from 'bun:test'
import { createManualClock } from '../../src/clock.ts'
import { createEmulator } from '../../src/emulator/emulator.ts'
import { callSts, credentialsFromXml, xmlTag } from './sigv4-helpers.ts'

const ROLE = 'arn:aws:iam::123456789012:role/gha'
const START = Date.UTC(2026, 0, 1)

function setup(oidc = {}) {
  const clock = createManualClock(START)
  const emulator = createEmulator({ clock, oidc })
  return { clock, emulator }
}

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'))
}

describe('the GitHub Actions token endpoint', () => {
  test('answers {"value": JWT} to the right bearer, with the requested audience', async () => {
    const { emulator } = setup()
    const env = emulator.oidc.env('http://127.0.0.1:4566')
    expect(env.ACTIONS_ID_TOKEN_REQUEST_URL).toBe(
      'http://127.0.0.1:4566/_oidc/token?api-version=2.0',
    )
    // As @actions/core getIDToken builds the URL: the runtime URL plus `&audience=`.
    const response = await emulator.handler(
      new Request(`${env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=sts.amazonaws.com`, {
        headers: { authorization: `Bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
      }),
    )
    expect(response.status).toBe(200)
    const body = (await response.json()) as { value: string }
    const [header] = body.value.split('.')
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toMatchObject({
      alg: 'RS256',
      typ: 'JWT',
    })
    const claims = claimsOf(body.value)
    expect(claims).toMatchObject({
      iss: 'https://token.actions.githubusercontent.com',
      aud: 'sts.amazonaws.com',
      sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
      iat: START / 1000,
      exp: START / 1000 + 300,
    })
    expect(emulator.stats().oidcTokensIssued).toBe(1)
    expect(emulator.stats().requestsByService).toEqual({ oidc: 1 })
  })

  test('a missing bearer is 401 and a wrong one 403, both JSON', async () => {
    const { emulator } = setup()
    const url = 'http://127.0.0.1:4566/_oidc/token?api-version=2.0&audience=x'
    const missing = await emulator.handler(new Request(url))
    expect(missing.status).toBe(401)
    expect(((await missing.json()) as { message: string }).message).toContain(
      'Authorization header is missing',
    )
    const wrong = await emulator.handler(
      new Request(url, { headers: { authorization: 'Bearer nope' } }),
    )
    expect(wrong.status).toBe(403)
    expect(wrong.headers.get('content-type')).toStartWith('application/json')
    expect(emulator.stats().oidcTokensIssued).toBe(0)
  })

  test('the JWKS publishes the verification key', async () => {
    const { emulator } = setup()
    const jwks =
      (await (await emulator.handler(new Request('http://127.0.0.1/_oidc/.well-known/jwks')))
        .json()) as { keys: Array<Record<string, string>> }
    expect(jwks.keys).toHaveLength(1)
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB' })
  })

  test('issuer, lifetime, subject and request token are configurable', async () => {
    const { emulator } = setup({
      issuer: 'https://oidc.example.test',
      tokenLifetimeSeconds: 60,
      requestToken: 'rt',
      repository: 'me/app',
      ref: 'refs/tags/v1',
    })
    const jwt = await emulator.oidc.mint({ audience: 'sts.amazonaws.com' })
    expect(claimsOf(jwt)).toMatchObject({
      iss: 'https://oidc.example.test',
      exp: START / 1000 + 60,
      sub: 'repo:me/app:ref:refs/tags/v1',
      repository: 'me/app',
    })
    expect(emulator.oidc.env('http://h').ACTIONS_ID_TOKEN_REQUEST_TOKEN).toBe('rt')
  })
})

describe('AssumeRoleWithWebIdentity', () => {
  test('accepts an emulator-minted token unsigned and answers with the subject, audience and provider', async () => {
    const { clock, emulator } = setup()
    const token = await emulator.oidc.mint()
    const response = await callSts(emulator, undefined, {
      Action: 'AssumeRoleWithWebIdentity',
      RoleArn: ROLE,
      RoleSessionName: 'gha-run',
      WebIdentityToken: token,
      DurationSeconds: '900',
    })
    const xml = await response.text()
    expect(response.status).toBe(200)
    expect(xml).toContain(
      '<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">',
    )
    expect(xmlTag(xml, 'SubjectFromWebIdentityToken')).toBe(
      'repo:octo-org/octo-repo:ref:refs/heads/main',
    )
    expect(xmlTag(xml, 'Audience')).toBe('sts.amazonaws.com')
    expect(xmlTag(xml, 'Provider')).toBe(
      'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
    )
    const creds = credentialsFromXml(xml)
    expect(creds.expiration).toBe('2026-01-01T00:15:00Z')
    const who = await callSts(emulator, creds, { Action: 'GetCallerIdentity' }, { clock })
    expect(xmlTag(await who.text(), 'Arn')).toBe(
      'arn:aws:sts::123456789012:assumed-role/gha/gha-run',
    )
  })

  const reject = async (emulator: ReturnType<typeof setup>['emulator'], token: string) => {
    const response = await callSts(emulator, undefined, {
      Action: 'AssumeRoleWithWebIdentity',
      RoleArn: ROLE,
      RoleSessionName: 'gha-run',
      WebIdentityToken: token,
    })
    const xml = await response.text()
    return { status: response.status, code: xmlTag(xml, 'Code'), message: xmlTag(xml, 'Message') }
  }

  test('wrong audience, wrong issuer, bad signature, garbage and expiry are rejected as AWS does', async () => {
    const { clock, emulator } = setup()
    expect(await reject(emulator, await emulator.oidc.mint({ audience: 'other' }))).toEqual({
      status: 400,
      code: 'InvalidIdentityToken',
      message: 'Incorrect token audience',
    })
    expect(await reject(emulator, await emulator.oidc.mint({ issuer: 'https://evil.example' })))
      .toEqual({
        status: 400,
        code: 'InvalidIdentityToken',
        message: 'No OpenIDConnect provider found in your account for https://evil.example',
      })
    const good = await emulator.oidc.mint()
    const [h, p, s] = good.split('.')
    const forged = `${h}.${
      Buffer.from(JSON.stringify({ ...claimsOf(good), sub: 'repo:evil/x:ref:refs/heads/main' }))
        .toString('base64url')
    }.${s}`
    expect(await reject(emulator, forged)).toEqual({
      status: 400,
      code: 'InvalidIdentityToken',
      message: 'Signature validation failed',
    })
    expect((await reject(emulator, 'not-a-jwt')).code).toBe('InvalidIdentityToken')
    expect(p).toBeDefined()
    await clock.advance(300_000)
    expect(await reject(emulator, good)).toEqual({
      status: 400,
      code: 'ExpiredTokenException',
      message:
        'The web identity token that was passed is expired or is not valid. Get a new identity token from the identity provider and then retry the request.',
    })
  })

  test('a token from another emulator (another key) fails the signature check', async () => {
    const a = setup()
    const b = setup()
    expect((await reject(a.emulator, await b.emulator.oidc.mint())).message).toBe(
      'Signature validation failed',
    )
  })

  test('roles may restrict the subject', async () => {
    const clock = createManualClock(START)
    const emulator = createEmulator({
      clock,
      roles: [{ arn: ROLE, webIdentitySubjects: ['repo:octo-org/octo-repo:ref:refs/heads/*'] }],
    })
    expect(
      (await reject(
        emulator,
        await emulator.oidc.mint({ subject: 'repo:octo-org/octo-repo:pull_request' }),
      )).code,
    ).toBe('AccessDenied')
    const ok = await callSts(emulator, undefined, {
      Action: 'AssumeRoleWithWebIdentity',
      RoleArn: ROLE,
      RoleSessionName: 'gha',
      WebIdentityToken: await emulator.oidc.mint(),
    })
    expect(ok.status).toBe(200)
  })
})
