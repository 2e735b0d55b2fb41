/**
 * The managed upload's part reader: any body (string, bytes, Blob, stream of unknown length) cut
 * into parts of a fixed size, read only as fast as parts are taken. Loaded with the upload.
 */
import { ConfigError } from '../errors.ts'
import type { S3BodyInput } from './types.ts'

/** A part of an upload: its bytes and whether it is the last one. */
export interface Chunk {
  readonly data: Uint8Array
  readonly last: boolean
}

async function* bytesChunks(bytes: Uint8Array, size: number): AsyncGenerator<Chunk> {
  if (bytes.length === 0) yield { data: bytes, last: true }
  for (let start = 0; start < bytes.length; start += size) {
    yield { data: bytes.subarray(start, start + size), last: start + size >= bytes.length }
  }
}

async function* blobChunks(blob: Blob, size: number): AsyncGenerator<Chunk> {
  if (blob.size === 0) yield { data: new Uint8Array(0), last: true }
  // Read one slice at a time, so a large Blob (a file) is never held whole in memory.
  for (let start = 0; start < blob.size; start += size) {
    const data = new Uint8Array(await blob.slice(start, start + size).arrayBuffer())
    yield { data, last: start + size >= blob.size }
  }
}

/**
 * Cut a stream into parts of exactly `size` bytes (the last may be smaller). A part is known to
 * be the last only when the stream ends, so a full part is held until at least one more byte
 * (or the end) arrives; memory stays at one part plus one read.
 */
async function* streamChunks(
  stream: ReadableStream<Uint8Array>,
  size: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<Chunk> {
  const reader = stream.getReader()
  // A read may wait on the producer forever; an abort cancels it so the upload can wind down.
  const onAbort = (): void => void reader.cancel(signal?.reason).catch(() => {})
  signal?.addEventListener('abort', onAbort, { once: true })
  let buffer = new Uint8Array(size)
  let filled = 0
  let pending: Uint8Array | undefined
  try {
    for (;;) {
      const { done, value } = await reader.read()
      signal?.throwIfAborted()
      if (done) break
      let offset = 0
      while (offset < value.length) {
        if (pending) {
          yield { data: pending, last: false }
          pending = undefined
        }
        const take = Math.min(size - filled, value.length - offset)
        buffer.set(value.subarray(offset, offset + take), filled)
        filled += take
        offset += take
        if (filled === size) {
          pending = buffer
          buffer = new Uint8Array(size)
          filled = 0
        }
      }
    }
    if (pending) yield { data: pending, last: filled === 0 }
    if (filled > 0 || !pending) yield { data: buffer.subarray(0, filled), last: true }
  } finally {
    signal?.removeEventListener('abort', onAbort)
    reader.releaseLock()
  }
}

/** The parts of an upload body, in order, each `size` bytes except possibly the last. */
export function chunkBody(
  body: S3BodyInput,
  size: number,
  signal?: AbortSignal,
): AsyncGenerator<Chunk> {
  if (typeof body === 'string') return bytesChunks(new TextEncoder().encode(body), size)
  if (body instanceof Uint8Array) return bytesChunks(body, size)
  if (body instanceof ArrayBuffer) return bytesChunks(new Uint8Array(body), size)
  if (typeof Blob !== 'undefined' && body instanceof Blob) return blobChunks(body, size)
  if (body instanceof ReadableStream) return streamChunks(body, size, signal)
  throw new ConfigError(
    'S3.upload: Body must be a string, Uint8Array, ArrayBuffer, Blob or ReadableStream',
    { key: 'Body' },
  )
}

/** The size of a body when it is known without reading it. */
export function knownSize(body: S3BodyInput, contentLength?: number): number | undefined {
  if (typeof body === 'string') return new TextEncoder().encode(body).length
  if (body instanceof Uint8Array || body instanceof ArrayBuffer) return body.byteLength
  if (typeof Blob !== 'undefined' && body instanceof Blob) return body.size
  return contentLength
}
