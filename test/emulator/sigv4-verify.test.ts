import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHash, createHmac } from 'node:crypto'
import { existsSync } from 'node:fs'
import { sha256Hex } from '../../src/aws/hex.ts'
import { getPlatform, setPlatform, webPlatform } from '../../src/platform.ts'
import { hostDigests } from '../../src/runtime/host-digests.ts'
import { authenticate } from '../../src/emulator/auth.ts'
import { EmulatorFault, type EmulatorService } from '../../src/emulator/context.ts'
import { createKeyStore } from '../../src/emulator/keys.ts'
import {
  canonicalHeaderValue,
  canonicalQueries,
  canonicalRequestText,
  canonicalUris,
  constantTimeEqual,
  parseSigV4,
  signString,
  stringToSign,
  verifySigV4,
} from '../../src/emulator/sigv4-verify.ts'
import {
  aws4Sign,
  type PlainRequest,
  seeded,
  smithySign,
  type TestCredentials,
} from './sigv4-helpers.ts'
import {
  isPlainCase,
  parseRaw,
  SUITE,
  SUITE_SECRET,
  SUITE_TOKEN,
  suiteCases,
} from '../helpers/sigv4-suite.ts'

describe('AWS SigV4 test suite', () => {
  const present = existsSync(SUITE)
  if (!present) {
    test.skip(`skipped: ${SUITE} is absent (the suite lives in ../shared/sigv4-test-suite/)`, () => {})
    return
  }
  const cases = suiteCases(SUITE)

  test('the suite has its cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(28)
  })

  for (const c of cases) {
    test(`${c.name}: canonical request, string to sign and signature`, async () => {
      const raw = parseRaw(c.req)
      const q = raw.target.indexOf('?')
      const path = q < 0 ? raw.target : raw.target.slice(0, q)
      const search = q < 0 ? '' : raw.target.slice(q)
      const headers = raw.headers
        .map((
          [name, values],
        ): [string, string] => [name, values.map(canonicalHeaderValue).join(',')])
        .sort(([a], [b]) => (a < b ? -1 : 1))
      const signedHeaders = /SignedHeaders=([^,]+)/.exec(c.authz)![1]!.split(';')
      const creq = canonicalRequestText({
        method: raw.method,
        uri: canonicalUris(path, false)[0]!,
        query: canonicalQueries(search, false)[0]!,
        headers: headers.filter(([name]) => signedHeaders.includes(name)),
        signedHeaders,
        payloadHash: await sha256Hex(raw.body),
      })
      expect(creq).toBe(c.creq)
      const sts = await stringToSign(
        '20150830T123600Z',
        '20150830/us-east-1/service/aws4_request',
        creq,
      )
      expect(sts).toBe(c.sts)
      const signature = await signString(SUITE_SECRET, {
        date: '20150830',
        region: 'us-east-1',
        service: 'service',
      }, sts)
      expect(`Signature=${signature}`).toBe(/Signature=\w+/.exec(c.authz)![0])
    })
  }

  // Cases a fetch Request can carry unchanged (no folded or repeated headers, a path that needs
  // no encoding or normalising) also go through parseSigV4 + verifySigV4 end to end.
  const plain = cases.filter(isPlainCase)
  for (const c of plain) {
    test(`${c.name}: verifies as a Request, and fails with one byte changed`, async () => {
      const raw = parseRaw(c.req)
      const headers = new Headers()
      for (const [name, [value]] of raw.headers) headers.set(name, value!.trim())
      headers.set('authorization', c.authz)
      if (c.name === 'post-sts-header-after') headers.set('x-amz-security-token', SUITE_TOKEN)
      const url = new URL(`http://example.amazonaws.com${raw.target.replace(/ /g, '%20')}`)
      const body = raw.body ? raw.body : undefined
      const request = new Request(url, { method: raw.method, headers, ...(body ? { body } : {}) })
      const parsed = parseSigV4(request, url)
      if (parsed.kind !== 'signed') throw new Error(`not signed: ${JSON.stringify(parsed)}`)
      const hash = await sha256Hex(raw.body)
      expect(await verifySigV4(request, url, parsed.claim, SUITE_SECRET, hash)).toEqual({
        ok: true,
      })
      const wrongSecret = await verifySigV4(
        request,
        url,
        parsed.claim,
        `${SUITE_SECRET.slice(0, -1)}Z`,
        hash,
      )
      expect(wrongSecret.ok).toBe(false)
      const wrongBody = await verifySigV4(
        request,
        url,
        parsed.claim,
        SUITE_SECRET,
        await sha256Hex(`${raw.body}x`),
      )
      expect(wrongBody.ok).toBe(false)
    })
  }
})

