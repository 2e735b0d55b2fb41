/**
 * Object bodies: what callers hand in (string, bytes, Blob, stream) turned into what the
 * request layer sends, and the one-shot body of a GetObject response (the managed upload's
 * part reader is in chunks.ts).
 */
import { ConfigError } from '../errors.ts'
import type { S3BodyInput, S3ObjectBody } from './types.ts'

/** A body ready to send: bytes (replayable, so retried and signed per attempt) or a stream. */
export type PreparedBody =
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | {
      readonly kind: 'stream'
      readonly stream: ReadableStream<Uint8Array>
      readonly length: number
    }

/**
 * Turn a body into bytes, or a stream of declared length. A stream without `ContentLength` is
 * refused: a plain PutObject/UploadPart must state its size (S3 answers 411 MissingContentLength
 * otherwise); `upload` takes streams of unknown length.
 */
export async function prepareBody(
  body: S3BodyInput | undefined,
  contentLength: number | undefined,
  operation: string,
): Promise<PreparedBody> {
  let bytes: Uint8Array
  if (body === undefined) bytes = new Uint8Array(0)
  else if (typeof body === 'string') bytes = new TextEncoder().encode(body)
  else if (body instanceof Uint8Array) bytes = body
  else if (body instanceof ArrayBuffer) bytes = new Uint8Array(body)
  else if (typeof Blob !== 'undefined' && body instanceof Blob) {
    bytes = new Uint8Array(await body.arrayBuffer())
  } else if (body instanceof ReadableStream) {
    if (contentLength === undefined || !Number.isSafeInteger(contentLength) || contentLength < 0) {
      throw new ConfigError(
        `S3.${operation}: a ReadableStream Body needs ContentLength (its size in bytes); or use upload(), which takes streams of any length`,
        { key: 'ContentLength' },
      )
    }
    return { kind: 'stream', stream: body, length: contentLength }
  } else {
    throw new ConfigError(
      `S3.${operation}: Body must be a string, Uint8Array, ArrayBuffer, Blob or ReadableStream`,
      { key: 'Body' },
    )
  }
  if (contentLength !== undefined && contentLength !== bytes.length) {
    throw new ConfigError(
      `S3.${operation}: ContentLength ${contentLength} does not match the Body's ${bytes.length} bytes: drop ContentLength or fix it`,
      { key: 'ContentLength' },
    )
  }
  return { kind: 'bytes', bytes }
}

/** The SDK-like one-shot body over its two readers: all bytes, or a stream. */
export function oneShotBody(
  bytes: () => Promise<Uint8Array>,
  stream: () => ReadableStream<Uint8Array>,
): S3ObjectBody {
  const text = async (encoding?: string): Promise<string> =>
    new TextDecoder(encoding ?? 'utf-8').decode(await bytes())
  return {
    bytes,
    text: () => text(),
    stream,
    transformToByteArray: bytes,
    transformToString: text,
    transformToWebStream: stream,
  }
}

/** Wrap a GetObject response as the SDK-like one-shot body. */
export function objectBody(response: Response): S3ObjectBody {
  return oneShotBody(
    async () => new Uint8Array(await response.arrayBuffer()),
    () => response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() }),
  )
}
