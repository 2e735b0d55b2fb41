/** `stsrefresh s3 rm`: delete one object, or (with `--recursive`) every object under a prefix. */
import { AwsServiceError } from '../../errors.ts'
import type { S3Client } from '../../s3/index.ts'
import { UsageError } from '../output.ts'
import { directoryPrefix, type S3Location, s3Url } from './s3-url.ts'

// DeleteObjects takes at most 1000 keys per request (S3 API Reference, DeleteObjects).
const DELETE_BATCH = 1000

/**
 * Delete `location` (a key, or with `recursive` every key under it as a directory); returns the
 * number of keys deleted.
 */
export async function removeObjects(
  s3: S3Client,
  location: S3Location,
  recursive: boolean,
  onDeleted: (key: string) => void,
): Promise<number> {
  if (!recursive) {
    if (location.key === '' || location.key.endsWith('/')) {
      throw new UsageError(
        `s3 rm needs an object key (got '${s3Url(location)}'); add --recursive to delete a prefix`,
      )
    }
    await s3.deleteObject({ Bucket: location.bucket, Key: location.key })
    onDeleted(location.key)
    return 1
  }
  let deleted = 0
  const prefix = directoryPrefix(location)
  // Collect first: deleting while paginating would shift the listing under our feet.
  const keys: string[] = []
  for await (
    const page of s3.paginateListObjectsV2({
      Bucket: location.bucket,
      ...(prefix ? { Prefix: prefix } : {}),
    })
  ) {
    for (const object of page.Contents) if (object.Key !== undefined) keys.push(object.Key)
  }
  for (let i = 0; i < keys.length; i += DELETE_BATCH) {
    const batch = keys.slice(i, i + DELETE_BATCH)
    const result = await s3.deleteObjects({
      Bucket: location.bucket,
      Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: false },
    })
    for (const done of result.Deleted) {
      if (done.Key !== undefined) onDeleted(done.Key)
    }
    deleted += result.Deleted.length
    const failed = result.Errors[0]
    if (failed) {
      // S3 answers 200 with per-key errors; report the first as the service error it is.
      throw new AwsServiceError(
        `${failed.Message ?? 'could not delete'} (key ${
          failed.Key ?? '?'
        }; ${result.Errors.length} keys failed)`,
        { service: 'S3', operation: 'DeleteObjects', code: failed.Code ?? 'Error', status: 200 },
      )
    }
  }
  return deleted
}
