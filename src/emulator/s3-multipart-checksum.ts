/**
 * Checksums of multipart uploads, as S3 keeps them (S3 User Guide, "Checking object integrity";
 * S3 API Reference, CreateMultipartUpload, UploadPart, CompleteMultipartUpload): the algorithm
 * and type named at CreateMultipartUpload, a verified checksum per part, the per-part checksums
 * CompleteMultipartUpload must list, and the object's checksum made from them. Error codes and
 * messages are S3's as captured on the wire (floci-io/floci#3093, verified against S3 in 2026;
 * boto/s3transfer#241; aws/aws-sdk-php#2648).
 */
import { EmulatorFault } from './context.ts'
import {
  compositeChecksum,
  computeChecksum,
  parseAlgorithm,
  type ChecksumAlgorithm,
  type ChecksumType,
  type StoredChecksum,
} from './s3-checksum.ts'
import type { S3Part, S3Upload } from './s3-store.ts'
import { childText, el, type XmlElement } from './s3-xml.ts'

const invalid = (message: string): EmulatorFault => new EmulatorFault('InvalidRequest', message, 400)

/** The element and header spelling of an algorithm: `ChecksumCRC32`, `x-amz-checksum-crc32`. */
const member = (algorithm: ChecksumAlgorithm): string => `Checksum${algorithm}`
const header = (algorithm: ChecksumAlgorithm): string => `x-amz-checksum-${algorithm.toLowerCase()}`

/**
 * `x-amz-checksum-algorithm` and `x-amz-checksum-type` of a CreateMultipartUpload, validated.
 * The type defaults to COMPOSITE, except for CRC64NVME, which is FULL_OBJECT only; FULL_OBJECT
 * needs a CRC (a SHA cannot be combined from the parts' values).
 */
