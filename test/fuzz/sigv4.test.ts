/**
 * Property-based tests of the emulator's SigV4 verifier (through `authenticate`, as the router
 * calls it): random requests signed by `@smithy/signature-v4` (the AWS SDK for JS v3 signer, an
 * implementation no one here wrote) verify, and every single meaningful change to a signed
 * request (method, path, query, a signed header, the date, the signature, the secret, the
 * session token, the key) is rejected.
 */
import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { authenticate } from '../../src/emulator/auth.ts'
import { EmulatorFault } from '../../src/emulator/context.ts'
import type { EmulatorService } from '../../src/emulator/context.ts'
import { createKeyStore } from '../../src/emulator/keys.ts'
import { parseSigV4 } from '../../src/emulator/sigv4-verify.ts'
import { smithySign } from '../emulator/sigv4-helpers.ts'
import type { PlainRequest, TestCredentials } from '../emulator/sigv4-helpers.ts'
import { runs } from './settings.ts'

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0)
const keys = createKeyStore('123456789012', [
  {
    accessKeyId: 'AKIAFUZZFUZZFUZZ0001',
    secretAccessKey: 'fuzz/secret+key/0123456789abcdefghijklmn',
  },
])
const base = keys.baseKeys[0]!
const temp = keys.issueTemporary({
  roleArn: 'arn:aws:iam::123456789012:role/fuzz',
  roleName: 'fuzz',
  roleAccountId: '123456789012',
  sessionName: 'fuzz',
  expiration: NOW + 3600_000,
})
const CREDS: readonly TestCredentials[] = [
  { accessKeyId: base.accessKeyId, secretAccessKey: base.secretAccessKey },
  {
    accessKeyId: temp.accessKeyId,
    secretAccessKey: temp.secretAccessKey,
    sessionToken: temp.sessionToken!,
  },
]

/** The identity's ARN on success, the error code on rejection; anything else fails the test. */
async function verdict(service: EmulatorService, request: Request, body: string): Promise<string> {
  const url = new URL(request.url)
  try {
    const identity = await authenticate({
      service,
      request,
      url,
      body: new TextEncoder().encode(body),
      parsed: parseSigV4(request, url),
      keys,
      now: NOW,
      maxSkewMs: 300_000,
    })
    return identity?.arn ?? '(unsigned)'
  } catch (error) {
    if (error instanceof EmulatorFault) return error.code
    throw error
  }
}

const segment = fc
  .string({
    unit: fc.constantFrom(
      'a',
      'Z',
      '0',
      '-',
      '_',
      '.',
      '~',
      ' ',
      '=',
      '&',
      ':',
      '@',
      '!',
      '*',
      "'",
      '(',
      'é',
      '日',
      '$',
      ',',
    ),
    minLength: 1,
    maxLength: 6,
  })
  .filter((s) => s !== '.' && s !== '..')
const queryValue = fc.string({
  unit: fc.constantFrom('a', ' ', '=', '&', '/', 'é', '+', '%', '~'),
  maxLength: 6,
})
const request = fc.record({
  service: fc.constantFrom<EmulatorService>('sts', 'dynamodb', 's3'),
  method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE'),
  segments: fc.array(segment, { maxLength: 3 }),
  query: fc.dictionary(fc.stringMatching(/^[a-zA-Z][\w.-]{0,5}$/), queryValue, { maxKeys: 3 }),
  meta: fc.dictionary(fc.stringMatching(/^[a-c]{1,3}$/), fc.stringMatching(/^[a-z0-9]{1,6}$/), {
    maxKeys: 2,
  }),
  body: fc.string({ maxLength: 30 }),
  creds: fc.constantFrom(...CREDS),
  mutation: fc.constantFrom(
    'method',
    'path',
    'query-add',
    'query-change',
    'header',
    'date',
    'signature',
    'secret',
    'token',
    'key',
  ),
})

