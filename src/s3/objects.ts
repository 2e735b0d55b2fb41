/**
 * Object operations: PutObject, GetObject, HeadObject, DeleteObject (DeleteObjects and CopyObject
 * are in copy-delete.ts, loaded on demand). Wire formats from the Amazon S3 API Reference.
 */
import type { AwsCall } from '../aws/request.ts'
import { AwsServiceError, ConfigError } from '../errors.ts'
import { objectBody, prepareBody } from './body.ts'
import type { PreparedBody } from './body.ts'
import type { S3Context } from './context.ts'
import { attributeHeaders, compact, readObjectHeaders, readWriteHeaders } from './headers.ts'
import type {
  DeleteObjectInput,
  DeleteObjectOutput,
  GetObjectInput,
  GetObjectOutput,
  HeadObjectInput,
  HeadObjectOutput,
  PutObjectInput,
  PutObjectOutput,
} from './types.ts'

// The checksum modules, loaded on first use and kept (an import() per call costs ~5 us).
let checksums: typeof import('./checksums.ts') | undefined
let responseChecksum: typeof import('./response-checksum.ts') | undefined

/** Whether a read asks for the stored checksum: the call says so, or the client does by default. */
const asksChecksum = (context: S3Context, input: GetObjectInput): boolean =>
  input.ChecksumMode === 'ENABLED' || context.responseChecksumValidation === 'WHEN_SUPPORTED'

/** `signal` only when given (the layer's call shape has no `undefined` members). */
export function signalOf(input: { signal?: AbortSignal }): { signal?: AbortSignal } {
  return input.signal ? { signal: input.signal } : {}
}

/**
 * The body part of a layer call: bytes are sent as-is (replayable, so a retry re-signs them with
 * the credentials of that moment); a stream goes once, unsigned, with its declared length.
 */
export function bodyCall(
  prepared: PreparedBody,
): Pick<AwsCall, 'body' | 'stream' | 'streamOnce' | 'unsignedPayload'> & { length: number } {
  if (prepared.kind === 'bytes') return { body: prepared.bytes, length: prepared.bytes.length }
  // A caller's stream goes once: the request layer answers with the first attempt's error.
  return { stream: () => prepared.stream, streamOnce: true, unsignedPayload: true, length: prepared.length }
}

/** Upload an object in one request (up to 5 GiB; use `upload` for anything large). */
export async function putObject(
  context: S3Context,
  input: PutObjectInput,
): Promise<PutObjectOutput> {
  const prepared = await prepareBody(input.Body, input.ContentLength, 'PutObject')
  let { length, ...body } = bodyCall(prepared)
  const headers: Record<string, string> = attributeHeaders(input)
  if (input.ContentMD5) headers['content-md5'] = input.ContentMD5
  // As the AWS SDKs: a CRC32 unless the caller names an algorithm or asks for none
  // (requestChecksumCalculation). Checksums load on first use, out of the bundle's start-up part.
  const algorithm =
    input.ChecksumAlgorithm ?? (context.requestChecksumCalculation === 'WHEN_SUPPORTED' ? 'CRC32' : undefined)
  if (algorithm && prepared.kind === 'bytes') {
    checksums ??= await import('./checksums.ts')
    const [name, value] = await checksums.checksumHeader(algorithm, prepared.bytes)
    headers[name] = value
    headers['x-amz-sdk-checksum-algorithm'] = algorithm
  } else if (algorithm && prepared.kind === 'stream') {
    // A stream's checksum is known only at its end: it goes as an aws-chunked trailer.
    const { chunkedWithTrailer } = await import('./chunked-upload.ts')
    const framed = chunkedWithTrailer(prepared.stream, prepared.length, algorithm, headers['content-encoding'])
    Object.assign(headers, framed.headers)
    body = { ...body, stream: () => framed.stream }
    length = framed.length
  }
  headers['content-length'] = String(length)
  const response = await context.send(context.target(input.Bucket, input.Key), {
    operation: 'PutObject',
    method: 'PUT',
    headers,
    ...body,
    ...signalOf(input),
  })
  await response.arrayBuffer()
  return readWriteHeaders(response.headers)
}

/**
 * Send a GetObject/HeadObject. The request layer passes 304 through as a success; for these
 * calls it means the IfNoneMatch/IfModifiedSince condition failed, which the SDKs throw as
 * `NotModified`, and so does this.
 */
export async function sendRead(
  context: S3Context,
  operation: string,
  method: string,
  input: GetObjectInput,
  fetchInit?: Readonly<Record<string, unknown>>,
): Promise<Response> {
  const response = await context.send(
    context.target(input.Bucket, input.Key),
    { ...readCall(operation, method, input, asksChecksum(context, input)), ...(fetchInit ? { fetchInit } : {}) },
  )
  if (response.status === 304) {
    await response.arrayBuffer()
    const requestId = response.headers.get('x-amz-request-id')
    throw new AwsServiceError('Not Modified (the object matches IfNoneMatch/IfModifiedSince)', {
      service: 'S3',
      operation,
      code: 'NotModified',
      status: 304,
      ...(requestId ? { requestId } : {}),
    })
  }
  return response
}

