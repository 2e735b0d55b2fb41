/**
 * A fake S3 for client tests: a FetchLike that records every request (method, URL, headers,
 * body bytes) and answers through a handler. No network.
 */
import type { Clock, Credentials, FetchLike } from '../../src/types.ts'

export interface Recorded {
  readonly method: string
  readonly url: URL
  readonly headers: Headers
  readonly body: Uint8Array
}

export interface FakeS3 {
  readonly fetch: FetchLike
  readonly requests: Recorded[]
}

export function fakeS3(handler: (request: Recorded) => Response | Promise<Response>): FakeS3 {
  const requests: Recorded[] = []
  const fetch: FetchLike = async (input, init) => {
    const request = new Request(input, init)
    const body = new Uint8Array(await request.arrayBuffer())
    const recorded = { method: request.method, url: new URL(request.url), headers: request.headers, body }
    requests.push(recorded)
    return handler(recorded)
  }
  return { fetch, requests }
}

export const CREDS: Credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
}

/**
 * A clock frozen at 2026-01-01T00:00:00Z whose timers fire on the next microtask: retry backoff
 * in the request layer completes at once, with no real sleeping.
 */
export const instantClock: Clock = {
  now: () => Date.UTC(2026, 0, 1),
  setTimer(callback) {
    let cancelled = false
    queueMicrotask(() => {
      if (!cancelled) callback()
    })
    return { cancel: () => void (cancelled = true) }
  },
}

export function xml(body: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`, {
    status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': 'REQ123', ...headers },
  })
}

export function s3Error(code: string, status: number, message = 'nope'): Response {
  return xml(`<Error><Code>${code}</Code><Message>${message}</Message><RequestId>REQ123</RequestId></Error>`, status)
}

export function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}

export function textOf(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes)
}

/** Deterministic pseudo-random bytes (xorshift), so failures are reproducible. */
export function pseudoRandomBytes(length: number, seed = 0x9e3779b9): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length)
  let x = seed >>> 0 || 1
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    out[i] = x & 0xff
  }
  return out
}
