/**
 * Presigned GET/PUT URLs. Loaded on demand by the client's `presign`: most programs never
 * presign, so they never download or parse this.
 */
import { ConfigError } from '../errors.ts'
import type { S3Context } from './context.ts'
import type { PresignInput } from './types.ts'

// SigV4 query signing allows at most 7 days (S3 API Reference, "Authenticating Requests: Using
// Query Parameters": X-Amz-Expires 1 to 604800); 900 s is the SDK's getSignedUrl default.
const MAX_PRESIGN_SECONDS = 604_800
const DEFAULT_PRESIGN_SECONDS = 900

/** A presigned GET or PUT URL for an object (default 15 minutes, at most 7 days). */
export async function presign(context: S3Context, input: PresignInput): Promise<string> {
  const expiresIn = input.expiresIn ?? DEFAULT_PRESIGN_SECONDS
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_PRESIGN_SECONDS) {
    throw new ConfigError(
      `S3 presign: expiresIn ${expiresIn} must be a whole number of seconds from 1 to ${MAX_PRESIGN_SECONDS} (7 days)`,
      { key: 'expiresIn' },
    )
  }
  if (input.method !== 'GET' && input.method !== 'PUT') {
    throw new ConfigError(`S3 presign: method '${String(input.method)}' must be GET or PUT`, {
      key: 'method',
    })
  }
  return context.presign(context.target(input.Bucket, input.Key), {
    operation: input.method === 'GET' ? 'GetObject' : 'PutObject',
    method: input.method,
    expiresInSeconds: expiresIn,
  })
}
