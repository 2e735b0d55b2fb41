import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { fromBase64, hostMd5, md5, toBase64 } from '../../src/aws/md5.ts'
import { getPlatform, setPlatform, webPlatform } from '../../src/platform.ts'
import { nodePlatform } from '../../src/runtime/platform.ts'
import { toHex } from '../../src/aws/hex.ts'
import { bytes, nodeMd5 } from '../emulator/s3-helpers.ts'

const text = (value: string): Uint8Array => new TextEncoder().encode(value)

describe('md5', () => {
  test('matches the RFC 1321 test suite', () => {
    const vectors: [string, string][] = [
      ['', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['a', '0cc175b9c0f1b6a831c399e269772661'],
      ['abc', '900150983cd24fb0d6963f7d28e17f72'],
      ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
      ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
      [
        'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
        'd174ab98d277d9f5a5611c2c9f419d9f',
      ],
      ['1234567890'.repeat(8), '57edf4a22be3c955ac49da2e2107b67a'],
    ]
    for (const [input, digest] of vectors) expect(toHex(md5(text(input)))).toBe(digest)
  })

  test('agrees with node:crypto on every length across block and padding boundaries', () => {
    for (let length = 0; length <= 300; length++) {
      const data = bytes(length, length + 7)
      expect(toHex(md5(data))).toBe(nodeMd5(data).toString('hex'))
    }
  })

  test('agrees with node:crypto on a multi-megabyte body', () => {
    const data = bytes(3 * 1024 * 1024 + 17, 99)
    expect(toHex(md5(data))).toBe(nodeMd5(data).toString('hex'))
  })

  test('hashes a view of a larger buffer by its own bytes only', () => {
    const backing = bytes(100, 3)
    const view = backing.subarray(10, 50)
    expect(toHex(md5(view))).toBe(nodeMd5(Buffer.from(backing.subarray(10, 50))).toString('hex'))
  })
})

describe('base64 helpers', () => {
  test('round-trip and reject what is not base64', () => {
    const data = bytes(70_000, 5)
    expect(toBase64(data)).toBe(Buffer.from(data).toString('base64'))
    expect(fromBase64(toBase64(data))).toEqual(data)
    expect(fromBase64('1B2M2Y8AsgTpgAmY7PhCfg==')).toEqual(new Uint8Array(nodeMd5('')))
    expect(fromBase64('not base64!')).toBeUndefined()
    expect(fromBase64('abc')).toBeUndefined()
  })
})

test("hostMd5: the host's MD5 (Node/Bun platform) equals RFC 1321's in TypeScript; without a platform it is that one", () => {
  const before = getPlatform()
  try {
    setPlatform(nodePlatform)
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (data) => {
        expect(hostMd5(data)).toEqual(md5(data))
      }),
      { numRuns: 200 },
    )
    setPlatform(webPlatform)
    const data = new TextEncoder().encode('message digest')
    expect(hostMd5(data)).toEqual(md5(data))
  } finally {
    setPlatform(before)
  }
})
