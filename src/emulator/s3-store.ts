/**
 * In-memory state of the S3 emulator (buckets, objects, multipart uploads) and the faults that
 * lookups raise, with the codes, statuses, messages and extra elements S3 answers with.
 */
import { EmulatorFault } from './context.ts'
import type { ChecksumAlgorithm, ChecksumType, StoredChecksum } from './s3-checksum.ts'
import { hostMd5 } from '../aws/md5.ts'
import { toHex } from '../aws/hex.ts'

/** Headers S3 stores with an object and returns on GET/HEAD (besides `x-amz-meta-*`). */
export const STORED_HEADERS: readonly string[] = [
  'content-type',
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-language',
  'expires',
  'x-amz-website-redirect-location',
]

/** What describes an object apart from its bytes; shared by objects and pending uploads. */
export interface ObjectAttributes {
  /** Lower-cased names from {@link STORED_HEADERS}; `content-type` is always present. */
  readonly headers: Readonly<Record<string, string>>
  /** User metadata, keys lower-cased without the `x-amz-meta-` prefix. */
  readonly metadata: Readonly<Record<string, string>>
  readonly storageClass: string
}

/** A stored object. */
export interface S3Object extends ObjectAttributes {
  readonly key: string
  readonly body: Uint8Array
  /** Quoted, as S3 sends it: `"<md5 hex>"` or `"<hex>-<parts>"`. */
  readonly etag: string
  /** Epoch ms, whole seconds (S3's Last-Modified has second precision). */
  readonly lastModified: number
  readonly checksum?: StoredChecksum
  /** How `checksum` was made; absent means FULL_OBJECT (every single-request upload). */
  readonly checksumType?: ChecksumType
  /** Set for objects assembled by CompleteMultipartUpload. */
  readonly partsCount?: number
}

/** One uploaded part of a multipart upload. */
export interface S3Part {
  readonly partNumber: number
  readonly body: Uint8Array
  readonly md5: Uint8Array
  readonly etag: string
  readonly lastModified: number
  readonly checksum?: StoredChecksum
}

/** A multipart upload in progress. */
export interface S3Upload extends ObjectAttributes {
  readonly uploadId: string
  readonly key: string
  readonly initiated: number
  readonly initiatorArn: string
  readonly parts: Map<number, S3Part>
  /** `x-amz-checksum-algorithm` of CreateMultipartUpload: every part carries one of these. */
  readonly checksumAlgorithm?: ChecksumAlgorithm
  /** Set with `checksumAlgorithm`: how the object's checksum is made from the parts. */
  readonly checksumType?: ChecksumType
}

/** A bucket and everything in it. */
export interface S3Bucket {
  readonly name: string
  readonly region: string
  readonly created: number
  readonly ownerAccountId: string
  readonly objects: Map<string, S3Object>
  readonly uploads: Map<string, S3Upload>
}

/** The whole S3 state of one emulator instance. */
export interface S3Store {
  readonly buckets: Map<string, S3Bucket>
}

/** A fresh, empty store. */
export function createS3Store(): S3Store {
  return { buckets: new Map() }
}

/** The bucket named `name`, or S3's `NoSuchBucket` (404). */
export function getBucket(store: S3Store, name: string): S3Bucket {
  const bucket = store.buckets.get(name)
  if (!bucket) {
    throw new EmulatorFault('NoSuchBucket', 'The specified bucket does not exist', 404, {
      BucketName: name,
    })
  }
  return bucket
}

/** The object `key` in `bucket`, or S3's `NoSuchKey` (404). */
export function getObject(bucket: S3Bucket, key: string): S3Object {
  const object = bucket.objects.get(key)
  if (!object) {
    throw new EmulatorFault('NoSuchKey', 'The specified key does not exist.', 404, { Key: key })
  }
  return object
}

/** The upload `uploadId` for `key`, or S3's `NoSuchUpload` (404). */
export function getUpload(bucket: S3Bucket, key: string, uploadId: string): S3Upload {
  const upload = bucket.uploads.get(uploadId)
  if (!upload || upload.key !== key) {
    throw new EmulatorFault(
      'NoSuchUpload',
      'The specified upload does not exist. The upload ID may be invalid, or the upload may ' +
        'have been aborted or completed.',
      404,
      { UploadId: uploadId },
    )
  }
  return upload
}

/** S3's single-part ETag: the quoted hex MD5 of the body. */
export function singlePartEtag(body: Uint8Array): string {
  return md5Etag(hostMd5(body))
}

/** The single-part ETag of a body whose MD5 is already known (readPayload computes it). */
export function md5Etag(md5: Uint8Array): string {
  return `"${toHex(md5)}"`
}

/**
 * S3's multipart ETag: MD5 over the concatenated binary MD5s of the parts, hex, then `-<count>`
 * (the documented "not an MD5 of the object" form; botocore's s3transfer computes the same).
 */
export function multipartEtag(partMd5s: readonly Uint8Array[]): string {
  const joined = new Uint8Array(partMd5s.length * 16)
  partMd5s.forEach((digest, index) => joined.set(digest, index * 16))
  return `"${toHex(hostMd5(joined))}-${partMd5s.length}"`
}

// UTF-16 code units order surrogates (U+D800-DFFF) before U+E000-FFFF; code points, and so UTF-8
// bytes (the order S3 lists keys in), put them after. Shift the ranges to compare like UTF-8.
function utf8Rank(unit: number): number {
  return unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit
}

/** Compare keys in UTF-8 binary order, the order S3 lists them in. */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return utf8Rank(x) - utf8Rank(y)
  }
  return a.length - b.length
}

/** A random id of `bytes` random bytes, base64url without padding (upload ids, host ids). */
export function randomId(bytes: number): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes))
  let binary = ''
  for (const byte of raw) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** The 64-hex-digit canonical user id S3 shows as `Owner/ID` for an account. */
export function canonicalUserId(accountId: string): string {
  const bytes = new TextEncoder().encode(`stsrefresh-canonical-${accountId}`)
  return toHex(hostMd5(bytes)) + toHex(hostMd5(new Uint8Array([...bytes, 1])))
}
