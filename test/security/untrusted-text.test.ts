/**
 * Text from the other side of a connection (a credential endpoint's error, an AWS or proxy
 * error body) ends up in error messages the CLI prints on stderr. It must stay on one line and
 * carry no control characters, so a hostile or broken endpoint cannot forge log lines or send
 * terminal escape sequences.
 */
import { describe, expect, test } from 'bun:test'
import { parseErrorBody } from '../../src/aws/errors.ts'
import { fromContainer } from '../../src/credentials/container.ts'

const CONTROL = /[\u0000-\u001f\u007f]/

describe('untrusted text in error messages', () => {
  test('container endpoint errors are escaped onto one line', async () => {
    const provider = fromContainer({
      env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9/creds' },
      fetch: async () =>
        new Response(JSON.stringify({ Message: 'a\nb\u001b[2Jc' }), { status: 400 }),
    })
    const error = await provider().catch((e: Error) => e)
    expect((error as Error).message).toBe(
      'container (http://127.0.0.1:9/creds): HTTP 400: a\\u000ab\\u001b[2Jc',
    )
    expect((error as Error).message).not.toMatch(CONTROL)
  })

  test('AWS service error codes and messages carry no control characters', () => {
    const bodies: [Parameters<typeof parseErrorBody>[0], number, string][] = [
      [
        'json',
        400,
        JSON.stringify({ __type: 'x#Boom\u001b[31m', message: 'line1\nline2\u001b]0;title\u0007' }),
      ],
      ['query', 502, 'bad\u001b[2J gateway'],
      ['rest-xml', 400, '<Error><Code>A\u001b</Code><Message>m\nn</Message></Error>'],
    ]
    for (const [protocol, status, body] of bodies) {
      const parsed = parseErrorBody(protocol, status, body)
      expect(parsed.code).toMatch(/^[\w.-]+$/)
      expect(parsed.message).not.toMatch(CONTROL)
    }
  })
})
