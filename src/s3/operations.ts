/**
 * Every S3 operation as a function of a context (`createS3Context`), like the AWS SDK v3's
 * "bare-bones client + commands": a program that imports only `putObject` and `getObject`
 * bundles only those. PutObject, GetObject, HeadObject and DeleteObject are bundled with this
 * module; the others load their implementation on first call, so application bundlers put them
 * in chunks that are fetched only when used. The client object (`createS3Client`) is built on
 * these same functions.
 */
import { targetUrl } from './addressing.ts'
import type { S3Context } from './context.ts'
import type {
  AbortMultipartUploadInput,
  BucketInput,
  CompleteMultipartUploadInput,
  CompleteMultipartUploadOutput,
  CopyObjectInput,
  CopyObjectOutput,
  CreateBucketInput,
  CreateBucketOutput,
  CreateMultipartUploadInput,
  CreateMultipartUploadOutput,
  DeleteObjectsInput,
  DeleteObjectsOutput,
  HeadBucketOutput,
  ListObjectsV2Input,
  ListObjectsV2Output,
  ListPartsInput,
  ListPartsOutput,
  PresignInput,
  UploadInput,
  UploadOutput,
  UploadPartInput,
  UploadPartOutput,
} from './types.ts'

import { putObject } from './objects.ts'
import type { UploadOperations } from './upload.ts'

export { deleteObject, getObject, headObject, putObject } from './objects.ts'

const buckets = (): Promise<typeof import('./buckets.ts')> => import('./buckets.ts')
const copyDelete = (): Promise<typeof import('./copy-delete.ts')> => import('./copy-delete.ts')
const multipart = (): Promise<typeof import('./multipart.ts')> => import('./multipart.ts')

/**
 * Delete up to 1000 objects in one request. S3 answers 200 even when some keys fail: check
 * `Errors` (each with Key, Code, Message).
 */
export async function deleteObjects(
  context: S3Context,
  input: DeleteObjectsInput,
): Promise<DeleteObjectsOutput> {
  return (await copyDelete()).deleteObjects(context, input)
}

/** Copy an object server-side (up to 5 GiB). A late failure (200 + `<Error>`) throws. */
export async function copyObject(
  context: S3Context,
  input: CopyObjectInput,
): Promise<CopyObjectOutput> {
  return (await copyDelete()).copyObject(context, input)
}

/** One page of a bucket listing (at most 1000 keys). */
export async function listObjectsV2(
  context: S3Context,
  input: ListObjectsV2Input,
): Promise<ListObjectsV2Output> {
  return (await buckets()).listObjectsV2(context, input)
}

/** Every page of a listing, following continuation tokens to the end. */
export async function* paginateListObjectsV2(
  context: S3Context,
  input: ListObjectsV2Input,
): AsyncGenerator<ListObjectsV2Output, void, undefined> {
  yield* (await buckets()).paginateListObjectsV2(context, input)
}

/** Create a bucket (outside us-east-1 in the context's region unless a constraint is given). */
export async function createBucket(
  context: S3Context,
  input: CreateBucketInput,
): Promise<CreateBucketOutput> {
  return (await buckets()).createBucket(context, input)
}

/** Delete an empty bucket. */
export async function deleteBucket(context: S3Context, input: BucketInput): Promise<void> {
  return (await buckets()).deleteBucket(context, input)
}

/** Check a bucket exists and is accessible; throws `NotFound` (404) or `Forbidden` (403). */
export async function headBucket(
  context: S3Context,
  input: BucketInput,
): Promise<HeadBucketOutput> {
  return (await buckets()).headBucket(context, input)
}

/** Start a multipart upload; the returned `UploadId` names it in every later call. */
export async function createMultipartUpload(
  context: S3Context,
  input: CreateMultipartUploadInput,
): Promise<CreateMultipartUploadOutput> {
  return (await multipart()).createMultipartUpload(context, input)
}

/** Upload one part (5 MiB to 5 GiB, except the last, which may be smaller). */
export async function uploadPart(
  context: S3Context,
  input: UploadPartInput,
): Promise<UploadPartOutput> {
  return (await multipart()).uploadPart(context, input)
}

/** Assemble the uploaded parts into the object; a late failure throws. */
export async function completeMultipartUpload(
  context: S3Context,
  input: CompleteMultipartUploadInput,
): Promise<CompleteMultipartUploadOutput> {
  return (await multipart()).completeMultipartUpload(context, input)
}

/** Abort a multipart upload, freeing its parts. */
export async function abortMultipartUpload(
  context: S3Context,
  input: AbortMultipartUploadInput,
): Promise<void> {
  return (await multipart()).abortMultipartUpload(context, input)
}

/** One page of the parts uploaded so far. */
export async function listParts(
  context: S3Context,
  input: ListPartsInput,
): Promise<ListPartsOutput> {
  return (await multipart()).listParts(context, input)
}

/**
 * Managed upload: one PutObject when the body fits in a part, a parallel multipart upload
 * otherwise, aborted on failure.
 */
export async function upload(context: S3Context, input: UploadInput): Promise<UploadOutput> {
  return uploadWith(context, input, {
    putObject: (i) => putObject(context, i),
    createMultipartUpload: (i) => createMultipartUpload(context, i),
    uploadPart: (i) => uploadPart(context, i),
    completeMultipartUpload: (i) => completeMultipartUpload(context, i),
    abortMultipartUpload: (i) => abortMultipartUpload(context, i),
  })
}

/** The managed upload over given operations (the client passes its own methods). */
export async function uploadWith(
  context: S3Context,
  input: UploadInput,
  operations: UploadOperations,
): Promise<UploadOutput> {
  return (await import('./upload.ts')).managedUpload(operations, input, {
    location: (bucket, key) => targetUrl(context.target(bucket, key)),
    logger: context.logger,
    requestChecksumCalculation: context.requestChecksumCalculation,
  })
}

/** A presigned GET or PUT URL (default 15 minutes, at most 7 days). */
export async function presign(context: S3Context, input: PresignInput): Promise<string> {
  return (await import('./presign.ts')).presign(context, input)
}
