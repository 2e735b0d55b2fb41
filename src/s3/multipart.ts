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
import type { S3ChecksumValues } from './types.ts'
import { completeMultipartXml, readChecksums, readListParts } from './xml.ts'

// The checksum modules, loaded on first use and kept (as objects.ts does).
let checksums: typeof import('./checksums.ts') | undefined

// Each algorithm's input member and header (S3 API Reference, UploadPart and
// CompleteMultipartUpload request headers).
const CHECKSUM_MEMBERS: readonly (readonly [string, keyof S3ChecksumValues, string])[] = [
  ['CRC32', 'ChecksumCRC32', 'x-amz-checksum-crc32'],
  ['CRC32C', 'ChecksumCRC32C', 'x-amz-checksum-crc32c'],
  ['CRC64NVME', 'ChecksumCRC64NVME', 'x-amz-checksum-crc64nvme'],
  ['SHA1', 'ChecksumSHA1', 'x-amz-checksum-sha1'],
  ['SHA256', 'ChecksumSHA256', 'x-amz-checksum-sha256'],
]

/** The checksum values the caller gave, as `x-amz-checksum-<alg>` headers, and their algorithm. */
function givenChecksums(input: S3ChecksumValues): { headers: Record<string, string>; algorithm?: string } {
  const headers: Record<string, string> = {}
  let algorithm: string | undefined
  for (const [name, member, header] of CHECKSUM_MEMBERS) {
    const value = input[member]
    if (value === undefined) continue
    headers[header] = value
    algorithm ??= name
  }
  return algorithm === undefined ? { headers } : { headers, algorithm }
}

/** Start a multipart upload; the returned `UploadId` names it in every later call. */
export async function createMultipartUpload(
  context: S3Context,
  input: CreateMultipartUploadInput,
): Promise<CreateMultipartUploadOutput> {
  const headers = attributeHeaders(input)
  if (input.ChecksumAlgorithm) headers['x-amz-checksum-algorithm'] = input.ChecksumAlgorithm
  if (input.ChecksumType) headers['x-amz-checksum-type'] = input.ChecksumType
  const response = await context.send(context.target(input.Bucket, input.Key), {
    operation: 'CreateMultipartUpload',
    method: 'POST',
    query: { uploads: '' },
    headers,
    ...signalOf(input),
  })
  const root = await readXml(response, 'CreateMultipartUpload')
  return compact({
    Bucket: xmlText(root, 'Bucket'),
    Key: xmlText(root, 'Key'),
    UploadId: xmlText(root, 'UploadId'),
    ChecksumAlgorithm: response.headers.get('x-amz-checksum-algorithm') ?? undefined,
    ChecksumType: response.headers.get('x-amz-checksum-type') ?? undefined,
  })
}

/**
 * Upload one part (5 MiB to 5 GiB, except the last, which may be smaller). It carries a checksum
 * as the AWS SDK for JavaScript v3 sends one: a `Checksum<ALG>` value the caller gave, else the
 * `ChecksumAlgorithm` named, else CRC32 unless `requestChecksumCalculation` is `WHEN_REQUIRED`
 * (middleware-flexible-checksums: UploadPart has a request algorithm member, so WHEN_SUPPORTED
 * defaults it to CRC32 and names it in `x-amz-sdk-checksum-algorithm`). S3 refuses a part whose
 * bytes do not match (BadDigest).
 */
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
  let { length, ...body } = bodyCall(prepared)
  const given = givenChecksums(input)
  const headers: Record<string, string> = given.headers
  if (input.ContentMD5) headers['content-md5'] = input.ContentMD5
  const algorithm = given.algorithm
    ? undefined
    : (input.ChecksumAlgorithm ??
      (context.requestChecksumCalculation === 'WHEN_SUPPORTED' ? 'CRC32' : undefined))
  const named = given.algorithm ?? algorithm
  if (named) headers['x-amz-sdk-checksum-algorithm'] = named
  if (algorithm && prepared.kind === 'bytes') {
    checksums ??= await import('./checksums.ts')
    const [name, value] = await checksums.checksumHeader(algorithm, prepared.bytes)
    headers[name] = value
  } else if (algorithm && prepared.kind === 'stream') {
    // A stream's checksum is known only at its end: it goes as an aws-chunked trailer.
    const { chunkedWithTrailer } = await import('./chunked-upload.ts')
    const framed = chunkedWithTrailer(prepared.stream, prepared.length, algorithm, undefined)
    Object.assign(headers, framed.headers)
    body = { ...body, stream: () => framed.stream }
    length = framed.length
  }
  headers['content-length'] = String(length)
  const response = await context.send(context.target(input.Bucket, input.Key), {
    operation: 'UploadPart',
    method: 'PUT',
    query: { partNumber: String(input.PartNumber), uploadId: input.UploadId },
    headers,
    ...body,
    ...signalOf(input),
  })
  await response.arrayBuffer()
  const output: UploadPartOutput = readWriteHeaders(response.headers)
  // The checksum sent, where the answer does not echo it: a browser's CORS rule that exposes only
  // ETag, or a proxy, hides x-amz-checksum-*, and a COMPOSITE upload cannot be completed without
  // each part's checksum (the failure aws/aws-sdk-js-v3#6818 describes). S3 has checked the value
  // against the bytes before answering 200, so it is the part's checksum either way.
  for (const [, member, header] of CHECKSUM_MEMBERS) {
    if (headers[header] !== undefined && output[member] === undefined) output[member] = headers[header]
  }
  return output
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
  // The object checksum the caller expects, and the upload's type: S3 checks both (BadDigest).
  const expected = givenChecksums(input).headers
  if (input.ChecksumType) expected['x-amz-checksum-type'] = input.ChecksumType
  const { root, headers } = await sendExpectingDocument(
    context,
    context.target(input.Bucket, input.Key),
    {
      operation: 'CompleteMultipartUpload',
      method: 'POST',
      query: { uploadId: input.UploadId },
      headers: { 'content-type': 'application/xml', ...expected },
      body,
      ...signalOf(input),
    },
  )
  return compact({
    Location: xmlText(root, 'Location'),
    Bucket: xmlText(root, 'Bucket'),
    Key: xmlText(root, 'Key'),
    ETag: xmlText(root, 'ETag'),
    ...readChecksums(root),
    ChecksumType: xmlText(root, 'ChecksumType'),
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
