/**
 * Property-based tests of the XML reader AWS responses go through: documents built from random
 * trees read back as the same tree (escaping, CDATA, comments, namespace prefixes, attributes);
 * every truncation of a document and every random string either parses or fails with one
 * positioned XmlParseError; hostile nesting fails fast instead of overflowing the stack.
 */
import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { parseXml, XmlParseError } from '../../src/aws/xml.ts'
import type { XmlElement } from '../../src/aws/xml.ts'
import { runs } from './settings.ts'

interface Tree {
  readonly name: string
  readonly attributes: Record<string, string>
  readonly text: string
  readonly children: readonly Tree[]
}

const name = fc.stringMatching(/^[A-Za-z_][\w.-]{0,8}$/)
// Text with every character the escaper must handle, plus astral and non-ASCII ones.
const text = fc.string({
  unit: fc.constantFrom(
    'a',
    'Z',
    ' ',
    '\n',
    '\t',
    '<',
    '>',
    '&',
    '"',
    "'",
    ']]',
    'é',
    '😀',
    ';',
    '#',
  ),
  maxLength: 16,
})
const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.record({
    name,
    attributes: fc.dictionary(name, text, { maxKeys: 2 }),
    text,
    children: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant([]),
      fc.array(tie('node'), { maxLength: 3 }),
    ),
  }),
})).node

const escapeText = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const escapeAttr = (value: string): string =>
  escapeText(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#x9;')

/** Serialize with a choice of styles per element, so the reader meets each form. */
function serialize(node: Tree, style: number, prefix: string): string {
  const qname = `${prefix}${node.name}`
  const attrs = Object.entries(node.attributes)
    .map(([key, value]) => ` ${key}="${escapeAttr(value)}"`)
    .join('')
  if (node.text === '' && node.children.length === 0 && style % 2 === 0)
    return `<${qname}${attrs}/>`
  // CDATA can hold anything but "]]>"; otherwise escape.
  const body =
    style % 3 === 0 && !node.text.includes(']]>') && !node.text.includes(']]')
      ? `<![CDATA[${node.text}]]>`
      : escapeText(node.text)
  const children = node.children
    .map((child, i) => serialize(child, style + i + 1, prefix))
    .join('<!-- c -->')
  // End tags may carry blanks before '>' (XML 1.0 ETag production).
  return `<${qname}${attrs}>${body}${children}</${qname}${style % 4 === 1 ? ' ' : ''}>`
}

function shape(element: XmlElement): Tree {
  return {
    name: element.name,
    attributes: { ...element.attributes },
    text: element.text,
    children: element.children.map(shape),
  }
}

function parseOrError(source: string): XmlElement | XmlParseError {
  try {
    return parseXml(source)
  } catch (error) {
    if (!(error instanceof XmlParseError)) throw new Error(`not an XmlParseError: ${String(error)}`)
    expect(error.message).toMatch(/^Malformed XML at \d+:\d+: \S/)
    expect(error.offset).toBeGreaterThanOrEqual(0)
    expect(error.offset).toBeLessThanOrEqual(source.length)
    return error
  }
}

describe('parseXml on generated documents', () => {
  const documents = fc.tuple(tree, fc.nat(5), fc.constantFrom('', 'sts:'), fc.boolean())

  test('a serialized tree reads back as the same tree', () => {
    fc.assert(
      fc.property(documents, ([root, style, prefix, declaration]) => {
        const xmlns = prefix ? ` xmlns:sts="https://sts.amazonaws.com/doc/2011-06-15/"` : ''
        const body = serialize({ ...root, attributes: {} }, style, prefix).replace(
          new RegExp(`^<${prefix}${root.name}`),
          `<${prefix}${root.name}${xmlns}`,
        )
        const head = declaration ? '<?xml version="1.0" encoding="UTF-8"?>\n' : ''
        const parsed = parseXml(`${head}${body}\n`)
        const xmlnsAttr = { 'xmlns:sts': 'https://sts.amazonaws.com/doc/2011-06-15/' }
        const expected = { ...root, attributes: prefix ? xmlnsAttr : {} }
        expect(shape(parsed)).toEqual(expected)
      }),
      runs(500),
    )
  })

  test('every truncation of a document is a positioned XmlParseError', () => {
    fc.assert(
      fc.property(documents, fc.double({ min: 0, max: 1, noNaN: true }), ([root, style], cut) => {
        const source = serialize(root, style, '')
        const at = Math.floor(cut * source.length)
        if (at >= source.length) return
        expect(parseOrError(source.slice(0, at))).toBeInstanceOf(XmlParseError)
      }),
      runs(800),
    )
  })

  test('random input parses or fails with one positioned XmlParseError', () => {
    const unit = fc.constantFrom(
      '<',
      '>',
      '/',
      '?',
      '!',
      '[',
      ']',
      '-',
      '&',
      ';',
      '#',
      'x',
      'a',
      '=',
      '"',
      "'",
      ' ',
      '\n',
      'CDATA',
      'DOCTYPE',
      '<a>',
      '</a>',
      '&amp;',
      '&#0;',
      '&#x110000;',
    )
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 60 }), (source) => {
        parseOrError(source)
      }),
      runs(2000),
    )
  })
})

describe('parseXml on hostile input', () => {
  test('deep nesting, entity expansion and huge references fail fast', () => {
    const deep = parseOrError('<a>'.repeat(100_000))
    expect((deep as XmlParseError).message).toBe('Malformed XML at 1:769: nesting deeper than 256')
    const bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    expect((parseOrError(bomb) as XmlParseError).message).toBe(
      'Malformed XML at 1:22: DOCTYPE and other declarations are not accepted',
    )
    expect(parseOrError('<a>&#99999999999;</a>')).toBeInstanceOf(XmlParseError)
    expect(parseOrError('')).toBeInstanceOf(XmlParseError)
    expect(parseOrError('<html><body><h1>502 Bad Gateway</h1><hr></body></html>')).toBeInstanceOf(
      XmlParseError,
    )
  })
})
