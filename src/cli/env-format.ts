/**
 * Render variables for shells and CI systems. Values are quoted for each shell so that no value
 * can break out of its assignment.
 */

/** The formats `stsrefresh env` prints. */
export const ENV_FORMATS = ['sh', 'fish', 'powershell', 'json', 'dotenv', 'github'] as const
/** One of {@link ENV_FORMATS}. */
export type EnvFormat = (typeof ENV_FORMATS)[number]

const shQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`
const fishQuote = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
const psQuote = (value: string): string => `'${value.replace(/'/g, "''")}'`
const dotenvQuote = (value: string): string =>
  /^[\w@%+=:,./-]*$/.test(value) ? value : `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`

/** Render `vars` in `format` (for `github`, the `$GITHUB_ENV` file's `NAME=value` lines). */
export function formatEnv(vars: Readonly<Record<string, string>>, format: EnvFormat): string {
  const entries = Object.entries(vars)
  switch (format) {
    case 'sh':
      return entries.map(([k, v]) => `export ${k}=${shQuote(v)}`).join('\n')
    case 'fish':
      return entries.map(([k, v]) => `set -gx ${k} ${fishQuote(v)};`).join('\n')
    case 'powershell':
      return entries.map(([k, v]) => `$Env:${k} = ${psQuote(v)}`).join('\n')
    case 'json':
      return JSON.stringify(vars, null, 2)
    case 'dotenv':
      return entries.map(([k, v]) => `${k}=${dotenvQuote(v)}`).join('\n')
    case 'github':
      // Multi-line values would need the heredoc form; none of ours contain newlines.
      return entries.map(([k, v]) => `${k}=${v.replace(/[\r\n]/g, '')}`).join('\n')
  }
}

/** GitHub Actions workflow commands that mask each secret in later log output. */
export function githubMasks(secrets: readonly string[]): string {
  return secrets.map((s) => `::add-mask::${s}`).join('\n')
}
