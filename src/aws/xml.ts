/**
 * A minimal, strict XML reader for AWS responses (STS Query API and S3 REST-XML). Node, Bun and
 * Deno have no DOMParser, and AWS XML is simple: elements, attributes, text, the five predefined
 * entities, numeric character references, CDATA, comments and the XML declaration. DOCTYPE is
 * rejected (AWS never sends one, and it is how entity-expansion attacks start). The scanner only
 * moves forward, so malformed or truncated input fails fast with a positioned error.
 */
import { StsRefreshError } from '../errors.ts'

/** One element: its local name (namespace prefix dropped), attributes, child elements, text. */
export interface XmlElement {
  /** The local name: `Error` for both `<Error>` and `<s3:Error>`. */
  readonly name: string
  readonly attributes: Readonly<Record<string, string>>
  readonly children: readonly XmlElement[]
  /** The element's own text and CDATA, entities decoded, not trimmed (S3 keys keep spaces). */
  readonly text: string
}

/** The input was not well-formed XML; the message says what and where (line:column). */
export class XmlParseError extends StsRefreshError {
  override name = 'XmlParseError'
  /** Zero-based offset into the input where the problem was found. */
  readonly offset: number

  constructor(message: string, offset: number) {
    super('XmlParseError', message)
    this.offset = offset
  }
}

interface MutableElement {
  name: string
  qname: string
  attributes: Record<string, string>
  children: MutableElement[]
  text: string
}

// Nesting deeper than any AWS response: a guard against hostile input, not a format limit.
const MAX_DEPTH = 256
const NAME = /^[A-Za-z_:][\w.:-]*$/
const PREDEFINED: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
}

function position(source: string, offset: number): string {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return `${line}:${offset - lineStart + 1}`
}

function fail(source: string, offset: number, what: string): never {
  throw new XmlParseError(`Malformed XML at ${position(source, offset)}: ${what}`, offset)
}

/** Decode entity and character references in `raw` (text or attribute value at `offset`). */
function decode(source: string, raw: string, offset: number): string {
  if (!raw.includes('&')) return raw
  return raw.replace(/&([^;&\s]{0,12});?/g, (match, ref: string, index: number) => {
    const at = offset + index
    if (!match.endsWith(';')) fail(source, at, `unterminated reference '${match}'`)
    if (ref.startsWith('#')) {
      const hex = ref[1] === 'x'
      const digits = ref.slice(hex ? 2 : 1)
      if (!(hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits)) {
        fail(source, at, `bad character reference '&${ref};'`)
      }
      const code = Number.parseInt(digits, hex ? 16 : 10)
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        fail(source, at, `character reference '&${ref};' is not a valid character`)
      }
      return String.fromCodePoint(code)
    }
    const value = PREDEFINED[ref]
    if (value === undefined) fail(source, at, `unknown entity '&${ref};'`)
    return value
  })
}

function freeze(element: MutableElement): XmlElement {
  return {
    name: element.name,
    attributes: element.attributes,
    children: element.children.map(freeze),
    text: element.text,
  }
}

