/**
 * Presigned URLs (SigV4 query auth) for the request layer's `presign`, loaded on first use: only
 * S3's `presign` needs them.
 */
import type { CredentialSource } from '../credentials/input.ts'
import { ConfigError } from '../errors.ts'
import { getPlatform } from '../platform.ts'
import type { Clock } from '../types.ts'
import { buildUrl } from './request.ts'
import type { AwsCall } from './request.ts'
import { signRequest } from './sign.ts'

/** The presigned URL limit: SigV4 query auth allows at most 7 days. */
const MAX_PRESIGN_SECONDS = 604_800

/** What presigning needs from the layer client. */
export interface PresignState {
  readonly endpoint: URL
  readonly source: CredentialSource
  readonly clock: Clock
  readonly keyCache: Map<string, ArrayBuffer>
  readonly service: string
  readonly region: string
}

/** A URL valid for `expiresInSeconds` (1 to 604800), signed with the current credentials. */
export async function presignUrl(
  state: PresignState,
  call: AwsCall & { readonly expiresInSeconds: number },
): Promise<string> {
  const expires = call.expiresInSeconds
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGN_SECONDS) {
    throw new ConfigError(
      `expiresInSeconds must be an integer from 1 to ${MAX_PRESIGN_SECONDS} (7 days), ` +
        `got ${expires}`,
      { key: 'expiresInSeconds' },
    )
  }
  const creds = await state.source.get(call.signal ? { signal: call.signal } : {})
  const url = buildUrl(state.endpoint, call.path, {
    ...call.query,
    'X-Amz-Expires': String(expires),
  })
  const signed = await signRequest({
    method: call.method ?? 'GET',
    url,
    headers: new Headers(call.headers),
    body: undefined,
    credentials: creds,
    service: state.service,
    region: state.region,
    nowMs: state.clock.now(),
    keyCache: state.keyCache,
    signQuery: true,
    digests: getPlatform().digests,
  })
  return signed.url.toString()
}
