/**
 * S3's additional checksums (`x-amz-checksum-crc32|crc32c|crc64nvme|sha1|sha256`), sent as a
 * header or an aws-chunked trailer: base64 of the big-endian digest (S3 User Guide, "Checking
 * object integrity"). The emulator verifies them and stores the value to return on GET/HEAD.
 */
import { EmulatorFault } from './context.ts'
import { crc32c, hostCrc32, uint32Bytes } from '../aws/crc32.ts'
import { crc64nvme } from '../aws/crc64nvme.ts'
import { fromBase64, toBase64 } from '../aws/md5.ts'

/** The checksum algorithms S3 accepts, in its spelling. */
export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256'

/**
 * How a multipart object's checksum is made (S3 User Guide, "Checking object integrity"):
 * `COMPOSITE`, a checksum of the parts' checksums; `FULL_OBJECT`, the checksum of all the bytes.
 */
export type ChecksumType = 'COMPOSITE' | 'FULL_OBJECT'

/** A checksum as S3 stores it with an object. */
export interface StoredChecksum {
  readonly algorithm: ChecksumAlgorithm
  /** Base64 digest. */
  readonly value: string
}

/** Every algorithm, for iterating the `x-amz-checksum-*` header names. */
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = [
  'CRC32',
  'CRC32C',
  'CRC64NVME',
  'SHA1',
  'SHA256',
]

/** The base64 checksum of `data` with `algorithm`. */
export async function computeChecksum(
  algorithm: ChecksumAlgorithm,
  data: Uint8Array,
): Promise<string> {
  switch (algorithm) {
    case 'CRC32':
      return toBase64(uint32Bytes(hostCrc32(data)))
    case 'CRC32C':
      return toBase64(uint32Bytes(crc32c(data)))
    case 'CRC64NVME':
      return toBase64(crc64nvme(data))
    case 'SHA1':
    case 'SHA256': {
      const name = algorithm === 'SHA1' ? 'SHA-1' : 'SHA-256'
      return toBase64(new Uint8Array(await crypto.subtle.digest(name, data as BufferSource)))
    }
  }
}

/**
 * Find the `x-amz-checksum-*` value a client sent (header first, then aws-chunked trailer), check
 * it against `data`, and return it for storage. A mismatch is S3's `BadDigest`; more than one
 * checksum is `InvalidRequest`.
 */
export async function verifyChecksum(
  headers: Headers,
  trailers: Readonly<Record<string, string>>,
  data: Uint8Array,
): Promise<StoredChecksum | undefined> {
  const sent: StoredChecksum[] = []
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const name = `x-amz-checksum-${algorithm.toLowerCase()}`
    const value = headers.get(name) ?? trailers[name]
    if (value !== undefined && value !== null) sent.push({ algorithm, value })
  }
  if (sent.length > 1) {
    throw new EmulatorFault(
      'InvalidRequest',
      'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
      400,
    )
  }
  const [checksum] = sent
  if (!checksum) return undefined
  const calculated = await computeChecksum(checksum.algorithm, data)
  if (calculated !== checksum.value) {
    throw new EmulatorFault(
      'BadDigest',
      `The ${checksum.algorithm} you specified did not match the calculated checksum.`,
      400,
    )
  }
  return checksum
}

/** `algorithm` if it names one S3 takes (any case), else undefined. */
export function parseAlgorithm(text: string): ChecksumAlgorithm | undefined {
  const upper = text.trim().toUpperCase()
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(upper)
    ? (upper as ChecksumAlgorithm)
    : undefined
}

/**
 * A multipart object's COMPOSITE checksum: the checksum of the concatenated binary checksums of
 * its parts, then `-<part count>` (S3 User Guide, "Checking object integrity", "Using part-level
 * checksums for multipart uploads"; values as S3 returns them in floci-io/floci#3083).
 */
export async function compositeChecksum(
  algorithm: ChecksumAlgorithm,
  partValues: readonly string[],
): Promise<string> {
  const digests = partValues.map((value) => fromBase64(value) ?? new Uint8Array(0))
  const joined = new Uint8Array(digests.reduce((sum, digest) => sum + digest.length, 0))
  let offset = 0
  for (const digest of digests) {
    joined.set(digest, offset)
    offset += digest.length
  }
  return `${await computeChecksum(algorithm, joined)}-${partValues.length}`
}
