/**
 * Drives the S3 service module directly with hand-built ServiceRequests (no router, no SigV4), so
 * each test owns a fresh store and a manual clock.
 */
import { createHash } from 'node:crypto'
import { createManualClock, type ManualClock } from '../../src/clock.ts'
import type { EmulatorIdentity, ServiceModule } from '../../src/emulator/context.ts'
import { createS3Service } from '../../src/emulator/s3.ts'

export const ACCOUNT = '123456789012'

export const USER: EmulatorIdentity = {
  accessKeyId: 'AKIAEMULATOREXAMPLE1',
  accountId: ACCOUNT,
  arn: `arn:aws:iam::${ACCOUNT}:user/tester`,
  userId: 'AIDAEMULATOREXAMPLE1',
  kind: 'user',
}

export interface SendOptions {
  headers?: Record<string, string>
  body?: Uint8Array | string
  host?: string
  region?: string
  identity?: EmulatorIdentity
}

export interface S3Fixture {
  readonly service: ServiceModule
  readonly clock: ManualClock
  send(method: string, path: string, options?: SendOptions): Promise<Response>
  /** Send and require `status`; returns the response text. */
  ok(method: string, path: string, options?: SendOptions, status?: number): Promise<string>
}

export function s3Fixture(): S3Fixture {
  const clock = createManualClock(Date.UTC(2026, 0, 2, 3, 4, 5, 678))
  const service = createS3Service({
    clock,
    settings: { dynamodbUnprocessedPerBatch: 0 },
    accountId: ACCOUNT,
  })
  let counter = 0
  const send = async (method: string, path: string, options: SendOptions = {}): Promise<Response> => {
    const host = options.host ?? '127.0.0.1:4566'
    const url = `http://${host}${path}`
    const body =
      typeof options.body === 'string' ? new TextEncoder().encode(options.body) : options.body
    const request = new Request(url, {
      method,
      headers: { host, ...options.headers },
      ...(body && method !== 'GET' && method !== 'HEAD' ? { body: body as BodyInit } : {}),
    })
    counter += 1
    return service.handle({
      request,
      url: new URL(url),
      body: body ?? new Uint8Array(0),
      identity: options.identity ?? USER,
      now: clock.now(),
      requestId: `REQ${String(counter).padStart(13, '0')}`,
      region: options.region ?? 'us-east-1',
    })
  }
  const ok = async (
    method: string,
    path: string,
    options?: SendOptions,
    status = 200,
  ): Promise<string> => {
    const response = await send(method, path, options)
    const text = await response.text()
    if (response.status !== status) {
      throw new Error(`${method} ${path}: expected ${status}, got ${response.status}: ${text}`)
    }
    return text
  }
  return { service, clock, send, ok }
}

/** Hex MD5 with Node's crypto: an implementation independent of the emulator's. */
export function nodeMd5(data: Uint8Array | string): Buffer {
  return createHash('md5').update(data).digest()
}

/** Base64 MD5 for Content-MD5, computed independently. */
export function contentMd5(data: Uint8Array | string): string {
  return nodeMd5(data).toString('base64')
}

/** The inner text of every `<tag>` in `xml`, entities left as they are. */
export function tags(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1] as string)
}

/** Deterministic pseudo-random bytes. */
export function bytes(length: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length)
  let state = seed >>> 0 || 1
  for (let i = 0; i < length; i++) {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    out[i] = state & 0xff
  }
  return out
}
