/**
 * Inputs and outputs of the S3 client. Member names and shapes follow the AWS SDK for
 * JavaScript v3 (`@aws-sdk/client-s3`), so code written against it reads the same here.
 */

/** What an object body may be. A stream needs `ContentLength` (S3 wants the size up front). */
export type S3BodyInput = string | Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array>

/** Options every operation accepts besides its input. */
export interface S3CallOptions {
  /** Abort the call (and its retries). */
  readonly signal?: AbortSignal
}

/** S3's flexible checksum algorithms (`x-amz-checksum-<algorithm>`). */
export type S3ChecksumAlgorithmName = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256'

/**
 * Base64 checksum values, one member per algorithm, as the SDK's shapes carry them (of an
 * object, a part, or a multipart object's parts: `<base64>-<part count>`).
 */
export interface S3ChecksumValues {
  ChecksumCRC32?: string
  ChecksumCRC32C?: string
  ChecksumCRC64NVME?: string
  ChecksumSHA1?: string
  ChecksumSHA256?: string
}

/** Headers common to the responses of object writes. */
export interface S3WriteOutput extends S3ChecksumValues {
  ETag?: string
  VersionId?: string
  ServerSideEncryption?: string
}

/** Object attributes sent as headers on PutObject, CopyObject and CreateMultipartUpload. */
export interface S3ObjectAttributes {
  ContentType?: string
  CacheControl?: string
  ContentDisposition?: string
  ContentEncoding?: string
  ContentLanguage?: string
  /** `x-amz-meta-<name>` headers; names are lower-cased by HTTP. */
  Metadata?: Record<string, string>
  StorageClass?: string
  ServerSideEncryption?: string
  SSEKMSKeyId?: string
  /** URL query form, e.g. `a=1&b=2`. */
  Tagging?: string
  ACL?: string
}

/** PutObject input. */
export interface PutObjectInput extends S3ObjectAttributes, S3CallOptions {
  Bucket: string
  Key: string
  Body?: S3BodyInput
  /** Required for a stream body; checked against the size of other bodies. */
  ContentLength?: number
  /** Base64 MD5 of the body; S3 rejects the upload if it does not match. */
  ContentMD5?: string
  /**
   * Compute and send `x-amz-checksum-<algorithm>` (a stream's as an aws-chunked trailer); without
   * it, CRC32 unless the client's `requestChecksumCalculation` is `WHEN_REQUIRED`.
   */
  ChecksumAlgorithm?: S3ChecksumAlgorithmName
}

/** PutObject output. */
export interface PutObjectOutput extends S3WriteOutput {}

/** The body of a GetObject response: read it once, in the form you need. */
export interface S3ObjectBody {
  bytes(): Promise<Uint8Array>
  text(): Promise<string>
  stream(): ReadableStream<Uint8Array>
  /** SDK v3 spelling of {@link S3ObjectBody.bytes}. */
  transformToByteArray(): Promise<Uint8Array>
  /** SDK v3 spelling of {@link S3ObjectBody.text} (UTF-8 unless `encoding` names another). */
  transformToString(encoding?: string): Promise<string>
  /** SDK v3 spelling of {@link S3ObjectBody.stream}. */
  transformToWebStream(): ReadableStream<Uint8Array>
}

/** Conditions and range shared by GetObject and HeadObject. */
export interface S3ReadInput extends S3CallOptions {
  Bucket: string
  Key: string
  /** `bytes=0-99`, `bytes=-100`, `bytes=100-`. */
  Range?: string
  VersionId?: string
  IfMatch?: string
  IfNoneMatch?: string
  IfModifiedSince?: Date
  IfUnmodifiedSince?: Date
  PartNumber?: number
  /**
   * `ENABLED`: ask for the object's stored checksum (and, for GetObject, verify the body against
   * it). The default `responseChecksumValidation` (WHEN_SUPPORTED) does this for every call.
   */
  ChecksumMode?: 'ENABLED'
}

/** What GetObject and HeadObject say about an object. */
export interface S3ObjectHeaders {
  ContentLength?: number
  ContentType?: string
  ContentRange?: string
  ContentEncoding?: string
  ContentDisposition?: string
  ContentLanguage?: string
  CacheControl?: string
  ETag?: string
  LastModified?: Date
  Metadata: Record<string, string>
  VersionId?: string
  AcceptRanges?: string
  StorageClass?: string
  ServerSideEncryption?: string
  PartsCount?: number
  TagCount?: number
  DeleteMarker?: boolean
  /** The checksum stored with the object (sent when the call asked: `ChecksumMode`). */
  ChecksumCRC32?: string
  ChecksumCRC32C?: string
  ChecksumCRC64NVME?: string
  ChecksumSHA1?: string
  ChecksumSHA256?: string
  /** `FULL_OBJECT` or `COMPOSITE` (a multipart object's checksum of its parts' checksums). */
  ChecksumType?: string
}

/**
 * GetObject input. The `Response*` members make S3 answer with those headers instead of the
 * stored ones (`response-content-type` etc.); S3 accepts them on signed requests only.
 */
