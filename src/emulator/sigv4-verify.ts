/**
 * Server-side AWS Signature Version 4: parse what a client claims (header auth or presigned
 * query auth) and recompute the signature from the request as received.
 *
 * Rules follow "Create a signed AWS API request" (docs.aws.amazon.com/IAM/latest/UserGuide/
 * reference_sigv-create-signed-request.html) and the S3 exceptions in "Signature Calculations for
 * the Authorization Header" (AmazonS3/latest/API/sig-v4-header-based-auth.html): S3 paths are
 * neither normalised nor encoded a second time.
 */

/** The only algorithm the emulator accepts (SigV4a is not emulated). */
export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256'

/** Payload hash value that opts out of body signing (S3, and accepted elsewhere). */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'

/** What a signed request claims about itself, before any secret is looked up. */
export interface SigV4Claim {
  readonly presigned: boolean
  readonly accessKeyId: string
  /** `YYYYMMDD` from the credential scope. */
  readonly scopeDate: string
  readonly region: string
  readonly service: string
  /** Lower-case header names, in the order the client listed them. */
  readonly signedHeaders: readonly string[]
  readonly signature: string
  /** `YYYYMMDDTHHMMSSZ` from `X-Amz-Date` (header or query). */
  readonly amzDate: string
  /** Epoch ms of {@link SigV4Claim.amzDate}. */
  readonly timeMs: number
  /** Presigned only: `X-Amz-Expires` in seconds (S3 requires it; other services default to the skew window). */
  readonly expiresSeconds?: number
  /** `X-Amz-Security-Token` (header or query), when sent. */
  readonly sessionToken?: string
}

/** The outcome of reading a request's authentication: none, a claim, or a malformed attempt. */
export type SigV4ParseResult =
  | { readonly kind: 'unsigned' }
  | { readonly kind: 'signed'; readonly claim: SigV4Claim }
  | { readonly kind: 'malformed'; readonly presigned: boolean; readonly message: string }

/** S3's text for a presigned URL that lacks one of the SigV4 query parameters. */
export const QUERY_AUTH_REQUIRED =
  'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.'

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/

/** Parse `YYYYMMDDTHHMMSSZ` to epoch ms, or undefined when it is not that shape. */
export function parseAmzDate(value: string): number | undefined {
  const m = AMZ_DATE.exec(value)
  if (!m) return undefined
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)
  return Number.isFinite(ms) ? ms : undefined
}

/** Format epoch ms as `YYYYMMDDTHHMMSSZ`. */
export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
}

function parseCredential(
  value: string,
): { accessKeyId: string; scopeDate: string; region: string; service: string } | string {
  const parts = value.split('/')
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || parts.some((p) => p === '')) {
    return `Credential should be of the form <key>/<date>/<region>/<service>/aws4_request, got '${value}'.`
  }
  const [accessKeyId, scopeDate, region, service] = parts as [string, string, string, string]
  return { accessKeyId, scopeDate, region, service }
}

