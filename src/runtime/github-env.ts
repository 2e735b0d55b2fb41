import { fstatSync, statSync } from 'node:fs'
import { appendFile, open } from 'node:fs/promises'
import { devNull } from 'node:os'
import { ConfigError } from '../errors.ts'

/** The file `$GITHUB_ENV` names; throws a ConfigError outside a GitHub Actions step. */
export function githubEnvFile(env: Record<string, string | undefined>): string {
  const file = env.GITHUB_ENV
  if (!file) {
    throw new ConfigError('GITHUB_ENV is not set: --format github / --github-env only work inside a GitHub Actions step')
  }
  return file
}

/** `ENOENT: no such file or directory, open '/x'` -> `no such file or directory (ENOENT)`. */
function osReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const match = /^([A-Z][A-Z0-9_]+): ([^,]+)/.exec(message)
  return match ? `${match[2]} (${match[1]})` : message
}

// A file that cannot be written is the step's configuration (or a wrong GITHUB_ENV), not a crash.
const unwritable = (file: string, error: unknown): ConfigError =>
  new ConfigError(`cannot write the GITHUB_ENV file ${file}: ${osReason(error)}`, {
    key: 'GITHUB_ENV',
    file,
    cause: error,
  })

/** Whether stdout is the null device, which `::add-mask::` lines would never leave. */
function stdoutDiscarded(): boolean {
  try {
    const stdout = fstatSync(1)
    return stdout.isCharacterDevice() && stdout.rdev === statSync(devNull).rdev
  } catch {
    return false
  }
}

/**
 * Check, before a command fetches or prints anything, that it can hand variables to later steps
 * safely: the file `$GITHUB_ENV` names can be appended to (opened as the append will, creating
 * it if missing, as the runner would have), and stdout, where the `::add-mask::` lines go, is
 * not thrown away. Returns the file.
 */
export async function checkGitHubEnv(env: Record<string, string | undefined>): Promise<string> {
  const file = githubEnvFile(env)
  // The runner takes workflow commands from the step's output only: masks sent to /dev/null
  // would leave the secrets written to $GITHUB_ENV unmasked in every later step's log.
  if (stdoutDiscarded()) {
    throw new ConfigError(
      `stdout is ${devNull}: the runner would not see the ::add-mask:: lines, and what goes to ` +
        "$GITHUB_ENV would show unmasked in later logs; send stdout to the step's output, or to a " +
        'file the step prints',
      { key: 'GITHUB_ENV' },
    )
  }
  try {
    await (await open(file, 'a', 0o600)).close()
  } catch (error) {
    throw unwritable(file, error)
  }
  return file
}

/** Append lines to the file named by `$GITHUB_ENV`, so later steps of the job see the variables. */
export async function appendGitHubEnv(env: Record<string, string | undefined>, content: string): Promise<string> {
  const file = githubEnvFile(env)
  try {
    await appendFile(file, content.endsWith('\n') ? content : `${content}\n`, { mode: 0o600 })
  } catch (error) {
    throw unwritable(file, error)
  }
  return file
}
