/**
 * S3's XML documents: the request bodies this client writes (Delete, CompleteMultipartUpload,
 * CreateBucketConfiguration) and readers that turn response documents into SDK v3 shapes.
 */
import { xmlChild, xmlChildren, xmlText } from '../aws/xml.ts'
import type { XmlElement } from '../aws/xml.ts'
import { compact } from './headers.ts'
import type {
  CompletedPart,
  DeleteObjectsOutput,
  ListObjectsV2Output,
  ListPartsOutput,
  ObjectIdentifier,
  S3ChecksumValues,
  S3Object,
} from './types.ts'

/** The namespace S3 puts on its documents and accepts on requests (S3 API reference). */
export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/'

/**
 * Escape text for element content. Besides the markup characters, CR, LF and TAB become
 * character references: XML parsers normalise raw line ends and S3 keys may contain them
 * (S3 user guide, "Object key naming": XML related object key constraints).
 */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"'\r\n\t]/g, (c) => `&#${c.charCodeAt(0)};`)
}

function element(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`
}

/** The DeleteObjects request body. */
export function deleteXml(objects: readonly ObjectIdentifier[], quiet?: boolean): string {
  const items = objects
    .map((o) => `<Object>${element('Key', o.Key)}${element('VersionId', o.VersionId)}</Object>`)
    .join('')
  return `<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="${S3_NAMESPACE}">${items}${element('Quiet', quiet)}</Delete>`
}

// The checksum members in the order the SDK's serializer writes them (S3 CompletedPart).
const CHECKSUM_MEMBERS: readonly (keyof S3ChecksumValues)[] = [
  'ChecksumCRC32',
  'ChecksumCRC32C',
  'ChecksumCRC64NVME',
  'ChecksumSHA1',
  'ChecksumSHA256',
]

/** The `Checksum<ALG>` child elements of `parent` that are present. */
export function readChecksums(parent: XmlElement | undefined): S3ChecksumValues {
  return compact(
    Object.fromEntries(CHECKSUM_MEMBERS.map((name) => [name, xmlText(parent, name)])),
  ) as S3ChecksumValues
}

/**
 * The CompleteMultipartUpload request body; parts must be in ascending PartNumber order. A part's
 * checksums go with it: S3 checks them against the parts it stored.
 */
export function completeMultipartXml(parts: readonly CompletedPart[]): string {
  const items = parts
    .map(
      (p) =>
        `<Part>${element('ETag', p.ETag)}` +
        CHECKSUM_MEMBERS.map((name) => element(name, p[name])).join('') +
        `${element('PartNumber', p.PartNumber)}</Part>`,
    )
    .join('')
  return `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="${S3_NAMESPACE}">${items}</CompleteMultipartUpload>`
}

/** The CreateBucket request body naming the bucket's region. */
export function createBucketXml(locationConstraint: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><CreateBucketConfiguration xmlns="${S3_NAMESPACE}">${element('LocationConstraint', locationConstraint)}</CreateBucketConfiguration>`
}

/** A text child as a number, if present and numeric. */
export function xmlNumber(parent: XmlElement | undefined, name: string): number | undefined {
  const text = xmlText(parent, name)?.trim()
  if (text === undefined || text === '') return undefined
  const value = Number(text)
  return Number.isFinite(value) ? value : undefined
}

/** A text child as a boolean (`true`/`false`), if present. */
export function xmlBoolean(parent: XmlElement | undefined, name: string): boolean | undefined {
  const text = xmlText(parent, name)?.trim()
  return text === undefined ? undefined : text === 'true'
}

/** A text child as a Date (ISO 8601 in S3 documents), if present and valid. */
export function xmlDate(parent: XmlElement | undefined, name: string): Date | undefined {
  const text = xmlText(parent, name)?.trim()
  if (!text) return undefined
  const date = new Date(text)
  return Number.isNaN(date.getTime()) ? undefined : date
}

function readObject(contents: XmlElement): S3Object {
  const owner = xmlChild(contents, 'Owner')
  const algorithms = xmlChildren(contents, 'ChecksumAlgorithm').map((a) => a.text)
  return compact({
    Key: xmlText(contents, 'Key'),
    LastModified: xmlDate(contents, 'LastModified'),
    ETag: xmlText(contents, 'ETag'),
    Size: xmlNumber(contents, 'Size'),
    StorageClass: xmlText(contents, 'StorageClass'),
    ChecksumAlgorithm: algorithms.length > 0 ? algorithms : undefined,
    Owner: owner
      ? compact({ ID: xmlText(owner, 'ID'), DisplayName: xmlText(owner, 'DisplayName') })
      : undefined,
  })
}

/** A `ListBucketResult` (ListObjectsV2) document as the SDK's output shape. */
export function readListObjectsV2(root: XmlElement): ListObjectsV2Output {
  return compact({
    Name: xmlText(root, 'Name'),
    Prefix: xmlText(root, 'Prefix'),
    Delimiter: xmlText(root, 'Delimiter'),
    MaxKeys: xmlNumber(root, 'MaxKeys'),
    KeyCount: xmlNumber(root, 'KeyCount'),
    IsTruncated: xmlBoolean(root, 'IsTruncated'),
    ContinuationToken: xmlText(root, 'ContinuationToken'),
    NextContinuationToken: xmlText(root, 'NextContinuationToken'),
    StartAfter: xmlText(root, 'StartAfter'),
    EncodingType: xmlText(root, 'EncodingType'),
    Contents: xmlChildren(root, 'Contents').map(readObject),
    CommonPrefixes: xmlChildren(root, 'CommonPrefixes').map((p) =>
      compact({ Prefix: xmlText(p, 'Prefix') }),
    ),
  })
}

/** A `DeleteResult` document: the keys deleted and the per-key errors. */
export function readDeleteResult(root: XmlElement): DeleteObjectsOutput {
  return {
    Deleted: xmlChildren(root, 'Deleted').map((d) =>
      compact({
        Key: xmlText(d, 'Key'),
        VersionId: xmlText(d, 'VersionId'),
        DeleteMarker: xmlBoolean(d, 'DeleteMarker'),
        DeleteMarkerVersionId: xmlText(d, 'DeleteMarkerVersionId'),
      }),
    ),
    Errors: xmlChildren(root, 'Error').map((e) =>
      compact({
        Key: xmlText(e, 'Key'),
        VersionId: xmlText(e, 'VersionId'),
        Code: xmlText(e, 'Code'),
        Message: xmlText(e, 'Message'),
      }),
    ),
  }
}

/** A `ListPartsResult` document. */
export function readListParts(root: XmlElement): ListPartsOutput {
  return compact({
    Bucket: xmlText(root, 'Bucket'),
    Key: xmlText(root, 'Key'),
    UploadId: xmlText(root, 'UploadId'),
    PartNumberMarker: xmlNumber(root, 'PartNumberMarker'),
    NextPartNumberMarker: xmlNumber(root, 'NextPartNumberMarker'),
    MaxParts: xmlNumber(root, 'MaxParts'),
    IsTruncated: xmlBoolean(root, 'IsTruncated'),
    ChecksumAlgorithm: xmlText(root, 'ChecksumAlgorithm'),
    ChecksumType: xmlText(root, 'ChecksumType'),
    Parts: xmlChildren(root, 'Part').map((p) =>
      compact({
        PartNumber: xmlNumber(p, 'PartNumber'),
        ETag: xmlText(p, 'ETag'),
        Size: xmlNumber(p, 'Size'),
        LastModified: xmlDate(p, 'LastModified'),
        ...readChecksums(p),
      }),
    ),
  })
}
