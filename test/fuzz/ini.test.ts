/**
 * Property-based tests of the shared-config INI parser and of profile resolution: whatever the
 * files hold, parsing and planning finish (no crash, no hang) and every rejection is exactly one
 * ConfigError, on one line, naming the file and line (parser) or the file, profile and key
 * (resolution), and never quoting a secret.
 */
import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { parseIni } from '../../src/config/ini.ts'
import { loadProfiles } from '../../src/config/profiles.ts'
import { planProfile } from '../../src/credentials/profile-plan.ts'
import { ConfigError, isConfigError } from '../../src/errors.ts'
import { runs, SECRET_PREFIX } from './settings.ts'

const FILE = '/home/fuzz/.aws/config'

/** The ConfigError `fn` throws, or undefined when it returns; anything else fails the test. */
function configErrorOf(fn: () => unknown): ConfigError | undefined {
  try {
    fn()
    return undefined
  } catch (error) {
    if (!isConfigError(error))
      throw new Error(`not a ConfigError: ${String(error)}`, { cause: error })
    return error
  }
}

const iniChar = fc.constantFrom(
  '[',
  ']',
  '=',
  ':',
  '#',
  ';',
  ' ',
  '\t',
  '\n',
  '\r',
  '\r\n',
  'a',
  'B',
  '_',
  '-',
  '.',
  '"',
  "'",
  'profile',
  'é',
  '\uFEFF',
  '\u0000',
  '\u2028',
  'x = y',
  '[default]',
  '\n  ',
)