/** Read the SigV4 claim from the `Authorization` header or the presigned query parameters. */
export function parseSigV4(request: Request, url: URL): SigV4ParseResult {
  const auth = request.headers.get('authorization')
  const query = url.searchParams
  if (auth !== null) {
    const trimmed = auth.trim()
    if (!trimmed.startsWith(`${SIGV4_ALGORITHM} `)) {
      return { kind: 'malformed', presigned: false, message: 'Unsupported Authorization Type' }
    }
    const fields = new Map<string, string>()
    for (const piece of trimmed.slice(SIGV4_ALGORITHM.length).split(',')) {
      const eq = piece.indexOf('=')
      if (eq > 0) fields.set(piece.slice(0, eq).trim(), piece.slice(eq + 1).trim())
    }
    for (const name of ['Credential', 'SignedHeaders', 'Signature']) {
      if (!fields.get(name)) {
        return {
          kind: 'malformed',
          presigned: false,
          message: `Authorization header requires '${name}' parameter. Authorization=${trimmed.replace(/Signature=\w+/, 'Signature=...')}`,
        }
      }
    }
    const credential = parseCredential(fields.get('Credential')!)
    if (typeof credential === 'string') return { kind: 'malformed', presigned: false, message: credential }
    const amzDate = request.headers.get('x-amz-date') ?? ''
    const timeMs = parseAmzDate(amzDate)
    if (timeMs === undefined) {
      return {
        kind: 'malformed',
        presigned: false,
        message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      }
    }
    const token = request.headers.get('x-amz-security-token')
    return {
      kind: 'signed',
      claim: {
        presigned: false,
        ...credential,
        signedHeaders: fields.get('SignedHeaders')!.split(';').map((h) => h.trim().toLowerCase()),
        signature: fields.get('Signature')!,
        amzDate,
        timeMs,
        ...(token !== null ? { sessionToken: token } : {}),
      },
    }
  }
  if (!query.has('X-Amz-Credential') && !query.has('X-Amz-Signature') && !query.has('X-Amz-Algorithm')) {
    return { kind: 'unsigned' }
  }
  for (const name of ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders']) {
    if (!query.get(name)) {
      return {
        kind: 'malformed',
        presigned: true,
        message: QUERY_AUTH_REQUIRED,
      }
    }
  }
  if (query.get('X-Amz-Algorithm') !== SIGV4_ALGORITHM) {
    return { kind: 'malformed', presigned: true, message: 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"' }
  }
  const credential = parseCredential(query.get('X-Amz-Credential')!)
  if (typeof credential === 'string') return { kind: 'malformed', presigned: true, message: credential }
  const amzDate = query.get('X-Amz-Date')!
  const timeMs = parseAmzDate(amzDate)
  if (timeMs === undefined) {
    return { kind: 'malformed', presigned: true, message: 'X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"' }
  }
  const expiresText = query.get('X-Amz-Expires')
  const expiresSeconds = expiresText === null ? undefined : /^\d+$/.test(expiresText) ? Number(expiresText) : NaN
  if (expiresSeconds !== undefined && !Number.isFinite(expiresSeconds)) {
    return { kind: 'malformed', presigned: true, message: 'X-Amz-Expires should be a number' }
  }
  // S3 caps presigned URLs at seven days (AmazonS3/latest/API/sigv4-query-string-auth.html).
  if (expiresSeconds !== undefined && expiresSeconds > 604800) {
    return { kind: 'malformed', presigned: true, message: 'X-Amz-Expires must be less than a week (in seconds) that is 604800' }
  }
  const token = query.get('X-Amz-Security-Token')
  return {
    kind: 'signed',
    claim: {
      presigned: true,
      ...credential,
      signedHeaders: query.get('X-Amz-SignedHeaders')!.split(';').map((h) => h.trim().toLowerCase()),
      signature: query.get('X-Amz-Signature')!,
      amzDate,
      timeMs,
      ...(expiresSeconds !== undefined ? { expiresSeconds } : {}),
      ...(token !== null ? { sessionToken: token } : {}),
    },
  }
}

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
    pairs.sort(([k1, v1], [k2, v2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0))
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
  return `${parts.method}\n${parts.uri}\n${parts.query}\n${headerLines}\n${parts.signedHeaders.join(';')}\n${parts.payloadHash}`
}

/** Hex SHA-256 of text or bytes. */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)))
}

function toHex(bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) out += b.toString(16).padStart(2, '0')
  return out
}

async function hmac(key: Uint8Array | string, data: string): Promise<Uint8Array> {
  const raw = typeof key === 'string' ? encoder.encode(key) : key
  const cryptoKey = await crypto.subtle.importKey(
    'raw',
    raw as Uint8Array<ArrayBuffer>,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  return new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(data)))
}

/** The string to sign for a canonical request under `scope` (`date/region/service/aws4_request`). */
export async function stringToSign(amzDate: string, scope: string, canonicalRequest: string): Promise<string> {
  return `${SIGV4_ALGORITHM}\n${amzDate}\n${scope}\n${await sha256Hex(canonicalRequest)}`
}

/** The hex signature of `text` with the key derived from `secret` and the scope parts. */
export async function signString(
  secret: string,
  scope: { readonly date: string; readonly region: string; readonly service: string },
  text: string,
): Promise<string> {
  const kDate = await hmac(`AWS4${secret}`, scope.date)
  const kRegion = await hmac(kDate, scope.region)
  const kService = await hmac(kRegion, scope.service)
  const kSigning = await hmac(kService, 'aws4_request')
  return toHex(await hmac(kSigning, text))
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
