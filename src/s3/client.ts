/**
 * `createS3Client`: the S3 operations bound to one configuration. Every request goes through
 * the signed request layer, so each attempt is signed with the credentials current at that
 * moment, retried, and refreshed-and-retried on ExpiredToken.
 */
import { createS3Context } from './context.ts'
import type { S3ClientOptions } from './context.ts'
import * as ops from './operations.ts'
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
    putObject: (input) => ops.putObject(context, input),
    getObject: (input) => ops.getObject(context, input),
    headObject: (input) => ops.headObject(context, input),
    deleteObject: (input) => ops.deleteObject(context, input),
    deleteObjects: (input) => ops.deleteObjects(context, input),
    copyObject: (input) => ops.copyObject(context, input),
    listObjectsV2: (input) => ops.listObjectsV2(context, input),
    paginateListObjectsV2: (input) => ops.paginateListObjectsV2(context, input),
    createBucket: (input) => ops.createBucket(context, input),
    deleteBucket: (input) => ops.deleteBucket(context, input),
    headBucket: (input) => ops.headBucket(context, input),
    createMultipartUpload: (input) => ops.createMultipartUpload(context, input),
    uploadPart: (input) => ops.uploadPart(context, input),
    completeMultipartUpload: (input) => ops.completeMultipartUpload(context, input),
    abortMultipartUpload: (input) => ops.abortMultipartUpload(context, input),
    listParts: (input) => ops.listParts(context, input),
    // Through the client's own methods, as before: each part goes through client.uploadPart.
    upload: (input) => ops.uploadWith(context, input, client),
    presign: (input) => ops.presign(context, input),
  }
  return client
}
