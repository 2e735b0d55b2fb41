/**
 * `stsrefresh credential-process`: print credentials in the `credential_process` format
 * (Version 1) for ~/.aws/config, reusing a private on-disk cache while enough life remains.
 */
import type { CAC } from 'cac'
import process from 'node:process'
import { maskKey } from '../../credentials/redact.ts'
import { cacheKey, defaultCacheDir, openCredentialCache, type CachedEntry } from '../../runtime/credential-cache.ts'
import type { Credentials } from '../../types.ts'
import { addCredentialOptions, effectiveEnv, parseCredentialFlags } from '../credential-options.ts'
import { createCliLogger, out } from '../output.ts'

// botocore treats credentials with under 15 minutes left as due for refresh (its advisory
// window) and would run us again on every call; so reuse cached ones only while they have
// comfortably more, or half their life when they are short-lived anyway.
const BOTOCORE_ADVISORY_MS = 15 * 60_000
const MARGIN_MS = 60_000

function reusable(entry: CachedEntry, now: number): boolean {
  const expires = entry.credentials.expiration?.getTime()
  if (expires === undefined) return false
  const lifetime = entry.issued ? expires - entry.issued.getTime() : Number.POSITIVE_INFINITY
  const needed = Math.min(BOTOCORE_ADVISORY_MS + MARGIN_MS, lifetime / 2)
  return expires - now > needed
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

/** Register `credential-process`. */
export function registerCredentialProcess(cli: CAC): void {
  addCredentialOptions(
    cli.command('credential-process', 'Print credentials for credential_process in ~/.aws/config (cached)'),
  )
    .option('--no-cache', 'Always fetch new credentials')
    .example('  # ~/.aws/config')
    .example('  [profile migration]')
    .example('  credential_process = stsrefresh credential-process --role-arn arn:aws:iam::123456789012:role/migration')
    .action(async (raw: Record<string, unknown>) => {
      const flags = parseCredentialFlags(raw)
      const logger = createCliLogger(flags.verbose)
      const env = effectiveEnv(flags)
      const { verbose: _verbose, ...configuration } = flags
      const key = await cacheKey({
        configuration,
        env: ['AWS_PROFILE', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_STS', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'].map((name) => env[name] ?? null),
      })
      const cache = raw.cache === false ? undefined : await openCredentialCache(defaultCacheDir(env), (m) => logger.debug(m))
      const cached = await cache?.read(key)
      if (cached && reusable(cached, Date.now())) {
        logger.debug('using cached credentials', { accessKeyId: maskKey(cached.credentials.accessKeyId) })
        out(formatCredentialProcess(cached.credentials))
        return
      }
      const fetchFresh = async (): Promise<Credentials> => {
        const again = await cache?.read(key)
        if (again && reusable(again, Date.now())) return again.credentials
        // Loaded only on a cache miss: the credential sources are most of the start-up cost.
        const { openCredentials } = await import('../credential-session.ts')
        const { session } = await openCredentials(flags, { logger, autoStart: false })
        try {
          const credentials = await session.get()
          await cache?.write(key, credentials)
          return credentials
        } finally {
          await session.stop()
        }
      }
      const credentials = cache ? await cache.withLock(key, fetchFresh) : await fetchFresh()
      out(formatCredentialProcess(credentials))
      process.exitCode = 0
    })
}