function toPlain(input: {
  service: EmulatorService
  method: string
  segments: string[]
  query: Record<string, string>
  meta: Record<string, string>
  body: string
}): PlainRequest {
  const hasBody = input.method === 'PUT' || input.method === 'POST'
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(input.meta)) headers[`x-amz-meta-${name}`] = value
  if (hasBody) headers['content-type'] = 'application/octet-stream'
  // S3 requires the payload hash header; the SDK always sends it.
  if (input.service === 's3') headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD'
  return {
    method: input.method,
    host: '127.0.0.1:4566',
    segments: input.service === 's3' ? ['bucket', ...input.segments] : input.segments,
    query: input.query,
    headers,
    ...(hasBody ? { body: input.body } : {}),
  }
}

function rebuild(
  signed: Request,
  changes: { url?: string; method?: string; headers?: Headers },
  body?: string,
): Request {
  return new Request(changes.url ?? signed.url, {
    method: changes.method ?? signed.method,
    headers: changes.headers ?? signed.headers,
    ...(body !== undefined ? { body } : {}),
  })
}

describe('SigV4 verification of generated requests', () => {
  test('requests signed by @smithy/signature-v4 verify; any single change is rejected', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        const req = toPlain(input)
        const body = req.body
        const signed = await smithySign(req, input.creds, input.service, NOW)
        const identity = input.creds === CREDS[0] ? base.identity.arn : temp.identity.arn
        expect(await verdict(input.service, signed.clone(), body ?? '')).toBe(identity)

        let mutated: Request
        const headers = new Headers(signed.headers)
        const url = new URL(signed.url)
        switch (input.mutation) {
          case 'method': {
            const method =
              body !== undefined
                ? req.method === 'PUT'
                  ? 'POST'
                  : 'PUT'
                : req.method === 'GET'
                  ? 'DELETE'
                  : 'GET'
            mutated = rebuild(signed, { method }, body)
            break
          }
          case 'path':
            url.pathname = `${url.pathname}x`
            mutated = rebuild(signed, { url: url.href }, body)
            break
          case 'query-add':
            url.searchParams.append('zz', '1')
            mutated = rebuild(signed, { url: url.href }, body)
            break
          case 'query-change': {
            const [first] = Object.keys(req.query)
            if (first === undefined) url.searchParams.append('only', '')
            else url.searchParams.set(first, `${req.query[first]}!`)
            mutated = rebuild(signed, { url: url.href }, body)
            break
          }
          case 'header':
            headers.set('host', '127.0.0.1:4567')
            mutated = rebuild(signed, { headers }, body)
            break
          case 'date': {
            const date = headers.get('x-amz-date')!
            headers.set(
              'x-amz-date',
              `${date.slice(0, -3)}${date.slice(-3, -1) === '59' ? '58' : '59'}Z`,
            )
            mutated = rebuild(signed, { headers }, body)
            break
          }
          case 'signature': {
            const auth = headers.get('authorization')!
            const last = auth.at(-1) === '0' ? '1' : '0'
            headers.set('authorization', `${auth.slice(0, -1)}${last}`)
            mutated = rebuild(signed, { headers }, body)
            break
          }
          case 'secret':
            mutated = await smithySign(
              req,
              { ...input.creds, secretAccessKey: `${input.creds.secretAccessKey}x` },
              input.service,
              NOW,
            )
            break
          case 'token':
            mutated = await smithySign(
              req,
              { ...input.creds, sessionToken: `${input.creds.sessionToken ?? 'IQoJ'}x` },
              input.service,
              NOW,
            )
            break
          case 'key':
            mutated = await smithySign(
              req,
              { ...input.creds, accessKeyId: 'AKIAFUZZFUZZFUZZ9999' },
              input.service,
              NOW,
            )
            break
        }
        const answer = await verdict(input.service, mutated, body ?? '')
        expect([input.mutation, answer]).not.toEqual([input.mutation, identity])
        expect(answer).toMatch(/^[A-Z][A-Za-z]+$/)
      }),
      runs(300),
    )
  })
})