function readCall(operation: string, method: string, input: GetObjectInput, checksumMode: boolean): AwsCall {
  const headers: Record<string, string> = {}
  if (checksumMode) headers['x-amz-checksum-mode'] = 'ENABLED'
  if (input.Range) headers.range = input.Range
  if (input.IfMatch) headers['if-match'] = input.IfMatch
  if (input.IfNoneMatch) headers['if-none-match'] = input.IfNoneMatch
  if (input.IfModifiedSince) headers['if-modified-since'] = input.IfModifiedSince.toUTCString()
  if (input.IfUnmodifiedSince) {
    headers['if-unmodified-since'] = input.IfUnmodifiedSince.toUTCString()
  }
  return {
    operation,
    method,
    headers,
    query: {
      versionId: input.VersionId,
      partNumber: input.PartNumber === undefined ? undefined : String(input.PartNumber),
      'response-cache-control': input.ResponseCacheControl,
      'response-content-disposition': input.ResponseContentDisposition,
      'response-content-encoding': input.ResponseContentEncoding,
      'response-content-language': input.ResponseContentLanguage,
      'response-content-type': input.ResponseContentType,
      'response-expires': input.ResponseExpires?.toUTCString(),
    },
    ...signalOf(input),
  }
}

// Codings a fetch implementation might decode: the IANA HTTP Content Coding Registry less
// `identity`. Fetch decodes only codings it implements (undici, Bun and Deno leave a mislabelled
// `utf-8` alone), so such a label costs no second request.
const REGISTERED_CODINGS = new Set([
  'aes128gcm', 'br', 'compress', 'dcb', 'dcz', 'deflate', 'exi', 'gzip', 'pack200-gzip',
  'x-compress', 'x-gzip', 'zstd',
])

// Bun's switch off Content-Encoding decoding (BunFetchRequestInit.decompress).
export const RAW_BODY: Readonly<Record<string, unknown>> = { decompress: false }

export function mayBeDecoded(contentEncoding: string | null | undefined): boolean {
  return (contentEncoding ?? '')
    .split(',')
    .some((coding) => REGISTERED_CODINGS.has(coding.trim().toLowerCase()))
}

export function objectOutput(response: Response, contentEncoding?: string): GetObjectOutput {
  const headers = readObjectHeaders(response.headers)
  if (contentEncoding !== undefined) headers.ContentEncoding = contentEncoding
  return { ...headers, Body: objectBody(response) }
}

/**
 * Download an object (or a `Range` of it); read `Body` once with bytes(), text() or stream().
 * `Body` is the stored bytes and `ContentEncoding` the stored label, as with the AWS SDK. A body
 * that does not match the object's stored checksum fails with code `ChecksumMismatch` (from
 * bytes()/text(), or as the stream's error after its last chunk).
 */
export async function getObject(
  context: S3Context,
  input: GetObjectInput,
): Promise<GetObjectOutput> {
  const output = await storedBytes(context, input)
  // The body is checked against the checksum S3 stored with the object, as the AWS SDKs do; a
  // Range is a part of the object, which S3 sends no checksum for.
  if (input.Range || !asksChecksum(context, input) || !hasChecksum(output)) return output
  responseChecksum ??= await import('./response-checksum.ts')
  return responseChecksum.verifiedOutput(context, input, output)
}

const hasChecksum = (output: GetObjectOutput): boolean =>
  Boolean(
    output.ChecksumCRC32 || output.ChecksumCRC32C || output.ChecksumCRC64NVME || output.ChecksumSHA1 ||
      output.ChecksumSHA256,
  )

/** The GetObject answer with its body as stored (see getObject). */
async function storedBytes(context: S3Context, input: GetObjectInput): Promise<GetObjectOutput> {
  // S3 returns the stored bytes and Content-Encoding is only their label, but fetch decodes a
  // body by that header (the Fetch standard's "handle content codings"): a gzip object would come
  // back inflated, and a Range of it as a decoding error. Bun's fetch has a switch for that, sent
  // to every fetch (others ignore init members they do not know) but trusted only when the
  // platform vouches for the fetch in use.
  if (context.keepsEncodedBodies) {
    return objectOutput(await sendRead(context, 'GetObject', 'GET', input, RAW_BODY))
  }
  const asked = input.ResponseContentEncoding
  if (mayBeDecoded(asked)) {
    // The caller's override is what S3 would answer: ask for `identity` and report theirs.
    const response = await sendRead(
      context,
      'GetObject',
      'GET',
      { ...input, ResponseContentEncoding: 'identity' },
      RAW_BODY,
    )
    return objectOutput(response, asked)
  }
  // A fetch without a switch (Node's undici, Deno, an injected one): read as usual; only an
  // encoded answer needs more (undecoded-get.ts, loaded then).
  const response = await sendRead(context, 'GetObject', 'GET', input, RAW_BODY)
  const encoding = response.headers.get('content-encoding')
  if (encoding === null || !mayBeDecoded(encoding)) return objectOutput(response)
  return (await import('./undecoded-get.ts')).getUndecoded(context, input, response, encoding)
}

/** An object's metadata without its body. A missing key throws code `NotFound` (status 404). */
export async function headObject(
  context: S3Context,
  input: HeadObjectInput,
): Promise<HeadObjectOutput> {
  const response = await sendRead(context, 'HeadObject', 'HEAD', input)
  await response.arrayBuffer()
  return readObjectHeaders(response.headers)
}

/** Delete one object; S3 answers success for a key that does not exist. */
export async function deleteObject(
  context: S3Context,
  input: DeleteObjectInput,
): Promise<DeleteObjectOutput> {
  const response = await context.send(context.target(input.Bucket, input.Key), {
    operation: 'DeleteObject',
    method: 'DELETE',
    query: { versionId: input.VersionId },
    ...signalOf(input),
  })
  await response.arrayBuffer()
  const marker = response.headers.get('x-amz-delete-marker')
  return compact({
    DeleteMarker: marker === null ? undefined : marker === 'true',
    VersionId: response.headers.get('x-amz-version-id') ?? undefined,
  })
}
