/**
 * Where an S3 request goes: virtual-hosted or path-style addressing, and the URI encoding of
 * object keys. Pure functions, no I/O.
 */
import { ConfigError } from '../errors.ts'

/** Where one S3 request is sent: the endpoint (scheme, host, base path) and the encoded path. */
export interface S3Target {
  /** `https://<bucket>.s3.<region>.amazonaws.com` (virtual-hosted) or the endpoint itself. */
  readonly endpoint: string
  /** Already URI-encoded, starting with `/`: `/<key>` or `/<bucket>/<key>`. */
  readonly path: string
  /** `s3://<bucket>/<key>` as given, for errors. */
  readonly resource: string
}

/** How the client addresses buckets. */
export interface S3AddressingOptions {
  /** The resolved S3 endpoint, e.g. `https://s3.eu-west-1.amazonaws.com`. */
  readonly endpoint: string
  /** Path style always: set for custom endpoints (emulators, MinIO) and `forcePathStyle`. */
  readonly pathStyle: boolean
}

const HOST_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/

/**
 * Whether a bucket name can be used as a host label (virtual-hosted addressing). Mirrors the
 * SDKs' endpoint-rules function `aws.isVirtualHostableS3Bucket(bucket, false)`
 * (@aws-sdk/core `isVirtualHostableS3Bucket`): one DNS label of 3-63 lower-case letters,
 * digits and hyphens, not an IP address. Dotted names are not, because the `*.s3.<region>`
 * wildcard certificate does not cover them, so over HTTPS they go path style.
 */
export function isVirtualHostableBucket(bucket: string): boolean {
  return (
    bucket.length >= 3 && bucket.length <= 63 && HOST_LABEL.test(bucket) && !IPV4.test(bucket)
  )
}

/**
 * URI-encode a string the way SigV4 wants for S3 (every byte but `A-Za-z0-9-._~` percent-encoded
 * once, upper-case hex), keeping `/` when `keepSlash` is set. S3 object keys are encoded once,
 * not twice: S3 is the one service whose canonical URI is not double-encoded (AWS SigV4 docs,
 * "Create a canonical request").
 */
export function uriEncode(value: string, keepSlash = false): string {
  const encoded = encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  return keepSlash ? encoded.replace(/%2F/g, '/') : encoded
}

/**
 * Encode an object key for the request path: each `/`-separated segment encoded once, `/` kept.
 * A key with a `.` or `..` segment cannot travel in a URL (RFC 3986 section 5.2.4 removes such
 * segments, and every `fetch` follows it), so it is refused with a clear error.
 */
export function encodeKey(key: string, bucket: string): string {
  if (key.length === 0) {
    throw new ConfigError(`S3 object key is empty (bucket '${bucket}'): pass a non-empty Key`, {
      key: 'Key',
    })
  }
  const segments = key.split('/')
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    throw new ConfigError(
      `S3 object key '${key}' (bucket '${bucket}') has a '.' or '..' path segment, which URLs normalise away: rename the key`,
      { key: 'Key' },
    )
  }
  return segments.map((segment) => uriEncode(segment)).join('/')
}

/** Refuse what can never be a bucket name in a URL (empty, or containing `/`). */
function checkBucket(bucket: string): void {
  if (bucket.length === 0 || bucket.includes('/')) {
    throw new ConfigError(`S3 bucket name '${bucket}' is invalid: pass a bucket name without '/'`, {
      key: 'Bucket',
    })
  }
}

/**
 * The endpoint and encoded path for a bucket (and optionally a key). Virtual-hosted style puts
 * the bucket in the host (`https://<bucket>.s3.<region>.amazonaws.com/<key>`); path style puts
 * it first in the path (`<endpoint>/<bucket>/<key>`).
 */
export function s3Target(options: S3AddressingOptions, bucket: string, key?: string): S3Target {
  checkBucket(bucket)
  const encodedKey = key === undefined ? undefined : encodeKey(key, bucket)
  const resource = key === undefined ? `s3://${bucket}` : `s3://${bucket}/${key}`
  if (!options.pathStyle && isVirtualHostableBucket(bucket)) {
    const url = new URL(options.endpoint)
    url.hostname = `${bucket}.${url.hostname}`
    const base = url.pathname.replace(/\/+$/, '')
    return { endpoint: `${url.protocol}//${url.host}${base}`, path: `/${encodedKey ?? ''}`, resource }
  }
  const bucketPath = `/${uriEncode(bucket)}`
  return {
    endpoint: options.endpoint.replace(/\/+$/, ''),
    path: encodedKey === undefined ? bucketPath : `${bucketPath}/${encodedKey}`,
    resource,
  }
}

/** The full URL of a target (for `Location` and logs); no query, no credentials. */
export function targetUrl(target: S3Target): string {
  return `${target.endpoint}${target.path}`
}
