/**
 * Property-based tests of the two sources that parse untrusted JSON from outside the process:
 * `credential_process` output and container-endpoint responses. Whatever arrives, the source
 * either returns exactly the credentials the document holds (when it is valid by the AWS
 * format) or throws one CredentialsError, on one line, naming the source and quoting no secret.
 */
import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { createManualClock } from '../../src/clock.ts'
import { fromContainer } from '../../src/credentials/container.ts'
import { fromProcess } from '../../src/credentials/process.ts'
import { isCredentialsError, isStsRefreshError } from '../../src/errors.ts'
import type { Credentials } from '../../src/types.ts'
import { runs, SECRET_PREFIX } from './settings.ts'

const T0 = Date.UTC(2026, 0, 1)
const secret = fc.stringMatching(/^[0-9a-f]{4,12}$/).map((hex) => `${SECRET_PREFIX}${hex}`)
const keyId = fc.constantFrom('ASIAFUZZFUZZFUZZ0001', 'AKIAFUZZFUZZFUZZ0002')
const date = fc.oneof(
  fc.integer({ min: -86_400_000, max: 86_400_000 }).map((ms) => new Date(T0 + ms).toISOString()),
  fc.constantFrom('2026-01-01T01:00:00Z', '2026-13-45T00:00:00Z', 'tomorrow', '', '0', '1e12'),
)
/** A field: usually the right type, sometimes anything at all. */
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 6, arbitrary: arb }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) })

/** Run `fn`, returning its value or its error; a non-package error fails the property. */
async function outcome(fn: () => Promise<Credentials>): Promise<Credentials | Error> {
  try {
    return await fn()
  } catch (error) {
    if (!isStsRefreshError(error)) throw new Error(`escaped as ${String(error)}`, { cause: error })
    return error as Error
  }
}

function assertCleanMessage(error: Error): void {
  expect(error.message).not.toContain(SECRET_PREFIX)
  // One line, no terminal control characters from the untrusted side.
  expect(error.message).not.toMatch(/[\u0000-\u001f\u007f]/)
}

const validDate = (value: unknown): value is string =>
  typeof value === 'string' && Number.isFinite(Date.parse(value))
const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value !== ''

describe('credential_process output', () => {
  const document = fc.record(
    {
      Version: fc.oneof(fc.constant(1), fc.constantFrom(2, '1', 0, null)),
      AccessKeyId: maybe(keyId),
      SecretAccessKey: maybe(secret),
      SessionToken: maybe(secret),
      Expiration: maybe(date),
      AccountId: maybe(fc.constant('123456789012')),
    },
    { requiredKeys: [] },
  )
  const stdout = fc.oneof(
    { weight: 5, arbitrary: document.map((doc) => JSON.stringify(doc)) },
    { weight: 1, arbitrary: document.map((doc) => JSON.stringify(doc).slice(0, -3)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? '') },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  )

  test('valid output is returned exactly; anything else is one clean CredentialsError', async () => {
    const clock = createManualClock(T0)
    await fc.assert(
      fc.asyncProperty(stdout, fc.integer({ min: 0, max: 3 }), async (out, exitCode) => {
        const provider = fromProcess({
          command: 'fuzz-helper',
          profile: 'fuzz',
          clock,
          runCommand: async () => ({ exitCode, stdout: out, stderr: exitCode ? 'failed' : '' }),
        })
        const result = await outcome(() => provider())
        let doc: Record<string, unknown> | undefined
        try {
          doc = JSON.parse(out.trim()) as Record<string, unknown>
        } catch {
          doc = undefined
        }
        const valid =
          exitCode === 0 &&
          typeof doc === 'object' &&
          doc !== null &&
          !Array.isArray(doc) &&
          doc.Version === 1 &&
          nonEmpty(doc.AccessKeyId) &&
          nonEmpty(doc.SecretAccessKey) &&
          (doc.SessionToken === undefined || typeof doc.SessionToken === 'string') &&
          (doc.AccountId === undefined || typeof doc.AccountId === 'string') &&
          (doc.Expiration === undefined ||
            (validDate(doc.Expiration) && Date.parse(doc.Expiration) > T0))
        if (result instanceof Error) {
          expect(valid).toBe(false)
          expect(isCredentialsError(result)).toBe(true)
          expect(result.message.startsWith('credential_process of profile "fuzz" ')).toBe(true)
          assertCleanMessage(result)
          return
        }
        expect(valid).toBe(true)
        expect(result.accessKeyId).toBe(doc!.AccessKeyId as string)
        expect(result.secretAccessKey).toBe(doc!.SecretAccessKey as string)
        expect(result.sessionToken).toBe((doc!.SessionToken as string) || undefined)
        if (doc!.Expiration !== undefined) {
          expect(result.expiration?.getTime()).toBe(Date.parse(doc!.Expiration as string))
        }
      }),
      runs(1500),
    )
  })
})

