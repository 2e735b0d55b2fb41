/**
 * S3 listings: ListObjectsV2 (`?list-type=2`) and ListObjects (v1): prefix, delimiter and
 * CommonPrefixes, max-keys, opaque continuation tokens, start-after/marker, encoding-type=url.
 */
import { EmulatorFault } from './context.ts'
import type { S3Call } from './s3-request.ts'
import { compareKeys, getBucket, type S3Bucket, type S3Object } from './s3-store.ts'
import { el, isoTime, s3XmlResponse } from './s3-xml.ts'
import { fromBase64, toBase64 } from '../aws/md5.ts'

/** What one page of a listing holds. */
export interface ListPage {
  readonly contents: S3Object[]
  readonly commonPrefixes: string[]
  readonly truncated: boolean
  /** The last key or common prefix on the page: where the next page starts. */
  readonly last: string | undefined
}

/**
 * One page of `bucket` in UTF-8 key order: keys under `prefix` after `after`, keys sharing a
 * `delimiter`-terminated prefix rolled into one CommonPrefixes entry; each entry counts toward
 * `maxKeys`. When `after` is itself such a common prefix, every key under it is skipped too, so
 * a page that ended on a common prefix resumes after it.
 */
export function listPage(
  bucket: S3Bucket,
  options: { prefix: string; delimiter: string; after: string | undefined; maxKeys: number },
): ListPage {
  const { prefix, delimiter, after, maxKeys } = options
  const rollUp = (key: string): string | undefined => {
    if (delimiter === '') return undefined
    const index = key.indexOf(delimiter, prefix.length)
    return index < 0 ? undefined : key.slice(0, index + delimiter.length)
  }
  const skipUnder = after !== undefined && rollUp(after) === after ? after : undefined
  const keys = [...bucket.objects.keys()].sort(compareKeys)
  const contents: S3Object[] = []
  const commonPrefixes: string[] = []
  let last: string | undefined
  let truncated = false
  for (const key of keys) {
    if (!key.startsWith(prefix)) continue
    if (after !== undefined && compareKeys(key, after) <= 0) continue
    if (skipUnder !== undefined && key.startsWith(skipUnder)) continue
    const common = rollUp(key)
    if (common !== undefined && common === last) continue
    if (contents.length + commonPrefixes.length >= maxKeys) {
      // max-keys=0 answers an empty, untruncated page: there is nowhere to resume from.
      truncated = last !== undefined
      break
    }
    if (common !== undefined) commonPrefixes.push(common)
    else contents.push(bucket.objects.get(key) as S3Object)
    last = common ?? key
  }
  return { contents, commonPrefixes, truncated, last }
}

function invalidArgument(message: string, name: string, value: string): EmulatorFault {
  return new EmulatorFault('InvalidArgument', message, 400, {
    ArgumentName: name,
    ArgumentValue: value,
  })
}

function readMaxKeys(query: URLSearchParams): number {
  const text = query.get('max-keys')
  if (text === null) return 1000
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) > 2 ** 31 - 1) {
    const message = 'Provided max-keys not an integer or within integer range'
    throw invalidArgument(message, 'max-keys', text)
  }
  const value = Number(text)
  if (value < 0) {
    const message = 'Argument maxKeys must be an integer between 0 and 2147483647'
    throw invalidArgument(message, 'maxKeys', text)
  }
  // S3 returns at most 1,000 keys per page whatever max-keys asks for.
  return Math.min(value, 1000)
}

function readEncoding(query: URLSearchParams): (text: string) => string {
  const encoding = query.get('encoding-type')
  if (encoding === null) return (text) => text
  if (encoding !== 'url') {
    throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encoding)
  }
  // botocore decodes these fields with unquote_plus, so spaces travel as '+' (and '+' as %2B).
  return (text) => encodeURIComponent(text).replace(/%20/g, '+').replace(/%2F/g, '/')
}

/** The opaque continuation token for resuming after `marker`. */
export function encodeContinuationToken(marker: string): string {
  return toBase64(new TextEncoder().encode(`v1:${marker}`))
}

function invalidToken(token: string): EmulatorFault {
  const message = 'The continuation token provided is incorrect'
  return invalidArgument(message, 'continuation-token', token)
}

