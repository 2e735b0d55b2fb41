/**
 * The emulator's S3 service: names the operation (s3-operations.ts), holds requests to a bucket
 * to the bucket's region, dispatches, and answers every failure in S3's XML `Error` format.
 * State lives in memory, per instance.
 */
import { EmulatorFault, type ServiceEnv, type ServiceModule } from './context.ts'
import {
  createBucket,
  deleteBucket,
  getBucketLocation,
  headBucket,
  listBuckets,
} from './s3-buckets.ts'
import { deleteObjects } from './s3-delete-objects.ts'
import { listObjectsV1, listObjectsV2 } from './s3-list.ts'
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listMultipartUploads,
  listParts,
  MIN_PART_SIZE,
  uploadPart,
  uploadPartCopy,
} from './s3-multipart.ts'
import { copyObject, deleteObject, putObject } from './s3-objects.ts'
import { readObject } from './s3-read.ts'
import { s3WrongRegion } from './regions.ts'
import { s3Operation, type S3Operation, S3_OPERATIONS } from './s3-operations.ts'
import { createCall, renderS3Error, resolveTarget, type S3Call } from './s3-request.ts'
import { createS3Store } from './s3-store.ts'

// Sub-resources S3 has that the emulator does not implement; answering NotImplemented beats
// silently treating `PUT /b/k?tagging` as a PutObject that overwrites the object.
const UNSUPPORTED_SUBRESOURCES = [
  'accelerate',
  'acl',
  'analytics',
  'attributes',
  'cors',
  'encryption',
  'intelligent-tiering',
  'inventory',
  'legal-hold',
  'lifecycle',
  'logging',
  'metadataTable',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'replication',
  'requestPayment',
  'restore',
  'retention',
  'select',
  'session',
  'tagging',
  'torrent',
  'versioning',
  'versions',
  'website',
]

function methodNotAllowed(method: string, resourceType: string): EmulatorFault {
  return new EmulatorFault(
    'MethodNotAllowed',
    'The specified method is not allowed against this resource.',
    405,
    { Method: method, ResourceType: resourceType },
  )
}

type Handler = (call: S3Call, bucket: string, key: string) => Promise<Response> | Response

const HANDLERS: Readonly<Record<S3Operation, Handler>> = {
  ListBuckets: (call) => listBuckets(call),
  CreateBucket: (call, bucket) => createBucket(call, bucket),
  HeadBucket: (call, bucket) => headBucket(call, bucket),
  DeleteBucket: (call, bucket) => deleteBucket(call, bucket),
  GetBucketLocation: (call, bucket) => getBucketLocation(call, bucket),
  ListObjects: (call, bucket) => listObjectsV1(call, bucket),
  ListObjectsV2: (call, bucket) => {
    const listType = call.query.get('list-type') ?? ''
    if (listType !== '2') {
      throw new EmulatorFault('InvalidArgument', 'Invalid List Type specified in Request', 400, {
        ArgumentName: 'list-type',
        ArgumentValue: listType,
      })
    }
    return listObjectsV2(call, bucket)
  },
  ListMultipartUploads: (call, bucket) => listMultipartUploads(call, bucket),
  DeleteObjects: (call, bucket) => deleteObjects(call, bucket),
  PutObject: putObject,
  CopyObject: copyObject,
  GetObject: (call, bucket, key) => readObject(call, bucket, key, false),
  HeadObject: (call, bucket, key) => readObject(call, bucket, key, true),
  DeleteObject: deleteObject,
  CreateMultipartUpload: createMultipartUpload,
  UploadPart: uploadPart,
  UploadPartCopy: uploadPartCopy,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
  ListParts: listParts,
}

// GetBucketLocation is how clients learn a bucket's region (AWS answers it for any bucket), and
// CreateBucket has its own region rules (s3-buckets.ts); every other operation on a bucket must
// be signed for the bucket's region.
const ANY_REGION: ReadonlySet<S3Operation> = new Set(['CreateBucket', 'GetBucketLocation'])

function checkBucketRegion(call: S3Call, bucketName: string): void {
  const bucket = call.store.buckets.get(bucketName)
  if (!bucket || bucket.region === call.req.region) return
  throw s3WrongRegion(call.req.region, bucket.region, call.query.has('X-Amz-Credential'), {
    'x-amz-bucket-region': bucket.region,
  })
}

function unsupportedSubresource(query: URLSearchParams): string | undefined {
  return UNSUPPORTED_SUBRESOURCES.find((name) => query.has(name))
}

/** The operation of a request to `target` (a bucket and key, either possibly absent). */
function operationOf(
  method: string,
  target: { readonly bucket?: string | undefined; readonly key?: string | undefined },
  query: URLSearchParams,
  headers: Headers,
): S3Operation | undefined {
  return s3Operation({
    method,
    hasBucket: target.bucket !== undefined,
    hasKey: target.key !== undefined,
    query,
    copying: headers.has('x-amz-copy-source'),
  })
}

function dispatch(call: S3Call): Promise<Response> | Response {
  const unsupported = unsupportedSubresource(call.query)
  if (unsupported !== undefined) {
    throw new EmulatorFault(
      'NotImplemented',
      `A header you provided implies functionality that is not implemented: the emulator does ` +
        `not support the ?${unsupported} sub-resource`,
      501,
      { Header: unsupported },
    )
  }
  const { bucket, key } = call
  const version = call.query.get('versionId')
  if (key !== undefined && version !== null && version !== 'null') {
    // Buckets here are never versioned: only the "null" version of a key exists.
    throw new EmulatorFault('NoSuchVersion', 'The specified version does not exist.', 404, {
      Key: key,
      VersionId: version,
    })
  }
  const operation = operationOf(call.method, call, call.query, call.headers)
  if (operation === undefined) {
    throw methodNotAllowed(
      call.method,
      bucket === undefined ? 'SERVICE' : key === undefined ? 'BUCKET' : 'OBJECT',
    )
  }
  if (bucket !== undefined && !ANY_REGION.has(operation)) checkBucketRegion(call, bucket)
  return HANDLERS[operation](call, bucket ?? '', key ?? '')
}

/** The S3 operation a raw request asks for, for the router's faults and stats. */
function requestOperation(request: Request, url: URL): S3Operation | undefined {
  if (unsupportedSubresource(url.searchParams) !== undefined) return undefined
  let target: ReturnType<typeof resolveTarget>
  try {
    target = resolveTarget(request.url, request.headers.get('host') ?? url.host)
  } catch {
    return undefined // InvalidURI: no operation to name
  }
  return operationOf(request.method, target, url.searchParams, request.headers)
}

/**
 * Create the S3 service module: path-style and virtual-hosted buckets, objects with ranges and
 * conditional requests, listings, DeleteObjects, CopyObject and multipart uploads, with ETags,
 * error codes and XML as S3 has them. Every instance has its own in-memory state; time comes
 * from the request (`ServiceRequest.now`, the emulator's clock).
 */
export function createS3Service(env: ServiceEnv): ServiceModule {
  const store = createS3Store()
  return {
    async handle(request) {
      try {
        const call = createCall(request, store, env.accountId, MIN_PART_SIZE)
        return await dispatch(call)
      } catch (error) {
        if (!(error instanceof EmulatorFault)) throw error
        return renderS3Error(error, request.requestId, {
          head: request.request.method.toUpperCase() === 'HEAD',
          now: request.now,
        })
      }
    },
    operation: requestOperation,
    operations: S3_OPERATIONS,
    renderError: (fault, requestId) => renderS3Error(fault, requestId, { now: env.clock.now() }),
  }
}
