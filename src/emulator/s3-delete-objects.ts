/** S3 DeleteObjects (`POST /<bucket>?delete`): up to 1,000 keys per request, verbose or quiet. */
import { EmulatorFault } from './context.ts'
import { CHECKSUM_ALGORITHMS } from './s3-checksum.ts'
import { readPayload, type S3Call } from './s3-request.ts'
import { getBucket } from './s3-store.ts'
import { childrenNamed, childText, el, malformedXml, parseXml, s3XmlResponse } from './s3-xml.ts'

/**
 * DeleteObjects. S3 requires an integrity header on this call: `Content-MD5`, or since flexible
 * checksums an `x-amz-checksum-*` value (S3 API reference, DeleteObjects). Each key answers
 * `Deleted` (also for keys that did not exist) or `Error`; quiet mode lists only errors.
 */
export async function deleteObjects(call: S3Call, bucketName: string): Promise<Response> {
  const bucket = getBucket(call.store, bucketName)
  const hasChecksum = CHECKSUM_ALGORITHMS.some(
    (algorithm) =>
      call.headers.has(`x-amz-checksum-${algorithm.toLowerCase()}`) ||
      (call.headers.get('x-amz-trailer') ?? '').toLowerCase().includes('x-amz-checksum-'),
  )
  if (!call.headers.has('content-md5') && !hasChecksum) {
    throw new EmulatorFault(
      'InvalidRequest',
      'Missing required header for this request: Content-Md5.',
      400,
    )
  }
  const payload = await readPayload(call)
  const root = parseXml(new TextDecoder().decode(payload.data))
  if (root.name !== 'Delete') throw malformedXml()
  const objects = childrenNamed(root, 'Object')
  if (objects.length === 0 || objects.length > 1000) throw malformedXml()
  const quiet = childText(root, 'Quiet')?.trim() === 'true'
  const results: string[] = []
  for (const object of objects) {
    const key = childText(object, 'Key')
    if (key === undefined) throw malformedXml()
    const versionId = childText(object, 'VersionId')
    const versionXml = versionId !== undefined ? el('VersionId', versionId) : ''
    if (versionId !== undefined && versionId !== 'null') {
      // An unversioned bucket holds only the "null" version of each key.
      results.push(
        `<Error>${el('Key', key)}${versionXml}${el('Code', 'NoSuchVersion')}` +
          `${el('Message', 'The specified version does not exist.')}</Error>`,
      )
      continue
    }
    bucket.objects.delete(key)
    if (!quiet) results.push(`<Deleted>${el('Key', key)}${versionXml}</Deleted>`)
  }
  return s3XmlResponse('DeleteResult', results.join(''), call.responseHeaders)
}
