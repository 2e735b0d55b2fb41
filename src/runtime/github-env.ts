import { appendFile } from 'node:fs/promises'
import { ConfigError } from '../errors.ts'

/** The file `$GITHUB_ENV` names; throws a ConfigError outside a GitHub Actions step. */
export function githubEnvFile(env: Record<string, string | undefined>): string {
  const file = env.GITHUB_ENV
  if (!file) {
    throw new ConfigError('GITHUB_ENV is not set: --format github / --github-env only work inside a GitHub Actions step')
  }
  return file
}

/** Append lines to the file named by `$GITHUB_ENV`, so later steps of the job see the variables. */
export async function appendGitHubEnv(env: Record<string, string | undefined>, content: string): Promise<string> {
  const file = githubEnvFile(env)
  await appendFile(file, content.endsWith('\n') ? content : `${content}\n`, { mode: 0o600 })
  return file
}
