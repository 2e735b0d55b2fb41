import { describe, expect, test } from 'bun:test'
import { CredentialsError } from '../../src/errors.ts'
import { createCredentialServerHandler } from '../../src/server/handler.ts'
import { constantTimeEqual, randomToken } from '../../src/server/constant-time.ts'
import type { Credentials } from '../../src/types.ts'

const creds: Credentials = {
  accessKeyId: 'ASIAEXAMPLEEXAMPLE12',
  secretAccessKey: 'secret/secret/secret/secret/secret/sec',
  sessionToken: 'session-token-value',
  expiration: new Date('2026-01-01T01:00:00Z'),
}
const token = 'tok-123'
const host = '127.0.0.1:40000'

function handler(get: () => Promise<Credentials> = async () => creds) {
  return createCredentialServerHandler({ credentials: { get }, token, allowedHosts: [host] })
}

function request(init: { method?: string; path?: string; headers?: Record<string, string> } = {}) {
  return new Request(`http://${host}${init.path ?? '/'}`, {
    method: init.method ?? 'GET',
    headers: { host, authorization: token, ...init.headers },
  })
}

describe('credential server handler', () => {
  test('serves the container-credentials JSON to the right token', async () => {
    const res = await handler()(request())
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    expect(await res.json()).toEqual({
      AccessKeyId: creds.accessKeyId,
      SecretAccessKey: creds.secretAccessKey,
      Token: creds.sessionToken,
      Expiration: '2026-01-01T01:00:00.000Z',
    })
  })

  test.each([
    ['a missing token', { headers: { authorization: '' } }, 403],
    ['a wrong token', { headers: { authorization: 'tok-124' } }, 403],
    ['a prefix of the token', { headers: { authorization: 'tok-12' } }, 403],
    ['a foreign Host (DNS rebinding)', { headers: { host: 'evil.example:40000' } }, 403],
    ['a browser Origin', { headers: { origin: 'http://evil.example' } }, 403],
    ['POST', { method: 'POST' }, 405],
    ['another path', { path: '/other' }, 404],
  ] as const)('refuses %s', async (_name, init, status) => {
    const res = await handler()(request(init))
    expect(res.status).toBe(status)
    const body = (await res.json()) as { Message: string }
    expect(typeof body.Message).toBe('string')
    expect(JSON.stringify(body)).not.toContain(creds.secretAccessKey)
  })

  test('answers 500 with the error message when credentials cannot be had', async () => {
    const res = await handler(async () => {
      throw new CredentialsError('Could not refresh credentials from assume-role: AccessDenied')
    })(request())
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({
      Message: 'Could not refresh credentials from assume-role: AccessDenied',
    })
  })

  test('hides unexpected error text', async () => {
    const res = await handler(async () => {
      throw new Error('internal detail with secret')
    })(request())
    expect(await res.json()).toEqual({ Message: 'Could not obtain credentials' })
  })
})

describe('constantTimeEqual and randomToken', () => {
  test('compares exactly', async () => {
    expect(await constantTimeEqual('abc', 'abc')).toBe(true)
    expect(await constantTimeEqual('abc', 'abd')).toBe(false)
    expect(await constantTimeEqual('abc', 'abcd')).toBe(false)
    expect(await constantTimeEqual('', '')).toBe(true)
  })

  test('tokens are long, URL-safe and distinct', () => {
    const a = randomToken()
    const b = randomToken()
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(a).not.toBe(b)
  })
})
