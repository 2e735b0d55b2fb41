/**
 * Server-side AWS Signature Version 4: recompute the signature of a request as received and
 * compare it in constant time (the claim itself is read by `sigv4-parse.ts`, re-exported here).
 *
 * Rules follow "Create a signed AWS API request" (docs.aws.amazon.com/IAM/latest/UserGuide/
 * reference_sigv-create-signed-request.html) and the S3 exceptions in "Signature Calculations for
 * the Authorization Header" (AmazonS3/latest/API/sig-v4-header-based-auth.html): S3 paths are
 * neither normalised nor encoded a second time.
 */

import { sha256Hex, toHex } from '../aws/hex.ts'
import { getPlatform } from '../platform.ts'
import { SIGV4_ALGORITHM, type SigV4Claim } from './sigv4-parse.ts'

export {
  formatAmzDate,
  parseAmzDate,
  parseSigV4,
  QUERY_AUTH_REQUIRED,
  SIGV4_ALGORITHM,
  type SigV4Claim,
  type SigV4ParseResult,
  UNSIGNED_PAYLOAD,
} from './sigv4-parse.ts'

const encoder = new TextEncoder()

/** AWS URI encoding: every byte except `A-Za-z0-9-._~` becomes `%XX` (upper-case hex). */
export function uriEncode(value: string, encodeSlash = true): string {
  let out = ''
  for (const byte of encoder.encode(value)) {
    const c = String.fromCharCode(byte)
    if (/[A-Za-z0-9\-._~]/.test(c) || (c === '/' && !encodeSlash)) out += c
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value)
  } catch {
    return undefined
  }
}

/**
 * Candidate canonical URIs for a request path as the signer saw it. Generic services remove
 * empty, `.` and `..` segments and encode the (already encoded) path once more; S3 takes the
 * path as sent, which a conforming client encodes exactly once (so decoding and re-encoding
 * each segment yields the same string, and also forgives clients that leave safe characters
 * unencoded on the wire).
 */
export function canonicalUris(path: string, s3: boolean): string[] {
  if (!s3) {
    const segments: string[] = []
    for (const segment of path.split('/')) {
      if (segment === '' || segment === '.') continue
      if (segment === '..') segments.pop()
      else segments.push(segment)
    }
    const tail = segments.length > 0 && path.endsWith('/') ? '/' : ''
    return [`/${segments.map((s) => uriEncode(s)).join('/')}${tail}`]
  }
  const reencoded = path
    .split('/')
    .map((segment) => {
      const decoded = safeDecode(segment)
      return decoded === undefined ? segment : uriEncode(decoded)
    })
    .join('/')
  return reencoded === path ? [path] : [reencoded, path]
}

/**
 * Candidate canonical query strings: parameters decoded, AWS-URI-encoded, sorted by name then
 * value, `X-Amz-Signature` left out. A literal `+` is read as a space (form encoding, as
 * `URLSearchParams` and aws4fetch do) and, as a second candidate, as itself.
 */
export function canonicalQueries(search: string, presigned: boolean): string[] {
  const raw = search.startsWith('?') ? search.slice(1) : search
  const build = (plusIsSpace: boolean): string => {
    const pairs: Array<[string, string]> = []
    for (const piece of raw.split('&')) {
      if (piece === '') continue
      const eq = piece.indexOf('=')
      const rawKey = eq < 0 ? piece : piece.slice(0, eq)
      const rawValue = eq < 0 ? '' : piece.slice(eq + 1)
      const decode = (s: string): string => {
        const t = plusIsSpace ? s.replace(/\+/g, ' ') : s
        return safeDecode(t) ?? t
      }
      const key = decode(rawKey)
      if (presigned && key === 'X-Amz-Signature') continue
      pairs.push([uriEncode(key), uriEncode(decode(rawValue))])
    }
    pairs.sort((
      [k1, v1],
      [k2, v2],
    ) => (k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0))
    return pairs.map(([k, v]) => `${k}=${v}`).join('&')
  }
  const first = build(true)
  if (!raw.includes('+')) return [first]
  const second = build(false)
  return second === first ? [first] : [first, second]
}

/** A header value as SigV4 canonicalises it: line breaks to spaces, runs of blanks to one, trimmed. */
export function canonicalHeaderValue(value: string): string {
  return value.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').trim()
}

/** The canonical request text, from parts already canonicalised. */
export function canonicalRequestText(parts: {
  readonly method: string
  readonly uri: string
  readonly query: string
  readonly headers: ReadonlyArray<readonly [string, string]>
  readonly signedHeaders: readonly string[]
  readonly payloadHash: string
}): string {
  const headerLines = parts.headers.map(([name, value]) => `${name}:${value}\n`).join('')
  return `${parts.method}\n${parts.uri}\n${parts.query}\n${headerLines}\n${
    parts.signedHeaders.join(';')
  }\n${parts.payloadHash}`
}

const hmacKey = (raw: Uint8Array): Promise<CryptoKey> =>
  crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])