describe('container endpoint responses', () => {
  const body = fc.record(
    {
      Code: fc.oneof(fc.constant('Success'), fc.constantFrom('Failure', 'x\u001b[31mred')),
      Message: fc.string({ maxLength: 30 }),
      AccessKeyId: maybe(keyId),
      SecretAccessKey: maybe(secret),
      Token: maybe(secret),
      Expiration: maybe(date),
    },
    { requiredKeys: [] },
  )
  const text = fc.oneof(
    { weight: 5, arbitrary: body.map((b) => JSON.stringify(b)) },
    { weight: 1, arbitrary: body.map((b) => JSON.stringify(b).slice(0, 10)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: fc.constant('<html><body><h1>502 Bad Gateway</h1>\n</body></html>') },
  )
  const status = fc.constantFrom(200, 200, 200, 400, 401, 403, 404, 500, 502, 503)

  test('valid bodies are returned exactly; anything else is one clean CredentialsError', async () => {
    await fc.assert(
      fc.asyncProperty(status, text, async (code, answer) => {
        let calls = 0
        const provider = fromContainer({
          env: {
            AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9/creds',
            AWS_CONTAINER_AUTHORIZATION_TOKEN: 'fuzz-token',
          },
          fetch: async () => {
            calls++
            return new Response(answer, { status: code })
          },
        })
        const result = await outcome(() => provider())
        let doc: Record<string, unknown> | undefined
        try {
          doc = JSON.parse(answer) as Record<string, unknown>
        } catch {
          doc = undefined
        }
        const valid =
          code === 200 &&
          typeof doc === 'object' &&
          doc !== null &&
          (doc.Code === undefined || doc.Code === 'Success') &&
          nonEmpty(doc.AccessKeyId) &&
          nonEmpty(doc.SecretAccessKey) &&
          nonEmpty(doc.Token) &&
          validDate(doc.Expiration)
        // 5xx is retried once, everything else answered at once.
        expect(calls).toBe(code >= 500 ? 2 : 1)
        if (result instanceof Error) {
          expect(valid).toBe(false)
          expect(isCredentialsError(result)).toBe(true)
          expect(result.message.startsWith('container (http://127.0.0.1:9/creds): ')).toBe(true)
          assertCleanMessage(result)
          return
        }
        expect(valid).toBe(true)
        expect(result).toEqual({
          accessKeyId: doc!.AccessKeyId as string,
          secretAccessKey: doc!.SecretAccessKey as string,
          sessionToken: doc!.Token as string,
          expiration: new Date(Date.parse(doc!.Expiration as string)),
        })
      }),
      runs(1500),
    )
  })
})

describe('regressions found by the properties', () => {
  test('a container endpoint cannot put terminal escapes or line breaks into the error', async () => {
    const provider = fromContainer({
      env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9/creds' },
      fetch: async () =>
        new Response(JSON.stringify({ Code: 'x\u001b[31m', Message: 'line1\nline2' }), {
          status: 200,
        }),
    })
    const error = await outcome(() => provider())
    expect((error as Error).message).toBe(
      'container (http://127.0.0.1:9/creds): answered Code "x\\u001b[31m": line1\\u000aline2',
    )
    const denied = fromContainer({
      env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9/creds' },
      fetch: async () => new Response('denied\r\n\u001b]0;pwned\u0007', { status: 403 }),
    })
    expect(((await outcome(() => denied())) as Error).message).toBe(
      'container (http://127.0.0.1:9/creds): HTTP 403: denied\\u000d\\u000a\\u001b]0;pwned\\u0007 ' +
        '(check AWS_CONTAINER_AUTHORIZATION_TOKEN / _FILE)',
    )
  })
})
