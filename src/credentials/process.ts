/**
 * `credential_process`: run a command that prints credentials as JSON on stdout, the format
 * the AWS CLI documents (`Version: 1`, `AccessKeyId`, `SecretAccessKey`, optional
 * `SessionToken`, `Expiration`, `AccountId`).
 * See https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html
 * stdout holds secrets, so no error ever quotes it; stderr's tail is quoted to explain failures.
 */
import * as z from 'zod/mini'
import { systemClock } from '../clock.ts'
import { ConfigError, CredentialsError } from '../errors.ts'
import { silentLogger } from '../logger.ts'
import { getPlatform } from '../platform.ts'
import type { Platform } from '../platform.ts'
import type { Clock, Logger } from '../types.ts'
import { namedProvider } from './input.ts'
import type { NamedCredentialProvider } from './input.ts'
import { maskKey, printable } from './redact.ts'

/** Options of {@link fromProcess}. */
export interface FromProcessOptions {
  /** The command line, run through the shell as the AWS CLI runs it. */
  readonly command: string
  /** The profile it came from, for messages; default `default`. */
  readonly profile?: string
  /** Used when the output has no `AccountId` (the profile's `aws_account_id`). */
  readonly accountId?: string
  /** Default: the platform's `runCommand`, looked up at call time. */
  readonly runCommand?: Platform['runCommand']
  /** Environment for the command; default: inherit the process environment. */
  readonly env?: Record<string, string | undefined>
  /** Kill the command after this long; default 60 000 ms. */
  readonly timeoutMs?: number
  readonly clock?: Clock
  readonly logger?: Logger
}

const nonEmpty = z.string().check(z.minLength(1, { error: 'must be a non-empty string' }))

const outputSchema = z.object({
  Version: z.literal(1),
  AccessKeyId: nonEmpty,
  SecretAccessKey: nonEmpty,
  SessionToken: z.optional(z.string()),
  Expiration: z.optional(
    z.string().check(
      z.refine((value: string) => Number.isFinite(Date.parse(value)), {
        error: 'must be an ISO 8601 date-time',
      }),
    ),
  ),
  AccountId: z.optional(z.string()),
})

/** The last `max` characters of stderr, trimmed, on one line-ish. */
function tail(text: string, max = 400): string {
  const trimmed = text.trim()
  return trimmed.length > max ? `…${trimmed.slice(-max)}` : trimmed
}

/**
 * The profiles whose `credential_process` is running further up this chain of processes. Each
 * command gets the list in its environment, so a command whose own source credentials resolve
 * back to the same profile (typically through the `AWS_PROFILE` that the SDK which ran it
 * passes down) stops at the second turn instead of starting itself forever.
 */
export const RUNNING_PROFILES_VARIABLE = 'STSREFRESH_CREDENTIAL_PROCESS_PROFILES'

function runningProfiles(env: Record<string, string | undefined>): string[] {
  try {
    const list: unknown = JSON.parse(env[RUNNING_PROFILES_VARIABLE] ?? '[]')
    return Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : []
  } catch {
    return []
  }
}

/**
 * Credentials from a `credential_process` command. A command that fails to start, times out,
 * exits non-zero, or prints anything but valid Version 1 JSON (or expired credentials) is a
 * {@link CredentialsError} naming the profile; never "not configured".
 */
export function fromProcess(options: FromProcessOptions): NamedCredentialProvider {
  const { profile = 'default', timeoutMs = 60_000 } = options
  const { clock = systemClock, logger = silentLogger } = options
  const label = `credential_process of profile "${profile}"`
  const fail = (message: string, cause?: unknown): CredentialsError =>
    new CredentialsError(`${label} ${message}`, {
      source: 'process',
      ...(cause === undefined ? {} : { cause }),
    })

  return namedProvider('process', async () => {
    const run = options.runCommand ?? ((line, opts) => getPlatform().runCommand(line, opts))
    const env = (options.env ?? getPlatform().env()) as Record<string, string | undefined>
    const running = runningProfiles(env)
    if (running.includes(profile)) {
      throw new ConfigError(
        `${label} came back to itself (${[...running, profile].map((name) => `"${name}"`).join(' -> ')}): ` +
          `its command got its source credentials from profile "${profile}" again, e.g. through the ` +
          `AWS_PROFILE=${profile} the SDK that ran it passes down. Name the source explicitly ` +
          '(stsrefresh: --profile <the profile whose credentials assume the role>)',
        { profile, key: 'credential_process' },
      )
    }
    const commandEnv = { ...env, [RUNNING_PROFILES_VARIABLE]: JSON.stringify([...running, profile]) }
    let result
    try {
      result = await run(options.command, { timeoutMs, env: commandEnv })
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw fail(`could not be run: ${reason}`, error)
    }
    if (result.exitCode !== 0) {
      // Someone else's text: one line, control characters escaped, so it cannot forge log
      // lines or send terminal escapes.
      const stderr = printable(tail(result.stderr))
      const detail = stderr ? `; stderr: ${stderr}` : ' and printed nothing on stderr'
      throw fail(`exited with code ${result.exitCode}${detail}`)
    }
    let json: unknown
    try {
      json = JSON.parse(result.stdout.trim())
    } catch {
      throw fail('did not print valid JSON on stdout (output withheld: it may hold secrets)')
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw fail('printed JSON that is not an object with Version, AccessKeyId and SecretAccessKey')
    }
    const version = (json as { Version?: unknown }).Version
    if (version !== 1) {
      const shown =
        version === undefined ? 'no Version' : `Version ${JSON.stringify(version).slice(0, 20)}`
      throw fail(`printed ${shown}; only "Version": 1 is supported`)
    }
    const parsed = outputSchema.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const field = issue?.path.join('.') || '(output)'
      const message =
        issue?.code === 'invalid_type' ? 'is missing or has the wrong type' : issue?.message
      throw fail(`printed JSON whose ${field} ${message ?? 'is invalid'}`)
    }
    const data = parsed.data
    let expiration: Date | undefined
    if (data.Expiration !== undefined) {
      expiration = new Date(Date.parse(data.Expiration))
      if (expiration.getTime() <= clock.now()) {
        throw fail(`returned credentials that expired at ${expiration.toISOString()}`)
      }
    }
    const accountId = data.AccountId || options.accountId
    logger.debug('credentials: from credential_process', {
      profile,
      accessKeyId: maskKey(data.AccessKeyId),
      expiration: expiration?.toISOString(),
    })
    return {
      accessKeyId: data.AccessKeyId,
      secretAccessKey: data.SecretAccessKey,
      ...(data.SessionToken ? { sessionToken: data.SessionToken } : {}),
      ...(expiration ? { expiration } : {}),
      ...(accountId ? { accountId } : {}),
    }
  })
}
