/**
 * The `credential-process` cache: one file per configuration in the user's cache directory,
 * 0600 files in a 0700 directory. A file that is corrupt, truncated, not ours, readable by others
 * or a symlink is never trusted: it is ignored and replaced (the rename replaces the link, never
 * its target). An unwritable directory just means no cache. A lock file lets concurrent
 * invocations share one STS call.
 */
import { mkdir, open, rename, rm, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import type { Credentials } from '../types.ts'
import { type CachedEntry, type CacheNote, cacheDir, cacheFile, readCacheEntry, trustedDir } from './credential-cache-file.ts'

/** The user's cache directory for stsrefresh, per platform convention. */
export const defaultCacheDir = (env: Record<string, string | undefined>): string => cacheDir(env, homedir)!

/** A credential cache rooted at `dir`. */
export interface CredentialCache {
  read(key: string): Promise<CachedEntry | undefined>
  /** Store `credentials`, with the stamps of the files they came from (CachedEntry.files). */
  write(key: string, credentials: Credentials, files?: Readonly<Record<string, string | null>>): Promise<void>
  /** Run `fn` holding the lock for `key` (or without it, if locking is impossible). */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>
}

/** Open (creating with 0700 if needed) a cache directory; undefined when it cannot be used safely. */
export async function openCredentialCache(dir: string, note: CacheNote): Promise<CredentialCache | undefined> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 })
  } catch (error) {
    note(`not using cache directory ${dir}: ${(error as Error).message}`)
    return undefined
  }
  if (!trustedDir(dir, note)) return undefined

  const fileFor = (key: string): string => cacheFile(dir, key)
  const read = async (key: string): Promise<CachedEntry | undefined> => readCacheEntry(dir, key, note)

  const write = async (key: string, credentials: Credentials, files?: Readonly<Record<string, string | null>>): Promise<void> => {
    const body = JSON.stringify({
      Version: 1,
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: credentials.expiration?.toISOString(),
      Issued: new Date().toISOString(),
      ...(files && Object.keys(files).length > 0 ? { Files: files } : {}),
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
