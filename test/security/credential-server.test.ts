/**
 * The local credential server (`exec`, `serve`) refuses everything but a GET of its one path,
 * from loopback, with the exact token: a missing or wrong token, a foreign Host (DNS
 * rebinding), a browser Origin, another method or path are refused with `{Message}` and never
 * any CORS header; the token is compared in constant time; and it listens on 127.0.0.1 only.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createEmulator, serveEmulator } from '../../src/emulator/index.ts'
import { startCredentialServer } from '../../src/runtime/credential-server.ts'
import type { RunningCredentialServer } from '../../src/runtime/credential-server.ts'
import { constantTimeEqual } from '../../src/server/constant-time.ts'
import type { Credentials } from '../../src/types.ts'
import { cliCommand, isolatedCliEnv } from './cli-run.ts'

const CREDS: Credentials = {
  accessKeyId: 'ASIASERVERSERVER0001',
  secretAccessKey: 'server/secret/0123456789abcdefghijklmnopqr',
  sessionToken: 'IQoJb3JpZ2luX2VjEserver-session-token-value',
  expiration: new Date(Date.UTC(2030, 0, 1)),
}
let server: RunningCredentialServer
let gets = 0

beforeAll(async () => {
  server = await startCredentialServer({
    session: {
      get: async () => {
        gets++
        return CREDS
      },
    },
  })
})
afterAll(() => server.close())

interface Answer {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: string
}

/** A raw HTTP request (node:http lets a test set Host and Origin exactly). */
function send(options: {
  method?: string
  path?: string
  headers?: Record<string, string>
}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: server.port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: { host: `127.0.0.1:${server.port}`, ...options.headers },
      },
      (res) => {
        let body = ''
        res.on('data', (chunk) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

function expectRefused(answer: Answer, status: number, message: string): void {
  expect(answer.status).toBe(status)
  expect(JSON.parse(answer.body)).toEqual({ Message: message })
  expect(answer.body).not.toContain(CREDS.secretAccessKey)
  expect(Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'))).toEqual(
    [],
  )
}

describe('credential server requests', () => {
  test('the right token gets the credentials (and no CORS headers)', async () => {
    const answer = await send({ headers: { authorization: server.token } })
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body)).toEqual({
      AccessKeyId: CREDS.accessKeyId,
      SecretAccessKey: CREDS.secretAccessKey,
      Token: CREDS.sessionToken,
      Expiration: '2030-01-01T00:00:00.000Z',
    })
    expect(answer.headers['cache-control']).toBe('no-store')
    expect(
      Object.keys(answer.headers).filter((name) => name.startsWith('access-control-')),
    ).toEqual([])
  })

  test('missing, wrong, truncated, extended, re-cased or Bearer tokens are refused', async () => {
    const before = gets
    const variants = [
      undefined,
      '',
      'wrong',
      server.token.slice(0, -1),
      `${server.token}x`,
      server.token.toUpperCase() === server.token
        ? server.token.toLowerCase()
        : server.token.toUpperCase(),
      `Bearer ${server.token}`,
      `${server.token.slice(0, 10)}`,
    ]
    // (Blanks around a header value are not part of it, RFC 9110 5.5, so " <token>" is the token.)
    for (const token of variants) {
      const answer = await send({ headers: token === undefined ? {} : { authorization: token } })
      expectRefused(answer, 403, 'Missing or invalid authorization token')
    }
    // Refused before credentials are even looked up.
    expect(gets).toBe(before)
  })

  test('a foreign Host (DNS rebinding) or a browser Origin is refused, even with the token', async () => {
    for (const host of [
      'evil.example:80',
      `attacker.test:${server.port}`,
      `127.0.0.1:${server.port + 1}`,
      `127.0.0.1.nip.io:${server.port}`,
    ]) {
      expectRefused(
        await send({ headers: { host, authorization: server.token } }),
        403,
        'Host not allowed',
      )
    }
    expectRefused(
      await send({ headers: { origin: 'https://evil.example', authorization: server.token } }),
      403,
      'Browser requests are not allowed',
    )
  })

  test('other methods (CORS preflight included) and other paths are refused', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      expectRefused(
        await send({ method, headers: { authorization: server.token } }),
        405,
        'Only GET is supported',
      )
    }
    for (const path of ['/x', '/latest/meta-data/', '//', '/%2F']) {
      expectRefused(
        await send({ path, headers: { authorization: server.token } }),
        404,
        'Not found',
      )
    }
  })

  test('the token check is constant-time: both sides hashed, no early exit, no ===', async () => {
    expect(await constantTimeEqual('abc', 'abc')).toBe(true)
    expect(await constantTimeEqual('abc', 'abd')).toBe(false)
    expect(await constantTimeEqual('abc', 'abcd')).toBe(false)
    expect(await constantTimeEqual('', 'a')).toBe(false)
    // The handler compares the presented token only through constantTimeEqual.
    const source = readFileSync(
      fileURLToPath(new URL('../../src/server/handler.ts', import.meta.url)),
      'utf8',
    )
    expect(source).toContain('await constantTimeEqual(presented, token)')
    expect(source).not.toMatch(
      /presented\s*[!=]==?|[!=]==?\s*presented|token\s*[!=]==?\s*presented/,
    )
    const compare = readFileSync(
      fileURLToPath(new URL('../../src/server/constant-time.ts', import.meta.url)),
      'utf8',
    )
    expect(compare).toContain("crypto.subtle.digest('SHA-256'")
    expect(compare).not.toMatch(/\breturn false\b|\bbreak\b/)
  })
})

/** The local addresses listening on `port`, from /proc/net/tcp and tcp6 (Linux). */
function listeners(port: number): string[] {
  const hex = port.toString(16).toUpperCase().padStart(4, '0')
  const found: string[] = []
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = ''
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      continue
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/)
      if (state === '0A' && local?.endsWith(`:${hex}`)) found.push(local.slice(0, -5))
    }
  }
  return found
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host)
    socket.on('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.on('error', () => resolve(false))
  })
}

describe('listening socket', () => {
  test.if(process.platform === 'linux')(
    'the in-process server listens on 127.0.0.1 only',
    async () => {
      // 0100007F is 127.0.0.1 in /proc/net/tcp's little-endian hex.
      expect(listeners(server.port)).toEqual(['0100007F'])
      for (const address of Object.values(networkInterfaces()).flat()) {
        if (address && !address.internal)
          expect(await reachable(address.address, server.port)).toBe(false)
      }
    },
  )

  test.if(process.platform === 'linux')(
    '`stsrefresh serve` listens on 127.0.0.1 only',
    async () => {
      const served = await serveEmulator(createEmulator())
      const home = mkdtempSync(join(tmpdir(), 'stsrefresh-bind-'))
      const [command, ...prefix] = cliCommand()
      const child = spawn(
        command!,
        [...prefix, 'serve', '--role-arn', 'arn:aws:iam::123456789012:role/bind'],
        {
          env: isolatedCliEnv(home, served.env),
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      let stdout = ''
      child.stdout.on('data', (chunk) => (stdout += chunk))
      const closed = new Promise((resolve) => child.on('close', resolve))
      try {
        for (let i = 0; i < 400 && !/127\.0\.0\.1:(\d+)/.test(stdout); i++)
          await new Promise((r) => setTimeout(r, 25))
        const port = Number(/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1])
        expect(port).toBeGreaterThan(0)
        expect(listeners(port)).toEqual(['0100007F'])
      } finally {
        child.kill('SIGTERM')
        await closed
        await served.close()
        rmSync(home, { recursive: true, force: true })
      }
    },
    20_000,
  )
})
