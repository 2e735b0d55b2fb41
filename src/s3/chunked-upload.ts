/**
 * A stream body sent with its checksum, as the AWS SDKs send one: `aws-chunked` framing with the
 * checksum as a trailing header, unsigned (`x-amz-content-sha256:
 * STREAMING-UNSIGNED-PAYLOAD-TRAILER`, `x-amz-trailer`, `x-amz-decoded-content-length`; S3 API
 * Reference, "Signature Calculations for the Authorization Header: Transferring Payload in
 * Multiple Chunks", the unsigned-payload-with-trailer case). Each chunk is
 * `<hex size>\r\n<data>\r\n`, then `0\r\n<trailer>:<base64>\r\n\r\n`. The stream is cut into
 * fixed-size chunks, so the framed length, which is the request's Content-Length, is known before
 * the first byte is read. Loaded only for such uploads.
 */
import { ConfigError } from '../errors.ts'
import { runningChecksum } from './checksums.ts'
import type { S3ChecksumAlgorithm } from './checksums.ts'

// The data per chunk (the SDKs frame each read of the source instead; any size S3 accepts).
const CHUNK_BYTES = 64 * 1024
// Base64 length of each algorithm's digest: 4-byte CRC-32s, 8-byte CRC-64, 20-byte SHA-1,
// 32-byte SHA-256.
const DIGEST_BASE64_LENGTH: Readonly<Record<S3ChecksumAlgorithm, number>> = {
  CRC32: 8,
  CRC32C: 8,
  CRC64NVME: 12,
  SHA1: 28,
  SHA256: 44,
}

const frameLength = (size: number): number => size.toString(16).length + 2 + size + 2

/** The headers and framed body of a `length`-byte stream with an `algorithm` trailer. */
export function chunkedWithTrailer(
  source: ReadableStream<Uint8Array>,
  length: number,
  algorithm: S3ChecksumAlgorithm,
  contentEncoding: string | undefined,
): { headers: Record<string, string>; stream: ReadableStream<Uint8Array>; length: number } {
  const sum = runningChecksum(algorithm)
  if (!sum) {
    throw new ConfigError(
      `S3.PutObject: a ${algorithm} checksum of a stream needs an incremental ${algorithm}, which this runtime lacks; pass the Body as bytes, or use CRC32, CRC32C or CRC64NVME`,
      { key: 'ChecksumAlgorithm' },
    )
  }
  const trailer = `x-amz-checksum-${algorithm.toLowerCase()}`
  const full = Math.floor(length / CHUNK_BYTES)
  const rest = length % CHUNK_BYTES
  const framed =
    full * frameLength(CHUNK_BYTES) +
    (rest > 0 ? frameLength(rest) : 0) +
    '0\r\n'.length +
    trailer.length + 1 + DIGEST_BASE64_LENGTH[algorithm] + '\r\n\r\n'.length

  const encoder = new TextEncoder()
  let pending: Uint8Array[] = []
  let pendingBytes = 0
  let seen = 0
  const frame = (controller: TransformStreamDefaultController<Uint8Array>, size: number): void => {
    const data = new Uint8Array(size)
    let filled = 0
    while (filled < size) {
      const head = pending[0]!
      const take = Math.min(head.length, size - filled)
      data.set(head.subarray(0, take), filled)
      filled += take
      if (take === head.length) pending.shift()
      else pending[0] = head.subarray(take)
    }
    pendingBytes -= size
    sum.update(data)
    controller.enqueue(encoder.encode(`${size.toString(16)}\r\n`))
    controller.enqueue(data)
    controller.enqueue(encoder.encode('\r\n'))
  }
  const stream = source.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.length
        // More than declared would make a request S3 cannot read: say what went wrong instead.
        if (seen > length) throw new ConfigError(`S3.PutObject: the Body stream holds more than its ContentLength of ${length} bytes`, { key: 'ContentLength' })
        pending.push(chunk)
        pendingBytes += chunk.length
        while (pendingBytes >= CHUNK_BYTES) frame(controller, CHUNK_BYTES)
      },
      flush(controller) {
        if (seen < length) throw new ConfigError(`S3.PutObject: the Body stream ended after ${seen} of its ContentLength of ${length} bytes`, { key: 'ContentLength' })
        if (pendingBytes > 0) frame(controller, pendingBytes)
        pending = []
        controller.enqueue(encoder.encode(`0\r\n${trailer}:${sum.result()}\r\n\r\n`))
      },
    }),
  )
  return {
    stream,
    length: framed,
    headers: {
      'content-encoding': contentEncoding ? `${contentEncoding},aws-chunked` : 'aws-chunked',
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'x-amz-decoded-content-length': String(length),
      'x-amz-trailer': trailer,
      'x-amz-sdk-checksum-algorithm': algorithm,
    },
  }
}
