/**
 * The `credential-process` cache: one file per configuration in the user's cache directory,
 * 0600 files in a 0700 directory. A file that is corrupt, truncated, not ours, readable by others
 * or a symlink is never trusted: it is ignored and replaced (the rename replaces the link, never
 * its target). An unwritable directory just means no cache. A lock file lets concurrent
 * invocations share one STS call.
 */
import { constants, type Stats } from 'node:fs'
import { lstat, mkdir, open, rename, rm, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import * as z from 'zod/mini'
import type { Credentials } from '../types.ts'

const CachedCredentials = z.object({
  Version: z.literal(1),
  AccessKeyId: z.string().check(z.minLength(16)),
  SecretAccessKey: z.string().check(z.minLength(1)),
  SessionToken: z.optional(z.string()),
  Expiration: z.string().check(z.regex(/^\d{4}-\d\d-\d\dT/)),
  Issued: z.optional(z.string()),
})

/** Cached credentials and when they were issued (to judge how much of their life is left). */
export interface CachedEntry {
  readonly credentials: Credentials
  readonly issued: Date | undefined
}

/** The user's cache directory for stsrefresh, per platform convention. */
export function defaultCacheDir(env: Record<string, string | undefined>): string {
  if (env.STSREFRESH_CACHE_DIR) return env.STSREFRESH_CACHE_DIR
  const home = env.HOME ?? env.USERPROFILE ?? homedir()
  if (process.platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'stsrefresh')
  if (process.platform === 'darwin') return join(home, 'Library', 'Caches', 'stsrefresh')
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'stsrefresh')
}

/** A SHA-256 hex name for a configuration, so no flag value appears in a file name. */
export async function cacheKey(configuration: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(configuration))
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')
}

const uid = (): number | undefined => (typeof process.getuid === 'function' ? process.getuid() : undefined)

/** Ours, private, a plain file or directory as expected. */
function trusted(info: Stats, kind: 'file' | 'dir'): boolean {
  if (kind === 'file' ? !info.isFile() : !info.isDirectory()) return false
  if (process.platform === 'win32') return true
  const me = uid()
  if (me !== undefined && info.uid !== me) return false
  return (info.mode & 0o077) === 0
}

/** Why the cache was not used, for `--verbose`. */
export type CacheNote = (message: string) => void

/** A credential cache rooted at `dir`. */
export interface CredentialCache {
  read(key: string): Promise<CachedEntry | undefined>
  write(key: string, credentials: Credentials): Promise<void>
  /** Run `fn` holding the lock for `key` (or without it, if locking is impossible). */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>
}

/** Open (creating with 0700 if needed) a cache directory; undefined when it cannot be used safely. */
export async function openCredentialCache(dir: string, note: CacheNote): Promise<CredentialCache | undefined> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 })
    const info = await lstat(dir)
    if (!trusted(info, 'dir')) {
      note(`not using cache directory ${dir}: it must be a directory owned by you with mode 0700`)
      return undefined
    }
  } catch (error) {
    note(`not using cache directory ${dir}: ${(error as Error).message}`)
    return undefined
  }

  const fileFor = (key: string): string => join(dir, `${key}.json`)

  const read = async (key: string): Promise<CachedEntry | undefined> => {
    let handle
    try {
      // O_NOFOLLOW: a symlink planted in our cache is never followed.
      handle = await open(fileFor(key), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0))
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'ENOENT') note(`ignoring cache file ${fileFor(key)}: ${code === 'ELOOP' ? 'it is a symlink' : code}`)
      return undefined
    }
    try {
      if (!trusted(await handle.stat(), 'file')) {
        note(`ignoring cache file ${fileFor(key)}: not a private (0600) file owned by you`)
        return undefined
      }
      const text = await handle.readFile({ encoding: 'utf8' })
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch {
        note(`ignoring cache file ${fileFor(key)}: not valid JSON`)
        return undefined
      }
      const parsed = CachedCredentials.safeParse(json)
      const expiration = parsed.success ? new Date(parsed.data.Expiration) : undefined
      if (!parsed.success || !expiration || Number.isNaN(expiration.getTime())) {
        note(`ignoring cache file ${fileFor(key)}: not a stsrefresh credential cache file`)
        return undefined
      }
      const issued = parsed.data.Issued ? new Date(parsed.data.Issued) : undefined
      return {
        credentials: {
          accessKeyId: parsed.data.AccessKeyId,
          secretAccessKey: parsed.data.SecretAccessKey,
          ...(parsed.data.SessionToken ? { sessionToken: parsed.data.SessionToken } : {}),
          expiration,
        },
        issued: issued && !Number.isNaN(issued.getTime()) ? issued : undefined,
      }
    } finally {
      await handle.close()
    }
  }

  const write = async (key: string, credentials: Credentials): Promise<void> => {
    const body = JSON.stringify({
      Version: 1,
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: credentials.expiration?.toISOString(),
      Issued: new Date().toISOString(),
    })
    const temp = join(dir, `.${key}.${process.pid}.${Date.now()}.tmp`)
    try {
      const handle = await open(temp, 'wx', 0o600)
      try {
        await handle.writeFile(body)
      } finally {
        await handle.close()
      }
      // rename() replaces a planted symlink itself, never the file it points to.
      await rename(temp, fileFor(key))
    } catch (error) {
      note(`could not write cache file ${fileFor(key)}: ${(error as Error).message}`)
      await rm(temp, { force: true }).catch(() => {})
    }
  }

  const withLock = async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const lock = join(dir, `${key}.lock`)
    const deadline = Date.now() + 15_000
    for (;;) {
      try {
        const handle = await open(lock, 'wx', 0o600)
        await handle.close()
        break
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          note(`running without the cache lock: ${(error as Error).message}`)
          return fn()
        }
        // A lock older than 30 s belongs to a process that died mid-refresh.
        const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0)
        if (age > 30_000) await rm(lock, { force: true })
        else if (Date.now() > deadline) {
          note('running without the cache lock: another stsrefresh held it for 15 s')
          return fn()
        } else await new Promise((resolve) => setTimeout(resolve, 25))
      }
    }
    try {
      return await fn()
    } finally {
      await rm(lock, { force: true })
    }
  }

  return { read, write, withLock }
}
