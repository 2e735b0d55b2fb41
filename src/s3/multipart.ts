/**
 * The multipart upload operations: CreateMultipartUpload, UploadPart, CompleteMultipartUpload,
 * AbortMultipartUpload, ListParts. Wire formats from the Amazon S3 API Reference.
 */
import { xmlText } from '../aws/xml.ts'
import { ConfigError } from '../errors.ts'
import { prepareBody } from './body.ts'
import { readXml, sendExpectingDocument } from './documents.ts'
import type { S3Context } from './context.ts'
import { attributeHeaders, compact, readWriteHeaders } from './headers.ts'
import { bodyCall, signalOf } from './objects.ts'
import { MAX_PARTS } from './part-plan.ts'
import type {
  AbortMultipartUploadInput,
  CompleteMultipartUploadInput,
  CompleteMultipartUploadOutput,
  CreateMultipartUploadInput,
  CreateMultipartUploadOutput,
  ListPartsInput,
  ListPartsOutput,
  UploadPartInput,
  UploadPartOutput,
} from './types.ts'
import { completeMultipartXml, readListParts } from './xml.ts'

/** Start a multipart upload; the returned `UploadId` names it in every later call. */
export async function createMultipartUpload(
  context: S3Context,
  input: CreateMultipartUploadInput,
): Promise<CreateMultipartUploadOutput> {
  const response = await context.send(context.target(input.Bucket, input.Key), {
    operation: 'CreateMultipartUpload',
    method: 'POST',
    query: { uploads: '' },
    headers: attributeHeaders(input),
    ...signalOf(input),
  })
  const root = await readXml(response, 'CreateMultipartUpload')
  return compact({
    Bucket: xmlText(root, 'Bucket'),
    Key: xmlText(root, 'Key'),
    UploadId: xmlText(root, 'UploadId'),
  })
}

/** Upload one part (5 MiB to 5 GiB, except the last, which may be smaller). */
export async function uploadPart(
  context: S3Context,
  input: UploadPartInput,
): Promise<UploadPartOutput> {
  if (!Number.isInteger(input.PartNumber) || input.PartNumber < 1 || input.PartNumber > MAX_PARTS) {
    throw new ConfigError(
      `S3.UploadPart: PartNumber ${input.PartNumber} is out of range: S3 takes 1 to ${MAX_PARTS}`,
      { key: 'PartNumber' },
    )
  }
  const prepared = await prepareBody(input.Body, input.ContentLength, 'UploadPart')
  const { length, ...body } = bodyCall(prepared)
  const headers: Record<string, string> = { 'content-length': String(length) }
  if (input.ContentMD5) headers['content-md5'] = input.ContentMD5
  const response = await context.send(context.target(input.Bucket, input.Key), {
    operation: 'UploadPart',
    method: 'PUT',
    query: { partNumber: String(input.PartNumber), uploadId: input.UploadId },
    headers,
    ...body,
    ...signalOf(input),
  })
  await response.arrayBuffer()
  return readWriteHeaders(response.headers)
}

/**
 * Assemble the uploaded parts into the object. Parts are sent in ascending PartNumber order (S3
 * answers InvalidPartOrder otherwise). S3 may fail late with 200 and an `<Error>` document:
 * that throws, and transient ones are retried.
 */
export async function completeMultipartUpload(
  context: S3Context,
  input: CompleteMultipartUploadInput,
): Promise<CompleteMultipartUploadOutput> {
  const parts = [...input.MultipartUpload.Parts].sort((a, b) => a.PartNumber - b.PartNumber)
  const body = new TextEncoder().encode(completeMultipartXml(parts))
  const { root, headers } = await sendExpectingDocument(
    context,
    context.target(input.Bucket, input.Key),
    {
      operation: 'CompleteMultipartUpload',
      method: 'POST',
      query: { uploadId: input.UploadId },
      headers: { 'content-type': 'application/xml' },
      body,
      ...signalOf(input),
    },
  )
  return compact({
    Location: xmlText(root, 'Location'),
    Bucket: xmlText(root, 'Bucket'),
    Key: xmlText(root, 'Key'),
    ETag: xmlText(root, 'ETag'),
    VersionId: headers.get('x-amz-version-id') ?? undefined,
  })
}

/** Abort a multipart upload, freeing its parts. */
export async function abortMultipartUpload(
  context: S3Context,
  input: AbortMultipartUploadInput,
): Promise<void> {
  const response = await context.send(context.target(input.Bucket, input.Key), {
    operation: 'AbortMultipartUpload',
    method: 'DELETE',
    query: { uploadId: input.UploadId },
    ...signalOf(input),
  })
  await response.arrayBuffer()
}

/** One page of the parts uploaded so far. */
export async function listParts(
  context: S3Context,
  input: ListPartsInput,
): Promise<ListPartsOutput> {
  const response = await context.send(context.target(input.Bucket, input.Key), {
    operation: 'ListParts',
    method: 'GET',
    query: {
      uploadId: input.UploadId,
      'max-parts': input.MaxParts === undefined ? undefined : String(input.MaxParts),
      'part-number-marker':
        input.PartNumberMarker === undefined ? undefined : String(input.PartNumberMarker),
    },
    ...signalOf(input),
  })
  return readListParts(await readXml(response, 'ListParts'))
}
