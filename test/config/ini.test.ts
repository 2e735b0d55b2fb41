import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { classifySection, parseIni } from '../../src/config/ini.ts'
import type { IniDocument } from '../../src/config/ini.ts'
import { ConfigError, isConfigError } from '../../src/errors.ts'

/** `{ header: { key: value } }` for compact assertions; sub-sections as nested objects. */
function plain(doc: IniDocument): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {}
  for (const section of doc.sections) {
    const entries: Record<string, unknown> = {}
    for (const [key, entry] of section.entries) {
      entries[key] = entry.subsection ? Object.fromEntries(entry.subsection) : entry.value
    }
    out[section.header] = entries
  }
  return out
}

function parseError(text: string, file = '/home/u/.aws/config'): ConfigError {
  try {
    parseIni(text, file)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}

describe('parseIni', () => {
  test('sections, keys, whitespace, case-insensitive keys, colon delimiter', () => {
    const doc = parseIni(
      [
        '[default]',
        'region=us-east-1',
        'output   =   json  ',
        'AWS_Access_Key_ID = AKIAEXAMPLE',
        'role_arn = arn:aws:iam::123456789012:role/a',
        'cli_pager: less',
        '',
        '[profile dev]',
        'empty =',
      ].join('\n'),
    )
    expect(plain(doc)).toEqual({
      default: {
        region: 'us-east-1',
        output: 'json',
        aws_access_key_id: 'AKIAEXAMPLE',
        role_arn: 'arn:aws:iam::123456789012:role/a',
        cli_pager: 'less',
      },
      'profile dev': { empty: '' },
    })
    expect(doc.sections.map((s) => s.line)).toEqual([1, 8])
    expect(doc.sections[0]?.entries.get('output')?.line).toBe(3)
  })

  test('comments: full-line # and ; (indented too); inline only after whitespace', () => {
    const doc = parseIni(
      [
        '# top comment',
        '; another',
        '[default] # header comment',
        '  # indented comment',
        'region = us-west-2 # inline',
        'a = b;c',
        'b = x#y',
        'c = value ; semicolon comment',
        'd = # only a comment',
        'url = https://example.com/#frag',
      ].join('\n'),
    )
    expect(plain(doc)).toEqual({
      default: { region: 'us-west-2', a: 'b;c', b: 'x#y', c: 'value', d: '', url: 'https://example.com/#frag' },
    })
  })

  test('sub-sections under an empty value; a dedented key ends them; blank lines and comments inside', () => {
    const doc = parseIni(
      [
        '[profile dev]',
        's3 =',
        '  max_concurrent_requests = 20',
        '',
        '  # a comment inside',
        '\taddressing_style = path',
        'region = eu-west-1',
        'dynamodb =',
        '    endpoint_url = http://127.0.0.1:8000',
      ].join('\n'),
    )
    expect(plain(doc)).toEqual({
      'profile dev': {
        s3: { max_concurrent_requests: '20', addressing_style: 'path' },
        region: 'eu-west-1',
        dynamodb: { endpoint_url: 'http://127.0.0.1:8000' },
      },
    })
  })

  test('an indented line after a non-empty value continues it (configparser), even if it has =', () => {
    const doc = parseIni(
      ['[default]', 'credential_process = /bin/tool', '   --flag one', 'x = 1', '  y = 2', 'z = 3'].join('\n'),
    )
    expect(plain(doc)).toEqual({ default: { credential_process: '/bin/tool\n--flag one', x: '1\ny = 2', z: '3' } })
  })

  test('keys indented alike are separate keys', () => {
    const doc = parseIni(['[default]', '    a = 1', '    b = 2'].join('\n'))
    expect(plain(doc)).toEqual({ default: { a: '1', b: '2' } })
  })

  test('CRLF, lone CR, BOM and unicode', () => {
    const text = '\uFEFF[profile café]\r\nregion = ap-northeast-1\r\n[profile 日本]\rnote = ünïcödé ✓\r'
    expect(plain(parseIni(text))).toEqual({
      'profile café': { region: 'ap-northeast-1' },
      'profile 日本': { note: 'ünïcödé ✓' },
    })
  })

  test('duplicate section in one file is an error naming both lines (botocore is strict)', () => {
    const error = parseError('[default]\na = 1\n[profile x]\n[default]\nb = 2\n')
    expect(error.message).toBe(
      '/home/u/.aws/config line 4: duplicate section [default] (first defined on line 1): merge the two',
    )
    expect(error.file).toBe('/home/u/.aws/config')
  })

  test('duplicate key (case-insensitively) in one section is an error', () => {
    const error = parseError('[default]\nregion = a\n\nREGION = b\n')
    expect(error.message).toBe(
      '/home/u/.aws/config line 4: duplicate key "region" in [default] (first set on line 2)',
    )
  })

  test('the same key in different sections is fine', () => {
    expect(plain(parseIni('[a]\nk = 1\n[b]\nk = 2'))).toEqual({ a: { k: '1' }, b: { k: '2' } })
  })

  test('malformed lines are errors with the line number', () => {
    expect(parseError('region = x\n').message).toBe(
      '/home/u/.aws/config line 1: "region" is outside any section: add a header such as [default] above it',
    )
    expect(parseError('[default]\njust some words\n').message).toBe(
      '/home/u/.aws/config line 2: expected "key = value", a "[section]" header or a comment',
    )
    expect(parseError('[default\n').message).toBe(
      '/home/u/.aws/config line 1: malformed section header: expected "[name]"',
    )
    expect(parseError('[default] trailing\n').message).toBe(
      '/home/u/.aws/config line 1: malformed section header: expected "[name]"',
    )
    expect(parseError('[ ]\n').message).toBe('/home/u/.aws/config line 1: empty section header "[]"')
    expect(parseError('[default]\n= value\n').message).toBe(
      '/home/u/.aws/config line 2: expected "key = value", a "[section]" header or a comment',
    )
    expect(parseError('[default]\ns3 =\n  no delimiter here\n').message).toBe(
      '/home/u/.aws/config line 3: expected "key = value" in the sub-section under "s3"',
    )
  })

  test('empty and comment-only input', () => {
    expect(parseIni('').sections).toEqual([])
    expect(parseIni('\n\n# nothing\n;\n').sections).toEqual([])
  })

  test('__proto__ keys and sections are plain data', () => {
    const doc = parseIni('[__proto__]\n__proto__ = x\nconstructor = y\n')
    // Sections and entries are Maps, so these names stay data and never touch a prototype.
    expect(doc.sections.map((s) => s.header)).toEqual(['__proto__'])
    const entries = doc.sections[0]?.entries
    expect([...(entries?.keys() ?? [])]).toEqual(['__proto__', 'constructor'])
    expect(entries?.get('__proto__')?.value).toBe('x')
    expect(entries?.get('constructor')?.value).toBe('y')
    expect(({} as Record<string, unknown>).x).toBeUndefined()
  })

  test('never throws anything but ConfigError, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('[', ']', '=', ':', '#', ';', ' ', '\t', '\n', '\r', 'a', 'é', '\uFEFF') }), (text) => {
        try {
          parseIni(text)
        } catch (error) {
          if (!isConfigError(error)) throw error
        }
      }),
      { numRuns: 2000 },
    )
  })
})

