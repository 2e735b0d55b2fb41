/** S3 multipart listings: ListParts and ListMultipartUploads. */
import { EmulatorFault } from './context.ts'
import type { S3Call } from './s3-request.ts'
import { partChecksumXml } from './s3-multipart-checksum.ts'
import { compareKeys, getBucket, getUpload, type S3Upload } from './s3-store.ts'
import { el, isoTime, s3XmlResponse } from './s3-xml.ts'

function readLimit(call: S3Call, name: string): number {
  const text = call.query.get(name)
  if (text === null) return 1000
  if (!/^\d+$/.test(text)) {
    throw new EmulatorFault(
      'InvalidArgument',
      `Provided ${name} not an integer or within integer range`,
      400,
      { ArgumentName: name, ArgumentValue: text },
    )
  }
  return Math.min(Number(text), 1000)
}

function principalXml(call: S3Call, tag: string, arn: string): string {
  const id = tag === 'Owner' ? call.ownerId : arn
  return `<${tag}>${el('ID', id)}${el('DisplayName', call.accountId)}</${tag}>`
}

/** ListParts: `GET /<bucket>/<key>?uploadId=ID` with `max-parts` and `part-number-marker`. */
export function listParts(call: S3Call, bucketName: string, key: string): Response {
  const bucket = getBucket(call.store, bucketName)
  const upload = getUpload(bucket, key, call.query.get('uploadId') ?? '')
  const maxParts = readLimit(call, 'max-parts')
  const marker = Number(call.query.get('part-number-marker') ?? '0') || 0
  const all = [...upload.parts.values()]
    .filter((part) => part.partNumber > marker)
    .sort((a, b) => a.partNumber - b.partNumber)
  const page = all.slice(0, maxParts)
  const truncated = all.length > page.length
  const next = page[page.length - 1]?.partNumber ?? marker
  const partsXml = page
    .map(
      (part) =>
        `<Part>${el('PartNumber', part.partNumber)}` +
        `${el('LastModified', isoTime(part.lastModified))}` +
        `${el('ETag', part.etag)}${el('Size', part.body.length)}` +
        `${partChecksumXml(upload, part)}</Part>`,
    )
    .join('')
  const checksumXml = uploadChecksumXml(upload)
  return s3XmlResponse(
    'ListPartsResult',
    `${el('Bucket', bucketName)}${el('Key', key)}${el('UploadId', upload.uploadId)}` +
      principalXml(call, 'Initiator', upload.initiatorArn) +
      principalXml(call, 'Owner', upload.initiatorArn) +
      `${el('StorageClass', upload.storageClass)}${el('PartNumberMarker', marker)}` +
      `${el('NextPartNumberMarker', next)}${el('MaxParts', maxParts)}` +
      `${el('IsTruncated', truncated)}${partsXml}${checksumXml}`,
    call.responseHeaders,
  )
}

/** ListMultipartUploads: `GET /<bucket>?uploads` with `prefix`, `max-uploads` and key marker. */
export function listMultipartUploads(call: S3Call, bucketName: string): Response {
  const bucket = getBucket(call.store, bucketName)
  const maxUploads = readLimit(call, 'max-uploads')
  const prefix = call.query.get('prefix') ?? ''
  const keyMarker = call.query.get('key-marker') ?? ''
  const idMarker = call.query.get('upload-id-marker') ?? ''
  const all = [...bucket.uploads.values()]
    .filter((upload) => upload.key.startsWith(prefix))
    .sort(
      (a, b) =>
        compareKeys(a.key, b.key) ||
        a.initiated - b.initiated ||
        compareKeys(a.uploadId, b.uploadId),
    )
  let start = 0
  if (keyMarker !== '') {
    // Without an upload-id-marker, resume after the key; with one, after that very upload.
    const resume = all.findIndex((upload) =>
      idMarker === ''
        ? compareKeys(upload.key, keyMarker) > 0
        : upload.key === keyMarker && upload.uploadId === idMarker,
    )
    start = resume < 0 ? all.length : idMarker === '' ? resume : resume + 1
  }
  const page = all.slice(start, start + maxUploads)
  const truncated = start + page.length < all.length
  const last = page[page.length - 1]
  const uploadsXml = page
    .map(
      (upload) =>
        `<Upload>${el('Key', upload.key)}${el('UploadId', upload.uploadId)}` +
        principalXml(call, 'Initiator', upload.initiatorArn) +
        principalXml(call, 'Owner', upload.initiatorArn) +
        `${el('StorageClass', upload.storageClass)}` +
        `${el('Initiated', isoTime(upload.initiated))}${uploadChecksumXml(upload)}</Upload>`,
    )
    .join('')
  return s3XmlResponse(
    'ListMultipartUploadsResult',
    `${el('Bucket', bucketName)}${el('KeyMarker', keyMarker)}${el('UploadIdMarker', idMarker)}` +
      (truncated && last
        ? `${el('NextKeyMarker', last.key)}${el('NextUploadIdMarker', last.uploadId)}`
        : '') +
      `${el('Prefix', prefix)}${el('MaxUploads', maxUploads)}` +
      `${el('IsTruncated', truncated)}${uploadsXml}`,
    call.responseHeaders,
  )
}

/** An upload's algorithm and checksum type, as ListParts and ListMultipartUploads show them. */
function uploadChecksumXml(upload: S3Upload): string {
  return upload.checksumAlgorithm && upload.checksumType
    ? `${el('ChecksumAlgorithm', upload.checksumAlgorithm)}${el('ChecksumType', upload.checksumType)}`
    : ''
}
