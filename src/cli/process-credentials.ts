/**
 * What both `credential-process` paths share: the cache key of a configuration, when cached
 * credentials may be reused, and the output format. The full command (commands/credential-process.ts)
 * and the start-up fast path (cached-credential-process.ts) must agree on all three, or a cache
 * written by one would be missed or misjudged by the other.
 */
import { cacheKey, type CachedEntry, fileStamp } from '../runtime/credential-cache-file.ts'
import type { Credentials } from '../types.ts'
import type { CredentialFlags } from './credential-options.ts'

// botocore treats credentials with under 15 minutes left as due for refresh (its advisory
// window) and would run us again on every call; so reuse cached ones only while they have
// comfortably more, or half their life when they are short-lived anyway.
const BOTOCORE_ADVISORY_MS = 15 * 60_000
const MARGIN_MS = 60_000

/** Whether a cached entry has enough life left to hand out at `now`. */
export function reusable(entry: CachedEntry, now: number): boolean {
  const expires = entry.credentials.expiration?.getTime()
  if (expires === undefined) return false
  const lifetime = entry.issued ? expires - entry.issued.getTime() : Number.POSITIVE_INFINITY
  const needed = Math.min(BOTOCORE_ADVISORY_MS + MARGIN_MS, lifetime / 2)
  return expires - now > needed
}

/**
 * Whether the files an entry was written against (CachedEntry.files) are the versions they were
 * then: another token in a profile's `web_identity_token_file` is another identity.
 */
export function sameFiles(entry: CachedEntry): boolean {
  const files = entry.files
  if (files === undefined) return true
  for (const path in files) if (fileStamp(path) !== files[path]) return false
  return true
}

// The variables that change which credentials a configuration yields: which source the default
// chain picks (chain.ts), which role and session, and which STS answers.
const KEYED_ENV = [
  'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ROLE_ARN', 'AWS_ROLE_SESSION_NAME', 'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_STS', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', 'AWS_REGION',
  'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  // Whose GitHub Actions OIDC token `--github-oidc` would fetch: each job has its own request
  // token, and a job must not be handed another job's session (a persistent self-hosted runner
  // shares one cache). The token is only hashed into the key with the rest, never stored.
  'ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
] as const

/**
 * The cache key of flags (as credentialFlagsOf shapes them; the full command validates them
 * first) in the environment the sources would see, and the versions of the shared config and
 * credentials files (their paths as config/profiles.ts' sharedFilePaths gives them), so an
 * edited profile (another role, rotated keys) never gets the credentials cached before the edit.
 * Written without helper functions: on the fast path each function is compiled at its first
 * call (Findings 16).
 */
export function credentialProcessKey(flags: CredentialFlags, env: Record<string, string | undefined>): Promise<string> {
  const { verbose: _verbose, ...configuration } = flags
  const home = env.HOME ?? env.USERPROFILE
  // The version of the web identity token file too: another token there (another job's, another
  // identity) must not get the credentials the last one was exchanged for.
  const tokenFile = flags.webIdentityTokenFile ?? env.AWS_WEB_IDENTITY_TOKEN_FILE ?? null
  const files: (string | null)[] = [env.AWS_CONFIG_FILE || '~/.aws/config', env.AWS_SHARED_CREDENTIALS_FILE || '~/.aws/credentials', tokenFile]
  for (let i = 0; i < files.length; i++) {
    const path = files[i]!
    // An unresolvable `~` is the profile loader's to report; it keys nothing here.
    if (path !== null) files[i] = fileStamp(path.startsWith('~') ? (home === undefined ? null : home + path.slice(1)) : path)
  }
  return cacheKey({ configuration, env: KEYED_ENV.map((name) => env[name] ?? null), files })
}

/** The credential_process JSON: https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sourcing-external.html */
export function formatCredentialProcess(credentials: Credentials): string {
  return JSON.stringify({
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { SessionToken: credentials.sessionToken } : {}),
    ...(credentials.expiration ? { Expiration: credentials.expiration.toISOString() } : {}),
  })
}
