import { afterEach, describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { payloadSha256 } from '../../src/emulator/payload-sha256.ts'
import { getPlatform, setPlatform, webPlatform } from '../../src/platform.ts'
import { hostDigests } from '../../src/runtime/host-digests.ts'

const previous = getPlatform()
afterEach(() => setPlatform(previous))

const nodeSha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex')

describe('payloadSha256', () => {
  test('hashes a body once however many stages ask, through the host digest', async () => {
    const host = hostDigests()!
    let calls = 0
    setPlatform({
      ...webPlatform,
      digests: { ...host, sha256Hex: (data) => (calls++, host.sha256Hex(data)) },
    })
    const body = new Uint8Array(4096).map((_, i) => i * 7)
    expect(await payloadSha256(body)).toBe(nodeSha256(body))
    expect(await payloadSha256(body)).toBe(nodeSha256(body))
    expect(calls).toBe(1)
    // Another body with the same bytes is another request: hashed again.
    const same = body.slice()
    expect(await payloadSha256(same)).toBe(nodeSha256(same))
    expect(calls).toBe(2)
  })

  test('without host digests it uses WebCrypto, and the empty body is the well-known hash', async () => {
    setPlatform(webPlatform)
    const body = new TextEncoder().encode('abc')
    expect(await payloadSha256(body)).toBe(nodeSha256(body))
    expect(await payloadSha256(new Uint8Array(0))).toBe(nodeSha256(new Uint8Array(0)))
  })
})
