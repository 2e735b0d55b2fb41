/**
 * S3 multipart uploads: CreateMultipartUpload, UploadPart, UploadPartCopy,
 * CompleteMultipartUpload, AbortMultipartUpload, ListParts and ListMultipartUploads.
 */
import { EmulatorFault } from './context.ts'
import { attributesFrom, checksumHeader, parseCopySource, wholeSeconds } from './s3-objects.ts'
import {
  checkListedPart,
  invalidPart,
  objectChecksum,
  objectChecksumXml,
  partChecksum,
  uploadChecksum,
  uploadChecksumHeaders,
} from './s3-multipart-checksum.ts'
import { checkPreconditions } from './s3-read.ts'
import { readPayload, type S3Call } from './s3-request.ts'
import { computeChecksum } from './s3-checksum.ts'
import {
  getBucket,
  getObject,
  getUpload,
  md5Etag,
  multipartEtag,
  randomId,
  type S3Part,
  type S3Upload,
} from './s3-store.ts'
import { hostMd5 } from '../aws/md5.ts'
import {
  childrenNamed,
  childText,
  el,
  isoTime,
  malformedXml,
  parseXml,
  s3XmlResponse,
} from './s3-xml.ts'

export { listMultipartUploads, listParts } from './s3-multipart-list.ts'

/** The minimum size of every part but the last: 5 MiB (S3 User Guide, multipart upload limits). */
export const MIN_PART_SIZE: number = 5 * 1024 * 1024

function readPartNumber(call: S3Call): number {
  const text = call.query.get('partNumber') ?? ''
  const value = Number(text)
  if (!/^\d+$/.test(text) || value < 1 || value > 10000) {
    throw new EmulatorFault(
      'InvalidArgument',
      'Part number must be an integer between 1 and 10000, inclusive',
      400,
      { ArgumentName: 'partNumber', ArgumentValue: text },
    )
  }
  return value
}

function bareEtag(etag: string): string {
  return etag.trim().replace(/^"|"$/g, '')
}

/** CreateMultipartUpload: `POST /<bucket>/<key>?uploads`. */
export function createMultipartUpload(call: S3Call, bucketName: string, key: string): Response {
  const bucket = getBucket(call.store, bucketName)
  const upload: S3Upload = {
    ...attributesFrom(call.headers),
    uploadId: randomId(60),
    key,
    initiated: call.req.now,
    initiatorArn: call.req.identity?.arn ?? `arn:aws:iam::${call.accountId}:root`,
    parts: new Map(),
    ...uploadChecksum(call.headers),
  }
  bucket.uploads.set(upload.uploadId, upload)
  return s3XmlResponse(
    'InitiateMultipartUploadResult',
    `${el('Bucket', bucketName)}${el('Key', key)}${el('UploadId', upload.uploadId)}`,
    {
      ...call.responseHeaders,
      'x-amz-server-side-encryption': 'AES256',
      ...uploadChecksumHeaders(upload),
    },
  )
}

/** UploadPart: `PUT /<bucket>/<key>?partNumber=N&uploadId=ID`; answers the part's ETag. */
export async function uploadPart(call: S3Call, bucketName: string, key: string): Promise<Response> {
  const bucket = getBucket(call.store, bucketName)
  const partNumber = readPartNumber(call)
  const upload = getUpload(bucket, key, call.query.get('uploadId') ?? '')
  const payload = await readPayload(call)
  const checksum = await partChecksum(upload, payload.checksum, payload.data)
  const part: S3Part = {
    partNumber,
    body: payload.data,
    md5: payload.md5,
    etag: md5Etag(payload.md5),
    lastModified: wholeSeconds(call.req.now),
    ...(checksum ? { checksum } : {}),
  }
  upload.parts.set(partNumber, part)
  return new Response(null, {
    status: 200,
    headers: {
      ...call.responseHeaders,
      etag: part.etag,
      'x-amz-server-side-encryption': 'AES256',
      ...checksumHeader(part.checksum),
    },
  })
}

/** UploadPartCopy: UploadPart with `x-amz-copy-source` and optional `x-amz-copy-source-range`. */
export async function uploadPartCopy(
  call: S3Call,
  bucketName: string,
  key: string,
): Promise<Response> {
  const bucket = getBucket(call.store, bucketName)
  const partNumber = readPartNumber(call)
  const upload = getUpload(bucket, key, call.query.get('uploadId') ?? '')
  const source = parseCopySource(call.headers.get('x-amz-copy-source') ?? '')
  const original = getObject(getBucket(call.store, source.bucket), source.key)
  checkPreconditions(call.headers, original, source.key, 'copy-source')
  let body = original.body
  const rangeText = call.headers.get('x-amz-copy-source-range')
  if (rangeText !== null) {
    const match = /^bytes=(\d+)-(\d+)$/.exec(rangeText)
    const start = Number(match?.[1])
    const end = Number(match?.[2])
    if (!match || end < start || end >= body.length) {
      throw new EmulatorFault(
        'InvalidArgument',
        `Range specified is not valid for source object of size: ${body.length}`,
        400,
        { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: rangeText },
      )
    }
    body = body.slice(start, end + 1)
  }
  const digest = hostMd5(body)
  // S3 checksums a copied part itself with the upload's algorithm (no client sent the bytes).
  const algorithm = upload.checksumAlgorithm
  const checksum = algorithm && { algorithm, value: await computeChecksum(algorithm, body) }
  const part: S3Part = {
    partNumber,
    body,
    md5: digest,
    etag: md5Etag(digest),
    lastModified: wholeSeconds(call.req.now),
    ...(checksum ? { checksum } : {}),
  }
  upload.parts.set(partNumber, part)
  return s3XmlResponse(
    'CopyPartResult',
    `${el('LastModified', isoTime(part.lastModified))}${el('ETag', part.etag)}` +
      (checksum ? el(`Checksum${checksum.algorithm}`, checksum.value) : ''),
    call.responseHeaders,
  )
}

