/**
 * `stsrefresh credential-process`: print credentials in the `credential_process` format
 * (Version 1) for ~/.aws/config, reusing a private on-disk cache while enough life remains.
 */
import type { CAC } from 'cac'
import process from 'node:process'
import { maskKey } from '../../credentials/redact.ts'
import { fileStamp } from '../../runtime/credential-cache-file.ts'
import { defaultCacheDir, openCredentialCache } from '../../runtime/credential-cache.ts'
import type { Credentials } from '../../types.ts'
import { addCredentialOptions, effectiveEnv, parseCredentialFlags } from '../credential-options.ts'
import { createCliLogger, out } from '../output.ts'
import { credentialProcessKey, formatCredentialProcess, reusable, sameFiles } from '../process-credentials.ts'

/** Register `credential-process`. */
export function registerCredentialProcess(cli: CAC): void {
  addCredentialOptions(
    cli.command('credential-process', 'Print credentials for credential_process in ~/.aws/config (cached)'),
  )
    .option('--no-cache', 'Fetch new credentials instead of reusing cached ones')
    .example('  # ~/.aws/config')
    .example('  [profile migration]')
    .example('  credential_process = stsrefresh credential-process --profile base --role-arn arn:aws:iam::123456789012:role/migration')
    .action(async (raw: Record<string, unknown>) => {
      const flags = parseCredentialFlags(raw)
      const logger = createCliLogger(flags.verbose)
      const env = effectiveEnv(flags)
      const key = await credentialProcessKey(flags, env)
      const cache = raw.cache === false ? undefined : await openCredentialCache(defaultCacheDir(env), (m) => logger.debug(m))
      const cached = await cache?.read(key)
      if (cached && reusable(cached, Date.now()) && sameFiles(cached)) {
        logger.debug('using cached credentials', { accessKeyId: maskKey(cached.credentials.accessKeyId) })
        out(formatCredentialProcess(cached.credentials))
        return
      }
      const fetchFresh = async (): Promise<Credentials> => {
        const again = await cache?.read(key)
        if (again && reusable(again, Date.now()) && sameFiles(again)) return again.credentials
        // Loaded only on a cache miss: the credential sources are most of the start-up cost.
        const { openCredentials, profileTokenFiles } = await import('../credential-session.ts')
        const { session } = await openCredentials(flags, { logger, autoStart: false })
        try {
          // Stamped before the fetch: a token replaced meanwhile makes the entry stale, not wrong.
          const files = Object.fromEntries((await profileTokenFiles(env)).map((path) => [path, fileStamp(path)]))
          const credentials = await session.get()
          await cache?.write(key, credentials, files)
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