describe('classifySection', () => {
  test('config file: [default], [profile x], quoted names, sso-session and services kept apart', () => {
    expect(classifySection('default', 'config')).toEqual({ kind: 'profile', name: 'default' })
    expect(classifySection('profile dev', 'config')).toEqual({ kind: 'profile', name: 'dev' })
    expect(classifySection('profile   dev', 'config')).toEqual({ kind: 'profile', name: 'dev' })
    expect(classifySection('profile "my profile"', 'config')).toEqual({ kind: 'profile', name: 'my profile' })
    expect(classifySection("profile 'q'", 'config')).toEqual({ kind: 'profile', name: 'q' })
    expect(classifySection('profile default', 'config')).toEqual({ kind: 'profile', name: 'default' })
    expect(classifySection('sso-session corp', 'config')).toEqual({ kind: 'sso-session', name: 'corp' })
    expect(classifySection('services local', 'config')).toEqual({ kind: 'services', name: 'local' })
  })

  test('config file: sections that are not profiles', () => {
    expect(classifySection('dev', 'config').kind).toBe('other')
    expect(classifySection('profiledev', 'config').kind).toBe('other')
    expect(classifySection('profile', 'config')).toEqual({
      kind: 'other',
      reason: 'expected "[profile name]" with exactly one name',
    })
    expect(classifySection('profile a b', 'config').kind).toBe('other')
    expect(classifySection('profile "unterminated', 'config').kind).toBe('other')
    expect(classifySection('preview', 'config').kind).toBe('other')
  })

  test('credentials file: every section is a profile named verbatim', () => {
    expect(classifySection('dev', 'credentials')).toEqual({ kind: 'profile', name: 'dev' })
    expect(classifySection('profile dev', 'credentials')).toEqual({ kind: 'profile', name: 'profile dev' })
  })
})