// The verifier hashes and signs through the host's digests where the platform has them, else
// WebCrypto: both must give the reference answers.
const PLATFORMS = [
  ['WebCrypto', webPlatform],
  ['host digests', { ...webPlatform, digests: hostDigests()! }],
] as const

for (const [label, platform] of PLATFORMS) describe(`derived signing keys (${label})`, () => {
  const previous = getPlatform()
  beforeAll(() => setPlatform(platform))
  afterAll(() => setPlatform(previous))

  test('the string to sign hashes the canonical request', async () => {
    const creq = 'GET\n/\n\nhost:example.amazonaws.com\n\nhost\n' + 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    const hash = createHash('sha256').update(creq).digest('hex')
    expect(await stringToSign('20150830T123600Z', '20150830/us-east-1/service/aws4_request', creq))
      .toBe(`AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n${hash}`)
  })

  // The SigV4 key derivation written out with node:crypto, independent of the emulator's cache.
  const reference = (secret: string, date: string, region: string, service: string, text: string): string => {
    let key: Buffer | string = `AWS4${secret}`
    for (const part of [date, region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest()
    return createHmac('sha256', key).update(text).digest('hex')
  }

  test('are kept per secret and scope: interleaved signing always matches a fresh derivation', async () => {
    const secrets = ['secret-one/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'secret-two/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBB']
    const scopes = [
      { date: '20260101', region: 'us-east-1', service: 's3' },
      { date: '20260102', region: 'us-east-1', service: 's3' },
      { date: '20260101', region: 'eu-west-1', service: 's3' },
      { date: '20260101', region: 'us-east-1', service: 'dynamodb' },
    ]
    for (let round = 0; round < 2; round++) {
      for (const scope of scopes) {
        for (const secret of secrets) {
          const text = `round ${round} ${scope.date} ${scope.region} ${scope.service}`
          expect(await signString(secret, scope, text)).toBe(reference(secret, scope.date, scope.region, scope.service, text))
        }
      }
    }
  })

  test('concurrent first requests of a scope agree, and keys evicted by many others are derived again', async () => {
    const scope = { date: '20260103', region: 'us-east-1', service: 'sts' }
    const signed = await Promise.all(Array.from({ length: 20 }, () => signString('first-secret', scope, 'same text')))
    expect(new Set(signed)).toEqual(new Set([reference('first-secret', scope.date, scope.region, scope.service, 'same text')]))
    for (let i = 0; i < 300; i++) await signString(`other-secret-${i}`, scope, 'x')
    expect(await signString('first-secret', scope, 'again')).toBe(reference('first-secret', scope.date, scope.region, scope.service, 'again'))
  })
})

describe('canonical forms', () => {
  test('generic services normalise and encode the path a second time; S3 does neither', () => {
    expect(canonicalUris('/a/./b/../c//d%20e/', false)).toEqual(['/a/c/d%2520e/'])
    expect(canonicalUris('/bucket/a//b/./c%20d', true)).toEqual(['/bucket/a//b/./c%20d'])
    // A client that leaves a reserved character unencoded still matches via re-encoding.
    expect(canonicalUris('/bucket/a:b', true)).toEqual(['/bucket/a%3Ab', '/bucket/a:b'])
  })

  test('query parameters are decoded, re-encoded, sorted; the signature is left out when presigned', () => {
    expect(canonicalQueries('?b=2&a=%7e&a=1&c', false)).toEqual(['a=1&a=~&b=2&c='])
    expect(canonicalQueries('?X-Amz-Signature=abc&x=y', true)).toEqual(['x=y'])
    expect(canonicalQueries('?k=a+b', false)).toEqual(['k=a%20b', 'k=a%2Bb'])
  })

  test('constant-time comparison is exact', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true)
    expect(constantTimeEqual('abc', 'abd')).toBe(false)
    expect(constantTimeEqual('abc', 'abcd')).toBe(false)
    expect(constantTimeEqual('', '')).toBe(true)
  })
})

// Generated requests, signed by two signers no one here wrote, checked by the emulator's full
// authentication step (key, token, time, payload hash, signature).
describe('agreement with @smithy/signature-v4 and aws4fetch', () => {
  const NOW = Date.UTC(2026, 0, 1, 12, 0, 0)
  const keys = createKeyStore('123456789012', [{
    accessKeyId: 'AKIAEXAMPLEEXAMPLE22',
    secretAccessKey: 'base/secret+key/0123456789abcdefghijklmn',
  }])
  const base = keys.baseKeys[0]!
  const temp = keys.issueTemporary({
    roleArn: 'arn:aws:iam::123456789012:role/gen',
    roleName: 'gen',
    roleAccountId: '123456789012',
    sessionName: 'gen',
    expiration: NOW + 3600_000,
  })
  const tempCreds = {
    accessKeyId: temp.accessKeyId,
    secretAccessKey: temp.secretAccessKey,
    sessionToken: temp.sessionToken!,
  }
  const baseCreds = { accessKeyId: base.accessKeyId, secretAccessKey: base.secretAccessKey }
  const auth = (service: EmulatorService, request: Request, body: string): Promise<unknown> => {
    const url = new URL(request.url)
    return authenticate({
      service,
      request,
      url,
      body: new TextEncoder().encode(body),
      parsed: parseSigV4(request, url),
      keys,
      region: 'us-east-1',
      now: NOW,
      maxSkewMs: 300_000,
    }).catch((error: unknown) => {
      if (error instanceof EmulatorFault) return error.code
      throw error
    })
  }

  const CHARS = [
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
    '%',
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
    ';',
    '/',
  ]
  const generate = (rand: () => number, s3: boolean, forAws4: boolean): PlainRequest => {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!
    const word = (min: number, max: number, allowed = CHARS): string => {
      let s = ''
      const n = min + Math.floor(rand() * (max - min + 1))
      for (let i = 0; i < n; i++) s += pick(allowed)
      return s
    }
    const segmentChars = CHARS.filter((c) => c !== '/' && (!forAws4 || c !== '%'))
    // `.` and `..` segments cannot survive a WHATWG URL (fetch removes them on both sides).
    const segments = Array.from({ length: Math.floor(rand() * 4) }, () => word(1, 6, segmentChars))
      .filter(
        (seg) => seg !== '.' && seg !== '..',
      )
    const query: Record<string, string> = {}
    for (let i = Math.floor(rand() * 4); i > 0; i--) {
      query[`${word(1, 4, ['a', 'b', 'K', '-', '_', '.'])}${i}`] = word(0, 6)
    }
    const headers: Record<string, string> = {}
    for (let i = Math.floor(rand() * 3); i > 0; i--) {
      headers[`x-amz-meta-${word(1, 3, ['a', 'b', 'c'])}${i}`] = `v ${
        word(1, 5, ['a', 'x', '1', ' '])
      }`.trim()
    }
    const method = pick(['GET', 'PUT', 'POST', 'DELETE'])
    const hasBody = method === 'PUT' || method === 'POST'
    return {
      method,
      host: pick(['127.0.0.1:4566', 'localhost:9000', 'bucket.s3.localhost:4566']),
      segments: s3 ? ['bucket', ...segments] : segments,
      trailingSlash: rand() < 0.3,
      query,
      headers: { ...headers, ...(hasBody ? { 'content-type': 'application/octet-stream' } : {}) },
      ...(hasBody ? { body: word(0, 40) } : {}),
    }
  }

  test('UNSIGNED-PAYLOAD is S3\'s alone: STS and DynamoDB put the body\'s own hash in the canonical request', async () => {
    for (const service of ['sts', 'dynamodb'] as const) {
      for (const header of ['UNSIGNED-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD']) {
        const req: PlainRequest = {
          method: 'POST',
          host: '127.0.0.1:4566',
          segments: [],
          trailingSlash: true,
          query: {},
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-content-sha256': header },
          body: '{"Limit":1}',
        }
        // Signed over the header's value, so a body changed after signing would pass if the
        // emulator took the header at its word.
        const signed = await aws4Sign(req, tempCreds, service, NOW, { signQuery: false })
        expect([service, header, await auth(service, signed, req.body!)]).toEqual([
          service,
          header,
          service === 'dynamodb' ? 'InvalidSignatureException' : 'SignatureDoesNotMatch',
        ])
      }
    }
  })

  const services: EmulatorService[] = ['sts', 'dynamodb', 's3']
  for (const service of services) {
    for (const signerName of ['smithy', 'aws4fetch'] as const) {
      test(`${signerName} -> ${service}: 60 generated requests verify; one changed value fails each`, async () => {
        const rand = seeded(service.length * 97 + signerName.length)
        const s3 = service === 's3'
        const signatureError = service === 'dynamodb'
          ? 'InvalidSignatureException'
          : 'SignatureDoesNotMatch'
        for (let i = 0; i < 60; i++) {
          let req = generate(rand, s3, signerName === 'aws4fetch')
          const creds = i % 2 === 0 ? tempCreds : baseCreds
          const presign = i % 5 === 4 && req.body === undefined
          // S3 presigned URLs carry UNSIGNED-PAYLOAD, as @aws-sdk/s3-request-presigner signs them.
          if (s3 && presign && signerName === 'smithy') {
            req = {
              ...req,
              headers: { ...req.headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
            }
          }
          const sign = (r: PlainRequest, c: TestCredentials = creds, now = NOW): Promise<Request> =>
            signerName === 'smithy'
              ? smithySign(r, c, service, now, { presign })
              : aws4Sign(r, c, service, now, { signQuery: presign })
          const signed = await sign(req)
          const label = `${signerName} ${service} #${i} ${signed.method} ${signed.url}`
          expect([label, await auth(service, signed.clone(), req.body ?? '')]).toEqual([
            label,
            creds === tempCreds ? temp.identity : base.identity,
          ])

          // One byte of the body (S3 reports the payload hash; the others the signature).
          if (req.body !== undefined && !(s3 && (presign || signerName === 'aws4fetch'))) {
            const body = `${req.body}!`
            const tampered = new Request(signed.url, {
              method: signed.method,
              headers: signed.headers,
              body,
            })
            expect([label, await auth(service, tampered, body)]).toEqual([
              label,
              s3 ? 'XAmzContentSHA256Mismatch' : signatureError,
            ])
          }
          // One query value.
          const url = new URL(signed.url)
          url.searchParams.set('extra', 'x')
          const withQuery = new Request(url, {
            method: signed.method,
            headers: signed.headers,
            ...(req.body !== undefined ? { body: req.body } : {}),
          })
          expect([label, await auth(service, withQuery, req.body ?? '')]).toEqual([
            label,
            signatureError,
          ])
          // One signed header value (header auth), or the date one second later.
          if (!presign) {
            const headers = new Headers(signed.headers)
            const claimed = parseSigV4(signed, new URL(signed.url))
            const signedNames = claimed.kind === 'signed' ? claimed.claim.signedHeaders : []
            const name = Object.keys(req.headers).find((h) => signedNames.includes(h))
            if (name) {
              headers.set(name, `${headers.get(name)}x`)
              const changed = new Request(signed.url, {
                method: signed.method,
                headers,
                ...(req.body !== undefined ? { body: req.body } : {}),
              })
              expect([label, await auth(service, changed, req.body ?? '')]).toEqual([
                label,
                signatureError,
              ])
            }
            const dated = new Headers(signed.headers)
            dated.set('x-amz-date', '20260101T120001Z')
            const redated = new Request(signed.url, {
              method: signed.method,
              headers: dated,
              ...(req.body !== undefined ? { body: req.body } : {}),
            })
            expect([label, await auth(service, redated, req.body ?? '')]).toEqual([
              label,
              signatureError,
            ])
          }
          // One character of the session token.
          if (creds === tempCreds) {
            const wrongToken = `${tempCreds.sessionToken.slice(0, -2)}A=`
            const resigned = await sign(req, { ...tempCreds, sessionToken: wrongToken })
            expect([label, await auth(service, resigned, req.body ?? '')]).toEqual([
              label,
              service === 'sts'
                ? 'InvalidClientTokenId'
                : service === 'dynamodb'
                ? 'UnrecognizedClientException'
                : 'InvalidToken',
            ])
          }
        }
      })
    }
  }
})
