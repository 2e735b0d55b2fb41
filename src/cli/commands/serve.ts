/**
 * `stsrefresh serve`: the credential server in the foreground, for shells and CI jobs whose
 * later steps should get refreshing credentials (`--github-env`).
 */
import type { CAC } from 'cac'
import process from 'node:process'
import { untilStopped } from '../../runtime/signals.ts'
import { startCredentialServer } from '../../runtime/credential-server.ts'
import { appendGitHubEnv, githubEnvFile } from '../../runtime/github-env.ts'
import { addCredentialOptions, effectiveEnv, parseCredentialFlags } from '../credential-options.ts'
import { openCredentials } from '../credential-session.ts'
import { formatEnv, githubMasks } from '../env-format.ts'
import { createCliLogger, err, out, UsageError } from '../output.ts'
import { servedAdvisoryWindowMs } from './exec.ts'

/** Register `serve`. */
export function registerServe(cli: CAC): void {
  addCredentialOptions(cli.command('serve', 'Serve always-fresh credentials on 127.0.0.1 until stopped'))
    .option('--port <port>', 'Port on 127.0.0.1 (0 = any free port)', { default: 0 })
    .option('--github-env', 'Append the two variables to $GITHUB_ENV (token masked) for later steps')
    .example('  stsrefresh serve --role-arn arn:aws:iam::123456789012:role/ci > creds.env &  sleep 1; . ./creds.env')
    .example('  stsrefresh serve --github-oidc --role-arn arn:aws:iam::123456789012:role/ci --github-env &')
    .action(async (raw: Record<string, unknown>) => {
      const flags = parseCredentialFlags(raw)
      const port = Number(raw.port ?? 0)
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new UsageError(`--port must be a port number from 0 to 65535 (got ${String(raw.port)})`)
      }
      if (raw.githubEnv) githubEnvFile(effectiveEnv(flags))
      const logger = createCliLogger(flags.verbose)
      const { session, region, env } = await openCredentials(flags, { logger, advisoryWindowMs: servedAdvisoryWindowMs })
      await session.get()
      const server = await startCredentialServer({ session, logger, port })
      // Listen for the stop signals before announcing anything: whoever reads the variables
      // may stop us right away.
      const stopped = untilStopped()
      const vars = {
        AWS_CONTAINER_CREDENTIALS_FULL_URI: server.url,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: server.token,
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
      }
      if (raw.githubEnv) {
        out(githubMasks([server.token]))
        const file = await appendGitHubEnv(env, formatEnv(vars, 'github'))
        err(`stsrefresh: wrote the credential server variables to ${file}`)
      } else {
        out(formatEnv(vars, 'sh'))
      }
      err(`stsrefresh: serving credentials on ${server.url} until SIGINT/SIGTERM`)
      const signal = await stopped
      logger.debug(`received ${signal}, stopping`)
      await server.close()
      await session.stop()
      process.exitCode = 0
    })
}
