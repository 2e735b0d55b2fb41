/**
 * `stsrefresh/s3`: the S3 client alone, and every S3 operation as a function of a context, for
 * the smallest bundles (the AWS SDK v3's "bare-bones client + commands"). PutObject, GetObject,
 * HeadObject and DeleteObject are bundled with it; the other operations load their
 * implementation on first call (a lazy chunk for application bundlers).
 *
 * @example
 * ```ts
 * import { createS3Context, getObject, putObject } from 'stsrefresh/s3'
 * import { fromAssumeRole, refreshable } from 'stsrefresh/sts'
 *
 * const credentials = refreshable(fromAssumeRole({ roleArn, roleSessionName: 'job' }))
 * const s3 = createS3Context({ region: 'eu-west-1', credentials })
 * await putObject(s3, { Bucket: 'my-bucket', Key: 'hello.txt', Body: 'hello' })
 * const text = await (await getObject(s3, { Bucket: 'my-bucket', Key: 'hello.txt' })).Body.text()
 * ```
 *
 * Installs the Node/Bun/Deno platform (environment defaults) unless one is installed already.
 * Deliberately not here: `crc32`, `crc32c`, `multipartEtag` and the part planning helpers (in
 * `stsrefresh`), so that the lazily loaded upload and checksum code stays out of the bundle.
 */
import '../runtime/install-platform.ts'

export * from '../errors.ts'
export { isVirtualHostableBucket } from '../s3/addressing.ts'
export { createS3Client } from '../s3/client.ts'
export type { S3Client } from '../s3/client.ts'
export { createS3Context } from '../s3/context.ts'
export type { S3ClientOptions, S3Context } from '../s3/context.ts'
export {
  abortMultipartUpload,
  completeMultipartUpload,
  copyObject,
  createBucket,
  createMultipartUpload,
  deleteBucket,
  deleteObject,
  deleteObjects,
  getObject,
  headBucket,
  headObject,
  listObjectsV2,
  listParts,
  paginateListObjectsV2,
  presign,
  putObject,
  upload,
  uploadPart,
} from '../s3/operations.ts'
export type * from '../s3/types.ts'
