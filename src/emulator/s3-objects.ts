/**
 * S3 object writes: PutObject, CopyObject, DeleteObject, and the request-header attributes
 * (Content-Type, user metadata, storage class) that objects and multipart uploads store.
 */
import { EmulatorFault } from './context.ts'
import { computeChecksum, parseAlgorithm, type StoredChecksum } from './s3-checksum.ts'
import { checkPreconditions } from './s3-read.ts'
import { readPayload, type S3Call } from './s3-request.ts'
import {
  getBucket,
  getObject,
  md5Etag,
  singlePartEtag,
  STORED_HEADERS,
  type ObjectAttributes,
  type S3Object,
} from './s3-store.ts'
import { el, isoTime, s3XmlResponse } from './s3-xml.ts'

const STORAGE_CLASSES = new Set([
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'OUTPOSTS',
  'GLACIER_IR',
  'SNOW',
  'EXPRESS_ONEZONE',
])

// User-defined metadata is limited to 2 KB, counted as the UTF-8 bytes of names and values (S3
// User Guide, "Working with object metadata").
const MAX_METADATA_BYTES = 2048

/** Content-Type, stored headers, `x-amz-meta-*` and storage class from the request headers. */
export function attributesFrom(headers: Headers): ObjectAttributes {
  const stored: Record<string, string> = {}
  for (const name of STORED_HEADERS) {
    const value = headers.get(name)
    if (value !== null) stored[name] = value
  }
  // aws-chunked describes the transfer, not the object: S3 drops it from the stored encoding.
  const encoding = (stored['content-encoding'] ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token !== '' && token.toLowerCase() !== 'aws-chunked')
  if (encoding.length > 0) stored['content-encoding'] = encoding.join(',')
  else delete stored['content-encoding']
  stored['content-type'] ??= 'binary/octet-stream'

  const metadata: Record<string, string> = {}
  let size = 0
  for (const [name, value] of headers) {
    if (!name.startsWith('x-amz-meta-')) continue
    const key = name.slice('x-amz-meta-'.length)
    metadata[key] = value
    size += new TextEncoder().encode(key + value).length
  }
  if (size > MAX_METADATA_BYTES) {
    throw new EmulatorFault(
      'MetadataTooLarge',
      'Your metadata headers exceed the maximum allowed metadata size.',
      400,
      { Size: String(size), MaxSizeAllowed: String(MAX_METADATA_BYTES) },
    )
  }
  const storageClass = headers.get('x-amz-storage-class') ?? 'STANDARD'
  if (!STORAGE_CLASSES.has(storageClass)) {
    throw new EmulatorFault(
      'InvalidStorageClass',
      'The storage class you specified is not valid',
      400,
      { StorageClassRequested: storageClass },
    )
  }
  return { headers: stored, metadata, storageClass }
}

/** `x-amz-checksum-<alg>` response header for a stored checksum. */
export function checksumHeader(checksum: StoredChecksum | undefined): Record<string, string> {
  return checksum ? { [`x-amz-checksum-${checksum.algorithm.toLowerCase()}`]: checksum.value } : {}
}

/** Whole seconds: S3 keeps Last-Modified at second precision. */
export function wholeSeconds(epochMs: number): number {
  return Math.floor(epochMs / 1000) * 1000
}

/** PutObject: store the (decoded, verified) body; answers the ETag. */
export async function putObject(call: S3Call, bucketName: string, key: string): Promise<Response> {
  const bucket = getBucket(call.store, bucketName)
  const attributes = attributesFrom(call.headers)
  const payload = await readPayload(call)
  // Conditional writes: `If-None-Match: *` refuses to overwrite, `If-Match` needs the ETag.
  checkPreconditions(call.headers, bucket.objects.get(key), key, 'write')
  const object: S3Object = {
    ...attributes,
    key,
    body: payload.data,
    // The MD5 readPayload computed (for Content-MD5), not a second pass over the body.
    etag: md5Etag(payload.md5),
    lastModified: wholeSeconds(call.req.now),
    ...(payload.checksum ? { checksum: payload.checksum } : {}),
  }
  bucket.objects.set(key, object)
  return new Response(null, {
    status: 200,
    headers: {
      ...call.responseHeaders,
      etag: object.etag,
      'x-amz-server-side-encryption': 'AES256',
      ...checksumHeader(object.checksum),
    },
  })
}

/** DeleteObject: 204 whether or not the key existed, as S3 does for unversioned buckets. */
export function deleteObject(call: S3Call, bucketName: string, key: string): Response {
  getBucket(call.store, bucketName).objects.delete(key)
  return new Response(null, { status: 204, headers: call.responseHeaders })
}

