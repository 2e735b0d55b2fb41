/**
 * The emulator's S3 service: picks the operation from method, bucket, key and sub-resource, and
 * answers every failure in S3's XML `Error` format. State lives in memory, per instance.
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
import { createCall, renderS3Error, type S3Call } from './s3-request.ts'
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

function dispatchBucket(call: S3Call, bucket: string): Promise<Response> | Response {
  const { query } = call
  switch (call.method) {
    case 'PUT':
      return createBucket(call, bucket)
    case 'HEAD':
      return headBucket(call, bucket)
    case 'DELETE':
      return deleteBucket(call, bucket)
    case 'GET':
      if (query.has('location')) return getBucketLocation(call, bucket)
      if (query.has('uploads')) return listMultipartUploads(call, bucket)
      if (query.get('list-type') === '2') return listObjectsV2(call, bucket)
      if (query.has('list-type')) {
        throw new EmulatorFault('InvalidArgument', 'Invalid List Type specified in Request', 400, {
          ArgumentName: 'list-type',
          ArgumentValue: query.get('list-type') ?? '',
        })
      }
      return listObjectsV1(call, bucket)
    case 'POST':
      if (query.has('delete')) return deleteObjects(call, bucket)
  }
  throw methodNotAllowed(call.method, 'BUCKET')
}

function dispatchObject(call: S3Call, bucket: string, key: string): Promise<Response> | Response {
  const { query } = call
  const version = query.get('versionId')
  if (version !== null && version !== 'null') {
    // Buckets here are never versioned: only the "null" version of a key exists.
    throw new EmulatorFault('NoSuchVersion', 'The specified version does not exist.', 404, {
      Key: key,
      VersionId: version,
    })
  }
  const copying = call.headers.has('x-amz-copy-source')
  switch (call.method) {
    case 'PUT':
      if (query.has('uploadId') || query.has('partNumber')) {
        return copying ? uploadPartCopy(call, bucket, key) : uploadPart(call, bucket, key)
      }
      return copying ? copyObject(call, bucket, key) : putObject(call, bucket, key)
    case 'GET':
      if (query.has('uploadId')) return listParts(call, bucket, key)
      return readObject(call, bucket, key, false)
    case 'HEAD':
      return readObject(call, bucket, key, true)
    case 'DELETE':
      if (query.has('uploadId')) return abortMultipartUpload(call, bucket, key)
      return deleteObject(call, bucket, key)
    case 'POST':
      if (query.has('uploads')) return createMultipartUpload(call, bucket, key)
      if (query.has('uploadId')) return completeMultipartUpload(call, bucket, key)
  }
  throw methodNotAllowed(call.method, 'OBJECT')
}

function dispatch(call: S3Call): Promise<Response> | Response {
  const unsupported = UNSUPPORTED_SUBRESOURCES.find((name) => call.query.has(name))
  if (unsupported !== undefined) {
    throw new EmulatorFault(
      'NotImplemented',
      `A header you provided implies functionality that is not implemented: the emulator does ` +
        `not support the ?${unsupported} sub-resource`,
      501,
      { Header: unsupported },
    )
  }
  if (call.bucket === undefined) {
    if (call.method === 'GET') return listBuckets(call)
    throw methodNotAllowed(call.method, 'SERVICE')
  }
  if (call.key === undefined) return dispatchBucket(call, call.bucket)
  return dispatchObject(call, call.bucket, call.key)
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
    renderError: (fault, requestId) => renderS3Error(fault, requestId, { now: env.clock.now() }),
  }
}
