/**
 * S3 object reads: GetObject and HeadObject with `Range`, conditional headers (`If-Match`,
 * `If-None-Match`, `If-Modified-Since`, `If-Unmodified-Since`) and `response-*` overrides.
 */
import { parseHttpDate } from '../clock.ts'
import { EmulatorFault } from './context.ts'
import type { S3Call } from './s3-request.ts'
import { getBucket, getObject, type S3Object } from './s3-store.ts'

/** A satisfiable byte range, both ends inclusive. */
export interface ByteRange {
  readonly start: number
  readonly end: number
}

/**
 * Interpret a `Range` header for an object of `size` bytes (RFC 9110 section 14): `bytes=a-b`,
 * `bytes=a-` or `bytes=-n`. Returns undefined when the header is to be ignored (absent, not a
 * single byte range, or `a > b`), as S3 then serves the whole object; throws `InvalidRange`
 * (416) when no byte of the range exists.
 */
export function parseRange(header: string | null, size: number): ByteRange | undefined {
  if (header === null) return undefined
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header)
  if (!match || (match[1] === '' && match[2] === '')) return undefined
  const unsatisfiable = (): EmulatorFault =>
    new EmulatorFault('InvalidRange', 'The requested range is not satisfiable', 416, {
      RangeRequested: header,
      ActualObjectSize: String(size),
    })
  if (match[1] === '') {
    const suffix = Number(match[2])
    if (suffix === 0 || size === 0) throw unsatisfiable()
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(match[1])
  const end = match[2] === '' ? Infinity : Number(match[2])
  if (end < start) return undefined
  if (start >= size) throw unsatisfiable()
  return { start, end: Math.min(end, size - 1) }
}

function etagMatches(list: string, etag: string): boolean {
  const bare = etag.replace(/"/g, '')
  return list.split(',').some((item) => {
    const candidate = item.trim().replace(/^W\//, '').replace(/"/g, '')
    return candidate === '*' || candidate === bare
  })
}

function preconditionFailed(condition: string): EmulatorFault {
  return new EmulatorFault(
    'PreconditionFailed',
    'At least one of the pre-conditions you specified did not hold',
    412,
    { Condition: condition },
  )
}

/**
 * Apply conditional headers. `read` (GET/HEAD) returns `'not-modified'` for a 304 and throws
 * `PreconditionFailed` (412); `write` (PutObject) honours `If-None-Match: *` and `If-Match`;
 * `copy-source` checks CopyObject's `x-amz-copy-source-if-*` headers.
 */
export function checkPreconditions(
  headers: Headers,
  object: S3Object | undefined,
  key: string,
  mode: 'read' | 'write' | 'copy-source',
): 'not-modified' | undefined {
  const prefix = mode === 'copy-source' ? 'x-amz-copy-source-' : ''
  const label = (name: string): string => (mode === 'copy-source' ? `${prefix}${name}` : name)
  const ifMatch = headers.get(`${prefix}if-match`)
  const ifNoneMatch = headers.get(`${prefix}if-none-match`)
  if (mode === 'write') {
    if (ifNoneMatch !== null && object && etagMatches(ifNoneMatch, object.etag)) {
      throw preconditionFailed('If-None-Match')
    }
    if (ifMatch !== null) {
      if (!object) {
        throw new EmulatorFault('NoSuchKey', 'The specified key does not exist.', 404, { Key: key })
      }
      if (!etagMatches(ifMatch, object.etag)) throw preconditionFailed('If-Match')
    }
    return undefined
  }
  if (!object) return undefined
  const since = parseHttpDate(headers.get(`${prefix}if-modified-since`))
  const unmodifiedSince = parseHttpDate(headers.get(`${prefix}if-unmodified-since`))
  // RFC 9110 section 13.2.2 order: If-Match, then If-Unmodified-Since only without If-Match.
  if (ifMatch !== null && !etagMatches(ifMatch, object.etag)) {
    throw preconditionFailed(label('If-Match'))
  }
  if (ifMatch === null && unmodifiedSince !== undefined && object.lastModified > unmodifiedSince) {
    throw preconditionFailed(label('If-Unmodified-Since'))
  }
  const notModified =
    ifNoneMatch !== null
      ? etagMatches(ifNoneMatch, object.etag)
      : since !== undefined && object.lastModified <= since
  if (!notModified) return undefined
  if (mode === 'copy-source') {
    throw preconditionFailed(label(ifNoneMatch !== null ? 'If-None-Match' : 'If-Modified-Since'))
  }
  return 'not-modified'
}

// GetObject's `response-*` query parameters override these response headers.
const OVERRIDES: readonly (readonly [string, string])[] = [
  ['response-content-type', 'content-type'],
  ['response-content-language', 'content-language'],
  ['response-expires', 'expires'],
  ['response-cache-control', 'cache-control'],
  ['response-content-disposition', 'content-disposition'],
  ['response-content-encoding', 'content-encoding'],
]

/** GetObject (`head: false`) or HeadObject (`head: true`). */
export function readObject(call: S3Call, bucketName: string, key: string, head: boolean): Response {
  const object = getObject(getBucket(call.store, bucketName), key)
  if (call.query.has('partNumber')) {
    throw new EmulatorFault(
      'NotImplemented',
      'The emulator does not serve single parts (partNumber); use a Range request instead',
      501,
      { Header: 'partNumber' },
    )
  }
  const headers: Record<string, string> = {
    ...call.responseHeaders,
    ...object.headers,
    etag: object.etag,
    'last-modified': new Date(object.lastModified).toUTCString(),
    'accept-ranges': 'bytes',
    'x-amz-server-side-encryption': 'AES256',
  }
  if (object.storageClass !== 'STANDARD') headers['x-amz-storage-class'] = object.storageClass
  for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value
  if (checkPreconditions(call.headers, object, key, 'read') === 'not-modified') {
    const kept = ['x-amz-request-id', 'x-amz-id-2', 'date', 'server', 'etag', 'last-modified']
    return new Response(null, {
      status: 304,
      headers: Object.fromEntries(kept.map((name) => [name, headers[name] as string])),
    })
  }
  if (!head) {
    for (const [param, header] of OVERRIDES) {
      const value = call.query.get(param)
      if (value !== null) headers[header] = value
    }
  }
  const size = object.body.length
  const range = parseRange(call.headers.get('range'), size)
  if (range) {
    headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`
    headers['content-length'] = String(range.end - range.start + 1)
    // A view, not a copy: a Response copies the bytes it is given (Fetch, "extract a body":
    // BufferSource), so the stored object stays the emulator's alone either way.
    const body = head ? null : (object.body.subarray(range.start, range.end + 1) as Uint8Array<ArrayBuffer>)
    return new Response(body, { status: 206, headers })
  }
  // A whole-object checksum only describes whole-object responses (S3 User Guide, "Checking
  // object integrity"); SDKs validate it when they asked with x-amz-checksum-mode: ENABLED.
  if (object.checksum && call.headers.get('x-amz-checksum-mode')?.toUpperCase() === 'ENABLED') {
    headers[`x-amz-checksum-${object.checksum.algorithm.toLowerCase()}`] = object.checksum.value
    // COMPOSITE for a multipart object's checksum of its parts' checksums (S3 API Reference,
    // HeadObject x-amz-checksum-type; a single PUT's is always FULL_OBJECT).
    headers['x-amz-checksum-type'] = object.checksumType ?? 'FULL_OBJECT'
  }
  headers['content-length'] = String(size)
  return new Response(head ? null : (object.body as Uint8Array<ArrayBuffer>), { status: 200, headers })
}
