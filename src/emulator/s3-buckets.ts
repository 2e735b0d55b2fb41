/**
 * S3 bucket operations: CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation, ListBuckets.
 */
import { EmulatorFault } from './context.ts'
import type { S3Call } from './s3-request.ts'
import { compareKeys, getBucket } from './s3-store.ts'
import { childText, el, isoTime, malformedXml, parseXml, s3XmlResponse } from './s3-xml.ts'

/**
 * Why `name` is not a valid general purpose bucket name, or undefined when it is (S3 User Guide,
 * "General purpose bucket naming rules").
 */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'it must be 3 to 63 characters long'
  if (!/^[a-z0-9.-]+$/.test(name)) {
    return 'it may hold only lower-case letters, digits, dots and hyphens'
  }
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) return 'it must begin and end with a letter or digit'
  if (name.includes('..')) return 'it must not hold two adjacent dots'
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'it must not look like an IP address'
  for (const prefix of ['xn--', 'sthree-', 'amzn-s3-demo-']) {
    if (name.startsWith(prefix)) return `it must not start with "${prefix}"`
  }
  for (const suffix of ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3']) {
    if (name.endsWith(suffix)) return `it must not end with "${suffix}"`
  }
  return undefined
}

/** CreateBucket: `PUT /<bucket>` with an optional `CreateBucketConfiguration` body. */
export function createBucket(call: S3Call, bucketName: string): Response {
  // S3's message is fixed; bucketNameProblem() says which rule failed, for callers that want it.
  if (bucketNameProblem(bucketName) !== undefined) {
    throw new EmulatorFault('InvalidBucketName', 'The specified bucket is not valid.', 400, {
      BucketName: bucketName,
    })
  }
  let constraint: string | undefined
  const text = new TextDecoder().decode(call.req.body).trim()
  if (text !== '') {
    const root = parseXml(text)
    if (root.name !== 'CreateBucketConfiguration') throw malformedXml()
    constraint = childText(root, 'LocationConstraint')?.trim() || undefined
  }
  const region = call.req.region
  if (constraint === 'us-east-1') {
    // S3 rejects an explicit us-east-1 constraint; that Region is expressed by omitting it.
    throw new EmulatorFault(
      'InvalidLocationConstraint',
      'The specified location-constraint is not valid',
      400,
      { LocationConstraint: constraint },
    )
  }
  const bucketRegion = constraint ?? 'us-east-1'
  if (region !== 'us-east-1' && bucketRegion !== region) {
    const which = constraint === undefined ? 'unspecified' : constraint
    throw new EmulatorFault(
      'IllegalLocationConstraintException',
      `The ${which} location constraint is incompatible for the region specific endpoint this ` +
        'request was sent to.',
      400,
    )
  }
  const existing = call.store.buckets.get(bucketName)
  if (existing) {
    if (existing.ownerAccountId !== call.accountId) {
      throw new EmulatorFault(
        'BucketAlreadyExists',
        'The requested bucket name is not available. The bucket namespace is shared by all ' +
          'users of the system. Please select a different name and try again.',
        409,
        { BucketName: bucketName },
      )
    }
    // For legacy compatibility S3 answers 200 to re-creating an owned bucket in us-east-1 and
    // BucketAlreadyOwnedByYou everywhere else (S3 API reference, CreateBucket errors).
    if (existing.region !== 'us-east-1' || region !== 'us-east-1') {
      throw new EmulatorFault(
        'BucketAlreadyOwnedByYou',
        'Your previous request to create the named bucket succeeded and you already own it.',
        409,
        { BucketName: bucketName },
      )
    }
  } else {
    call.store.buckets.set(bucketName, {
      name: bucketName,
      region: bucketRegion,
      created: call.req.now,
      ownerAccountId: call.accountId,
      objects: new Map(),
      uploads: new Map(),
    })
  }
  return new Response(null, {
    status: 200,
    headers: { ...call.responseHeaders, location: `/${bucketName}` },
  })
}

/** HeadBucket: 200 with `x-amz-bucket-region`, or a bodiless 404. */
export function headBucket(call: S3Call, bucketName: string): Response {
  const bucket = getBucket(call.store, bucketName)
  return new Response(null, {
    status: 200,
    headers: {
      ...call.responseHeaders,
      'x-amz-bucket-region': bucket.region,
      'x-amz-access-point-alias': 'false',
    },
  })
}

/** GetBucketLocation (`GET /<bucket>?location`): empty for us-east-1, as S3 answers. */
export function getBucketLocation(call: S3Call, bucketName: string): Response {
  const bucket = getBucket(call.store, bucketName)
  const region = bucket.region === 'us-east-1' ? '' : bucket.region
  return s3XmlResponse('LocationConstraint', region, call.responseHeaders)
}

/** DeleteBucket: 204, or `BucketNotEmpty` (409) while objects remain. */
export function deleteBucket(call: S3Call, bucketName: string): Response {
  const bucket = getBucket(call.store, bucketName)
  if (bucket.objects.size > 0) {
    throw new EmulatorFault('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, {
      BucketName: bucketName,
    })
  }
  call.store.buckets.delete(bucketName)
  return new Response(null, { status: 204, headers: call.responseHeaders })
}

/** ListBuckets (`GET /`): the caller's account's buckets in name order; `prefix` filters. */
export function listBuckets(call: S3Call): Response {
  const prefix = call.query.get('prefix') ?? ''
  const buckets = [...call.store.buckets.values()]
    .filter((bucket) => bucket.ownerAccountId === call.accountId && bucket.name.startsWith(prefix))
    .sort((a, b) => compareKeys(a.name, b.name))
  const items = buckets
    .map(
      (bucket) =>
        `<Bucket>${el('Name', bucket.name)}${el('CreationDate', isoTime(bucket.created))}` +
        `${el('BucketRegion', bucket.region)}</Bucket>`,
    )
    .join('')
  const owner = `<Owner>${el('ID', call.ownerId)}${el('DisplayName', call.accountId)}</Owner>`
  const prefixXml = call.query.has('prefix') ? el('Prefix', prefix) : ''
  return s3XmlResponse(
    'ListAllMyBucketsResult',
    `${owner}<Buckets>${items}</Buckets>${prefixXml}`,
    call.responseHeaders,
  )
}
