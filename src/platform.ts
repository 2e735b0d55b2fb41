/**
 * What the core needs from the host (environment, files, processes) without touching `node:*`.
 * `src/runtime/platform.ts` supplies the Node/Bun/Deno implementation and the public entry
 * installs it; every source also accepts these as options, so tests pass their own.
 */
import { ConfigError } from './errors.ts'

/** The result of running a command (for `credential_process`). */
export interface CommandResult {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * Synchronous SHA-256 and HMAC-SHA256 from the host. WebCrypto's are asynchronous, and each call
 * is a thread-pool round trip (~25-50 us under Bun, Findings 14 and 18 of scripts/bench/README.md)
 * that sequential requests wait for; signing uses these when the platform has them.
 */
export interface HostDigests {
  /** Lower-case hex SHA-256 of text (as UTF-8) or bytes. */
  sha256Hex(data: string | Uint8Array): string
  /** Lower-case hex HMAC-SHA256 of text (as UTF-8) under a raw key. */
  hmacSha256Hex(key: ArrayBuffer, data: string): string
}

/** A hash fed in pieces (a downloaded body as it streams), for S3's SHA checksums. */
export interface IncrementalHash {
  update(data: Uint8Array): void
  /** The digest's bytes; call once, after the last update. */
  digest(): Uint8Array
}

/** Host capabilities. Each is optional to override; missing ones fail with a clear error. */
export interface Platform {
  /** The process environment (read at call time, so rotated variables are seen). */
  env(): Readonly<Record<string, string | undefined>>
  /** Read a UTF-8 file; rejects with the host's error (ENOENT etc.). */
  readTextFile(path: string): Promise<string>
  /** The user's home directory, for `~/.aws/config`. */
  homeDir(): string | undefined
  /** Run a command line through the shell, as the AWS CLI runs `credential_process`. */
  runCommand(
    commandLine: string,
    options: { readonly timeoutMs: number; readonly env?: Record<string, string | undefined> },
  ): Promise<CommandResult>
  /** Synchronous digests for signing; without them signing uses WebCrypto. */
  readonly digests?: HostDigests | undefined
  /**
   * True when the host's `globalThis.fetch` returns a response body exactly as received, not
   * decoded by its Content-Encoding, if its init says `decompress: false` (Bun). Otherwise
   * (Node's undici, Deno: no such switch) S3 GetObject re-reads an encoded object with a
   * `response-content-encoding` override instead.
   */
  readonly fetchKeepsEncodedBodies?: boolean | undefined
  /**
   * The host's CRC-32 (zlib's), continuing from `previous` when given: S3's default checksum,
   * over every uploaded and downloaded byte. Native, it costs ~0.02 ms per MiB against ~3 ms for
   * the plain TypeScript table (src/aws/crc32.ts), which is used without it.
   */
  readonly crc32?: ((data: Uint8Array, previous?: number) => number) | undefined
  /**
   * The host's MD5, for the emulator's ETags and Content-MD5 checks: ~1.4 ms per MiB against
   * ~4.8 ms for the plain TypeScript one (src/aws/md5.ts), which is used without it.
   */
  readonly md5?: ((data: Uint8Array) => Uint8Array) | undefined
  /**
   * An incremental SHA-1/SHA-256 (WebCrypto digests only whole buffers): without it, a streamed
   * download whose checksum is a SHA is not verified (bytes() and text() still are).
   */
  readonly createHash?: ((algorithm: 'sha1' | 'sha256') => IncrementalHash) | undefined
}

const unavailable = (what: string): never => {
  throw new ConfigError(
    `${what} is not available on this platform: pass it as an option, or import 'stsrefresh' (which installs the Node/Bun/Deno platform)`,
  )
}

/** The platform of a bare Web runtime: an empty environment and no files or processes. */
export const webPlatform: Platform = {
  env: () => ({}),
  readTextFile: async () => unavailable('Reading files'),
  homeDir: () => undefined,
  runCommand: async () => unavailable('Running commands'),
}

let current: Platform = webPlatform

/** The installed platform (the Web one until an entry point installs the real one). */
export function getPlatform(): Platform {
  return current
}

/** Install the host platform; the public entry does this once at import. */
export function setPlatform(platform: Platform): void {
  current = platform
}
