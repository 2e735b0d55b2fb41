/**
 * Real AWS clients no one here wrote: Debian's `awscli` and `python3-boto3`. Tests that need them
 * call these; where a tool is absent the test skips with a message, except under CI (CI=true),
 * where `.ci/run` installs them and a missing tool is a failure.
 */
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'

const inCi = process.env.CI === 'true'

function unavailable(what: string): undefined {
  if (inCi) throw new Error(`${what} is required in CI (.ci/run installs it with apt-get)`)
  console.warn(`skipping: ${what} is not installed (apt-get install awscli python3-boto3)`)
  return undefined
}

/** Debian's AWS CLI (`/usr/bin/aws`), or undefined (with a skip message) where absent. */
export function debianAwsCli(): string | undefined {
  return existsSync('/usr/bin/aws') ? '/usr/bin/aws' : unavailable("Debian's awscli (/usr/bin/aws)")
}

/** Debian's python3 when it can import boto3, or undefined (with a skip message). */
export function debianBoto3Python(): string | undefined {
  const python = '/usr/bin/python3'
  if (!existsSync(python)) return unavailable("Debian's python3 with python3-boto3")
  const probe = spawnSync(python, ['-c', 'import boto3'], { encoding: 'utf8' })
  return probe.status === 0 ? python : unavailable("Debian's python3-boto3")
}

/**
 * An environment for a real AWS client that sees nothing of this machine's AWS setup: a fresh
 * HOME, no inherited AWS_* variables, no metadata lookups, plus `extra`.
 */
export function isolatedAwsEnv(home: string, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('AWS_')) env[key] = value
  }
  return {
    ...env,
    HOME: home,
    AWS_CONFIG_FILE: `${home}/.aws/config`,
    AWS_SHARED_CREDENTIALS_FILE: `${home}/.aws/credentials`,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    ...extra,
  }
}
