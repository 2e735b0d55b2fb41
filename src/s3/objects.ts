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
  S3ReadInput,
} from './types.ts'

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
  operation: string,
): Pick<AwsCall, 'body' | 'stream' | 'unsignedPayload'> & { length: number } {
  if (prepared.kind === 'bytes') return { body: prepared.bytes, length: prepared.bytes.length }
  let sent = false
  const stream = (): ReadableStream<Uint8Array> => {
    if (sent) {
      throw new ConfigError(
        `S3.${operation}: the ReadableStream Body was sent once and cannot be replayed for a retry; pass bytes or a Blob (or use upload(), which retries part by part)`,
        { key: 'Body' },
      )
    }
    sent = true
    return prepared.stream
  }
  return { stream, unsignedPayload: true, length: prepared.length }
}

/** Upload an object in one request (up to 5 GiB; use `upload` for anything large). */
export async function putObject(
  context: S3Context,
  input: PutObjectInput,
): Promise<PutObjectOutput> {
  const prepared = await prepareBody(input.Body, input.ContentLength, 'PutObject')
  const { length, ...body } = bodyCall(prepared, 'PutObject')
  const headers: Record<string, string> = {
    ...attributeHeaders(input),
    'content-length': String(length),
  }
  if (input.ContentMD5) headers['content-md5'] = input.ContentMD5
  if (input.ChecksumAlgorithm) {
    if (prepared.kind !== 'bytes') {
      throw new ConfigError(
        'S3.PutObject: ChecksumAlgorithm needs the whole body up front; pass bytes, a string or a Blob, or drop ChecksumAlgorithm',
        { key: 'ChecksumAlgorithm' },
      )
    }
    // Checksums (CRC tables, SHA-1) load on demand: most uploads go without them.
    const { checksumHeader } = await import('./checksums.ts')
    const [name, value] = await checksumHeader(input.ChecksumAlgorithm, prepared.bytes)
    headers[name] = value
    headers['x-amz-sdk-checksum-algorithm'] = input.ChecksumAlgorithm
  }
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
async function sendRead(
  context: S3Context,
  operation: string,
  method: string,
  input: S3ReadInput,
): Promise<Response> {
  const response = await context.send(
    context.target(input.Bucket, input.Key),
    readCall(operation, method, input),
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

function readCall(operation: string, method: string, input: S3ReadInput): AwsCall {
  const headers: Record<string, string> = {}
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
    },
    ...signalOf(input),
  }
}

/** Download an object (or a `Range` of it); read `Body` once with bytes(), text() or stream(). */
export async function getObject(
  context: S3Context,
  input: GetObjectInput,
): Promise<GetObjectOutput> {
  const response = await sendRead(context, 'GetObject', 'GET', input)
  return { ...readObjectHeaders(response.headers), Body: objectBody(response) }
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