function objectUrl(call: S3Call, bucketName: string, key: string): string {
  const path = key.split('/').map(encodeURIComponent).join('/')
  return call.virtualHosted ? `${call.origin}/${path}` : `${call.origin}/${bucketName}/${path}`
}

/**
 * CompleteMultipartUpload: `POST /<bucket>/<key>?uploadId=ID` with the parts list. Parts must be
 * in ascending order (`InvalidPartOrder`), exist with the listed ETag (`InvalidPart`) and, all
 * but the last, be at least the minimum part size (`EntityTooSmall`).
 */
export async function completeMultipartUpload(
  call: S3Call,
  bucketName: string,
  key: string,
): Promise<Response> {
  const bucket = getBucket(call.store, bucketName)
  const uploadId = call.query.get('uploadId') ?? ''
  const upload = getUpload(bucket, key, uploadId)
  const root = parseXml(new TextDecoder().decode(call.req.body))
  if (root.name !== 'CompleteMultipartUpload') throw malformedXml()
  const listed = childrenNamed(root, 'Part').map((element) => {
    const number = childText(element, 'PartNumber')?.trim() ?? ''
    const etag = childText(element, 'ETag')
    if (!/^\d+$/.test(number) || etag === undefined) throw malformedXml()
    return { partNumber: Number(number), etag: bareEtag(etag), element }
  })
  if (listed.length === 0) throw malformedXml()
  const parts: S3Part[] = []
  let previous = 0
  for (const item of listed) {
    if (item.partNumber <= previous) {
      throw new EmulatorFault(
        'InvalidPartOrder',
        'The list of parts was not in ascending order. Parts must be ordered by part number.',
        400,
        { UploadId: uploadId },
      )
    }
    previous = item.partNumber
    const part = upload.parts.get(item.partNumber)
    if (!part || bareEtag(part.etag) !== item.etag) {
      throw invalidPart(uploadId, item.partNumber, item.etag)
    }
    checkListedPart(upload, item.element, part, item.etag)
    parts.push(part)
  }
  parts.slice(0, -1).forEach((part) => {
    if (part.body.length < call.minPartSize) {
      throw new EmulatorFault(
        'EntityTooSmall',
        'Your proposed upload is smaller than the minimum allowed size',
        400,
        {
          ProposedSize: String(part.body.length),
          MinSizeAllowed: String(call.minPartSize),
          PartNumber: String(part.partNumber),
          ETag: bareEtag(part.etag),
        },
      )
    }
  })
  const body = new Uint8Array(parts.reduce((sum, part) => sum + part.body.length, 0))
  let offset = 0
  for (const part of parts) {
    body.set(part.body, offset)
    offset += part.body.length
  }
  const etag = multipartEtag(parts.map((part) => part.md5))
  const stored = await objectChecksum(call.headers, upload, parts, body)
  // Checked after that await, with nothing awaited before the write: another request may have
  // completed or aborted this upload, or written the key, meanwhile.
  getUpload(bucket, key, uploadId)
  checkPreconditions(call.headers, bucket.objects.get(key), key, 'write')
  bucket.objects.set(key, {
    headers: upload.headers,
    metadata: upload.metadata,
    storageClass: upload.storageClass,
    key,
    body,
    etag,
    lastModified: wholeSeconds(call.req.now),
    partsCount: parts.length,
    ...(stored ?? {}),
  })
  bucket.uploads.delete(uploadId)
  return s3XmlResponse(
    'CompleteMultipartUploadResult',
    `${el('Location', objectUrl(call, bucketName, key))}${el('Bucket', bucketName)}` +
      `${el('Key', key)}${el('ETag', etag)}` +
      (stored ? objectChecksumXml(stored.checksum, stored.checksumType) : ''),
    { ...call.responseHeaders, 'x-amz-server-side-encryption': 'AES256' },
  )
}

/** AbortMultipartUpload: `DELETE /<bucket>/<key>?uploadId=ID`; 204. */
export function abortMultipartUpload(call: S3Call, bucketName: string, key: string): Response {
  const bucket = getBucket(call.store, bucketName)
  const upload = getUpload(bucket, key, call.query.get('uploadId') ?? '')
  bucket.uploads.delete(upload.uploadId)
  return new Response(null, { status: 204, headers: call.responseHeaders })
}
