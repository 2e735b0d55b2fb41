import process from 'node:process'
import { ConfigError } from '../errors.ts'

/**
 * Ask for an MFA code on the terminal, as the AWS CLI does for a profile with `mfa_serial`:
 * the prompt goes to stderr, the answer comes from stdin, which must be a terminal (a
 * `credential_process` run by another program has none, so it fails with a clear error).
 */
export async function promptMfaCode(mfaSerial: string): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new ConfigError(
      `the profile needs an MFA code for ${mfaSerial}, but stdin is not a terminal: run stsrefresh from a terminal (e.g. \`stsrefresh serve\` or \`exec\`), where each refresh of the role asks for a new code`,
      { key: 'mfa_serial' },
    )
  }
  const { createInterface } = await import('node:readline/promises')
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true })
  try {
    const code = (await rl.question(`Enter MFA code for ${mfaSerial}: `)).trim()
    if (!/^\d{6}$/.test(code)) throw new ConfigError(`an MFA code is 6 digits (got ${code.length} characters)`, { key: 'mfa_serial' })
    return code
  } finally {
    rl.close()
  }
}
