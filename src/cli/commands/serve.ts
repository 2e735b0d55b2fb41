/**
 * `stsrefresh serve`: the credential server in the foreground, for shells and CI jobs whose
 * later steps should get refreshing credentials (`--github-env`).
 */
import type { CAC } from 'cac'
import process from 'node:process'
import { isConfigError } from '../../errors.ts'
import { untilStopped } from '../../runtime/signals.ts'
import { startCredentialServer } from '../../runtime/credential-server.ts'
import { appendGitHubEnv, checkGitHubEnv } from '../../runtime/github-env.ts'
import { privateStdout } from '../../runtime/private-stdout.ts'
import { addCredentialOptions, effectiveEnv, parseCredentialFlags } from '../credential-options.ts'
import { openCredentials } from '../credential-session.ts'
import { formatEnv, githubMasks } from '../env-format.ts'
import { createCliLogger, err, out, UsageError } from '../output.ts'
import { servedAdvisoryWindowMs } from './exec.ts'

/** A port the server could not listen on (in use, privileged), with what to do about it. */
function portError(error: unknown, port: number): unknown {
  if (!isConfigError(error) || error.key !== 'port') return error
  return new UsageError(
    `--port ${port}: ${error.message}; choose another port, or omit --port to use any free one`,
  )
}

/** Register `serve`. */
export function registerServe(cli: CAC): void {
  addCredentialOptions(cli.command('serve', 'Serve always-fresh credentials on 127.0.0.1 until stopped'))
    .option('--port <port>', 'Port on 127.0.0.1 (0 = any free port)', { default: 0 })
    .option('--github-env', 'Append the variables to $GITHUB_ENV for later steps; print only the ::add-mask:: line for the token')
    .example('  stsrefresh serve --role-arn arn:aws:iam::123456789012:role/ci > creds.env &  sleep 1; . ./creds.env')
    .example('  stsrefresh serve --github-oidc --role-arn arn:aws:iam::123456789012:role/ci --github-env > serve.out 2> serve.log &')
    .example("  # in a GitHub Actions step: wait for serve.out's ::add-mask:: line, then cat serve.out (see README)")
    .action(async (raw: Record<string, unknown>) => {
      const flags = parseCredentialFlags(raw)
      const port = Number(raw.port ?? 0)
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new UsageError(`--port must be a port number from 0 to 65535 (got ${String(raw.port)})`)
      }
      // Fail before anything is fetched or printed when the variables could not be written.
      if (raw.githubEnv) await checkGitHubEnv(effectiveEnv(flags))
      const logger = createCliLogger(flags.verbose)
      const { session, region, env } = await openCredentials(flags, { logger, advisoryWindowMs: servedAdvisoryWindowMs })
      // Listen before fetching credentials, so a port in use is reported before any STS call.
      const server = await startCredentialServer({ session, logger, port }).catch(async (error: unknown) => {
        await session.stop()
        throw portError(error, port)
      })
      try {
        await session.get()
        // Listen for the stop signals before announcing anything: whoever reads the variables
        // may stop us right away.
        const stopped = untilStopped()
        const vars = {
          AWS_CONTAINER_CREDENTIALS_FULL_URI: server.url,
          AWS_CONTAINER_AUTHORIZATION_TOKEN: server.token,
          AWS_REGION: region,
          AWS_DEFAULT_REGION: region,
        }
        // Either output holds the token (the export lines, or the mask line, which the README's
        // step sends to a file): in a file others could read it would be their key.
        if (privateStdout()) logger.debug('stdout is a file: made it 0600 (it holds the token)')
        if (raw.githubEnv) {
          // The runner reads $GITHUB_ENV only when the step ends, so writing it before the mask
          // leaks nothing; the mask, printed last and alone, tells a waiting step serve is ready.
          const file = await appendGitHubEnv(env, formatEnv(vars, 'github'))
          err(`stsrefresh: wrote the credential server variables to ${file}`)
          out(githubMasks([server.token]))
        } else {
          out(formatEnv(vars, 'sh'))
        }
        err(`stsrefresh: serving credentials on ${server.url} until SIGINT/SIGTERM`)
        logger.debug(`received ${await stopped}, stopping`)
      } finally {
        // Also on a failure: a listening server would keep the process alive.
        await server.close()
        await session.stop()
      }
      process.exitCode = 0
    })
}