export function uploadChecksum(
  headers: Headers,
): { checksumAlgorithm?: ChecksumAlgorithm; checksumType?: ChecksumType } {
  const algorithmText = headers.get('x-amz-checksum-algorithm')
  const typeText = headers.get('x-amz-checksum-type')
  if (algorithmText === null) {
    if (typeText === null) return {}
    throw invalid(
      'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.',
    )
  }
  const algorithm = parseAlgorithm(algorithmText)
  // The message S3 gives for the other checksum headers' bad values (versity/versitygw#1598).
  if (!algorithm) throw invalid('Value for x-amz-checksum-algorithm header is invalid.')
  if (typeText !== null && typeText !== 'COMPOSITE' && typeText !== 'FULL_OBJECT') {
    throw invalid('Value for x-amz-checksum-type header is invalid.')
  }
  const type: ChecksumType = (typeText ?? (algorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE')) as ChecksumType
  const crc = algorithm.startsWith('CRC')
  if ((type === 'FULL_OBJECT' && !crc) || (type === 'COMPOSITE' && algorithm === 'CRC64NVME')) {
    throw invalid(
      `The ${type} checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`,
    )
  }
  return { checksumAlgorithm: algorithm, checksumType: type }
}

/** The headers CreateMultipartUpload answers with for the upload's checksum. */
export function uploadChecksumHeaders(upload: S3Upload): Record<string, string> {
  return upload.checksumAlgorithm && upload.checksumType
    ? {
        'x-amz-checksum-algorithm': upload.checksumAlgorithm,
        'x-amz-checksum-type': upload.checksumType,
      }
    : {}
}

/**
 * The checksum stored with a part, given the one the request carried (already verified against
 * the bytes). An upload created with an algorithm takes only that algorithm; a COMPOSITE upload
 * needs it on every part (its object checksum is made of them), while S3 computes a FULL_OBJECT
 * upload's part checksum itself when none came (versity/versitygw#1342). An upload created
 * without one keeps whatever verified checksum a part carried, as S3 has since the SDKs began
 * sending a CRC32 with every UploadPart in 2025.
 */
export async function partChecksum(
  upload: S3Upload,
  sent: StoredChecksum | undefined,
  data: Uint8Array,
): Promise<StoredChecksum | undefined> {
  const expected = upload.checksumAlgorithm
  if (!expected) return sent
  if (sent?.algorithm === expected) return sent
  if (sent || upload.checksumType === 'COMPOSITE') {
    throw invalid(
      `Checksum Type mismatch occurred, expected checksum Type: ${expected.toLowerCase()}, ` +
        `actual checksum Type: ${sent ? sent.algorithm.toLowerCase() : 'null'}`,
    )
  }
  return { algorithm: expected, value: await computeChecksum(expected, data) }
}

/** A part's checksum as ListParts shows it: only for uploads created with an algorithm. */
export function partChecksumXml(upload: S3Upload, part: S3Part): string {
  return upload.checksumAlgorithm && part.checksum
    ? el(member(part.checksum.algorithm), part.checksum.value)
    : ''
}

/** InvalidPart, as S3 answers a listed part it cannot match (ETag or checksum). */
export function invalidPart(uploadId: string, partNumber: number, etag: string): EmulatorFault {
  return new EmulatorFault(
    'InvalidPart',
    'One or more of the specified parts could not be found.  The part may not have been ' +
      "uploaded, or the specified entity tag may not match the part's entity tag.",
    400,
    { UploadId: uploadId, PartNumber: String(partNumber), ETag: etag },
  )
}

/**
 * Check the checksums a CompleteMultipartUpload lists for one part against the stored one: a
 * value that differs is `InvalidPart`; a COMPOSITE upload's part listed without its checksum is
 * `InvalidRequest` naming the part.
 */
export function checkListedPart(
  upload: S3Upload,
  listed: XmlElement,
  part: S3Part,
  etag: string,
): void {
  for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const) {
    const value = childText(listed, member(algorithm))?.trim()
    if (value === undefined) continue
    const stored = part.checksum
    const comparable = upload.checksumAlgorithm !== undefined || stored?.algorithm === algorithm
    if (comparable && (stored?.algorithm !== algorithm || stored.value !== value)) {
      throw invalidPart(upload.uploadId, part.partNumber, etag)
    }
  }
  const expected = upload.checksumAlgorithm
  if (
    expected &&
    upload.checksumType === 'COMPOSITE' &&
    childText(listed, member(expected)) === undefined
  ) {
    throw invalid(
      `The upload was created using a ${expected.toLowerCase()} checksum. The complete request ` +
        `must include the checksum for each part. It was missing for part ${part.partNumber} in the request.`,
    )
  }
}

/**
 * The completed object's checksum (COMPOSITE from the parts' checksums, FULL_OBJECT over the
 * bytes), checked against the request's `x-amz-checksum-type` and `x-amz-checksum-<alg>` when
 * given: a different type or value is `BadDigest` (S3 API Reference, CompleteMultipartUpload).
 * A COMPOSITE value is accepted with or without its `-<parts>` suffix, as S3 does
 * (minio/minio#19670).
 */
export async function objectChecksum(
  headers: Headers,
  upload: S3Upload,
  parts: readonly S3Part[],
  body: Uint8Array,
): Promise<{ checksum: StoredChecksum; checksumType: ChecksumType } | undefined> {
  const algorithm = upload.checksumAlgorithm
  const type = upload.checksumType
  if (!algorithm || !type) return undefined
  const askedType = headers.get('x-amz-checksum-type')
  if (askedType !== null && askedType !== type) {
    throw new EmulatorFault(
      'BadDigest',
      `The upload was created using the ${type} checksum mode. The complete request must use the same checksum mode.`,
      400,
    )
  }
  const value =
    type === 'COMPOSITE'
      ? await compositeChecksum(algorithm, parts.map((part) => part.checksum?.value ?? ''))
      : await computeChecksum(algorithm, body)
  const asked = headers.get(header(algorithm))
  if (asked !== null && asked !== value && `${asked}-${parts.length}` !== value) {
    throw new EmulatorFault(
      'BadDigest',
      `The ${algorithm} you specified did not match the calculated checksum.`,
      400,
    )
  }
  return { checksum: { algorithm, value }, checksumType: type }
}

/** The object's checksum in CompleteMultipartUpload's answer: `ChecksumCRC32`..., `ChecksumType`. */
export function objectChecksumXml(checksum: StoredChecksum, type: ChecksumType): string {
  return `${el(member(checksum.algorithm), checksum.value)}${el('ChecksumType', type)}`
}
