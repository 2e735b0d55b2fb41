/**
 * SigV4 for one attempt, through aws4fetch's `AwsV4Signer`: headers for ordinary requests,
 * query parameters for presigned URLs. Callers build a new signature per attempt with the
 * credentials of that moment; nothing signed outlives the attempt.
 */
import { AwsV4Signer } from 'aws4fetch'
import type { HostDigests } from '../platform.ts'
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
  /** The host's synchronous digests (see {@link HostDigests}); without them, aws4fetch's WebCrypto. */
  readonly digests?: HostDigests | undefined
}

/** `2026-01-01T00:00:00.000Z` -> `20260101T000000Z`, the X-Amz-Date format. */
export function amzDate(nowMs: number): string {
  return new Date(nowMs).toISOString().replace(/[:-]|\.\d{3}/g, '')
}

type SignerInit = ConstructorParameters<typeof AwsV4Signer>[0]

/**
 * aws4fetch's signer with its three WebCrypto calls per request (the payload digest, the
 * canonical-request digest, the final HMAC) done by the host's synchronous digests. aws4fetch
 * still builds everything that is signed (canonical URI, query, headers, scope, string to sign
 * and Authorization header, or the presigned query) and derives the signing key: the overrides
 * are its public methods, and each defers to aws4fetch wherever it would not merely hash. A
 * sequential request stops waiting on three thread-pool round trips (Findings 18).
 */
class HostDigestSigner extends AwsV4Signer {
  readonly #digests: HostDigests

  constructor(init: SignerInit, digests: HostDigests) {
    super(init)
    this.#digests = digests
  }

  override async hexBodyHash(): Promise<string> {
    const body = this.body as unknown
    // A given X-Amz-Content-Sha256, presigned S3's UNSIGNED-PAYLOAD and bodies other than text
    // or bytes are aws4fetch's own cases.
    const given = this.headers.get('X-Amz-Content-Sha256') ||
      (this.service === 's3' && this.signQuery)
    if (given || !(body == null || typeof body === 'string' || body instanceof Uint8Array)) {
      return super.hexBodyHash()
    }
    return this.#digests.sha256Hex(body ?? '')
  }

  override async stringToSign(): Promise<string> {
    const canonical = this.#digests.sha256Hex(await this.canonicalString())
    return ['AWS4-HMAC-SHA256', this.datetime, this.credentialString, canonical].join('\n')
  }

  override async signature(): Promise<string> {
    // aws4fetch's key for its derived-key cache (aws4fetch 1.0.20, AwsV4Signer.signature). Were
    // it ever to change, every lookup would miss and aws4fetch would sign: slower, still right.
    const date = this.datetime.slice(0, 8)
    const key = this.cache.get([this.secretAccessKey, date, this.region, this.service].join())
    if (key === undefined) return super.signature()
    return this.#digests.hmacSha256Hex(key, await this.stringToSign())
  }
}

// A client keeps at most a day's worth of derived keys for a handful of rotations.
const KEY_CACHE_LIMIT = 16

/** Sign a request; returns the URL and headers to send. */
export async function signRequest(input: SignInput): Promise<{ url: URL; headers: Headers }> {
  if (input.keyCache.size > KEY_CACHE_LIMIT) input.keyCache.clear()
  const { accessKeyId, secretAccessKey, sessionToken } = input.credentials
  const init: SignerInit = {
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
  }
  const signer = input.digests
    ? new HostDigestSigner(init, input.digests)
    : new AwsV4Signer(init)
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
