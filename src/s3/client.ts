/**
 * `createS3Client`: the S3 operations bound to one configuration. Every request goes through
 * the signed request layer, so each attempt is signed with the credentials current at that
 * moment, retried, and refreshed-and-retried on ExpiredToken.
 */
import { ConfigError } from '../errors.ts'
import { targetUrl } from './addressing.ts'
import {
  createBucket,
  deleteBucket,
  headBucket,
  listObjectsV2,
  paginateListObjectsV2,
} from './buckets.ts'
import { createS3Context } from './context.ts'
import type { S3ClientOptions, S3Context } from './context.ts'
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listParts,
  uploadPart,
} from './multipart.ts'
import {
  copyObject,
  deleteObject,
  deleteObjects,
  getObject,
  headObject,
  putObject,
} from './objects.ts'
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
  DeleteObjectInput,
  DeleteObjectOutput,
  DeleteObjectsInput,
  DeleteObjectsOutput,
  GetObjectInput,
  GetObjectOutput,
  HeadBucketOutput,
  HeadObjectInput,
  HeadObjectOutput,
  ListObjectsV2Input,
  ListObjectsV2Output,
  ListPartsInput,
  ListPartsOutput,
  PresignInput,
  PutObjectInput,
  PutObjectOutput,
  UploadInput,
  UploadOutput,
  UploadPartInput,
  UploadPartOutput,
} from './types.ts'
import { managedUpload } from './upload.ts'

/** An S3 client: AWS operation names in camelCase, SDK v3 input and output shapes. */
export interface S3Client {
  /** The resolved region. */
  readonly region: string
  /** The resolved base endpoint (before any bucket is put in the host). */
  readonly endpoint: string
  /** Whether buckets are addressed path style (custom endpoint or `forcePathStyle`). */
  readonly pathStyle: boolean
  putObject(input: PutObjectInput): Promise<PutObjectOutput>
  getObject(input: GetObjectInput): Promise<GetObjectOutput>
  headObject(input: HeadObjectInput): Promise<HeadObjectOutput>
  deleteObject(input: DeleteObjectInput): Promise<DeleteObjectOutput>
  deleteObjects(input: DeleteObjectsInput): Promise<DeleteObjectsOutput>
  copyObject(input: CopyObjectInput): Promise<CopyObjectOutput>
  listObjectsV2(input: ListObjectsV2Input): Promise<ListObjectsV2Output>
  /** Every page of a listing, following continuation tokens to the end. */
  paginateListObjectsV2(
    input: ListObjectsV2Input,
  ): AsyncGenerator<ListObjectsV2Output, void, undefined>
  createBucket(input: CreateBucketInput): Promise<CreateBucketOutput>
  deleteBucket(input: BucketInput): Promise<void>
  headBucket(input: BucketInput): Promise<HeadBucketOutput>
  createMultipartUpload(input: CreateMultipartUploadInput): Promise<CreateMultipartUploadOutput>
  uploadPart(input: UploadPartInput): Promise<UploadPartOutput>
  completeMultipartUpload(
    input: CompleteMultipartUploadInput,
  ): Promise<CompleteMultipartUploadOutput>
  abortMultipartUpload(input: AbortMultipartUploadInput): Promise<void>
  listParts(input: ListPartsInput): Promise<ListPartsOutput>
  /** Managed upload: one PUT when small, parallel multipart when large; aborted on failure. */
  upload(input: UploadInput): Promise<UploadOutput>
  /** A presigned GET or PUT URL (default 15 minutes, at most 7 days). */
  presign(input: PresignInput): Promise<string>
}

// SigV4 query signing allows at most 7 days (S3 API Reference, "Authenticating Requests: Using
// Query Parameters": X-Amz-Expires 1 to 604800); 900 s is the SDK's getSignedUrl default.
const MAX_PRESIGN_SECONDS = 604_800
const DEFAULT_PRESIGN_SECONDS = 900

async function presign(context: S3Context, input: PresignInput): Promise<string> {
  const expiresIn = input.expiresIn ?? DEFAULT_PRESIGN_SECONDS
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_PRESIGN_SECONDS) {
    throw new ConfigError(
      `S3 presign: expiresIn ${expiresIn} must be a whole number of seconds from 1 to ${MAX_PRESIGN_SECONDS} (7 days)`,
      { key: 'expiresIn' },
    )
  }
  if (input.method !== 'GET' && input.method !== 'PUT') {
    throw new ConfigError(`S3 presign: method '${String(input.method)}' must be GET or PUT`, {
      key: 'method',
    })
  }
  return context.presign(context.target(input.Bucket, input.Key), {
    operation: input.method === 'GET' ? 'GetObject' : 'PutObject',
    method: input.method,
    expiresInSeconds: expiresIn,
  })
}

/**
 * Create an S3 client. Addressing is virtual-hosted on AWS
 * (`https://<bucket>.s3.<region>.amazonaws.com/<key>`) for DNS-compatible bucket names, and path
 * style for other names, custom endpoints and `forcePathStyle`.
 *
 * @example
 * ```ts
 * const s3 = createS3Client({ region: 'eu-west-1', credentials: refreshable(fromEnv()) })
 * await s3.putObject({ Bucket: 'my-bucket', Key: 'hello.txt', Body: 'hello' })
 * const text = await (await s3.getObject({ Bucket: 'my-bucket', Key: 'hello.txt' })).Body.text()
 * for await (const page of s3.paginateListObjectsV2({ Bucket: 'my-bucket' })) {
 *   console.log(page.Contents)
 * }
 * ```
 */
export function createS3Client(options: S3ClientOptions): S3Client {
  const context = createS3Context(options)
  const client: S3Client = {
    region: context.region,
    endpoint: context.endpoint,
    pathStyle: context.pathStyle,
    putObject: (input) => putObject(context, input),
    getObject: (input) => getObject(context, input),
    headObject: (input) => headObject(context, input),
    deleteObject: (input) => deleteObject(context, input),
    deleteObjects: (input) => deleteObjects(context, input),
    copyObject: (input) => copyObject(context, input),
    listObjectsV2: (input) => listObjectsV2(context, input),
    paginateListObjectsV2: (input) => paginateListObjectsV2(context, input),
    createBucket: (input) => createBucket(context, input),
    deleteBucket: (input) => deleteBucket(context, input),
    headBucket: (input) => headBucket(context, input),
    createMultipartUpload: (input) => createMultipartUpload(context, input),
    uploadPart: (input) => uploadPart(context, input),
    completeMultipartUpload: (input) => completeMultipartUpload(context, input),
    abortMultipartUpload: (input) => abortMultipartUpload(context, input),
    listParts: (input) => listParts(context, input),
    upload: (input) =>
      managedUpload(client, input, {
        location: (bucket, key) => targetUrl(context.target(bucket, key)),
        logger: context.logger,
      }),
    presign: (input) => presign(context, input),
  }
  return client
}
