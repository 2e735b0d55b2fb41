/**
 * Which S3 API operation a request is, named as the S3 API reference names it, from the method,
 * whether a bucket and key are addressed, the sub-resource and `x-amz-copy-source`. The router
 * uses the name for faults and stats; s3.ts dispatches on it, so the two cannot disagree.
 */

/** The S3 operations the emulator implements. */
export const S3_OPERATIONS = [
  'ListBuckets',
  'CreateBucket',
  'HeadBucket',
  'DeleteBucket',
  'GetBucketLocation',
  'ListObjects',
  'ListObjectsV2',
  'ListMultipartUploads',
  'DeleteObjects',
  'PutObject',
  'CopyObject',
  'GetObject',
  'HeadObject',
  'DeleteObject',
  'CreateMultipartUpload',
  'UploadPart',
  'UploadPartCopy',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
  'ListParts',
] as const

export type S3Operation = (typeof S3_OPERATIONS)[number]

/** What decides the operation. */
export interface S3OperationInput {
  readonly method: string
  readonly hasBucket: boolean
  readonly hasKey: boolean
  readonly query: URLSearchParams
  readonly copying: boolean
}

function bucketOperation(method: string, query: URLSearchParams): S3Operation | undefined {
  switch (method) {
    case 'PUT':
      return 'CreateBucket'
    case 'HEAD':
      return 'HeadBucket'
    case 'DELETE':
      return 'DeleteBucket'
    case 'GET':
      if (query.has('location')) return 'GetBucketLocation'
      if (query.has('uploads')) return 'ListMultipartUploads'
      // Any other list-type is ListObjectsV2's InvalidArgument; V1 sends none.
      return query.has('list-type') ? 'ListObjectsV2' : 'ListObjects'
    case 'POST':
      return query.has('delete') ? 'DeleteObjects' : undefined
  }
  return undefined
}

function objectOperation(
  method: string,
  query: URLSearchParams,
  copying: boolean,
): S3Operation | undefined {
  switch (method) {
    case 'PUT':
      if (query.has('uploadId') || query.has('partNumber')) {
        return copying ? 'UploadPartCopy' : 'UploadPart'
      }
      return copying ? 'CopyObject' : 'PutObject'
    case 'GET':
      return query.has('uploadId') ? 'ListParts' : 'GetObject'
    case 'HEAD':
      return 'HeadObject'
    case 'DELETE':
      return query.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject'
    case 'POST':
      if (query.has('uploads')) return 'CreateMultipartUpload'
      if (query.has('uploadId')) return 'CompleteMultipartUpload'
  }
  return undefined
}

/** The operation, or undefined when S3 would answer MethodNotAllowed. */
export function s3Operation(input: S3OperationInput): S3Operation | undefined {
  const method = input.method.toUpperCase()
  if (!input.hasBucket) return method === 'GET' ? 'ListBuckets' : undefined
  if (!input.hasKey) return bucketOperation(method, input.query)
  return objectOperation(method, input.query, input.copying)
}
