/**
 * CRC-32 and CRC-32C in plain TypeScript (WebCrypto has neither): S3's flexible checksums use
 * both, DynamoDB's `x-amz-crc32` response header uses CRC-32. One implementation serves the
 * clients and the emulator; hostCrc32 prefers the host's native CRC-32 where there is one.
 */
import { getPlatform } from '../platform.ts'

function crcTable(polynomial: number): Uint32Array {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? polynomial ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
}

// Reflected polynomials: CRC-32 (ISO-HDLC, as in zlib) and CRC-32C (Castagnoli, RFC 3720).
const CRC32_TABLE = crcTable(0xedb88320)
const CRC32C_TABLE = crcTable(0x82f63b78)

function crc(table: Uint32Array, data: Uint8Array, previous: number): number {
  let c = (previous ^ 0xffffffff) >>> 0
  for (let i = 0; i < data.length; i++) {
    c = (table[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8)
  }
  return (c ^ 0xffffffff) >>> 0
}

/** CRC-32 (the zlib/PNG one) of `data`, unsigned; continues a running `previous` CRC if given. */
export function crc32(data: Uint8Array, previous = 0): number {
  return crc(CRC32_TABLE, data, previous)
}

/** CRC-32C (Castagnoli) of `data`, unsigned; continues a running `previous` CRC if given. */
export function crc32c(data: Uint8Array, previous = 0): number {
  return crc(CRC32C_TABLE, data, previous)
}

/** CRC-32 through the host's native one where the platform has one (~100x the table's speed). */
export function hostCrc32(data: Uint8Array, previous?: number): number {
  const host = getPlatform().crc32
  return host ? host(data, previous) : crc32(data, previous)
}

/** A 32-bit value as 4 big-endian bytes (how S3 checksums are base64-encoded). */
export function uint32Bytes(value: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, value)
  return out
}
