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

/** The host's digests, or undefined where there are none (signing then uses WebCrypto). */
export function hostDigests(): HostDigests | undefined {
  const Hasher = (globalThis as { Bun?: { CryptoHasher?: BunHasherClass } }).Bun?.CryptoHasher
  return Hasher ? bunDigests(Hasher) : nodeDigests()
}
