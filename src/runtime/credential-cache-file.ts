/**
 * Reading one `credential-process` cache file: the part of the cache that runs on every AWS CLI
 * call, so it is kept small and synchronous (a cached run must start and exit almost as fast as
 * an empty program: scripts/bench/README.md, Findings 10). Writing and locking are in
 * credential-cache.ts. A file that is corrupt, truncated, not ours, readable by others or a
 * symlink is never trusted: it is ignored (and replaced by the next write).
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, statSync, type Stats } from 'node:fs'
import { sha256Hex } from '../aws/hex.ts'
import type { Credentials } from '../types.ts'

// No node:path or node:process here: this module is on the credential-process fast path, where
// each `node:*` module a Bun binary loads costs start-up time (Findings 16). The paths joined are
// a directory from the environment and fixed names, so joining with the separator is enough.
const join = (...parts: string[]): string => parts.join(process.platform === 'win32' ? '\\' : '/')

/** Cached credentials and when they were issued (to judge how much of their life is left). */
export interface CachedEntry {
  readonly credentials: Credentials
  readonly issued: Date | undefined
  /**
   * Files the credentials came from that the cache key cannot name (a profile's
   * `web_identity_token_file`), each with its {@link fileStamp} when they were fetched: the entry
   * is stale once any of them changes.
   */
  readonly files?: Readonly<Record<string, string | null>>
}

/** Why the cache was not used, for `--verbose`. */
export type CacheNote = (message: string) => void

/**
 * The user's cache directory for stsrefresh, per platform convention; undefined without a home.
 * `homedir` is asked only when the environment names no home (the fast path passes none, so
 * node:os is not loaded there: Findings 10).
 */
export function cacheDir(env: Record<string, string | undefined>, homedir: () => string | undefined): string | undefined {
  if (env.STSREFRESH_CACHE_DIR) return env.STSREFRESH_CACHE_DIR
  const home = env.HOME ?? env.USERPROFILE ?? homedir()
  if (home === undefined) return undefined
  if (process.platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'stsrefresh')
  if (process.platform === 'darwin') return join(home, 'Library', 'Caches', 'stsrefresh')
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'stsrefresh')
}

interface BunHasher {
  update(data: string): BunHasher
  digest(encoding: 'hex'): string
}
const BunCryptoHasher = (globalThis as { Bun?: { CryptoHasher: new (algorithm: 'sha256') => BunHasher } }).Bun
  ?.CryptoHasher

/**
 * A SHA-256 hex name for a configuration, so no flag value appears in a file name. Bun's native
 * hasher gives the same digest as WebCrypto in a fifth of the time of WebCrypto's first use
 * (0.15 vs 0.7 ms, a tenth of a cached run); Node and Deno use WebCrypto.
 */
export async function cacheKey(configuration: unknown): Promise<string> {
  const json = JSON.stringify(configuration)
  // Bun hashes the string as UTF-8, as TextEncoder encodes it.
  if (BunCryptoHasher) return new BunCryptoHasher('sha256').update(json).digest('hex')
  return sha256Hex(json)
}

/**
 * Which version of a file `path` is (inode, size, modification time), or null when there is
 * none: keying a cache entry on it makes an edit of the file miss the entry. The file's content
 * is not read: the credentials file holds secrets, which must not go into a key. Plain numbers
 * and no exception for a missing file: a throw or BigInt stats cost a cached run 0.02-0.05 ms.
 */
export function fileStamp(path: string | null): string | null {
  if (path === null) return null
  try {
    const info = statSync(path, { throwIfNoEntry: false })
    return info ? `${info.ino}:${info.size}:${info.mtimeMs}` : null
  } catch {
    return null
  }
}

/** The cache file of `key` in `dir`. */
export const cacheFile = (dir: string, key: string): string => join(dir, `${key}.json`)

/** Ours, private, a plain file or directory as expected. */
export function trusted(info: Stats, kind: 'file' | 'dir'): boolean {
  if (kind === 'file' ? !info.isFile() : !info.isDirectory()) return false
  if (process.platform === 'win32') return true
  const me = typeof process.getuid === 'function' ? process.getuid() : undefined
  if (me !== undefined && info.uid !== me) return false
  return (info.mode & 0o077) === 0
}

const ISO_DATE = /^\d{4}-\d\d-\d\dT/
const date = (value: unknown): Date | undefined => {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return undefined
  const parsed = new Date(value)
  return Number.isNaN(parsed.getTime()) ? undefined : parsed
}
const text = (value: unknown, min: number): value is string => typeof value === 'string' && value.length >= min

/**
 * The entry a cache file's JSON holds, or undefined. The file is one we wrote and found private
 * and ours, so this is a shape check by hand rather than a zod schema: zod's import alone would
 * add a fifth to the run time of every cached call.
 */
export function entryOf(json: unknown): CachedEntry | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined
  const file = json as Record<string, unknown>
  const expiration = date(file.Expiration)
  if (file.Version !== 1 || !text(file.AccessKeyId, 16) || !text(file.SecretAccessKey, 1) || !expiration) return undefined
  if (file.SessionToken !== undefined && typeof file.SessionToken !== 'string') return undefined
  if (file.Issued !== undefined && typeof file.Issued !== 'string') return undefined
  const files = file.Files
  if (files !== undefined) {
    if (typeof files !== 'object' || files === null || Array.isArray(files)) return undefined
    for (const stamp of Object.values(files)) if (stamp !== null && typeof stamp !== 'string') return undefined
  }
  return {
    credentials: {
      accessKeyId: file.AccessKeyId,
      secretAccessKey: file.SecretAccessKey,
      ...(file.SessionToken ? { sessionToken: file.SessionToken } : {}),
      expiration,
    },
    issued: date(file.Issued),
    ...(files ? { files: files as Record<string, string | null> } : {}),
  }
}

/** Whether `dir` is a directory owned by us with mode 0700 (an absent one is not). */
export function trustedDir(dir: string, note: CacheNote): boolean {
  try {
    if (trusted(lstatSync(dir), 'dir')) return true
    note(`not using cache directory ${dir}: it must be a directory owned by you with mode 0700`)
  } catch (error) {
    note(`not using cache directory ${dir}: ${(error as Error).message}`)
  }
  return false
}

/** Read the entry of `key` from a trusted directory `dir`; undefined if absent or not trusted. */
export function readCacheEntry(dir: string, key: string, note: CacheNote): CachedEntry | undefined {
  const path = cacheFile(dir, key)
  let fd: number
  try {
    // O_NOFOLLOW: a symlink planted in our cache is never followed.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'ENOENT') note(`ignoring cache file ${path}: ${code === 'ELOOP' ? 'it is a symlink' : code}`)
    return undefined
  }
  try {
    if (!trusted(fstatSync(fd), 'file')) {
      note(`ignoring cache file ${path}: not a private (0600) file owned by you`)
      return undefined
    }
    let json: unknown
    try {
      json = JSON.parse(readFileSync(fd, 'utf8'))
    } catch {
      note(`ignoring cache file ${path}: not valid JSON`)
      return undefined
    }
    const entry = entryOf(json)
    if (!entry) note(`ignoring cache file ${path}: not a stsrefresh credential cache file`)
    return entry
  } finally {
    closeSync(fd)
  }
}
