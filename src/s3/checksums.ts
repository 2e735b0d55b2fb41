/**
 * Payload digests S3 checks: `Content-MD5` and the flexible `x-amz-checksum-<algorithm>`
 * headers (the request layer computes `x-amz-content-sha256`). WebCrypto has SHA-1/SHA-256 but
 * no MD5 or CRC, so those are computed here (MD5 is shared with the emulator).
 */
import { ConfigError } from '../errors.ts'
import { crc32, crc32c, hostCrc32, uint32Bytes } from '../aws/crc32.ts'
import { createCrc64Nvme } from '../aws/crc64nvme.ts'
import { md5, toBase64 } from '../aws/md5.ts'
import { toHex } from '../aws/hex.ts'
import { getPlatform } from '../platform.ts'


/** The flexible checksum algorithms this client computes (S3 `ChecksumAlgorithm`). */
export type S3ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256'

export { crc32, crc32c }

/** A checksum fed piece by piece (a body as it streams). */
export interface RunningChecksum {
  update(chunk: Uint8Array): void
  /** The base64 checksum of everything given to update(), as S3's headers carry it. */
  result(): string
}

function crcOf(crc: (data: Uint8Array, previous?: number) => number): RunningChecksum {
  let value = 0
  return {
    update: (chunk) => {
      value = crc(chunk, value)
    },
    result: () => toBase64(uint32Bytes(value)),
  }
}

/**
 * A running checksum of S3 `algorithm`; undefined for a SHA where the host has no incremental one
 * (a bare Web runtime: WebCrypto digests only whole buffers).
 */
export function runningChecksum(algorithm: S3ChecksumAlgorithm): RunningChecksum | undefined {
  if (algorithm === 'CRC32') return crcOf(hostCrc32)
  if (algorithm === 'CRC32C') return crcOf(crc32c)
  if (algorithm === 'CRC64NVME') {
    const crc = createCrc64Nvme()
    return { update: (chunk) => crc.update(chunk), result: () => toBase64(crc.digest()) }
  }
  const hash = getPlatform().createHash?.(algorithm === 'SHA1' ? 'sha1' : 'sha256')
  return hash && { update: (chunk) => hash.update(chunk), result: () => toBase64(hash.digest()) }
}

/** Base64 of the MD5 digest, as the `Content-MD5` header carries it (RFC 1864). */
export function contentMd5(data: Uint8Array): string {
  return toBase64(md5(data))
}

const ALGORITHMS: readonly string[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256']

/** The base64 checksum of a whole body, on any runtime (WebCrypto for a SHA the host lacks). */
export async function checksumOf(algorithm: S3ChecksumAlgorithm, data: Uint8Array): Promise<string> {
  const sum = runningChecksum(algorithm)
  if (sum) {
    sum.update(data)
    return sum.result()
  }
  const name = algorithm === 'SHA1' ? 'SHA-1' : 'SHA-256'
  return toBase64(new Uint8Array(await crypto.subtle.digest(name, data as Uint8Array<ArrayBuffer>)))
}

/**
 * The `x-amz-checksum-<algorithm>` header for `data`: name and base64 value (big-endian bytes for
 * the CRCs), per the S3 user guide "Checking object integrity".
 */
export async function checksumHeader(
  algorithm: string,
  data: Uint8Array,
): Promise<[name: string, value: string]> {
  const upper = algorithm.toUpperCase()
  if (!ALGORITHMS.includes(upper)) {
    throw new ConfigError(
      `S3 ChecksumAlgorithm '${algorithm}' is not supported by this client: use CRC32, CRC32C, CRC64NVME, SHA1 or SHA256`,
      { key: 'ChecksumAlgorithm' },
    )
  }
  return [`x-amz-checksum-${upper.toLowerCase()}`, await checksumOf(upper as S3ChecksumAlgorithm, data)]
}

/**
 * The ETag S3 gives a multipart object: the MD5 of the concatenated binary MD5s of its parts,
 * then `-<part count>` (S3 user guide, "Checking object integrity", multipart ETags). Exposed so
 * callers can verify an upload independently.
 */
export function multipartEtag(parts: readonly Uint8Array[]): string {
  const digests = new Uint8Array(parts.length * 16)
  parts.forEach((part, i) => digests.set(md5(part), i * 16))
  return `"${toHex(md5(digests))}-${parts.length}"`
}
