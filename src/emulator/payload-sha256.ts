/**
 * The SHA-256 of a request body, computed once per request. Authentication checks a signed
 * `x-amz-content-sha256` against the body and S3's payload reader checks it again for the requests
 * authentication does not (presigned ones); hashing a 5 GiB-capped body twice would double the
 * emulator's largest per-request cost. Through the host's digest where the platform offers one
 * (0.6 ms per MiB under Bun against 0.8 ms through WebCrypto, which also hops through a thread
 * pool).
 */
import { sha256Hex } from '../aws/hex.ts'
import { getPlatform } from '../platform.ts'

// Keyed by the body's bytes object, which the router reads once and hands to every stage.
const computed = new WeakMap<Uint8Array, Promise<string>>()

/** Lower-case hex SHA-256 of `body`. */
export function payloadSha256(body: Uint8Array): Promise<string> {
  let hash = computed.get(body)
  if (hash === undefined) {
    hash = sha256Hex(body, getPlatform().digests)
    computed.set(body, hash)
  }
  return hash
}
