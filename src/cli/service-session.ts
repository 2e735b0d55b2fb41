/**
 * What the `s3` and `ddb` commands share: the credential flags turned into a refreshing session
 * (its timer keeps credentials fresh for as long as the command runs), the region, the
 * environment the clients read endpoints from, and a logger.
 */
import type { RefreshableCredentials } from '../credentials/refreshable.ts'
import type { Logger } from '../types.ts'
import { type CredentialFlags, parseCredentialFlags } from './credential-options.ts'
import { openCredentials } from './credential-session.ts'
import { createCliLogger } from './output.ts'

/** An open session for one service command. */
export interface ServiceSession {
  readonly flags: CredentialFlags
  readonly logger: Logger
  readonly session: RefreshableCredentials
  readonly region: string
  readonly env: Record<string, string | undefined>
}

/** Open a session from raw cac flags, run `fn` with it, and stop the session afterwards. */
export async function withServiceSession<T>(
  raw: Record<string, unknown>,
  fn: (context: ServiceSession) => Promise<T>,
): Promise<T> {
  const flags = parseCredentialFlags(raw)
  const logger = createCliLogger(flags.verbose)
  const { session, region, env } = await openCredentials(flags, { logger })
  try {
    return await fn({ flags, logger, session, region, env })
  } finally {
    await session.stop()
  }
}

/** The last value of an option given once or repeated, as text; undefined when absent. */
export function textOption(raw: Record<string, unknown>, key: string): string | undefined {
  const value = Array.isArray(raw[key]) ? (raw[key] as unknown[]).at(-1) : raw[key]
  if (value === undefined || value === '' || typeof value === 'boolean') return undefined
  return String(value)
}
