/**
 * S3 members that travel as HTTP headers, both ways: object attributes and `x-amz-meta-*`
 * metadata on writes, and the object description on GetObject/HeadObject responses.
 */
import { ConfigError } from '../errors.ts'
import type { S3ObjectAttributes, S3ObjectHeaders, S3WriteOutput } from './types.ts'

/** Drop undefined members, so outputs compare cleanly and print like the SDK's. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

const ATTRIBUTE_HEADERS: readonly (readonly [keyof S3ObjectAttributes, string])[] = [
  ['ContentType', 'content-type'],
  ['CacheControl', 'cache-control'],
  ['ContentDisposition', 'content-disposition'],
  ['ContentEncoding', 'content-encoding'],
  ['ContentLanguage', 'content-language'],
  ['StorageClass', 'x-amz-storage-class'],
  ['ServerSideEncryption', 'x-amz-server-side-encryption'],
  ['SSEKMSKeyId', 'x-amz-server-side-encryption-aws-kms-key-id'],
  ['Tagging', 'x-amz-tagging'],
  ['ACL', 'x-amz-acl'],
]

// Header values beyond printable ASCII are rejected by fetch (> U+00FF) or reach S3 as bytes
// that no longer match what was signed; the SDKs leave encoding to the caller (S3 user guide,
// "Working with object metadata"), so refuse them with a clear error.
function checkHeaderValue(member: string, value: string): void {
  if (/[^\t\x20-\x7e]/.test(value)) {
    throw new ConfigError(
      `S3 ${member} has characters that cannot travel in an HTTP header: encode the value first (e.g. encodeURIComponent)`,
      { key: member },
    )
  }
}

/** The headers for an object's attributes and user metadata (`x-amz-meta-<name>`). */
export function attributeHeaders(input: S3ObjectAttributes): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [member, header] of ATTRIBUTE_HEADERS) {
    const value = input[member]
    if (typeof value === 'string') {
      checkHeaderValue(member, value)
      headers[header] = value
    }
  }
  for (const [name, value] of Object.entries(input.Metadata ?? {})) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new ConfigError(
        `S3 Metadata key '${name}' is not a valid HTTP header name: use letters, digits and '-'`,
        { key: 'Metadata' },
      )
    }
    checkHeaderValue(`Metadata.${name}`, value)
    headers[`x-amz-meta-${name.toLowerCase()}`] = value
  }
  return headers
}

/** `x-amz-meta-*` response headers as `Metadata` (names lower-case, as the SDK returns them). */
export function readMetadata(headers: Headers): Record<string, string> {
  const metadata: Record<string, string> = {}
  headers.forEach((value, name) => {
    const lower = name.toLowerCase()
    if (lower.startsWith('x-amz-meta-')) metadata[lower.slice('x-amz-meta-'.length)] = value
  })
  return metadata
}

function numberHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name)
  if (value === null || value.trim() === '') return undefined
  const parsed = Number(value)
  return Number.isFinite(parsed) ? parsed : undefined
}

function text(headers: Headers, name: string): string | undefined {
  return headers.get(name) ?? undefined
}

/** The object description GetObject and HeadObject return in headers. */
export function readObjectHeaders(headers: Headers): S3ObjectHeaders {
  const lastModified = headers.get('last-modified')
  const date = lastModified === null ? undefined : new Date(lastModified)
  const deleteMarker = headers.get('x-amz-delete-marker')
  return compact({
    ContentLength: numberHeader(headers, 'content-length'),
    ContentType: text(headers, 'content-type'),
    ContentRange: text(headers, 'content-range'),
    ContentEncoding: text(headers, 'content-encoding'),
    ContentDisposition: text(headers, 'content-disposition'),
    ContentLanguage: text(headers, 'content-language'),
    CacheControl: text(headers, 'cache-control'),
    ETag: text(headers, 'etag'),
    LastModified: date && !Number.isNaN(date.getTime()) ? date : undefined,
    Metadata: readMetadata(headers),
    VersionId: text(headers, 'x-amz-version-id'),
    AcceptRanges: text(headers, 'accept-ranges'),
    StorageClass: text(headers, 'x-amz-storage-class'),
    ServerSideEncryption: text(headers, 'x-amz-server-side-encryption'),
    PartsCount: numberHeader(headers, 'x-amz-mp-parts-count'),
    TagCount: numberHeader(headers, 'x-amz-tagging-count'),
    DeleteMarker: deleteMarker === null ? undefined : deleteMarker === 'true',
    ChecksumCRC32: text(headers, 'x-amz-checksum-crc32'),
    ChecksumCRC32C: text(headers, 'x-amz-checksum-crc32c'),
    ChecksumCRC64NVME: text(headers, 'x-amz-checksum-crc64nvme'),
    ChecksumSHA1: text(headers, 'x-amz-checksum-sha1'),
    ChecksumSHA256: text(headers, 'x-amz-checksum-sha256'),
    ChecksumType: text(headers, 'x-amz-checksum-type'),
  })
}

/** What a write (PutObject, UploadPart) returns in headers. */
export function readWriteHeaders(headers: Headers): S3WriteOutput {
  return compact({
    ETag: text(headers, 'etag'),
    VersionId: text(headers, 'x-amz-version-id'),
    ServerSideEncryption: text(headers, 'x-amz-server-side-encryption'),
    ChecksumCRC32: text(headers, 'x-amz-checksum-crc32'),
    ChecksumCRC32C: text(headers, 'x-amz-checksum-crc32c'),
    ChecksumCRC64NVME: text(headers, 'x-amz-checksum-crc64nvme'),
    ChecksumSHA1: text(headers, 'x-amz-checksum-sha1'),
    ChecksumSHA256: text(headers, 'x-amz-checksum-sha256'),
  })
}
