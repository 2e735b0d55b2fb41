/**
 * The S3 client: object, bucket, listing and multipart operations, a managed upload and
 * presigned URLs, every request signed with fresh credentials. Internals (addressing, XML,
 * body handling, the per-operation modules) are deliberately not exported.
 */
export { createS3Client } from './client.ts'
export type { S3Client } from './client.ts'
export type { S3ClientOptions } from './context.ts'
export { isVirtualHostableBucket } from './addressing.ts'
export { crc32, crc32c, multipartEtag } from './checksums.ts'
export {
  DEFAULT_PART_SIZE,
  DEFAULT_QUEUE_SIZE,
  MAX_PART_SIZE,
  MIN_PART_SIZE,
  planPartSize,
  planParts,
} from './part-plan.ts'
export type {
  AbortMultipartUploadInput,
  BucketInput,
  CompletedPart,
  CompleteMultipartUploadInput,
  CompleteMultipartUploadOutput,
  CopyObjectInput,
  CopyObjectOutput,
  CopySource,
  CreateBucketInput,
  CreateBucketOutput,
  CreateMultipartUploadInput,
  CreateMultipartUploadOutput,
  DeletedObject,
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
  ObjectIdentifier,
  PresignInput,
  PutObjectInput,
  PutObjectOutput,
  S3BodyInput,
  S3CallOptions,
  S3ChecksumAlgorithmName,
  S3ChecksumValues,
  S3KeyError,
  S3Object,
  S3ObjectAttributes,
  S3ObjectBody,
  S3ObjectHeaders,
  S3Part,
  S3ReadInput,
  S3WriteOutput,
  UploadInput,
  UploadOutput,
  UploadPartInput,
  UploadPartOutput,
  UploadProgress,
} from './types.ts'
