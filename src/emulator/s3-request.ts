/**
 * Request plumbing for the S3 emulator: which bucket and key a request addresses (path-style or
 * virtual-hosted), the decoded and verified payload, and S3's XML `Error` responses.
 */
import { EmulatorFault, type ServiceRequest } from './context.ts'
import { verifyChecksum, type StoredChecksum } from './s3-checksum.ts'
import { decodeAwsChunked, isAwsChunked } from './s3-chunked.ts'
import { canonicalUserId, type S3Store } from './s3-store.ts'
import { el, escapeXml } from './s3-xml.ts'
import { fromBase64, hostMd5, toBase64 } from '../aws/md5.ts'
import { toHex } from '../aws/hex.ts'
import { payloadSha256 } from './payload-sha256.ts'

/** Everything an S3 operation needs about one request. */
export interface S3Call {
  readonly req: ServiceRequest
  readonly method: string
  readonly headers: Headers
  readonly query: URLSearchParams
  /** Undefined for service-level requests (ListBuckets). */
  readonly bucket: string | undefined
  /** Undefined for bucket-level requests; never the empty string. */
  readonly key: string | undefined
  readonly store: S3Store
  /** The caller's account, or the emulator's when the request is unsigned. */
  readonly accountId: string
  readonly ownerId: string
  /** `x-amz-request-id`, `x-amz-id-2` and `date`, sent on every response. */
  readonly responseHeaders: Record<string, string>
  /** Scheme and host the request was sent to, for CompleteMultipartUpload's `Location`. */
  readonly origin: string
  readonly virtualHosted: boolean
  readonly minPartSize: number
}

/** The part of an absolute URL string between the authority and the query, not normalised. */
export function rawPath(url: string): string {
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/.exec(url)
  const path = match?.[1] ?? '/'
  return path === '' ? '/' : path
}

/**
 * The bucket a virtual-hosted request names in its `Host`, or undefined for path-style hosts.
 * Recognised: `<bucket>.s3.localhost`, `<bucket>.localhost` and AWS's own
 * `<bucket>.s3[.<region>|-<region>].amazonaws.com`; IP addresses and bare hosts are path-style.
 */
export function bucketFromHost(host: string): string | undefined {
  const hostname = host.replace(/:\d+$/, '').toLowerCase()
  if (hostname === 's3.localhost') return undefined
  const local = /^(.+?)\.(?:s3\.)?localhost$/.exec(hostname)
  if (local) return local[1]
  const aws = /^(.+)\.s3(?:[.-][a-z0-9-]+)?(?:\.dualstack\.[a-z0-9-]+)?\.amazonaws\.com$/
  return aws.exec(hostname)?.[1]
}

function decodePath(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw new EmulatorFault('InvalidURI', "Couldn't parse the specified URI.", 400, {
      URI: segment,
    })
  }
}

/**
 * Bucket and key from the `Host` and the raw request path. The key is the rest of the path
 * percent-decoded exactly once: S3 does no path normalisation, so `//` and `..` stay in it.
 */
export function resolveTarget(
  url: string,
  host: string,
): { bucket: string | undefined; key: string | undefined; virtualHosted: boolean } {
  const path = rawPath(url)
  const fromHost = bucketFromHost(host)
  if (fromHost !== undefined) {
    const key = decodePath(path.slice(1))
    return { bucket: fromHost, key: key === '' ? undefined : key, virtualHosted: true }
  }
  const rest = path.slice(1)
  if (rest === '') return { bucket: undefined, key: undefined, virtualHosted: false }
  const slash = rest.indexOf('/')
  const bucket = decodePath(slash < 0 ? rest : rest.slice(0, slash))
  const key = slash < 0 ? '' : decodePath(rest.slice(slash + 1))
  return { bucket, key: key === '' ? undefined : key, virtualHosted: false }
}

/** Build the {@link S3Call} for a request. */
export function createCall(
  req: ServiceRequest,
  store: S3Store,
  fallbackAccountId: string,
  minPartSize: number,
): S3Call {
  const host = req.request.headers.get('host') ?? req.url.host
  const target = resolveTarget(req.request.url, host)
  const accountId = req.identity?.accountId ?? fallbackAccountId
  return {
    req,
    method: req.request.method.toUpperCase(),
    headers: req.request.headers,
    query: req.url.searchParams,
    bucket: target.bucket,
    key: target.key,
    store,
    accountId,
    ownerId: canonicalUserId(accountId),
    responseHeaders: baseHeaders(req.requestId, req.now),
    origin: `${req.url.protocol}//${host}`,
    virtualHosted: target.virtualHosted,
    minPartSize,
  }
}

