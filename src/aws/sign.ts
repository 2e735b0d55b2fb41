/**
 * SigV4 for one attempt, through aws4fetch's `AwsV4Signer`: headers for ordinary requests,
 * query parameters for presigned URLs. Callers build a new signature per attempt with the
 * credentials of that moment; nothing signed outlives the attempt.
 */
import { AwsV4Signer } from 'aws4fetch'
import type { Credentials } from '../types.ts'

/** What to sign. */
export interface SignInput {
  readonly method: string
  readonly url: URL
  readonly headers: Headers
  /** Only replayable bodies; streams are signed with `x-amz-content-sha256: UNSIGNED-PAYLOAD`. */
  readonly body: string | Uint8Array | undefined
  readonly credentials: Credentials
  /** The SigV4 signing name; explicit, as aws4fetch cannot guess it for loopback endpoints. */
  readonly service: string
  readonly region: string
  /** Signing time, epoch ms (from the skew-corrected clock). */
  readonly nowMs: number
  /** Derived signing keys, reused across requests of one client (bounded by the caller). */
  readonly keyCache: Map<string, ArrayBuffer>
  readonly signQuery?: boolean
}

/** `2026-01-01T00:00:00.000Z` -> `20260101T000000Z`, the X-Amz-Date format. */
export function amzDate(nowMs: number): string {
  return new Date(nowMs).toISOString().replace(/[:-]|\.\d{3}/g, '')
}

// A client keeps at most a day's worth of derived keys for a handful of rotations.
const KEY_CACHE_LIMIT = 16

/** Sign a request; returns the URL and headers to send. */
export async function signRequest(input: SignInput): Promise<{ url: URL; headers: Headers }> {
  if (input.keyCache.size > KEY_CACHE_LIMIT) input.keyCache.clear()
  const { accessKeyId, secretAccessKey, sessionToken } = input.credentials
  const signer = new AwsV4Signer({
    method: input.method,
    url: input.url.toString(),
    headers: input.headers,
    body: input.body as BodyInit | undefined,
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    service: input.service,
    region: input.region,
    cache: input.keyCache,
    datetime: amzDate(input.nowMs),
    ...(input.signQuery ? { signQuery: true } : {}),
  })
  const signed = await signer.sign()
  return { url: signed.url, headers: signed.headers }
}

/** RFC 3986 percent-encoding (what SigV4 expects): `encodeURIComponent` plus `!'()*`. */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}
