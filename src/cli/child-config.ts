/**
 * The config file `exec` hands its child: a private copy of the user's without the settings that
 * would shadow the served credentials (config/without-credentials.ts). Only made when the file
 * has such settings; otherwise the child reads the user's own file.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sharedFilePaths } from '../config/profiles.ts'
import { getPlatform } from '../platform.ts'
import { withoutCredentials } from '../config/without-credentials.ts'
import type { Logger } from '../types.ts'

/** Variables for the child (`AWS_CONFIG_FILE`, or none), and how to remove the copy. */
export interface ChildConfig {
  readonly env: Record<string, string>
  remove(): Promise<void>
}

/** Make the child's config file from the one `env` points at. */
export async function childConfig(env: Record<string, string | undefined>, logger: Logger): Promise<ChildConfig> {
  const none: ChildConfig = { env: {}, remove: async () => {} }
  let file: string | undefined
  try {
    // The file the credential sources read (config/profiles.ts loadProfiles), as they find it.
    file = sharedFilePaths(env, getPlatform().homeDir()).configFile
  } catch {
    return none
  }
  if (file === undefined) return none
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    // No file, nothing to shadow; an unreadable one was already reported by the sources if used.
    return none
  }
  const { text: safe, removed } = withoutCredentials(text)
  if (removed === 0) return none
  // mkdtemp makes the directory 0700; the copy holds no secret, but it is the user's config.
  const dir = await mkdtemp(join(tmpdir(), 'stsrefresh-exec-'))
  const copy = join(dir, 'config')
  await writeFile(copy, safe, { mode: 0o600 })
  logger.debug(`exec: the command's AWS_CONFIG_FILE is a copy of ${file} without its ${removed} credential setting(s)`, {
    file,
  })
  return { env: { AWS_CONFIG_FILE: copy }, remove: () => rm(dir, { recursive: true, force: true }) }
}
