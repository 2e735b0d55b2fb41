/**
 * Fault: the connection is reset in the middle of a multipart upload, while a part's body is
 * being sent. The part is retried (its body re-sent from the start, re-signed), the upload
 * completes, and the object is byte for byte what was uploaded, with S3's multipart ETag.
 */
import { afterEach, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { createFaultWorld, drive } from './fixture.ts'
import type { FaultWorld } from './fixture.ts'

const MiB = 1024 * 1024

let world: FaultWorld | undefined
afterEach(async () => {
  await world?.session.stop()
  world = undefined
})

function bytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size)
  let x = seed
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    out[i] = x >>> 24
  }
  return out
}

function multipartEtag(body: Uint8Array, partSize: number): string {
  const digests: Buffer[] = []
  for (let start = 0; start < body.length; start += partSize) {
    digests.push(
      createHash('md5')
        .update(body.subarray(start, start + partSize))
        .digest(),
    )
  }
  return `"${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${digests.length}"`
}

test('a reset mid-part: the part is retried, the object is correct', async () => {
  world = createFaultWorld()
  await world.prepare()
  const attempts: Record<string, number> = {}
  let resets = 0
  world.intercept = async (request) => {
    const part = new URL(request.url).searchParams.get('partNumber')
    if (part === null) return undefined
    attempts[part] = (attempts[part] ?? 0) + 1
    if (part === '2' && attempts[part] === 1) {
      // Read about half of the part, then the connection drops.
      const reader = request.body!.getReader()
      let received = 0
      while (received < 2.5 * MiB) {
        const { done, value } = await reader.read()
        if (done) break
        received += value.byteLength
      }
      await reader.cancel()
      resets++
      throw new TypeError('fetch failed: read ECONNRESET')
    }
    return undefined
  }
  const body = bytes(12 * MiB + 321, 7)
  const out = await drive(
    world.clock,
    world.s3.upload({
      Bucket: 'data',
      Key: 'big.bin',
      Body: body,
      partSize: 5 * MiB,
      queueSize: 1,
    }),
  )
  expect(resets).toBe(1)
  expect(attempts).toEqual({ '1': 1, '2': 2, '3': 1 })
  expect(out.ETag).toBe(multipartEtag(body, 5 * MiB))
  const object = await drive(world.clock, world.s3.getObject({ Bucket: 'data', Key: 'big.bin' }))
  expect(object.ETag).toBe(out.ETag!)
  const back = await object.Body.bytes()
  expect(back.length).toBe(body.length)
  expect(Buffer.from(back).equals(Buffer.from(body))).toBe(true)
  // S3 refused nothing: the reset never reached it as a request.
  expect(world.emulator.stats().rejections).toEqual({})
})