export interface GetObjectInput extends S3ReadInput {
  ResponseCacheControl?: string
  ResponseContentDisposition?: string
  /**
   * The Content-Encoding S3 answers with, and so the `ContentEncoding` returned; the body is the
   * stored bytes either way.
   */
  ResponseContentEncoding?: string
  ResponseContentLanguage?: string
  ResponseContentType?: string
  ResponseExpires?: Date
}

/** GetObject output. */
export interface GetObjectOutput extends S3ObjectHeaders {
  /** The stored bytes (of the `Range`) as the SDK returns them, not decoded by ContentEncoding. */
  Body: S3ObjectBody
}

/** HeadObject input. */
export interface HeadObjectInput extends S3ReadInput {}

/** HeadObject output. */
export interface HeadObjectOutput extends S3ObjectHeaders {}

/** DeleteObject input. */
export interface DeleteObjectInput extends S3CallOptions {
  Bucket: string
  Key: string
  VersionId?: string
}

/** DeleteObject output. */
export interface DeleteObjectOutput {
  DeleteMarker?: boolean
  VersionId?: string
}

/** One object named in a DeleteObjects request. */
export interface ObjectIdentifier {
  Key: string
  VersionId?: string
}

/** DeleteObjects input (at most 1000 keys per call, S3's limit). */
export interface DeleteObjectsInput extends S3CallOptions {
  Bucket: string
  Delete: { Objects: ObjectIdentifier[]; Quiet?: boolean }
}

/** A key DeleteObjects removed. */
export interface DeletedObject {
  Key?: string
  VersionId?: string
  DeleteMarker?: boolean
  DeleteMarkerVersionId?: string
}

/** A key DeleteObjects could not remove (S3 reports these with HTTP 200). */
export interface S3KeyError {
  Key?: string
  VersionId?: string
  Code?: string
  Message?: string
}

/** DeleteObjects output: check `Errors`, S3 answers 200 even when some keys failed. */
export interface DeleteObjectsOutput {
  Deleted: DeletedObject[]
  Errors: S3KeyError[]
}

/** ListObjectsV2 input. */
export interface ListObjectsV2Input extends S3CallOptions {
  Bucket: string
  Prefix?: string
  Delimiter?: string
  MaxKeys?: number
  ContinuationToken?: string
  StartAfter?: string
  FetchOwner?: boolean
  EncodingType?: 'url'
}

/** An object in a listing. */
export interface S3Object {
  Key?: string
  LastModified?: Date
  ETag?: string
  Size?: number
  StorageClass?: string
  ChecksumAlgorithm?: string[]
  Owner?: { ID?: string; DisplayName?: string }
}

/** ListObjectsV2 output (one page). */
export interface ListObjectsV2Output {
  Name?: string
  Prefix?: string
  Delimiter?: string
  MaxKeys?: number
  KeyCount?: number
  IsTruncated?: boolean
  ContinuationToken?: string
  NextContinuationToken?: string
  StartAfter?: string
  EncodingType?: string
  Contents: S3Object[]
  CommonPrefixes: { Prefix?: string }[]
}

/** Where a copy comes from: `bucket/url-encoded-key[?versionId=...]` (SDK v3) or parts. */
export type CopySource = string | { Bucket: string; Key: string; VersionId?: string }

/** CopyObject input. */
export interface CopyObjectInput extends S3ObjectAttributes, S3CallOptions {
  Bucket: string
  Key: string
  CopySource: CopySource
  /** `COPY` (default) keeps the source's metadata; `REPLACE` uses this request's. */
  MetadataDirective?: 'COPY' | 'REPLACE'
  CopySourceIfMatch?: string
  CopySourceIfNoneMatch?: string
}

/** CopyObject output. */
export interface CopyObjectOutput {
  CopyObjectResult: { ETag?: string; LastModified?: Date }
  VersionId?: string
  CopySourceVersionId?: string
}

/** CreateBucket input. Outside us-east-1 the client's region is sent as LocationConstraint. */
export interface CreateBucketInput extends S3CallOptions {
  Bucket: string
  CreateBucketConfiguration?: { LocationConstraint?: string }
  ACL?: string
  ObjectOwnership?: string
}

/** CreateBucket output. */
export interface CreateBucketOutput {
  Location?: string
}

/** A bucket-only input (DeleteBucket, HeadBucket). */
export interface BucketInput extends S3CallOptions {
  Bucket: string
}

/** HeadBucket output. */
export interface HeadBucketOutput {
  BucketRegion?: string
}

/** CreateMultipartUpload input. */
export interface CreateMultipartUploadInput extends S3ObjectAttributes, S3CallOptions {
  Bucket: string
  Key: string
  /**
   * `x-amz-checksum-algorithm`: every part must then carry a checksum of this algorithm and
   * CompleteMultipartUpload list them. No default here (the managed `upload` names CRC32).
   */
  ChecksumAlgorithm?: S3ChecksumAlgorithmName
  /**
   * `x-amz-checksum-type`: `COMPOSITE` (a checksum of the parts' checksums; S3's default, except
   * for CRC64NVME) or `FULL_OBJECT` (of all the bytes; CRC32, CRC32C and CRC64NVME only).
   */
  ChecksumType?: 'COMPOSITE' | 'FULL_OBJECT'
}

