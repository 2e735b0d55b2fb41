/** `stsrefresh whoami`: GetCallerIdentity with the configured credentials, as JSON. */
import type { CAC } from 'cac'
import { resolveEndpoint } from '../../aws/endpoints.ts'
import { createStsClient } from '../../sts.ts'
import { addCredentialOptions, parseCredentialFlags } from '../credential-options.ts'
import { openCredentials } from '../credential-session.ts'
import { createCliLogger, explainUnreachable, out } from '../output.ts'

/** Register `whoami`. */
export function registerWhoami(cli: CAC): void {
  addCredentialOptions(cli.command('whoami', 'Print the caller identity (STS GetCallerIdentity) as JSON'))
    .example('  stsrefresh whoami --profile migration')
    .action(async (raw: Record<string, unknown>) => {
      const flags = parseCredentialFlags(raw)
      const logger = createCliLogger(flags.verbose)
      const { session, region, env } = await openCredentials(flags, { logger, autoStart: false })
      try {
        // Resolved here so that a failure to reach it can name it.
        const endpoint = resolveEndpoint('sts', region, { env })
        const sts = createStsClient({ region, env, endpoint, credentials: session, logger })
        const identity = await sts.getCallerIdentity().catch((error: unknown) => {
          throw explainUnreachable(error, endpoint)
        })
        out(JSON.stringify({ UserId: identity.UserId, Account: identity.Account, Arn: identity.Arn }, null, 2))
      } finally {
        await session.stop()
      }
    })
}
