import { describe, expect, test } from 'bun:test'
import {
  parseXml,
  xmlChild,
  xmlChildren,
  xmlFind,
  XmlParseError,
  xmlPath,
  xmlText,
} from '../../src/aws/xml.ts'

describe('parseXml', () => {
  test('reads an STS response: declaration, namespace, nesting, text', () => {
    const root = parseXml(`<?xml version="1.0" encoding="UTF-8"?>
<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/alice</Arn>
    <UserId>AIDAEXAMPLE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`)
    expect(root.name).toBe('GetCallerIdentityResponse')
    expect(root.attributes).toEqual({ xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/' })
    const result = xmlChild(root, 'GetCallerIdentityResult')
    expect(xmlText(result, 'Arn')).toBe('arn:aws:iam::123456789012:user/alice')
    expect(xmlText(result, 'Missing')).toBeUndefined()
    expect(xmlPath(root, 'ResponseMetadata', 'RequestId')?.text).toBe(
      'c6104cbe-af31-11e0-8154-cbc7ccf896c7',
    )
    expect(xmlFind(root, 'Account')?.text).toBe('123456789012')
  })

  test('decodes predefined entities and character references in text and attributes', () => {
    const root = parseXml(
      `<a t="&quot;x&apos; &amp; y&#62;">&lt;tag&gt; &amp; &#65;&#x42;&#x1F600; caf&#233;</a>`,
    )
    expect(root.text).toBe('<tag> & AB😀 café')
    expect(root.attributes.t).toBe(`"x' & y>`)
  })

  test('keeps CDATA verbatim and text untrimmed (S3 keys may have spaces)', () => {
    const root = parseXml('<Key>  <![CDATA[a <b> & c]]>  </Key>')
    expect(root.text).toBe('  a <b> & c  ')
  })

  test('repeated elements, self-closing tags, comments, prefixes', () => {
    const root = parseXml(`<s3:ListBucketResult xmlns:s3="x"><!-- c -->
      <Contents><Key>a</Key></Contents><Contents><Key>b</Key></Contents><Empty/><Other a='>'/>
    </s3:ListBucketResult>`)
    expect(root.name).toBe('ListBucketResult')
    expect(xmlChildren(root, 'Contents').map((c) => xmlText(c, 'Key'))).toEqual(['a', 'b'])
    expect(xmlChild(root, 'Empty')?.text).toBe('')
    expect(xmlChild(root, 'Other')?.attributes).toEqual({ a: '>' })
  })

  test('a quote of the other kind inside an attribute value', () => {
    expect(parseXml(`<a t="it's">x</a>`).attributes.t).toBe("it's")
  })

  const malformed: Array<[string, string]> = [
    ['', 'Malformed XML at 1:1: no root element (empty document)'],
    ['   ', 'Malformed XML at 1:1: no root element (empty document)'],
    ['<a><b></a>', 'Malformed XML at 1:7: end tag </a> does not match <b>'],
    ['<a>text', 'Malformed XML at 1:8: <a> is not closed (input ends early)'],
    ['<a><b>x</b', 'Malformed XML at 1:8: unterminated end tag (input ends early)'],
    ['<a attr="x', 'Malformed XML at 1:9: unterminated attribute value (input ends early)'],
    ['<a>&bogus;</a>', "Malformed XML at 1:4: unknown entity '&bogus;'"],
    ['<a>AT&T</a>', "Malformed XML at 1:6: unterminated reference '&T'"],
    [
      '<a>&#xD800;</a>',
      "Malformed XML at 1:4: character reference '&#xD800;' is not a valid character",
    ],
    ['<a/><b/>', 'Malformed XML at 1:5: more than one root element'],
    ['junk<a/>', 'Malformed XML at 1:1: text outside the root element'],
    [
      '<!DOCTYPE a [<!ENTITY x "y">]><a/>',
      'Malformed XML at 1:1: DOCTYPE and other declarations are not accepted',
    ],
    ['<a><![CDATA[x</a>', 'Malformed XML at 1:13: unterminated CDATA section (input ends early)'],
    ['<a><!-- x</a>', 'Malformed XML at 1:8: unterminated comment (input ends early)'],
    ['</a>', 'Malformed XML at 1:1: end tag </a> without a start tag'],
    ['<1a/>', "Malformed XML at 1:1: bad element name '1a'"],
    ['<a x="1" x="2"/>', "Malformed XML at 1:9: duplicate attribute 'x'"],
    ['<a x=1/>', 'Malformed XML at 1:3: malformed attribute'],
    ['<a>\n<b>\n</c></a>', 'Malformed XML at 3:1: end tag </c> does not match <b>'],
  ]
  for (const [input, message] of malformed) {
    test(`rejects ${JSON.stringify(input)}`, () => {
      let caught: unknown
      try {
        parseXml(input)
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(XmlParseError)
      expect((caught as Error).message).toBe(message)
      expect((caught as XmlParseError).code).toBe('XmlParseError')
    })
  }

  test('every truncation of a real response fails cleanly, never hangs', () => {
    const doc =
      `<?xml version="1.0"?><AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA</AccessKeyId><SessionToken>a&amp;b<![CDATA[c]]></SessionToken></Credentials></AssumeRoleResult></AssumeRoleResponse>`
    for (let length = 0; length < doc.length; length++) {
      expect(() => parseXml(doc.slice(0, length))).toThrow(XmlParseError)
    }
    expect(xmlFind(parseXml(doc), 'SessionToken')?.text).toBe('a&bc')
  })

  test('rejects nesting deeper than 256', () => {
    const deep = '<a>'.repeat(300) + '</a>'.repeat(300)
    expect(() => parseXml(deep)).toThrow('nesting deeper than 256')
  })

  test('parses a large list in linear time', () => {
    const items = Array.from({ length: 20_000 }, (_, i) => `<Contents><Key>k${i}</Key></Contents>`)
      .join('')
    const root = parseXml(`<ListBucketResult>${items}</ListBucketResult>`)
    expect(root.children.length).toBe(20_000)
    expect(xmlText(root.children[19_999], 'Key')).toBe('k19999')
  })
})
