/**
 * Decoding of S3's `aws-chunked` request bodies (SigV4 streaming uploads). The SDKs send
 * `<hex-size>[;chunk-signature=<sig>]\r\n<data>\r\n` chunks ending with a zero-size chunk, then
 * optional trailing headers (`x-amz-checksum-crc32:...`, `x-amz-trailer-signature:...`) and an
 * empty line. See the S3 API reference, "Signature Calculations for the Authorization Header:
 * Transferring Payload in Multiple Chunks" and "... Including Trailing Headers".
 */
import { EmulatorFault } from './context.ts'

/** A decoded aws-chunked body. */
export interface DecodedChunkedBody {
  readonly data: Uint8Array
  /** Trailing headers, names lower-cased (`x-amz-checksum-crc32`, `x-amz-trailer-signature`). */
  readonly trailers: Readonly<Record<string, string>>
}

/**
 * Whether a request's body is aws-chunked: `x-amz-content-sha256` names a `STREAMING-*` payload
 * (botocore and SDK v3 both set it) or `Content-Encoding` lists `aws-chunked`.
 */
export function isAwsChunked(headers: Headers): boolean {
  const payload = headers.get('x-amz-content-sha256') ?? ''
  if (payload.startsWith('STREAMING-')) return true
  const encoding = headers.get('content-encoding') ?? ''
  return encoding.split(',').some((token) => token.trim().toLowerCase() === 'aws-chunked')
}

function incomplete(detail: string): EmulatorFault {
  const message = `The request body terminated unexpectedly: ${detail}`
  return new EmulatorFault('IncompleteBody', message, 400)
}

/**
 * Strip aws-chunked framing from `body`. Throws S3 faults when the framing is broken or the
 * decoded size differs from `x-amz-decoded-content-length` (`decodedLength`, when given).
 */
export function decodeAwsChunked(body: Uint8Array, decodedLength?: number): DecodedChunkedBody {
  const pieces: Uint8Array[] = []
  let total = 0
  let pos = 0
  const readLine = (): string => {
    for (let i = pos; i + 1 < body.length; i++) {
      if (body[i] === 13 && body[i + 1] === 10) {
        const line = new TextDecoder().decode(body.subarray(pos, i))
        pos = i + 2
        return line
      }
    }
    throw incomplete('a chunk header or trailer line is not terminated by CRLF')
  }
  for (;;) {
    const header = readLine()
    const sizeText = header.split(';', 1)[0]?.trim() ?? ''
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) {
      throw new EmulatorFault(
        'InvalidChunkSizeError',
        'The aws-chunked body has an invalid chunk size line: ' +
          JSON.stringify(header.slice(0, 80)),
        400,
      )
    }
    const size = parseInt(sizeText, 16)
    if (size === 0) break
    if (pos + size + 2 > body.length) throw incomplete(`a ${size}-byte chunk is cut short`)
    pieces.push(body.subarray(pos, pos + size))
    total += size
    pos += size
    if (body[pos] !== 13 || body[pos + 1] !== 10) {
      throw incomplete('a chunk is not followed by CRLF')
    }
    pos += 2
  }
  const trailers: Record<string, string> = {}
  // Trailing headers follow the zero-size chunk; an empty line (or the end of the body, which some
  // unsigned-trailer encoders leave without the final CRLF) closes the message.
  while (pos < body.length) {
    const line = readLine()
    if (line === '') break
    const colon = line.indexOf(':')
    if (colon <= 0) {
      throw incomplete(`malformed trailing header ${JSON.stringify(line.slice(0, 80))}`)
    }
    trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  if (pos !== body.length) throw incomplete('bytes follow the end of the aws-chunked body')
  if (decodedLength !== undefined && decodedLength !== total) {
    throw incomplete(
      `x-amz-decoded-content-length says ${decodedLength} bytes but the chunks hold ${total}`,
    )
  }
  const data = new Uint8Array(total)
  let offset = 0
  for (const piece of pieces) {
    data.set(piece, offset)
    offset += piece.length
  }
  return { data, trailers }
}
