/**
 * Bucket operations and listing: CreateBucket, DeleteBucket, HeadBucket, ListObjectsV2 and its
 * paginator. Wire formats from the Amazon S3 API Reference.
 */
import { AwsServiceError } from '../errors.ts'
import { readXml } from './documents.ts'
import type { S3Context } from './context.ts'
import { compact } from './headers.ts'
import { signalOf } from './objects.ts'
import type {
  BucketInput,
  CreateBucketInput,
  CreateBucketOutput,
  HeadBucketOutput,
  ListObjectsV2Input,
  ListObjectsV2Output,
} from './types.ts'
import { createBucketXml, readListObjectsV2 } from './xml.ts'

/**
 * Create a bucket. Outside us-east-1 the client's region goes in as the LocationConstraint
 * unless one is given, as the SDKs do (@aws-sdk/middleware-sdk-s3 locationConstraintMiddleware):
 * S3 rejects a regional CreateBucket without it.
 */
export async function createBucket(
  context: S3Context,
  input: CreateBucketInput,
): Promise<CreateBucketOutput> {
  const constraint =
    input.CreateBucketConfiguration?.LocationConstraint ??
    (context.region === 'us-east-1' ? undefined : context.region)
  const headers: Record<string, string> = {}
  if (input.ACL) headers['x-amz-acl'] = input.ACL
  if (input.ObjectOwnership) headers['x-amz-object-ownership'] = input.ObjectOwnership
  const body =
    constraint === undefined ? undefined : new TextEncoder().encode(createBucketXml(constraint))
  if (body) headers['content-type'] = 'application/xml'
  const response = await context.send(context.target(input.Bucket), {
    operation: 'CreateBucket',
    method: 'PUT',
    headers,
    ...(body ? { body } : {}),
    ...signalOf(input),
  })
  await response.arrayBuffer()
  return compact({ Location: response.headers.get('location') ?? undefined })
}

/** Delete an empty bucket. */
export async function deleteBucket(context: S3Context, input: BucketInput): Promise<void> {
  const response = await context.send(context.target(input.Bucket), {
    operation: 'DeleteBucket',
    method: 'DELETE',
    ...signalOf(input),
  })
  await response.arrayBuffer()
}

/** Check a bucket exists and is accessible; throws `NotFound` (404) or `Forbidden` (403). */
export async function headBucket(
  context: S3Context,
  input: BucketInput,
): Promise<HeadBucketOutput> {
  const response = await context.send(context.target(input.Bucket), {
    operation: 'HeadBucket',
    method: 'HEAD',
    ...signalOf(input),
  })
  await response.arrayBuffer()
  return compact({ BucketRegion: response.headers.get('x-amz-bucket-region') ?? undefined })
}

/** One page of a bucket listing (at most 1000 keys). */
export async function listObjectsV2(
  context: S3Context,
  input: ListObjectsV2Input,
): Promise<ListObjectsV2Output> {
  const response = await context.send(context.target(input.Bucket), {
    operation: 'ListObjectsV2',
    method: 'GET',
    query: {
      'list-type': '2',
      prefix: input.Prefix,
      delimiter: input.Delimiter,
      'max-keys': input.MaxKeys === undefined ? undefined : String(input.MaxKeys),
      'continuation-token': input.ContinuationToken,
      'start-after': input.StartAfter,
      'fetch-owner': input.FetchOwner === undefined ? undefined : String(input.FetchOwner),
      'encoding-type': input.EncodingType,
    },
    ...signalOf(input),
  })
  return readListObjectsV2(await readXml(response, 'ListObjectsV2'))
}

/**
 * Every page of a listing, following `NextContinuationToken` until S3 says the listing is
 * complete. A truncated page without a new token would loop forever, so it is an error.
 */
export async function* paginateListObjectsV2(
  context: S3Context,
  input: ListObjectsV2Input,
): AsyncGenerator<ListObjectsV2Output, void, undefined> {
  let token = input.ContinuationToken
  const seen = new Set<string>()
  for (;;) {
    const page = await listObjectsV2(context, {
      ...input,
      ...(token === undefined ? {} : { ContinuationToken: token }),
    })
    yield page
    if (!page.IsTruncated) return
    const next = page.NextContinuationToken
    if (!next || seen.has(next)) {
      throw new AwsServiceError(
        `a truncated page of bucket '${input.Bucket}' came without a new NextContinuationToken, so the listing cannot continue`,
        { service: 'S3', operation: 'ListObjectsV2', code: 'InvalidPagination', status: 200 },
      )
    }
    seen.add(next)
    token = next
  }
}