/**
 * Parse `x-amz-copy-source`: URL-encoded `bucket/key` with an optional leading `/` and
 * `?versionId=`; only the `null` version exists in an unversioned bucket.
 */
export function parseCopySource(value: string): { bucket: string; key: string } {
  const invalid = (why: string): EmulatorFault =>
    new EmulatorFault('InvalidArgument', `Invalid copy source: ${why}`, 400, {
      ArgumentName: 'x-amz-copy-source',
      ArgumentValue: value,
    })
  const [path = '', query] = value.split('?', 2)
  if (query !== undefined) {
    const version = new URLSearchParams(query).get('versionId')
    if (version !== null && version !== 'null') {
      throw new EmulatorFault('NoSuchVersion', 'The specified version does not exist.', 404, {
        Key: path,
        VersionId: version,
      })
    }
  }
  let decoded: string
  try {
    decoded = decodeURIComponent(path.replace(/^\//, ''))
  } catch {
    throw invalid('it is not valid URL encoding')
  }
  const slash = decoded.indexOf('/')
  if (slash <= 0 || slash === decoded.length - 1) throw invalid('it must be <bucket>/<key>')
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) }
}

/** CopyObject: `PUT` with `x-amz-copy-source`; answers `CopyObjectResult`. */
export async function copyObject(call: S3Call, bucketName: string, key: string): Promise<Response> {
  getBucket(call.store, bucketName)
  const askedText = call.headers.get('x-amz-checksum-algorithm')
  const asked = askedText === null ? undefined : parseAlgorithm(askedText)
  // "Unrecognized or unsupported values will respond with the HTTP status code 400" (CopyObject,
  // x-amz-checksum-algorithm); the message is the one CreateMultipartUpload gives.
  if (askedText !== null && !asked) {
    throw new EmulatorFault('InvalidRequest', 'Value for x-amz-checksum-algorithm header is invalid.', 400)
  }
  const source = parseCopySource(call.headers.get('x-amz-copy-source') ?? '')
  const original = getObject(getBucket(call.store, source.bucket), source.key)
  checkPreconditions(call.headers, original, source.key, 'copy-source')
  const directive = call.headers.get('x-amz-metadata-directive') ?? 'COPY'
  if (directive !== 'COPY' && directive !== 'REPLACE') {
    throw new EmulatorFault('InvalidArgument', 'Unknown metadata directive.', 400, {
      ArgumentName: 'x-amz-metadata-directive',
      ArgumentValue: directive,
    })
  }
  const requested = attributesFrom(call.headers)
  const storageClassChanged = call.headers.has('x-amz-storage-class')
  if (
    source.bucket === bucketName &&
    source.key === key &&
    directive === 'COPY' &&
    !storageClassChanged &&
    !call.headers.has('x-amz-website-redirect-location')
  ) {
    throw new EmulatorFault(
      'InvalidRequest',
      'This copy request is illegal because it is trying to copy an object to itself without ' +
        "changing the object's metadata, storage class, website redirect location or " +
        'encryption attributes.',
      400,
    )
  }
  const attributes =
    directive === 'REPLACE'
      ? requested
      : {
          headers: original.headers,
          metadata: original.metadata,
          storageClass: requested.storageClass,
        }
  // The copy's checksum (CopyObject, x-amz-checksum-algorithm): the algorithm asked for, else the
  // source's. A copy is written in one piece, so its checksum is of the whole body: the source's
  // value carries over unless it was a multipart COMPOSITE (made of parts the copy does not have)
  // or another algorithm was asked for, which are computed afresh.
  const algorithm = asked ?? original.checksum?.algorithm
  let checksum: StoredChecksum | undefined
  if (algorithm !== undefined) {
    checksum = original.checksum?.algorithm === algorithm && original.checksumType !== 'COMPOSITE'
      ? original.checksum
      : { algorithm, value: await computeChecksum(algorithm, original.body) }
  }
  // A copy is written in one piece, so even a multipart source gets a plain MD5 ETag.
  const copy: S3Object = {
    ...attributes,
    key,
    body: original.body,
    etag: original.partsCount === undefined ? original.etag : singlePartEtag(original.body),
    lastModified: wholeSeconds(call.req.now),
    ...(checksum ? { checksum } : {}),
  }
  getBucket(call.store, bucketName).objects.set(key, copy)
  const checksumXml = checksum
    ? `${el('ChecksumType', 'FULL_OBJECT')}${el(`Checksum${checksum.algorithm}`, checksum.value)}`
    : ''
  return s3XmlResponse(
    'CopyObjectResult',
    `${el('LastModified', isoTime(copy.lastModified))}${el('ETag', copy.etag)}${checksumXml}`,
    { ...call.responseHeaders, 'x-amz-server-side-encryption': 'AES256' },
  )
}
