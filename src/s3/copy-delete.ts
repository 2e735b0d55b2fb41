/**
 * DeleteObjects (with the Content-MD5 S3 requires) and CopyObject, loaded on demand by the
 * client: most programs use neither, and MD5 is not in WebCrypto. Wire formats from the Amazon
 * S3 API Reference.
 */
import { xmlText } from '../aws/xml.ts'
import { ConfigError } from '../errors.ts'
import { encodeKey, uriEncode } from './addressing.ts'
import { contentMd5 } from './checksums.ts'
import { readXml, sendExpectingDocument } from './documents.ts'
import type { S3Context } from './context.ts'
import { attributeHeaders, compact } from './headers.ts'
import { signalOf } from './objects.ts'
import type {
  CopyObjectInput,
  CopyObjectOutput,
  CopySource,
  DeleteObjectsInput,
  DeleteObjectsOutput,
} from './types.ts'
import { deleteXml, readDeleteResult, xmlDate } from './xml.ts'

// S3 API Reference, DeleteObjects: "The request can contain a list of up to 1000 keys".
const MAX_DELETE_KEYS = 1000

/**
 * Delete up to 1000 objects in one request. S3 answers 200 even when some keys fail: check
 * `Errors` (each with Key, Code, Message).
 */
export async function deleteObjects(
  context: S3Context,
  input: DeleteObjectsInput,
): Promise<DeleteObjectsOutput> {
  const objects = input.Delete.Objects
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) {
    throw new ConfigError(
      `S3.DeleteObjects: Delete.Objects has ${objects.length} keys; S3 takes 1 to ${MAX_DELETE_KEYS} per call, so split the list`,
      { key: 'Delete.Objects' },
    )
  }
  for (const o of objects) encodeKey(o.Key, input.Bucket)
  const body = new TextEncoder().encode(deleteXml(objects, input.Delete.Quiet))
  const response = await context.send(context.target(input.Bucket), {
    operation: 'DeleteObjects',
    method: 'POST',
    query: { delete: '' },
    // S3 requires Content-MD5 (or a flexible checksum) on this call (API Reference,
    // DeleteObjects); MD5 is the one every S3-compatible store checks.
    headers: { 'content-md5': contentMd5(body), 'content-type': 'application/xml' },
    body,
    ...signalOf(input),
  })
  return readDeleteResult(await readXml(response, 'DeleteObjects'))
}

/** The `x-amz-copy-source` value: a string is sent as given (SDK v3: already URL-encoded). */
export function copySourceHeader(source: CopySource): string {
  if (typeof source === 'string') return source
  const path = `${uriEncode(source.Bucket)}/${encodeKey(source.Key, source.Bucket)}`
  return source.VersionId ? `${path}?versionId=${uriEncode(source.VersionId)}` : path
}

/** Copy an object server-side (up to 5 GiB). A late failure (200 + `<Error>`) throws. */
export async function copyObject(
  context: S3Context,
  input: CopyObjectInput,
): Promise<CopyObjectOutput> {
  const headers: Record<string, string> = {
    ...attributeHeaders(input),
    'x-amz-copy-source': copySourceHeader(input.CopySource),
  }
  if (input.MetadataDirective) headers['x-amz-metadata-directive'] = input.MetadataDirective
  if (input.CopySourceIfMatch) headers['x-amz-copy-source-if-match'] = input.CopySourceIfMatch
  if (input.CopySourceIfNoneMatch) {
    headers['x-amz-copy-source-if-none-match'] = input.CopySourceIfNoneMatch
  }
  const { root, headers: answer } = await sendExpectingDocument(
    context,
    context.target(input.Bucket, input.Key),
    { operation: 'CopyObject', method: 'PUT', headers, ...signalOf(input) },
  )
  return compact({
    CopyObjectResult: compact({
      ETag: xmlText(root, 'ETag'),
      LastModified: xmlDate(root, 'LastModified'),
    }),
    VersionId: answer.get('x-amz-version-id') ?? undefined,
    CopySourceVersionId: answer.get('x-amz-copy-source-version-id') ?? undefined,
  })
}
