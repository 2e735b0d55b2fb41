/**
 * CRC-64/NVME (reflected polynomial 0x9a6c9329ac4bc9b5, initial and final XOR all ones): the
 * checksum S3 computes for every object uploaded without one (S3 User Guide, "Checking object
 * integrity", full object checksums). Kept as two 32-bit halves, which JavaScript's bitwise
 * operators handle without BigInt; fed piece by piece for streamed bodies. Shared by the client
 * and the emulator.
 */

// Slicing by 8: table k holds the CRC of each byte followed by k zero bytes, so eight input
// bytes fold in with eight lookups (as zlib's and the AWS SDKs' CRCs do) instead of eight
// rounds. Each entry is two 32-bit halves: LO[k] bits 0-31, HI[k] bits 32-63.
const LO: Uint32Array[] = []
const HI: Uint32Array[] = []
{
  const byteTable: bigint[] = []
  for (let n = 0; n < 256; n++) {
    let c = BigInt(n)
    for (let bit = 0; bit < 8; bit++) c = c & 1n ? 0x9a6c9329ac4bc9b5n ^ (c >> 1n) : c >> 1n
    byteTable.push(c)
  }
  let table = byteTable
  for (let k = 0; k < 8; k++) {
    LO.push(Uint32Array.from(table, (c) => Number(c & 0xffffffffn)))
    HI.push(Uint32Array.from(table, (c) => Number(c >> 32n)))
    // One more zero byte after each entry.
    table = table.map((c) => (c >> 8n) ^ byteTable[Number(c & 0xffn)]!)
  }
}

/** A running CRC-64/NVME. */
export interface Crc64Nvme {
  update(data: Uint8Array): void
  /** The 8 big-endian bytes of the CRC of everything given to update(). */
  digest(): Uint8Array
}

/** Start a CRC-64/NVME. */
export function createCrc64Nvme(): Crc64Nvme {
  let lo = 0xffffffff
  let hi = 0xffffffff
  return {
    update(data) {
      const [l0, l1, l2, l3, l4, l5, l6, l7] = LO as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array]
      const [h0, h1, h2, h3, h4, h5, h6, h7] = HI as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array]
      let i = 0
      for (const end = data.length - 7; i < end; i += 8) {
        const x0 = (lo ^ (data[i] as number)) & 0xff
        const x1 = ((lo >>> 8) ^ (data[i + 1] as number)) & 0xff
        const x2 = ((lo >>> 16) ^ (data[i + 2] as number)) & 0xff
        const x3 = ((lo >>> 24) ^ (data[i + 3] as number)) & 0xff
        const x4 = (hi ^ (data[i + 4] as number)) & 0xff
        const x5 = ((hi >>> 8) ^ (data[i + 5] as number)) & 0xff
        const x6 = ((hi >>> 16) ^ (data[i + 6] as number)) & 0xff
        const x7 = ((hi >>> 24) ^ (data[i + 7] as number)) & 0xff
        lo = (l7[x0]! ^ l6[x1]! ^ l5[x2]! ^ l4[x3]! ^ l3[x4]! ^ l2[x5]! ^ l1[x6]! ^ l0[x7]!) >>> 0
        hi = (h7[x0]! ^ h6[x1]! ^ h5[x2]! ^ h4[x3]! ^ h3[x4]! ^ h2[x5]! ^ h1[x6]! ^ h0[x7]!) >>> 0
      }
      for (; i < data.length; i++) {
        const index = (lo ^ (data[i] as number)) & 0xff
        lo = (((lo >>> 8) | (hi << 24)) ^ l0[index]!) >>> 0
        hi = ((hi >>> 8) ^ h0[index]!) >>> 0
      }
    },
    digest() {
      const out = new Uint8Array(8)
      const view = new DataView(out.buffer)
      view.setUint32(0, (hi ^ 0xffffffff) >>> 0)
      view.setUint32(4, (lo ^ 0xffffffff) >>> 0)
      return out
    },
  }
}

/** CRC-64/NVME of `data`, as 8 big-endian bytes. */
export function crc64nvme(data: Uint8Array): Uint8Array {
  const crc = createCrc64Nvme()
  crc.update(data)
  return crc.digest()
}
