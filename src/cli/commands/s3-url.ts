/** `s3://bucket/key` URLs as the AWS CLI takes them. */
import { UsageError } from '../output.ts'

/** A parsed `s3://bucket[/key]` URL; `key` is `''` for the bucket itself. */
export interface S3Location {
  readonly bucket: string
  readonly key: string
}

/** True when `text` is meant as an S3 URL (starts with `s3://`). */
export function isS3Url(text: string): boolean {
  return /^s3:\/\//i.test(text)
}

// Bucket naming rules (S3 User Guide, "Bucket naming rules"): 3-63 of a-z 0-9 . -; buckets made
// before March 2018 in us-east-1 may also have capitals and underscores, up to 255 characters.
const BUCKET = /^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/

/** Parse `text` as `s3://bucket[/key]`; `what` names the argument in the error. */
export function parseS3Url(text: string, what: string): S3Location {
  if (!isS3Url(text)) {
    throw new UsageError(`${what} must be an s3://bucket[/key] URL (got '${text}')`)
  }
  const rest = text.slice('s3://'.length)
  const slash = rest.indexOf('/')
  const bucket = slash === -1 ? rest : rest.slice(0, slash)
  const key = slash === -1 ? '' : rest.slice(slash + 1)
  if (!BUCKET.test(bucket)) {
    throw new UsageError(
      `${what}: '${bucket}' is not a valid bucket name (3-63 characters: a-z, 0-9, '.', '-'), in '${text}'`,
    )
  }
  return { bucket, key }
}

/** Format a location back as a URL. */
export function s3Url(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`
}

/**
 * The key prefix a recursive operation that deletes or copies works on: `location` taken as a
 * directory, so `s3://b/logs/old` means `logs/old/...` and never `logs/older` or `logs/oldx`.
 * The AWS CLI does the same (it appends '/' to the path of every recursive transfer or delete);
 * `ls --recursive` alone keeps the raw prefix, as `aws s3 ls` does.
 */
export function directoryPrefix(location: S3Location): string {
  return location.key === '' || location.key.endsWith('/') ? location.key : `${location.key}/`
}