function decodeContinuationToken(token: string): string {
  const bytes = fromBase64(token)
  const text = bytes ? new TextDecoder().decode(bytes) : ''
  if (!text.startsWith('v1:')) {
    throw invalidToken(token)
  }
  return text.slice(3)
}

function contentsXml(
  objects: readonly S3Object[],
  encode: (text: string) => string,
  owner: string | undefined,
): string {
  return objects
    .map(
      (object) =>
        `<Contents>${el('Key', encode(object.key))}` +
        `${el('LastModified', isoTime(object.lastModified))}${el('ETag', object.etag)}` +
        (object.checksum ? el('ChecksumAlgorithm', object.checksum.algorithm) : '') +
        `${el('Size', object.body.length)}${owner ?? ''}` +
        `${el('StorageClass', object.storageClass)}</Contents>`,
    )
    .join('')
}

function prefixesXml(prefixes: readonly string[], encode: (text: string) => string): string {
  return prefixes
    .map((prefix) => `<CommonPrefixes>${el('Prefix', encode(prefix))}</CommonPrefixes>`)
    .join('')
}

/** ListObjectsV2: `GET /<bucket>?list-type=2`. */
export function listObjectsV2(call: S3Call, bucketName: string): Response {
  const bucket = getBucket(call.store, bucketName)
  const { query } = call
  const maxKeys = readMaxKeys(query)
  const encode = readEncoding(query)
  const prefix = query.get('prefix') ?? ''
  const delimiter = query.get('delimiter') ?? ''
  const token = query.get('continuation-token')
  const startAfter = query.get('start-after')
  if (token === '') throw invalidToken(token)
  // The continuation token takes precedence over start-after (S3 API reference, ListObjectsV2).
  const after = token !== null ? decodeContinuationToken(token) : (startAfter ?? undefined)
  const page = listPage(bucket, { prefix, delimiter, after, maxKeys })
  const owner =
    query.get('fetch-owner') === 'true'
      ? `<Owner>${el('ID', call.ownerId)}${el('DisplayName', bucket.ownerAccountId)}</Owner>`
      : undefined
  const inner =
    `${el('Name', bucket.name)}${el('Prefix', encode(prefix))}` +
    (delimiter !== '' ? el('Delimiter', encode(delimiter)) : '') +
    `${el('MaxKeys', maxKeys)}` +
    (query.has('encoding-type') ? el('EncodingType', 'url') : '') +
    `${el('KeyCount', page.contents.length + page.commonPrefixes.length)}` +
    `${el('IsTruncated', page.truncated)}` +
    (token !== null ? el('ContinuationToken', token) : '') +
    (page.truncated && page.last !== undefined
      ? el('NextContinuationToken', encodeContinuationToken(page.last))
      : '') +
    (startAfter !== null ? el('StartAfter', encode(startAfter)) : '') +
    contentsXml(page.contents, encode, owner) +
    prefixesXml(page.commonPrefixes, encode)
  return s3XmlResponse('ListBucketResult', inner, call.responseHeaders)
}

/** ListObjects (v1): `GET /<bucket>` with `marker`; NextMarker only with a delimiter, as S3. */
export function listObjectsV1(call: S3Call, bucketName: string): Response {
  const bucket = getBucket(call.store, bucketName)
  const { query } = call
  const maxKeys = readMaxKeys(query)
  const encode = readEncoding(query)
  const prefix = query.get('prefix') ?? ''
  const delimiter = query.get('delimiter') ?? ''
  const marker = query.get('marker') ?? ''
  const page = listPage(bucket, { prefix, delimiter, after: marker || undefined, maxKeys })
  const owner =
    `<Owner>${el('ID', call.ownerId)}${el('DisplayName', bucket.ownerAccountId)}</Owner>`
  const inner =
    `${el('Name', bucket.name)}${el('Prefix', encode(prefix))}${el('Marker', encode(marker))}` +
    (page.truncated && delimiter !== '' && page.last !== undefined
      ? el('NextMarker', encode(page.last))
      : '') +
    `${el('MaxKeys', maxKeys)}` +
    (delimiter !== '' ? el('Delimiter', encode(delimiter)) : '') +
    `${el('IsTruncated', page.truncated)}` +
    (query.has('encoding-type') ? el('EncodingType', 'url') : '') +
    contentsXml(page.contents, encode, owner) +
    prefixesXml(page.commonPrefixes, encode)
  return s3XmlResponse('ListBucketResult', inner, call.responseHeaders)
}
