/** `stsrefresh env`: print credentials once as variables (they will not refresh). */
import type { CAC } from 'cac'
import { appendGitHubEnv, checkGitHubEnv } from '../../runtime/github-env.ts'
import { privateStdout } from '../../runtime/private-stdout.ts'
import type { Credentials } from '../../types.ts'
import { addCredentialOptions, effectiveEnv, parseCredentialFlags } from '../credential-options.ts'
import { openCredentials } from '../credential-session.ts'
import { ENV_FORMATS, formatEnv, githubMasks, type EnvFormat } from '../env-format.ts'
import { createCliLogger, err, out, UsageError } from '../output.ts'

/** The variables the AWS CLI and SDKs read for static credentials. */
export function credentialVariables(credentials: Credentials, region: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
    ...(credentials.expiration ? { AWS_CREDENTIAL_EXPIRATION: credentials.expiration.toISOString() } : {}),
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
  }
}

/** Register `env`. */
export function registerEnv(cli: CAC): void {
  addCredentialOptions(cli.command('env', 'Print credentials as environment variables, once (no refresh)'))
    .option('--format <format>', `One of ${ENV_FORMATS.join(', ')}`, { default: 'sh' })
    .example('  eval "$(stsrefresh env --role-arn arn:aws:iam::123456789012:role/ci)"')
    .example('  stsrefresh env --format github   # inside a GitHub Actions step')
    .action(async (raw: Record<string, unknown>) => {
      const flags = parseCredentialFlags(raw)
      const format = String(raw.format ?? 'sh')
      if (!(ENV_FORMATS as readonly string[]).includes(format)) {
        throw new UsageError(`--format must be one of ${ENV_FORMATS.join(', ')} (got ${format})`)
      }
      // Fail before any credentials are fetched (and masks printed) when they could not be written.
      if (format === 'github') await checkGitHubEnv(effectiveEnv(flags))
      const logger = createCliLogger(flags.verbose)
      const { session, region, env } = await openCredentials(flags, { logger, autoStart: false })
      const credentials = await session.get().finally(() => session.stop())
      const vars = credentialVariables(credentials, region)
      const until = credentials.expiration ? ` and expire at ${credentials.expiration.toISOString()}` : ''
      err(`stsrefresh: warning: these credentials will not refresh${until}; use \`stsrefresh exec\` or \`serve\` for long jobs`)
      // Either output holds the secrets (the variables, or the mask lines): a file of ours on
      // stdout must not be readable by others.
      if (privateStdout()) logger.debug('stdout is a file: made it 0600 (it holds the secret key)')
      if (format === 'github') {
        // Mask the key id too, as aws-actions/configure-aws-credentials does: it identifies the account.
        const secrets = [credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken].filter((s): s is string => !!s)
        out(githubMasks(secrets))
        const file = await appendGitHubEnv(env, formatEnv(vars, 'github'))
        err(`stsrefresh: wrote ${Object.keys(vars).length} variables to ${file}`)
        return
      }
      out(formatEnv(vars, format as EnvFormat))
    })
}
