/**
 * A pure parser for the AWS shared `config` and `credentials` files, and the rules that turn
 * their sections into profiles. It never throws anything but a {@link ConfigError} naming the
 * file and line, whatever the input.
 *
 * Syntax, as botocore reads it (Python `configparser.RawConfigParser` plus `_parse_nested` in
 * botocore/configloader.py), except where noted:
 * - `[section]` headers; `key = value` (or `key: value`, the first of `=`/`:` splits); keys are
 *   case-insensitive (lowercased); values are trimmed and never unquoted.
 * - Full-line comments start with `#` or `;` (after optional indentation). Inline comments are
 *   a `#` or `;` preceded by whitespace: botocore keeps them in the value, but the AWS SDK for JS
 *   v3 (`parseIni`), Java v2 and Go v2 strip them, and a secret key or ARN never contains
 *   ` #`, so we strip them too.
 * - An empty value followed by indented `key = value` lines is a sub-section (`s3 =`); an
 *   indented line after a non-empty value continues it (joined with `\n`).
 * - A duplicate section or a duplicate key within one section of one file is an error, as in
 *   botocore (configparser is strict); the AWS CLI refuses such files too.
 * - Beyond botocore: a UTF-8 BOM is ignored, and CR, LF and CRLF line ends all work.
 */
import { ConfigError } from '../errors.ts'

/** One `key = value` line; `subsection` when the value was empty and indented lines followed. */
export interface IniEntry {
  readonly value: string
  /** 1-based line number of the key. */
  readonly line: number
  /** Nested `key = value` pairs (keys lowercased) from indented lines under an empty value. */
  readonly subsection?: ReadonlyMap<string, string>
}

/** One `[header]` section, in file order. */
export interface IniSection {
  /** The text between the brackets, trimmed. */
  readonly header: string
  /** 1-based line number of the header. */
  readonly line: number
  /** Entries keyed by lowercased key, in file order. */
  readonly entries: ReadonlyMap<string, IniEntry>
}

/** A parsed INI file. */
export interface IniDocument {
  readonly sections: readonly IniSection[]
}

interface MutableEntry {
  value: string
  line: number
  indent: number
  subsection?: Map<string, string>
  continued: boolean
}

interface MutableSection {
  header: string
  line: number
  entries: Map<string, MutableEntry>
}

