/**
 * Part sizes for multipart uploads: S3's limits (S3 user guide, "Amazon S3 multipart upload
 * limits") and the planning the managed upload does. Kept apart from upload.ts so these small,
 * synchronous exports do not pull the upload machinery into a bundle.
 */
import { ConfigError } from '../errors.ts'

/** S3's part-number range (S3 user guide, "Amazon S3 multipart upload limits"). */
export const MAX_PARTS = 10_000

const MiB = 1024 * 1024
/** The smallest part S3 accepts, except for the last (S3 multipart upload limits). */
export const MIN_PART_SIZE: number = 5 * MiB
/** The largest part S3 accepts. */
export const MAX_PART_SIZE: number = 5 * 1024 * MiB
/** The largest object S3 stores (5 TiB). */
export const MAX_OBJECT_SIZE: number = 5 * 1024 * 1024 * MiB
/** Default part size of the managed upload (the AWS SDK v3 `Upload` default is 5 MiB). */
export const DEFAULT_PART_SIZE: number = 8 * MiB
/** Default parts in flight at once (as the AWS SDK v3 `Upload`). */
export const DEFAULT_QUEUE_SIZE = 4

/**
 * The part size for an upload: `requested` (default 8 MiB), validated against S3's limits and
 * grown when the known total would otherwise need more than 10,000 parts.
 */
export function planPartSize(
  totalSize: number | undefined,
  requested: number = DEFAULT_PART_SIZE,
): number {
  if (!Number.isSafeInteger(requested) || requested < MIN_PART_SIZE || requested > MAX_PART_SIZE) {
    throw new ConfigError(
      `S3.upload: partSize ${requested} is outside S3's part limits: use ${MIN_PART_SIZE} (5 MiB) to ${MAX_PART_SIZE} (5 GiB) bytes`,
      { key: 'partSize' },
    )
  }
  if (totalSize === undefined) return requested
  if (totalSize > MAX_OBJECT_SIZE) {
    throw new ConfigError(
      `S3.upload: the body is ${totalSize} bytes, more than S3's 5 TiB object limit`,
      { key: 'Body' },
    )
  }
  return Math.max(requested, Math.ceil(totalSize / MAX_PARTS))
}

/** The byte ranges of each part of a body of `totalSize` bytes (for planning and tests). */
export function planParts(
  totalSize: number,
  partSize: number,
): { PartNumber: number; start: number; end: number }[] {
  const parts: { PartNumber: number; start: number; end: number }[] = []
  for (let start = 0, n = 1; start < totalSize; start += partSize, n++) {
    parts.push({ PartNumber: n, start, end: Math.min(totalSize, start + partSize) })
  }
  return parts
}
