/**
 * A GetObject body checked against the checksum S3 stored with the object (sent back because the
 * request said `x-amz-checksum-mode: ENABLED`), as the AWS SDKs do by default since 2025: bytes()
 * and text() reject, and a stream errors after its last chunk, with code `ChecksumMismatch` when
 * the bytes received are not the bytes stored. Loaded only for an answer that carries a checksum.
 */
import { AwsServiceError } from '../errors.ts'
import { checksumOf, runningChecksum } from './checksums.ts'
import type { S3ChecksumAlgorithm as Algorithm } from './checksums.ts'
import type { S3Context } from './context.ts'
import { oneShotBody } from './body.ts'
import type { GetObjectInput, GetObjectOutput } from './types.ts'

// Which checksum is checked when an answer has several: the AWS SDK for JavaScript v3's order
// (flexible checksums, PRIORITY_ORDER_ALGORITHMS). CRC64NVME comes last, and is the one S3 stores
// for every object uploaded without a checksum of its own.
const PRIORITY: readonly (readonly [Algorithm, keyof GetObjectOutput])[] = [
  ['SHA256', 'ChecksumSHA256'],
  ['SHA1', 'ChecksumSHA1'],
  ['CRC32', 'ChecksumCRC32'],
  ['CRC32C', 'ChecksumCRC32C'],
  ['CRC64NVME', 'ChecksumCRC64NVME'],
]

// A multipart object's checksum is a checksum of its parts' checksums, `<base64>-<part count>`
// (S3 User Guide, "Checking object integrity"): the bytes cannot be checked against it, and the
// SDKs skip it (a part count 1-10000, no leading zero).
const isComposite = (value: string): boolean => {
  const match = /-([1-9]\d{0,4})$/.exec(value)
  return match !== null && Number(match[1]) <= 10_000
}

/** Whether `stream` is a byte stream (Node's and Deno's fetch bodies are; Bun's are not). */
function supportsByob(stream: ReadableStream<Uint8Array>): boolean {
  try {
    stream.getReader({ mode: 'byob' }).releaseLock()
    return true
  } catch {
    return false
  }
}

/**
 * `source` passed on as a byte stream, as fetch gave it (a caller may read it with a BYOB
 * reader), each chunk seen by `update` and `check` run at its end.
 */
function checkedByteStream(
  source: ReadableStream<Uint8Array>,
  update: (chunk: Uint8Array) => void,
  check: () => void,
): ReadableStream<Uint8Array> {
  const reader = source.getReader()
  return new ReadableStream({
    type: 'bytes',
    async pull(controller: ReadableByteStreamController) {
      const { done, value } = await reader.read()
      if (done) {
        check()
        controller.close()
        // A BYOB read waiting at the end is answered with nothing (Streams standard: a byte
        // stream's pending read must be responded to after close()).
        controller.byobRequest?.respond(0)
        return
      }
      update(value)
      // A byte stream takes over the chunk's whole buffer: copy a chunk that shares its buffer.
      const whole = value.byteOffset === 0 && value.byteLength === value.buffer.byteLength
      controller.enqueue((whole ? value : value.slice()) as Uint8Array<ArrayBuffer>)
    },
    cancel: (reason) => reader.cancel(reason),
  })
}

/** `output` with a Body that checks what it returns against the stored checksum. */
export function verifiedOutput(
  context: S3Context,
  input: GetObjectInput,
  output: GetObjectOutput,
): GetObjectOutput {
  const found = PRIORITY.find(([, field]) => typeof output[field] === 'string')
  const expected = found && (output[found[1]] as string)
  if (!found || !expected || isComposite(expected)) return output
  const [algorithm] = found
  const header = `x-amz-checksum-${algorithm.toLowerCase()}`
  const resource = context.target(input.Bucket, input.Key).resource
  const mismatch = (actual: string): AwsServiceError =>
    new AwsServiceError(
      `the body's ${algorithm} is ${actual} but the object's stored ${algorithm} is ${expected} (${header}): the bytes changed on the way; read the object again`,
      { service: 'S3', operation: 'GetObject', code: 'ChecksumMismatch', status: 200, resource, retryable: true },
    )
  const original = output.Body
  const bytes = async (): Promise<Uint8Array> => {
    const data = await original.bytes()
    const actual = await checksumOf(algorithm, data)
    if (actual !== expected) throw mismatch(actual)
    return data
  }
  const stream = (): ReadableStream<Uint8Array> => {
    const sum = runningChecksum(algorithm)
    if (!sum) {
      context.logger.debug(`S3.GetObject: not checking the ${algorithm} of a streamed body: this runtime has no incremental ${algorithm}`, { resource })
      return original.stream()
    }
    const check = (): void => {
      const actual = sum.result()
      if (actual !== expected) throw mismatch(actual)
    }
    const source = original.stream()
    return supportsByob(source) ? checkedByteStream(source, sum.update, check) : source.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          sum.update(chunk)
          controller.enqueue(chunk)
        },
        flush: check,
      }),
    )
  }
  return { ...output, Body: oneShotBody(bytes, stream) }
}
