/**
 * Hex digests, shared by request signing, the emulator's SigV4 verifier, S3 checksums and the
 * credential-process cache key: one lower-case hex encoder and one SHA-256 (WebCrypto, or the
 * host's synchronous digest where the caller has one).
 */
import type { HostDigests } from '../platform.ts'

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let hex = ''
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0')
  return hex
}

/** SHA-256 of zero bytes, hex. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

/**
 * Lower-case hex SHA-256 of text (as UTF-8) or bytes: by the host's synchronous digest when one is
 * given (see {@link HostDigests}), else WebCrypto.
 */
export async function sha256Hex(
  data: string | Uint8Array | undefined,
  digests?: HostDigests,
): Promise<string> {
  // GET, HEAD and DELETE have no body: skip a WebCrypto round trip for the well-known hash.
  if (data === undefined || data.length === 0) return EMPTY_SHA256
  if (digests) return digests.sha256Hex(data)
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)))
}
