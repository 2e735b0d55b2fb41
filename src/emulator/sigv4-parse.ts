/**
 * Reading what a SigV4-signed request claims (header auth or presigned query auth), before any
 * secret is looked up: access key, credential scope, signed headers, date, token.
 * ("Authenticating Requests: Using the Authorization Header / Query Parameters", S3 API
 * reference, and "Elements of an AWS API request signature", IAM User Guide.)
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
          message: `Authorization header requires '${name}' parameter. Authorization=${
            trimmed.replace(/Signature=\w+/, 'Signature=...')
          }`,
        }
      }
    }
    const credential = parseCredential(fields.get('Credential')!)
    if (typeof credential === 'string') {
      return { kind: 'malformed', presigned: false, message: credential }
    }
    const amzDate = request.headers.get('x-amz-date') ?? ''
    const timeMs = parseAmzDate(amzDate)
    if (timeMs === undefined) {
      return {
        kind: 'malformed',
        presigned: false,
        message:
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
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
  if (
    !query.has('X-Amz-Credential') && !query.has('X-Amz-Signature') && !query.has('X-Amz-Algorithm')
  ) {
    return { kind: 'unsigned' }
  }
  for (
    const name of [
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Signature',
      'X-Amz-Date',
      'X-Amz-SignedHeaders',
    ]
  ) {
    if (!query.get(name)) {
      return {
        kind: 'malformed',
        presigned: true,
        message: QUERY_AUTH_REQUIRED,
      }
    }
  }
  if (query.get('X-Amz-Algorithm') !== SIGV4_ALGORITHM) {
    return {
      kind: 'malformed',
      presigned: true,
      message: 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"',
    }
  }
  const credential = parseCredential(query.get('X-Amz-Credential')!)
  if (typeof credential === 'string') {
    return { kind: 'malformed', presigned: true, message: credential }
  }
  const amzDate = query.get('X-Amz-Date')!
  const timeMs = parseAmzDate(amzDate)
  if (timeMs === undefined) {
    return {
      kind: 'malformed',
      presigned: true,
      message: "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"",
    }
  }
  const expiresText = query.get('X-Amz-Expires')
  const expiresSeconds = expiresText === null
    ? undefined
    : /^\d+$/.test(expiresText)
    ? Number(expiresText)
    : NaN
  if (expiresSeconds !== undefined && !Number.isFinite(expiresSeconds)) {
    return { kind: 'malformed', presigned: true, message: 'X-Amz-Expires should be a number' }
  }
  // S3 caps presigned URLs at seven days (AmazonS3/latest/API/sigv4-query-string-auth.html).
  if (expiresSeconds !== undefined && expiresSeconds > 604800) {
    return {
      kind: 'malformed',
      presigned: true,
      message: 'X-Amz-Expires must be less than a week (in seconds) that is 604800',
    }
  }
  const token = query.get('X-Amz-Security-Token')
  return {
    kind: 'signed',
    claim: {
      presigned: true,
      ...credential,
      signedHeaders: query.get('X-Amz-SignedHeaders')!.split(';').map((h) =>
        h.trim().toLowerCase()
      ),
      signature: query.get('X-Amz-Signature')!,
      amzDate,
      timeMs,
      ...(expiresSeconds !== undefined ? { expiresSeconds } : {}),
      ...(token !== null ? { sessionToken: token } : {}),
    },
  }
}
