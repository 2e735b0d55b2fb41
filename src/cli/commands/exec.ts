/**
 * `stsrefresh exec -- <command>`: run a command whose AWS SDKs and CLI get always-fresh
 * credentials from a local credential server (the container-credentials protocol), or, with
 * `--env`, static variables that will not refresh.
 */
import type { CAC } from 'cac'
import { devNull } from 'node:os'
import process from 'node:process'
import { runChild, SpawnError } from '../../runtime/child.ts'
import { startCredentialServer } from '../../runtime/credential-server.ts'
import { childConfig } from '../child-config.ts'
import { addCredentialOptions, parseCredentialFlags } from '../credential-options.ts'
import { openCredentials } from '../credential-session.ts'
import { ExitCode } from '../exit-codes.ts'
import { createCliLogger, err, UsageError } from '../output.ts'
import { credentialVariables } from './env.ts'

// Variables that would make an SDK in the child pick other credentials before the container
// provider (env credentials and web identity come first in every SDK's chain), or that point
// at a profile; removed as aws-vault does.
const SHADOWING = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
]

/**
 * Advisory window for served credentials: botocore in a child treats under 15 minutes left as
 * due for refresh, so keep more than that whenever the lifetime allows.
 */
export function servedAdvisoryWindowMs(lifetimeMs: number): number {
  if (lifetimeMs >= 40 * 60_000) return 20 * 60_000
  // Shorter lifetimes (rehearsals against the emulator): a fifth of the lifetime, but at least
  // a second (or half the lifetime) so a client's round trip never receives expired credentials.
  return Math.max(lifetimeMs * 0.2, Math.min(lifetimeMs / 2, 1_000))
}

/** The child's environment: the parent's, minus the shadowing variables, plus `extra`. */
export function childEnv(
  base: Record<string, string | undefined>,
  extra: Record<string, string>,
): Record<string, string | undefined> {
  const env = { ...base }
  for (const name of SHADOWING) delete env[name]
  return { ...env, ...extra }
}

/** Register `exec`. */
export function registerExec(cli: CAC): void {
  addCredentialOptions(cli.command('exec [...command]', 'Run a command with always-fresh credentials'))
    .option('--env', 'Inject static credential variables instead of the credential server (no refresh)')
    .example('  stsrefresh exec --role-arn arn:aws:iam::123456789012:role/deploy -- terraform apply')
    .example('  stsrefresh exec --profile migration -- python migrate.py')
    .action(async (positional: string[], raw: Record<string, unknown>) => {
      const flags = parseCredentialFlags(raw)
      const argv = [...positional, ...((raw['--'] as string[] | undefined) ?? [])]
      const [command, ...args] = argv
      if (!command) throw new UsageError('exec needs a command to run: stsrefresh exec [options] -- <command> [args...]')
      const logger = createCliLogger(flags.verbose)
      const { session, region, env } = await openCredentials(flags, {
        logger,
        advisoryWindowMs: servedAdvisoryWindowMs,
        autoStart: !raw.env,
      })
      // Fail before starting the command when no credentials can be had at all.
      const first = await session.get()
      const regionVars = { AWS_REGION: region, AWS_DEFAULT_REGION: region }
      let code: number
      if (raw.env) {
        await session.stop()
        const until = first.expiration ? `; they expire at ${first.expiration.toISOString()}` : ''
        err(`stsrefresh: warning: --env injects static credentials that will not refresh${until}`)
        code = await run(command, args, childEnv(env, credentialVariables(first, region)))
      } else {
        const server = await startCredentialServer({ session, logger })
        logger.debug('credential server listening', { url: server.url })
        // Its SDK must not find credentials of its own in ~/.aws/config first.
        const config = await childConfig(env, logger)
        try {
          code = await run(
            command,
            args,
            childEnv(env, {
              ...regionVars,
              ...config.env,
              AWS_CONTAINER_CREDENTIALS_FULL_URI: server.url,
              AWS_CONTAINER_AUTHORIZATION_TOKEN: server.token,
              // Nor static keys in ~/.aws/credentials.
              AWS_SHARED_CREDENTIALS_FILE: devNull,
            }),
          )
        } finally {
          await config.remove()
          await server.close()
          await session.stop()
        }
      }
      process.exitCode = code
    })
}

async function run(command: string, args: string[], env: Record<string, string | undefined>): Promise<number> {
  try {
    return await runChild(command, args, env)
  } catch (error) {
    if (error instanceof SpawnError) {
      err(`stsrefresh: ${error.message}`)
      return error.exitCode === 127 ? ExitCode.commandNotFound : ExitCode.commandNotExecutable
    }
    throw error
  }
}