/** Read attributes from the inside of a start tag (`tag` excludes `<name` and `>`). */
function readAttributes(source: string, tag: string, offset: number): Record<string, string> {
  const attributes: Record<string, string> = {}
  const pattern = /\s*([^\s=]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y
  let index = 0
  while (index < tag.length) {
    if (/^\s*$/.test(tag.slice(index))) break
    pattern.lastIndex = index
    const match = pattern.exec(tag)
    if (!match) fail(source, offset + index, 'malformed attribute')
    const name = match[1] as string
    if (!NAME.test(name)) fail(source, offset + index, `bad attribute name '${name}'`)
    if (name in attributes) fail(source, offset + index, `duplicate attribute '${name}'`)
    attributes[name] = decode(source, match[2] ?? match[3] ?? '', offset + index)
    index = pattern.lastIndex
  }
  return attributes
}

/**
 * Parse a complete XML document and return its root element. Throws {@link XmlParseError} for
 * anything malformed: unclosed or mismatched tags, text outside the root, unknown entities,
 * DOCTYPE, an empty or truncated document.
 */
export function parseXml(source: string): XmlElement {
  const stack: MutableElement[] = []
  let root: MutableElement | undefined
  let index = source.charCodeAt(0) === 0xfeff ? 1 : 0

  const expectEnd = (start: number, terminator: string, what: string): number => {
    const end = source.indexOf(terminator, start)
    if (end < 0) fail(source, start, `unterminated ${what} (input ends early)`)
    return end
  }

  // The '>' ending a start tag, skipping quoted attribute values (which may contain '>').
  const tagEnd = (start: number): number => {
    for (let i = start; i < source.length; i++) {
      const ch = source[i]
      if (ch === '>') return i
      if (ch === '<') fail(source, i, "'<' inside a start tag")
      if (ch === '"' || ch === "'") {
        const quote = source.indexOf(ch, i + 1)
        if (quote < 0) fail(source, i, 'unterminated attribute value (input ends early)')
        i = quote
      }
    }
    return fail(source, start - 1, 'unterminated start tag (input ends early)')
  }

  while (index < source.length) {
    const lt = source.indexOf('<', index)
    const textEnd = lt < 0 ? source.length : lt
    if (textEnd > index) {
      const raw = source.slice(index, textEnd)
      const top = stack[stack.length - 1]
      if (top) top.text += decode(source, raw, index)
      else if (!/^\s*$/.test(raw)) fail(source, index, 'text outside the root element')
      if (raw.includes('>') && top === undefined) fail(source, index, "stray '>'")
    }
    if (lt < 0) break
    index = lt
    if (source.startsWith('<?', index)) {
      index = expectEnd(index, '?>', 'processing instruction') + 2
    } else if (source.startsWith('<!--', index)) {
      index = expectEnd(index + 4, '-->', 'comment') + 3
    } else if (source.startsWith('<![CDATA[', index)) {
      const end = expectEnd(index + 9, ']]>', 'CDATA section')
      const top = stack[stack.length - 1]
      if (!top) fail(source, index, 'CDATA outside the root element')
      top.text += source.slice(index + 9, end)
      index = end + 3
    } else if (source.startsWith('<!', index)) {
      fail(source, index, 'DOCTYPE and other declarations are not accepted')
    } else if (source.startsWith('</', index)) {
      const end = expectEnd(index, '>', 'end tag')
      const qname = source.slice(index + 2, end).trim()
      const open = stack.pop()
      if (!open) fail(source, index, `end tag </${qname}> without a start tag`)
      if (open.qname !== qname) {
        fail(source, index, `end tag </${qname}> does not match <${open.qname}>`)
      }
      index = end + 1
    } else {
      const close = tagEnd(index + 1)
      let inner = source.slice(index + 1, close)
      const selfClosing = inner.endsWith('/')
      if (selfClosing) inner = inner.slice(0, -1)
      const nameMatch = /^[^\s/>]+/.exec(inner)
      const qname = nameMatch?.[0] ?? ''
      if (!NAME.test(qname)) fail(source, index, `bad element name '${qname}'`)
      if (stack.length === 0 && root) fail(source, index, 'more than one root element')
      if (stack.length >= MAX_DEPTH) fail(source, index, `nesting deeper than ${MAX_DEPTH}`)
      const element: MutableElement = {
        name: qname.slice(qname.indexOf(':') + 1),
        qname,
        attributes: readAttributes(source, inner.slice(qname.length), index + 1 + qname.length),
        children: [],
        text: '',
      }
      const parent = stack[stack.length - 1]
      if (parent) parent.children.push(element)
      else root = element
      if (!selfClosing) stack.push(element)
      index = close + 1
    }
  }
  const open = stack[stack.length - 1]
  if (open) fail(source, source.length, `<${open.qname}> is not closed (input ends early)`)
  if (!root) fail(source, 0, 'no root element (empty document)')
  return freeze(root)
}

/** The first child element named `name`, if any. */
export function xmlChild(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((child) => child.name === name)
}

/** All child elements named `name` (repeated elements, e.g. S3 `<Contents>`). */
export function xmlChildren(element: XmlElement | undefined, name: string): XmlElement[] {
  return element ? element.children.filter((child) => child.name === name) : []
}

/** The text of the first child named `name`, or undefined when there is no such child. */
export function xmlText(element: XmlElement | undefined, name: string): string | undefined {
  return xmlChild(element, name)?.text
}

/** Follow child names from `element`: `xmlPath(root, 'AssumeRoleResult', 'Credentials')`. */
export function xmlPath(
  element: XmlElement | undefined,
  ...names: string[]
): XmlElement | undefined {
  let current = element
  for (const name of names) current = xmlChild(current, name)
  return current
}

/** The first element named `name` at any depth (document order), `element` included. */
export function xmlFind(element: XmlElement | undefined, name: string): XmlElement | undefined {
  if (!element) return undefined
  if (element.name === name) return element
  for (const child of element.children) {
    const found = xmlFind(child, name)
    if (found) return found
  }
  return undefined
}