function baseHeaders(requestId: string, now: number): Record<string, string> {
  return {
    'x-amz-request-id': requestId,
    // S3's host ids are standard base64 of random bytes.
    'x-amz-id-2': toBase64(crypto.getRandomValues(new Uint8Array(48))),
    date: new Date(now).toUTCString(),
    server: 'AmazonS3',
  }
}

/**
 * Render `fault` in S3's REST error format: `<Error><Code/><Message/>[extra...]<RequestId/>
 * <HostId/></Error>` as `application/xml`, with `x-amz-request-id` and `x-amz-id-2` headers.
 * HEAD responses carry no body (S3 API reference, "Error responses").
 */
export function renderS3Error(
  fault: EmulatorFault,
  requestId: string,
  options: { head?: boolean; now?: number } = {},
): Response {
  const headers = { ...baseHeaders(requestId, options.now ?? Date.now()), ...fault.headers }
  if (options.head) return new Response(null, { status: fault.status, headers })
  const extra = Object.entries(fault.extra)
    .map(([name, value]) => el(name, value))
    .join('')
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${el('Code', fault.code)}` +
    `${el('Message', fault.message)}${extra}${el('RequestId', requestId)}` +
    `<HostId>${escapeXml(headers['x-amz-id-2'] as string)}</HostId></Error>`
  return new Response(body, {
    status: fault.status,
    headers: { ...headers, 'content-type': 'application/xml' },
  })
}

/** A request body after aws-chunked decoding and every integrity check the client asked for. */
export interface VerifiedPayload {
  readonly data: Uint8Array
  readonly md5: Uint8Array
  readonly checksum: StoredChecksum | undefined
}

/**
 * Decode and verify the body: aws-chunked framing, `x-amz-content-sha256` when it is a hash,
 * `Content-MD5` (`InvalidDigest`/`BadDigest`) and any `x-amz-checksum-*` value.
 */
export async function readPayload(call: S3Call): Promise<VerifiedPayload> {
  const { headers } = call
  let data = call.req.body
  let trailers: Readonly<Record<string, string>> = {}
  const declared = headers.get('x-amz-content-sha256') ?? ''
  if (isAwsChunked(headers)) {
    const decodedText = headers.get('x-amz-decoded-content-length')
    const decodedLength = decodedText === null ? undefined : Number(decodedText)
    if (decodedLength !== undefined && !Number.isSafeInteger(decodedLength)) {
      throw new EmulatorFault(
        'InvalidArgument',
        `x-amz-decoded-content-length must be a number of bytes, got ${decodedText}`,
        400,
        { ArgumentName: 'x-amz-decoded-content-length', ArgumentValue: decodedText ?? '' },
      )
    }
    ;({ data, trailers } = decodeAwsChunked(data, decodedLength))
  } else if (/^[0-9a-f]{64}$/.test(declared)) {
    const computed = await payloadSha256(data)
    if (computed !== declared) {
      throw new EmulatorFault(
        'XAmzContentSHA256Mismatch',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
        400,
        { ClientComputedContentSHA256: declared, S3ComputedContentSHA256: computed },
      )
    }
  }
  const digest = hostMd5(data)
  const contentMd5 = headers.get('content-md5')
  if (contentMd5 !== null) {
    const expected = fromBase64(contentMd5.trim())
    if (!expected || expected.length !== 16) {
      throw new EmulatorFault('InvalidDigest', 'The Content-MD5 you specified was invalid.', 400, {
        'Content-MD5': contentMd5,
      })
    }
    if (toHex(expected) !== toHex(digest)) {
      throw new EmulatorFault(
        'BadDigest',
        'The Content-MD5 you specified did not match what we received.',
        400,
        { ExpectedDigest: contentMd5, CalculatedDigest: toBase64(digest) },
      )
    }
  }
  const checksum = await verifyChecksum(headers, trailers, data)
  return { data, md5: digest, checksum }
}