const INLINE_COMMENT = /\s[#;].*$/s

function stripInlineComment(text: string): string {
  return text.replace(INLINE_COMMENT, '').trim()
}

function indentOf(line: string): number {
  const match = /^[ \t]*/.exec(line)
  return match ? match[0].length : 0
}

/** Split `key = value` / `key: value` at the first delimiter, or undefined when there is none. */
function splitKeyValue(text: string): { key: string; value: string } | undefined {
  const eq = text.indexOf('=')
  const colon = text.indexOf(':')
  const at = eq === -1 ? colon : colon === -1 ? eq : Math.min(eq, colon)
  if (at === -1) return undefined
  return { key: text.slice(0, at).trim().toLowerCase(), value: text.slice(at + 1).trim() }
}

/**
 * Parse the text of a shared config or credentials file. `file` only labels errors.
 * Throws a {@link ConfigError} (with `file` set) for a malformed line, a key outside any section,
 * or a duplicate section or key.
 */
export function parseIni(text: string, file = '(config)'): IniDocument {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const lines = source.split(/\r\n|\n|\r/)
  const sections: MutableSection[] = []
  const headers = new Map<string, number>()
  let current: MutableSection | undefined
  let last: MutableEntry | undefined
  const fail = (line: number, message: string): never => {
    throw new ConfigError(`${file} line ${line}: ${message}`, { file })
  }

  lines.forEach((raw, index) => {
    const lineNo = index + 1
    const trimmed = raw.trim()
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return
    const indent = indentOf(raw)

    // An indented line under a key: a sub-section entry or a continuation (configparser rule:
    // deeper indentation than the key continues its value).
    if (last && indent > last.indent) {
      const content = stripInlineComment(trimmed)
      if (content === '') return
      if (last.subsection || (last.value === '' && !last.continued)) {
        const pair = splitKeyValue(content)
        if (!pair || pair.key === '') {
          fail(lineNo, `expected "key = value" in the sub-section under "${keyOf(last, current)}"`)
          return
        }
        last.subsection ??= new Map()
        last.subsection.set(pair.key, pair.value)
      } else {
        last.value = last.value === '' ? content : `${last.value}\n${content}`
        last.continued = true
      }
      return
    }

    if (trimmed.startsWith('[')) {
      const close = trimmed.lastIndexOf(']')
      const after = close === -1 ? '' : trimmed.slice(close + 1).trim()
      if (close === -1 || (after !== '' && !after.startsWith('#') && !after.startsWith(';'))) {
        fail(lineNo, 'malformed section header: expected "[name]"')
        return
      }
      const header = trimmed.slice(1, close).trim()
      if (header === '') {
        fail(lineNo, 'empty section header "[]"')
        return
      }
      const seen = headers.get(header)
      if (seen !== undefined) {
        fail(lineNo, `duplicate section [${header}] (first defined on line ${seen}): merge the two`)
        return
      }
      headers.set(header, lineNo)
      current = { header, line: lineNo, entries: new Map() }
      sections.push(current)
      last = undefined
      return
    }

    const content = stripInlineComment(trimmed)
    const pair = splitKeyValue(content)
    if (!pair || pair.key === '') {
      fail(lineNo, 'expected "key = value", a "[section]" header or a comment')
      return
    }
    if (!current) {
      fail(lineNo, `"${pair.key}" is outside any section: add a header such as [default] above it`)
      return
    }
    const previous = current.entries.get(pair.key)
    if (previous) {
      fail(
        lineNo,
        `duplicate key "${pair.key}" in [${current.header}] (first set on line ${previous.line})`,
      )
      return
    }
    last = { value: pair.value, line: lineNo, indent, continued: false }
    current.entries.set(pair.key, last)
  })

  return {
    sections: sections.map((section) => ({
      header: section.header,
      line: section.line,
      entries: new Map(
        [...section.entries].map(([key, entry]) => [
          key,
          entry.subsection
            ? { value: entry.value, line: entry.line, subsection: entry.subsection }
            : { value: entry.value, line: entry.line },
        ]),
      ),
    })),
  }
}

function keyOf(entry: MutableEntry, section: MutableSection | undefined): string {
  for (const [key, candidate] of section?.entries ?? []) if (candidate === entry) return key
  return '?'
}

/** What a section header means in a given kind of file. */
export type SectionKind =
  | { readonly kind: 'profile'; readonly name: string }
  | { readonly kind: 'sso-session'; readonly name: string }
  | { readonly kind: 'services'; readonly name: string }
  | { readonly kind: 'other'; readonly reason: string }

/** `profile "my name"` -> ['profile', 'my name']; a small shlex.split as botocore uses. */
function splitWords(text: string): string[] | undefined {
  const words: string[] = []
  const pattern = /\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))/y
  const rest = text.trim()
  while (pattern.lastIndex < rest.length) {
    const match = pattern.exec(rest)
    if (!match) return undefined
    words.push(match[1] ?? match[2] ?? match[3] ?? '')
  }
  return words
}

/**
 * Classify a section header. In the config file (botocore `build_profile_map`): `[default]` and
 * `[profile name]` are profiles (a quoted name may hold spaces), `[sso-session name]` and
 * `[services name]` are kept apart, anything else (`[preview]`, `[profilefoo]`) is not a
 * profile. In the credentials file every section is a profile named verbatim (botocore reads it
 * with `raw_config_parse`), so `[profile x]` there names a profile called "profile x".
 */
export function classifySection(header: string, file: 'config' | 'credentials'): SectionKind {
  if (file === 'credentials') return { kind: 'profile', name: header }
  if (header === 'default') return { kind: 'profile', name: 'default' }
  const words = splitWords(header)
  const prefix = words?.[0]
  if (words && words.length === 2 && words[1] !== undefined && words[1] !== '') {
    if (prefix === 'profile') return { kind: 'profile', name: words[1] }
    if (prefix === 'sso-session') return { kind: 'sso-session', name: words[1] }
    if (prefix === 'services') return { kind: 'services', name: words[1] }
  }
  if (prefix === 'profile' || prefix === 'sso-session' || prefix === 'services') {
    return { kind: 'other', reason: `expected "[${prefix} name]" with exactly one name` }
  }
  return {
    kind: 'other',
    reason: 'not a profile: config file profiles are [default] or [profile name]',
  }
}
