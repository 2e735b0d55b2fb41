import { describe, expect, test } from 'bun:test'
import { EmulatorFault } from '../../src/emulator/context.ts'
import { childText, escapeXml, parseXml } from '../../src/emulator/s3-xml.ts'

function malformed(text: string): void {
  let caught: unknown
  try {
    parseXml(text)
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(EmulatorFault)
  expect((caught as EmulatorFault).code).toBe('MalformedXML')
  expect((caught as EmulatorFault).status).toBe(400)
}

describe('parseXml', () => {
  test('reads nested elements, namespaces, entities and CDATA, keeping text untrimmed', () => {
    const root = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<!-- hi -->\n' +
        '<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\n' +
        '  <Object><Key> a &amp; b &lt;c&gt; &#x41;&#66;&quot;&apos; </Key></Object>\n' +
        "  <Object><Key><![CDATA[<raw & text>]]></Key></Object>\n" +
        '  <s3:Quiet xmlns:s3="x">true</s3:Quiet><Empty/>\n</Delete>\n',
    )
    expect(root.name).toBe('Delete')
    expect(root.children.map((c) => c.name)).toEqual(['Object', 'Object', 'Quiet', 'Empty'])
    expect(childText(root.children[0]!, 'Key')).toBe(' a & b <c> AB"\' ')
    expect(childText(root.children[1]!, 'Key')).toBe('<raw & text>')
    expect(childText(root, 'Quiet')).toBe('true')
    expect(childText(root, 'Empty')).toBe('')
    expect(childText(root, 'Missing')).toBeUndefined()
  })

  test('rejects what is not well-formed with MalformedXML', () => {
    for (const text of [
      '',
      'not xml',
      '<a>',
      '<a></b>',
      '<a><b></a></b>',
      '<a></a><b></b>',
      '<a></a>trailing',
      '<a>&bogus;</a>',
      '<a>& </a>',
      '<a>&#xD800;</a>',
      '<a attr=unquoted></a>',
      '<a><![CDATA[never closed</a>',
      '<!DOCTYPE a><a></a>',
    ]) {
      malformed(text)
    }
  })

  test('a repeated single-valued child is MalformedXML', () => {
    const root = parseXml('<a><Key>1</Key><Key>2</Key></a>')
    expect(() => childText(root, 'Key')).toThrow(EmulatorFault)
  })
})

describe('escapeXml', () => {
  test('escapes markup and control characters so they round-trip through parseXml', () => {
    const value = 'a&b<c>"d\'\u0001\r\t\n'
    expect(escapeXml(value)).toBe('a&amp;b&lt;c&gt;&quot;d\'&#x1;&#xD;\t\n')
    expect(parseXml(`<k>${escapeXml(value)}</k>`).text).toBe(value)
  })
})
