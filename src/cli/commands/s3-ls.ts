/** `stsrefresh s3 ls`: list a bucket or prefix, following every page. */
import type { S3Client } from '../../s3/index.ts'
import { out } from '../output.ts'
import type { S3Location } from './s3-url.ts'

/** Options of {@link listObjects}. */
export interface ListOptions {
  /** Every key under the prefix; otherwise one level, with `PRE` lines for "folders". */
  readonly recursive: boolean
  /** One JSON object per line instead of the AWS CLI's columns. */
  readonly json: boolean
}

const pad2 = (n: number): string => String(n).padStart(2, '0')

/** `YYYY-MM-DD HH:MM:SS` in UTC, as the AWS CLI's `s3 ls` shows times (there in local time). */
export function formatListTime(date: Date | undefined): string {
  if (!date) return ''.padEnd(19)
  return `${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())} ` +
    `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}`
}

/** List `location`; returns the number of entries printed. */
export async function listObjects(
  s3: S3Client,
  location: S3Location,
  options: ListOptions,
): Promise<number> {
  // As the AWS CLI: without --recursive, names are shown relative to the prefix's "directory".
  const base = options.recursive ? '' : location.key.slice(0, location.key.lastIndexOf('/') + 1)
  let count = 0
  const pages = s3.paginateListObjectsV2({
    Bucket: location.bucket,
    ...(location.key ? { Prefix: location.key } : {}),
    ...(options.recursive ? {} : { Delimiter: '/' }),
  })
  for await (const page of pages) {
    const lines: string[] = []
    for (const prefix of page.CommonPrefixes) {
      if (prefix.Prefix === undefined) continue
      lines.push(
        options.json
          ? JSON.stringify({ Prefix: prefix.Prefix })
          : `${'PRE'.padStart(30)} ${prefix.Prefix.slice(base.length)}`,
      )
    }
    for (const object of page.Contents) {
      if (object.Key === undefined) continue
      lines.push(
        options.json
          ? JSON.stringify({
            Key: object.Key,
            Size: object.Size,
            LastModified: object.LastModified?.toISOString(),
            ETag: object.ETag,
            StorageClass: object.StorageClass,
          })
          : `${formatListTime(object.LastModified)} ${String(object.Size ?? 0).padStart(10)} ${
            object.Key.slice(base.length)
          }`,
      )
    }
    if (lines.length > 0) out(lines.join('\n'))
    count += lines.length
  }
  return count
}