async function hmac(key: CryptoKey | Uint8Array | string, data: string): Promise<Uint8Array> {
  const cryptoKey = key instanceof CryptoKey ? key : await hmacKey(typeof key === 'string' ? encoder.encode(key) : key)
  return new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(data)))
}

/** A derived signing key: its bytes for the host's HMAC, and the same key for WebCrypto's. */
interface SigningKey {
  readonly raw: ArrayBuffer
  readonly crypto: CryptoKey
}

/**
 * Derived signing keys by secret and scope. The derivation is four HMACs and four key imports,
 * each a WebCrypto round trip; it changes once a day per credential, so every request after the
 * first of a day needs only the final HMAC (as AWS's SDKs and aws4fetch cache it on the signing
 * side). Bounded: the oldest entries go first. Kept in memory only, like the secrets themselves.
 */
const signingKeys = new Map<string, Promise<SigningKey>>()
const SIGNING_KEY_LIMIT = 256

function signingKey(secret: string, scope: { readonly date: string; readonly region: string; readonly service: string }): Promise<SigningKey> {
  const id = `${secret}\n${scope.date}\n${scope.region}\n${scope.service}`
  let key = signingKeys.get(id)
  if (!key) {
    key = (async () => {
      const kDate = await hmac(`AWS4${secret}`, scope.date)
      const kRegion = await hmac(kDate, scope.region)
      const kService = await hmac(kRegion, scope.service)
      const raw = await hmac(kService, 'aws4_request')
      return { raw: raw.slice().buffer, crypto: await hmacKey(raw) }
    })()
    key.catch(() => signingKeys.delete(id))
    if (signingKeys.size >= SIGNING_KEY_LIMIT) signingKeys.delete(signingKeys.keys().next().value!)
    signingKeys.set(id, key)
  }
  return key
}

// Per request the verifier hashes the canonical request and computes one HMAC. Through WebCrypto
// each is a round trip through a thread pool (Findings 14 and 18 of scripts/bench/README.md), so
// where the platform offers the host's synchronous digests (the ones request signing uses) the
// emulator uses them too; a bare Web runtime keeps WebCrypto.

/** The string to sign for a canonical request under `scope` (`date/region/service/aws4_request`). */
export async function stringToSign(
  amzDate: string,
  scope: string,
  canonicalRequest: string,
): Promise<string> {
  return `${SIGV4_ALGORITHM}\n${amzDate}\n${scope}\n${await sha256Hex(canonicalRequest, getPlatform().digests)}`
}

/** The hex signature of `text` with the key derived from `secret` and the scope parts. */
export async function signString(
  secret: string,
  scope: { readonly date: string; readonly region: string; readonly service: string },
  text: string,
): Promise<string> {
  const key = await signingKey(secret, scope)
  const digests = getPlatform().digests
  if (digests) return digests.hmacSha256Hex(key.raw, text)
  return toHex(new Uint8Array(await crypto.subtle.sign('HMAC', key.crypto, encoder.encode(text))))
}

/** Compare two strings in time that depends only on their lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a)
  const y = encoder.encode(b)
  let diff = x.length ^ y.length
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0)
  return diff === 0
}

/** Why a signature check failed, with what the emulator computed (for S3's diagnostic fields). */
export interface SigV4Mismatch {
  readonly ok: false
  readonly canonicalRequest: string
  readonly stringToSign: string
}

/**
 * Recompute the signature of `request` for `claim` with `secret`, trying each candidate
 * canonical form; the match is compared in constant time. `payloadHash` is the value that goes
 * in the canonical request (the router decides it from `x-amz-content-sha256` or the body).
 */
export async function verifySigV4(
  request: Request,
  url: URL,
  claim: SigV4Claim,
  secret: string,
  payloadHash: string,
): Promise<{ readonly ok: true } | SigV4Mismatch> {
  const s3 = claim.service === 's3'
  const headers = claim.signedHeaders.map((name): [string, string] => {
    const value = request.headers.get(name) ?? (name === 'host' ? url.host : '')
    return [name, canonicalHeaderValue(value)]
  })
  const scope = `${claim.scopeDate}/${claim.region}/${claim.service}/aws4_request`
  let first: SigV4Mismatch | undefined
  for (const uri of canonicalUris(url.pathname, s3)) {
    for (const query of canonicalQueries(url.search, claim.presigned)) {
      const canonicalRequest = canonicalRequestText({
        method: request.method.toUpperCase(),
        uri,
        query,
        headers,
        signedHeaders: claim.signedHeaders,
        payloadHash,
      })
      const toSign = await stringToSign(claim.amzDate, scope, canonicalRequest)
      const expected = await signString(
        secret,
        { date: claim.scopeDate, region: claim.region, service: claim.service },
        toSign,
      )
      if (constantTimeEqual(expected, claim.signature)) return { ok: true }
      first ??= { ok: false, canonicalRequest, stringToSign: toSign }
    }
  }
  return first!
}
