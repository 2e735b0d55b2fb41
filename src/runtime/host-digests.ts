/**
 * The host's synchronous SHA-256 and HMAC-SHA256 for request signing: Bun's `CryptoHasher` (a
 * global, so nothing is loaded), else `node:crypto` (Node and Deno), loaded on the first
 * signature rather than at import: `import('node:crypto')` costs 3-8 ms, which a one-shot CLI
 * command would pay for nothing.
 */
import process from 'node:process'
import type { HostDigests } from '../platform.ts'

type HashInput = string | Uint8Array
interface BunHasher {
  update(data: HashInput): BunHasher
  digest(encoding: 'hex'): string
}
type BunHasherClass = new (algorithm: 'sha256', hmacKey?: Uint8Array) => BunHasher

/** Digests through Bun's `CryptoHasher`. */
export function bunDigests(Hasher: BunHasherClass): HostDigests {
  return {
    sha256Hex: (data) => new Hasher('sha256').update(data).digest('hex'),
    hmacSha256Hex: (key, data) => new Hasher('sha256', new Uint8Array(key)).update(data).digest('hex'),
  }
}

/** Digests through `node:crypto`, loaded on first use; undefined without getBuiltinModule. */
export function nodeDigests(): HostDigests | undefined {
  // Node >= 20.16, Bun and Deno have getBuiltinModule; an older host keeps WebCrypto.
  if (typeof process.getBuiltinModule !== 'function') return undefined
  let nodeCrypto: typeof import('node:crypto') | undefined
  const load = (): typeof import('node:crypto') =>
    (nodeCrypto ??= process.getBuiltinModule('node:crypto'))
  return {
    sha256Hex: (data) => load().createHash('sha256').update(data).digest('hex'),
    hmacSha256Hex: (key, data) =>
      load().createHmac('sha256', new Uint8Array(key)).update(data).digest('hex'),
  }
}

// RFC 4231, test case 2: HMAC-SHA256 of this text under the key "Jefe".
const RFC4231_KEY = new TextEncoder().encode('Jefe').buffer as ArrayBuffer
const RFC4231_DATA = 'what do ya want for nothing?'
const RFC4231_MAC = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'

/**
 * Whether `digests` compute keyed HMACs. Bun's CryptoHasher ignores its HMAC key up to at least
 * Bun 1.1.25 and returns a plain SHA-256 (tried with 1.1.0, 1.1.20 and 1.1.25 from npm; 1.1.30
 * computes the HMAC). Bun 1.1.20 runs this library otherwise, so without this check it would
 * sign every request wrongly; there it signs through WebCrypto.
 */
export function computesHmac(digests: HostDigests): boolean {
  try {
    return digests.hmacSha256Hex(RFC4231_KEY, RFC4231_DATA) === RFC4231_MAC
  } catch {
    return false
  }
}

/**
 * The host's digests, or undefined where there are none (signing then uses WebCrypto): Bun's
 * if they pass the HMAC check, else node:crypto's where the host can load it.
 */
export function hostDigests(
  Hasher: BunHasherClass | undefined = (globalThis as { Bun?: { CryptoHasher?: BunHasherClass } })
    .Bun?.CryptoHasher,
): HostDigests | undefined {
  const bun = Hasher ? bunDigests(Hasher) : undefined
  return bun && computesHmac(bun) ? bun : nodeDigests()
}