describe('parseIni on generated input', () => {
  test('any text parses or fails with one positioned ConfigError', () => {
    fc.assert(
      fc.property(fc.string({ unit: iniChar, maxLength: 80 }), (text) => {
        const lines = text.split(/\r\n|\n|\r/).length
        const error = configErrorOf(() => parseIni(text, FILE))
        if (!error) return
        expect(error.file).toBe(FILE)
        const match = /^\/home\/fuzz\/\.aws\/config line (\d+): \S/.exec(error.message)
        expect(match).not.toBeNull()
        const line = Number(match?.[1])
        expect(line).toBeGreaterThanOrEqual(1)
        expect(line).toBeLessThanOrEqual(lines)
        expect(error.message).not.toMatch(/[\r\n]/)
      }),
      runs(1500),
    )
  })

  test('arbitrary unicode never crashes the parser', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        configErrorOf(() => parseIni(text, FILE))
      }),
      runs(500),
    )
  })

  // Names and values that survive the format unchanged: no surrounding blanks, no delimiters in
  // keys, no inline-comment marker (" #", " ;") in values, no line breaks.
  const word = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/)
  const value = fc
    .stringMatching(/^[\w+=,.@:/\-#;\]\[ ]{0,24}$/)
    .map((text) => text.replace(/\s+[#;]/g, '').trim())
    .filter((text) => !/^[#;]/.test(text))
  const section = fc.record({
    header: word,
    entries: fc.uniqueArray(fc.tuple(word, value), { selector: ([key]) => key, maxLength: 6 }),
  })
  const document = fc.uniqueArray(section, { selector: (s) => s.header, maxLength: 5 })

  test('well-formed documents round-trip (any line ending, optional BOM, comments)', () => {
    fc.assert(
      fc.property(
        document,
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.boolean(),
        fc.constantFrom(' = ', '=', ': ', ' =\t'),
        (sections, eol, bom, delimiter) => {
          const lines: string[] = bom ? ['\uFEFF# written by a property'] : ['; comment']
          for (const { header, entries } of sections) {
            lines.push(`[${header}]  # trailing comment`)
            // An empty value followed by an unindented key is a plain empty value, not a subsection.
            for (const [key, text] of entries) lines.push(`${key}${delimiter}${text}`)
            lines.push('')
          }
          const parsed = parseIni(lines.join(eol), FILE)
          expect(parsed.sections.map((s) => s.header)).toEqual(sections.map((s) => s.header))
          parsed.sections.forEach((parsedSection, i) => {
            const expected = sections[i]!.entries
            expect([...parsedSection.entries].map(([k, e]) => [k, e.value])).toEqual(
              expected.map(([k, v]) => [k, v]),
            )
          })
        },
      ),
      runs(400),
    )
  })
})

// Profile resolution: a small universe of profile names, keys and good/bad values, so the
// generator hits cycles, missing sources, half key pairs and invalid values often.
const NAMES = ['default', 'a', 'b', 'c', 'dev ops']
const secret = fc.stringMatching(/^[0-9a-f]{4,8}$/).map((hex) => `${SECRET_PREFIX}${hex}`)
const settingValue: Record<string, fc.Arbitrary<string>> = {
  aws_access_key_id: fc.constantFrom('AKIAFUZZFUZZFUZZ0001', 'AKIAFUZZFUZZFUZZ0002', ''),
  aws_secret_access_key: fc.oneof(secret, fc.constant('')),
  aws_session_token: secret,
  role_arn: fc.constantFrom(
    'arn:aws:iam::123456789012:role/fuzz',
    'arn:aws:iam::123456789012:user/not-a-role',
    'not an arn',
    'not-an-arn\n  continued on an indented line',
    '',
  ),
  source_profile: fc.constantFrom(...NAMES, 'missing'),
  credential_source: fc.constantFrom('Environment', 'EcsContainer', 'environment', 'Nope'),
  duration_seconds: fc.constantFrom('900', '3600', '43200', '899', '43201', '1e3', 'abc', ''),
  role_session_name: fc.constantFrom('session', 'x', 'has space', 'ok.name@x'),
  external_id: fc.oneof(secret, fc.constant('e')),
  mfa_serial: fc.constantFrom('arn:aws:iam::123456789012:mfa/u', 'short'),
  credential_process: fc.constantFrom('/bin/echo creds', ''),
  web_identity_token_file: fc.constantFrom('/tmp/token', ''),
  region: fc.constantFrom('us-east-1', 'EU WEST', 'us-east-1\n  eu-west-1', ''),
  sso_session: fc.constant('corp'),
  aws_account_id: fc.constantFrom('123456789012', '12345'),
}
const profileSettings = fc
  .dictionary(fc.constantFrom(...Object.keys(settingValue)), fc.constant(null), { maxKeys: 5 })
  .chain((keys) =>
    fc.record(Object.fromEntries(Object.keys(keys).map((k) => [k, settingValue[k]!]))),
  )

const profileFiles = fc.record({
  config: fc.dictionary(fc.constantFrom(...NAMES), profileSettings, { maxKeys: 4 }),
  credentials: fc.dictionary(fc.constantFrom(...NAMES), profileSettings, { maxKeys: 3 }),
})

function render(
  profiles: Record<string, Record<string, string>>,
  kind: 'config' | 'credentials',
): string {
  return Object.entries(profiles)
    .map(([name, settings]) => {
      const header =
        kind === 'credentials' || name === 'default'
          ? name
          : `profile ${name.includes(' ') ? `"${name}"` : name}`
      return [`[${header}]`, ...Object.entries(settings).map(([k, v]) => `${k} = ${v}`)].join('\n')
    })
    .join('\n\n')
}

describe('profile resolution on generated configurations', () => {
  test('planning finishes, and every rejection names file, profile and key without a secret', async () => {
    await fc.assert(
      fc.asyncProperty(
        profileFiles,
        fc.constantFrom(...NAMES, 'missing'),
        fc.boolean(),
        fc.boolean(),
        async ({ config, credentials }, name, explicit, hasTokenCode) => {
          const files: Record<string, string> = {
            '/h/.aws/config': render(config, 'config'),
            '/h/.aws/credentials': render(credentials, 'credentials'),
          }
          const readTextFile = async (path: string): Promise<string> => {
            const text = files[path]
            if (text === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' })
            return text
          }
          const loaded = await loadProfiles({ env: {}, homeDir: '/h', readTextFile })
          const error = configErrorOf(() => planProfile(loaded, name, { explicit, hasTokenCode }))
          if (!error) return
          expect(error.message).not.toContain(SECRET_PREFIX)
          expect(error.message).not.toMatch(/[\r\n]/)
          expect(error.profile).toBeDefined()
          expect(error.message).toContain(`profile "`)
          expect(error.file === '/h/.aws/config' || error.file === '/h/.aws/credentials').toBe(true)
          expect(error.message).toContain(error.file!)
          if (error.key !== undefined) expect(error.message).toContain(`: ${error.key}: `)
        },
      ),
      runs(1500),
    )
  })

  test('a value continued over several lines is still reported on one line', async () => {
    // Regression: an indented line continues a value (configparser), so an echoed bad value
    // could hold a line break and split the one-line error the CLI prints.
    const text = '[profile p]\nrole_arn = not-an-arn\n  second line\nsource_profile = p\n'
    const loaded = await loadProfiles({
      env: {},
      homeDir: '/h',
      readTextFile: async (path) => (path === '/h/.aws/config' ? text : ''),
    })
    const error = configErrorOf(() =>
      planProfile(loaded, 'p', { explicit: true, hasTokenCode: false }),
    )
    expect(error?.message).toBe(
      '/h/.aws/config line 2: profile "p": role_arn: must be an IAM role ARN such as ' +
        'arn:aws:iam::123456789012:role/name (got "not-an-arn\\nsecond line")',
    )
  })
})
