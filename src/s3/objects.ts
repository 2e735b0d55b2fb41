/**
 * Object operations: PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects, CopyObject.
 * Wire formats from the Amazon S3 API Reference for each operation.
 */
import type { AwsCall } from '../aws/request.ts'
import { AwsServiceError, ConfigError } from '../errors.ts'
import { encodeKey, uriEncode } from './addressing.ts'
import { objectBody, prepareBody } from './body.ts'
import type { PreparedBody } from './body.ts'
import { checksumHeader, contentMd5 } from './checksums.ts'
import { readXml, sendExpectingDocument } from './context.ts'
import type { S3Context } from './context.ts'
import { attributeHeaders, readObjectHeaders, readWriteHeaders } from './headers.ts'
import type {
  CopyObjectInput,
  CopyObjectOutput,
  CopySource,
  DeleteObjectInput,
  DeleteObjectOutput,
  DeleteObjectsInput,
  DeleteObjectsOutput,
  GetObjectInput,
  GetObjectOutput,
  HeadObjectInput,
  HeadObjectOutput,
  PutObjectInput,
  PutObjectOutput,
  S3ReadInput,
} from './types.ts'
import { compact, deleteXml, readDeleteResult, xmlDate } from './xml.ts'
import { xmlText } from '../aws/xml.ts'

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

// S3 API Reference, DeleteObjects: "The request can contain a list of up to 1000 keys".
const MAX_DELETE_KEYS = 1000

/**
 * Delete up to 1000 objects in one request. S3 answers 200 even when some keys fail: check
 * `Errors` (each with Key, Code, Message).
 */
export async function deleteObjects(
  context: S3Context,
  input: DeleteObjectsInput,
): Promise<DeleteObjectsOutput> {
  const objects = input.Delete.Objects
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) {
    throw new ConfigError(
      `S3.DeleteObjects: Delete.Objects has ${objects.length} keys; S3 takes 1 to ${MAX_DELETE_KEYS} per call, so split the list`,
      { key: 'Delete.Objects' },
    )
  }
  for (const o of objects) encodeKey(o.Key, input.Bucket)
  const body = new TextEncoder().encode(deleteXml(objects, input.Delete.Quiet))
  const response = await context.send(context.target(input.Bucket), {
    operation: 'DeleteObjects',
    method: 'POST',
    query: { delete: '' },
    // S3 requires Content-MD5 (or a flexible checksum) on this call (API Reference,
    // DeleteObjects); MD5 is the one every S3-compatible store checks.
    headers: { 'content-md5': contentMd5(body), 'content-type': 'application/xml' },
    body,
    ...signalOf(input),
  })
  return readDeleteResult(await readXml(response, 'DeleteObjects'))
}

/** The `x-amz-copy-source` value: a string is sent as given (SDK v3: already URL-encoded). */
export function copySourceHeader(source: CopySource): string {
  if (typeof source === 'string') return source
  const path = `${uriEncode(source.Bucket)}/${encodeKey(source.Key, source.Bucket)}`
  return source.VersionId ? `${path}?versionId=${uriEncode(source.VersionId)}` : path
}

/** Copy an object server-side (up to 5 GiB). A late failure (200 + `<Error>`) throws. */
export async function copyObject(
  context: S3Context,
  input: CopyObjectInput,
): Promise<CopyObjectOutput> {
  const headers: Record<string, string> = {
    ...attributeHeaders(input),
    'x-amz-copy-source': copySourceHeader(input.CopySource),
  }
  if (input.MetadataDirective) headers['x-amz-metadata-directive'] = input.MetadataDirective
  if (input.CopySourceIfMatch) headers['x-amz-copy-source-if-match'] = input.CopySourceIfMatch
  if (input.CopySourceIfNoneMatch) {
    headers['x-amz-copy-source-if-none-match'] = input.CopySourceIfNoneMatch
  }
  const { root, headers: answer } = await sendExpectingDocument(
    context,
    context.target(input.Bucket, input.Key),
    { operation: 'CopyObject', method: 'PUT', headers, ...signalOf(input) },
  )
  return compact({
    CopyObjectResult: compact({
      ETag: xmlText(root, 'ETag'),
      LastModified: xmlDate(root, 'LastModified'),
    }),
    VersionId: answer.get('x-amz-version-id') ?? undefined,
    CopySourceVersionId: answer.get('x-amz-copy-source-version-id') ?? undefined,
  })
}
