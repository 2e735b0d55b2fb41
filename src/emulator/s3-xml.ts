/**
 * XML for the S3 emulator: a strict little reader for request bodies (CreateBucketConfiguration,
 * Delete, CompleteMultipartUpload) and helpers that write S3's response documents.
 */
import { EmulatorFault } from './context.ts'

/** The namespace on every S3 response document (S3 API reference, "Common Response Headers"). */
export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/'

/** One parsed element: local name (prefix dropped), child elements and its own text. */
export interface XmlElement {
  readonly name: string
  readonly children: XmlElement[]
  /** Character data directly inside the element, entities decoded, not trimmed. */
  text: string
}

/** S3's answer to any body it cannot parse or that does not follow the schema. */
export function malformedXml(): EmulatorFault {
  return new EmulatorFault(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
    400,
  )
}

const NAME = /^[A-Za-z_][\w.:-]*/
const ATTRIBUTE = /^\s+[A-Za-z_][\w.:-]*\s*=\s*("[^"<]*"|'[^'<]*')/

/**
 * Parse a whole XML document into its root element; throws S3's `MalformedXML` fault on anything
 * that is not well-formed (mismatched or unclosed tags, stray text, bad entities, DTDs).
 */
export function parseXml(text: string): XmlElement {
  let pos = 0
  const skipMisc = (): void => {
    for (;;) {
      const rest = text.slice(pos)
      const space = /^\s+/.exec(rest)
      if (space) pos += space[0].length
      else if (rest.startsWith('<?')) pos = after('?>')
      else if (rest.startsWith('<!--')) pos = after('-->')
      else return
    }
  }
  const after = (marker: string): number => {
    const end = text.indexOf(marker, pos)
    if (end < 0) throw malformedXml()
    return end + marker.length
  }
  // `raw` keeps the qualified name so the closing tag can be matched exactly.
  const stack: (XmlElement & { raw: string })[] = []
  let root: XmlElement | undefined
  skipMisc()
  if (text[pos] !== '<') throw malformedXml()
  while (pos < text.length) {
    const top = stack[stack.length - 1]
    if (text.startsWith('<!--', pos)) {
      pos = after('-->')
    } else if (text.startsWith('<![CDATA[', pos)) {
      if (!top) throw malformedXml()
      const end = text.indexOf(']]>', pos)
      if (end < 0) throw malformedXml()
      top.text += text.slice(pos + 9, end)
      pos = end + 3
    } else if (text.startsWith('</', pos)) {
      const match = NAME.exec(text.slice(pos + 2))
      if (!top || !match || match[0] !== top.raw) throw malformedXml()
      pos += 2 + match[0].length
      const close = /^\s*>/.exec(text.slice(pos))
      if (!close) throw malformedXml()
      pos += close[0].length
      stack.pop()
      if (stack.length === 0) break
    } else if (text[pos] === '<') {
      if (root && stack.length === 0) throw malformedXml()
      const match = NAME.exec(text.slice(pos + 1))
      if (!match) throw malformedXml()
      pos += 1 + match[0].length
      // Attributes (xmlns and the like) carry nothing S3 request bodies need.
      for (let at = ATTRIBUTE.exec(text.slice(pos)); at; at = ATTRIBUTE.exec(text.slice(pos))) {
        pos += at[0].length
      }
      const end = /^\s*(\/?)>/.exec(text.slice(pos))
      if (!end) throw malformedXml()
      pos += end[0].length
      const raw = match[0]
      const name = raw.slice(raw.indexOf(':') + 1)
      const element = { name, children: [] as XmlElement[], text: '', raw }
      if (top) top.children.push(element)
      else root = element
      if (end[1] !== '/') stack.push(element)
      else if (!top) break
    } else {
      const next = text.indexOf('<', pos)
      const chunk = text.slice(pos, next < 0 ? text.length : next)
      if (!top) throw malformedXml()
      top.text += decodeEntities(chunk)
      pos += chunk.length
    }
  }
  if (!root || stack.length > 0) throw malformedXml()
  skipMisc()
  if (pos !== text.length) throw malformedXml()
  return root
}

function decodeEntities(chunk: string): string {
  return chunk.replace(/&([^;]*);|&/g, (_whole, entity: string | undefined) => {
    switch (entity) {
      case 'amp':
        return '&'
      case 'lt':
        return '<'
      case 'gt':
        return '>'
      case 'quot':
        return '"'
      case 'apos':
        return "'"
    }
    const numeric = entity === undefined ? null : /^#(?:x([0-9A-Fa-f]+)|(\d+))$/.exec(entity)
    if (!numeric) throw malformedXml()
    const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2])
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw malformedXml()
    return String.fromCodePoint(code)
  })
}

/** The child elements of `parent` named `name`. */
export function childrenNamed(parent: XmlElement, name: string): XmlElement[] {
  return parent.children.filter((child) => child.name === name)
}

/** The text of the single child `name`, or undefined; more than one is `MalformedXML`. */
export function childText(parent: XmlElement, name: string): string | undefined {
  const found = childrenNamed(parent, name)
  if (found.length > 1) throw malformedXml()
  return found[0]?.text
}

/**
 * Escape text for S3 XML element content: `&`, `<`, `>` and `"` (S3 writes ETags as
 * `&quot;...&quot;`), and control characters as numeric references, as S3 writes them, so keys
 * holding them survive a round trip. Apostrophes stay literal, as in S3's documents.
 */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"\u0000-\u0008\u000b\u000c\u000d\u000e-\u001f]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;'
      case '<':
        return '&lt;'
      case '>':
        return '&gt;'
      case '"':
        return '&quot;'
      default:
        return `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`
    }
  })
}

/** `<name>escaped value</name>`; numbers and booleans are written as they print. */
export function el(name: string, value: string | number | boolean): string {
  return `<${name}>${escapeXml(String(value))}</${name}>`
}

/** S3's XML timestamp form: ISO 8601 UTC with milliseconds (`2009-10-12T17:50:30.000Z`). */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString()
}

/** A 200 (or `status`) S3 XML document response with the namespace on its root element. */
export function s3XmlResponse(
  root: string,
  inner: string,
  headers: Record<string, string>,
  status = 200,
): Response {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_XMLNS}">${inner}</${root}>`
  return new Response(body, {
    status,
    headers: { ...headers, 'content-type': 'application/xml' },
  })
}
