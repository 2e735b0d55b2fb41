/**
 * Property-based tests of the credential-process cache file reader: whatever bytes a cache file
 * holds, `read()` never throws and returns either exactly the credentials a valid file holds
 * or nothing (with a note that names the file and quotes none of its contents); what `write()`
 * writes reads back identically.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openCredentialCache } from '../../src/runtime/credential-cache.ts'
import type { CredentialCache } from '../../src/runtime/credential-cache.ts'
import { runs, SECRET_PREFIX } from './settings.ts'

let root: string
let cache: CredentialCache
const notes: string[] = []
const KEY = 'a'.repeat(64)

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stsrefresh-fuzz-cache-'))
  const opened = await openCredentialCache(join(root, 'cache'), (note) => notes.push(note))
  if (!opened) throw new Error('the cache directory should be usable')
  cache = opened
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

const secret = fc.stringMatching(/^[0-9a-f]{4,12}$/).map((hex) => `${SECRET_PREFIX}${hex}`)
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 5, arbitrary: arb }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) })
const iso = fc
  .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) })
  .map((ms) => new Date(ms).toISOString())
const document = fc.record(
  {
    Version: fc.constantFrom(1, 1, 2, '1'),
    AccessKeyId: maybe(fc.constantFrom('ASIAFUZZFUZZFUZZ0001', 'ASIASHORT')),
    SecretAccessKey: maybe(secret),
    SessionToken: maybe(secret),
    Expiration: maybe(fc.oneof(iso, fc.constantFrom('2026-99-99T00:00:00Z', '2026-01-01Tnope'))),
    Issued: maybe(iso),
  },
  { requiredKeys: [] },
)
const contents = fc.oneof(
  { weight: 4, arbitrary: document.map((doc) => JSON.stringify(doc)) },
  { weight: 1, arbitrary: document.map((doc) => JSON.stringify(doc).slice(0, -7)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.constant('') },
)

describe('credential cache files', () => {
  test('any file content is either exactly a valid entry or ignored with a note', async () => {
    await fc.assert(
      fc.asyncProperty(contents, async (content) => {
        notes.length = 0
        writeFileSync(join(root, 'cache', `${KEY}.json`), content, { mode: 0o600 })
        const entry = await cache.read(KEY)
        let doc: Record<string, unknown> | undefined
        try {
          doc = JSON.parse(
            typeof content === 'string' ? content : new TextDecoder().decode(content),
          )
        } catch {
          doc = undefined
        }
        const expiration = typeof doc?.Expiration === 'string' ? Date.parse(doc.Expiration) : NaN
        const valid =
          typeof doc === 'object' &&
          doc !== null &&
          doc.Version === 1 &&
          typeof doc.AccessKeyId === 'string' &&
          doc.AccessKeyId.length >= 16 &&
          typeof doc.SecretAccessKey === 'string' &&
          doc.SecretAccessKey !== '' &&
          (doc.SessionToken === undefined || typeof doc.SessionToken === 'string') &&
          (doc.Issued === undefined || typeof doc.Issued === 'string') &&
          Number.isFinite(expiration) &&
          /^\d{4}-\d\d-\d\dT/.test(doc.Expiration as string)
        if (!entry) {
          expect(valid).toBe(false)
          expect(notes).toHaveLength(1)
          expect(notes[0]).toStartWith(
            `ignoring cache file ${join(root, 'cache', `${KEY}.json`)}: `,
          )
          expect(notes[0]).not.toContain(SECRET_PREFIX)
          return
        }
        expect(valid).toBe(true)
        expect(notes).toEqual([])
        expect(entry.credentials.accessKeyId).toBe(doc!.AccessKeyId as string)
        expect(entry.credentials.secretAccessKey).toBe(doc!.SecretAccessKey as string)
        expect(entry.credentials.sessionToken).toBe((doc!.SessionToken as string) || undefined)
        expect(entry.credentials.expiration?.getTime()).toBe(expiration)
      }),
      runs(300),
    )
  })

  test('what write() stores, read() returns unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^ASIA[A-Z0-9]{16}$/),
        secret,
        fc.option(secret, { nil: undefined }),
        iso,
        async (accessKeyId, secretAccessKey, sessionToken, expiration) => {
          const credentials = {
            accessKeyId,
            secretAccessKey,
            ...(sessionToken ? { sessionToken } : {}),
            expiration: new Date(expiration),
          }
          await cache.write(KEY, credentials)
          const entry = await cache.read(KEY)
          expect(entry?.credentials).toEqual(credentials)
          expect(entry?.issued).toBeInstanceOf(Date)
        },
      ),
      runs(100),
    )
  })
})
