/**
 * Running the CLI from tests: the compiled binary when `STSREFRESH_BIN` names one, else
 * `bun src/cli/main.ts`; an environment that sees nothing of this machine's AWS setup; and a
 * spawn helper that captures stdout/stderr with a kill-after bound.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))

/** The argv prefix that runs the CLI. */
export function cliCommand(): string[] {
  const bin = process.env.STSREFRESH_BIN
  return bin ? [bin] : [process.execPath, MAIN]
}

/**
 * An environment for the CLI with a private HOME and cache, no inherited AWS_* variables, no
 * instance-metadata lookups, and every AWS endpoint on a closed loopback port unless `extra`
 * says otherwise.
 */
export function isolatedCliEnv(
  home: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (
      value !== undefined &&
      !key.startsWith('AWS_') &&
      !key.startsWith('ACTIONS_') &&
      key !== 'GITHUB_ENV'
    ) {
      env[key] = value
    }
  }
  return {
    ...env,
    HOME: home,
    AWS_CONFIG_FILE: `${home}/.aws/config`,
    AWS_SHARED_CREDENTIALS_FILE: `${home}/.aws/credentials`,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    STSREFRESH_CACHE_DIR: `${home}/.cache/stsrefresh`,
    XDG_CACHE_HOME: `${home}/.cache`,
    NO_COLOR: '1',
    ...extra,
  }
}

/** What a CLI run printed and how it ended. */
export interface CliRun {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** Run the CLI with `args`, killing it after `timeoutMs` (the result then says SIGKILL). */
export function runCli(
  args: readonly string[],
  env: Record<string, string>,
  options: { readonly timeoutMs?: number; readonly stdin?: string } = {},
): Promise<CliRun> {
  const [command, ...prefix] = cliCommand()
  return new Promise((resolve, reject) => {
    const child = spawn(command!, [...prefix, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.stdin.end(options.stdin ?? '')
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}