/** CreateMultipartUpload output. */
export interface CreateMultipartUploadOutput {
  Bucket?: string
  Key?: string
  UploadId?: string
  ChecksumAlgorithm?: string
  ChecksumType?: string
}

/** UploadPart input. */
export interface UploadPartInput extends S3CallOptions, S3ChecksumValues {
  Bucket: string
  Key: string
  UploadId: string
  /** 1 to 10,000. */
  PartNumber: number
  Body: S3BodyInput
  ContentLength?: number
  ContentMD5?: string
  /**
   * Compute and send the part's `x-amz-checksum-<algorithm>` (a stream's as an aws-chunked
   * trailer); without it, CRC32 unless the client's `requestChecksumCalculation` is
   * `WHEN_REQUIRED` (as the AWS SDK for JavaScript v3). It must be the upload's algorithm when
   * the upload was created with one. A `Checksum<ALG>` value given instead is sent as it is.
   */
  ChecksumAlgorithm?: S3ChecksumAlgorithmName
}

/** UploadPart output. */
export interface UploadPartOutput extends S3WriteOutput {}

/**
 * One uploaded part, as CompleteMultipartUpload takes it: with its checksum (UploadPart's answer)
 * when the upload was created with a `ChecksumAlgorithm`.
 */
export interface CompletedPart extends S3ChecksumValues {
  ETag: string
  PartNumber: number
}

/**
 * CompleteMultipartUpload input. `Checksum<ALG>` (sent as `x-amz-checksum-<alg>`) is the object
 * checksum you expect, and `ChecksumType` the upload's type: S3 answers BadDigest otherwise.
 */
export interface CompleteMultipartUploadInput extends S3CallOptions, S3ChecksumValues {
  Bucket: string
  Key: string
  UploadId: string
  MultipartUpload: { Parts: CompletedPart[] }
  ChecksumType?: 'COMPOSITE' | 'FULL_OBJECT'
}

/** CompleteMultipartUpload output: the object's checksum when the upload had an algorithm. */
export interface CompleteMultipartUploadOutput extends S3ChecksumValues {
  Location?: string
  Bucket?: string
  Key?: string
  ETag?: string
  VersionId?: string
  ChecksumType?: string
}

/** AbortMultipartUpload input. */
export interface AbortMultipartUploadInput extends S3CallOptions {
  Bucket: string
  Key: string
  UploadId: string
}

/** ListParts input. */
export interface ListPartsInput extends S3CallOptions {
  Bucket: string
  Key: string
  UploadId: string
  MaxParts?: number
  PartNumberMarker?: number
}

/** One part in a ListParts page (its checksum shown for uploads created with an algorithm). */
export interface S3Part extends S3ChecksumValues {
  PartNumber?: number
  ETag?: string
  Size?: number
  LastModified?: Date
}

/** ListParts output (one page). */
export interface ListPartsOutput {
  Bucket?: string
  Key?: string
  UploadId?: string
  PartNumberMarker?: number
  NextPartNumberMarker?: number
  MaxParts?: number
  IsTruncated?: boolean
  ChecksumAlgorithm?: string
  ChecksumType?: string
  Parts: S3Part[]
}

/** Progress of a managed upload, after each part (or the single PUT) completes. */
export interface UploadProgress {
  /** Bytes acknowledged by S3 so far. */
  loaded: number
  /** Total bytes, when known (always, except for a stream without `ContentLength`). */
  total?: number
  /** The part just finished (1 for a single PUT). */
  part: number
  Bucket: string
  Key: string
}

/** Managed upload input: {@link PutObjectInput} attributes plus the multipart knobs. */
export interface UploadInput extends S3ObjectAttributes, S3CallOptions {
  Bucket: string
  Key: string
  Body: S3BodyInput
  /** Size of a stream body, when known (improves progress reports only). */
  ContentLength?: number
  /** Bytes per part; default 8 MiB, at least 5 MiB; grown to stay within 10,000 parts. */
  partSize?: number
  /** Parts in flight at once; default 4. */
  queueSize?: number
  onProgress?: (progress: UploadProgress) => void
  /**
   * The checksum of the PutObject, or of the multipart upload and each of its parts; default
   * CRC32 unless the client's `requestChecksumCalculation` is `WHEN_REQUIRED` (as
   * `@aws-sdk/lib-storage`'s `Upload`).
   */
  ChecksumAlgorithm?: S3ChecksumAlgorithmName
}

/** Managed upload output, with the object's checksum when S3 answered one. */
export interface UploadOutput extends S3ChecksumValues {
  Bucket: string
  Key: string
  ETag?: string
  Location?: string
  VersionId?: string
  ChecksumType?: string
}

/** Presign input: a GET or PUT URL anyone can use until it expires. */
export interface PresignInput {
  method: 'GET' | 'PUT'
  Bucket: string
  Key: string
  /** Seconds, 1 to 604,800 (7 days, SigV4's maximum); default 900. */
  expiresIn?: number
}
