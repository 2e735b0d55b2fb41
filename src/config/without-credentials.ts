/**
 * The shared config file as a child of `stsrefresh exec` should see it: every setting kept
 * (region, retries, s3 options, other profiles), but nothing that an SDK's default chain would
 * take before the container credentials that exec serves. botocore checks the config file's
 * providers (static keys, `role_arn`, `credential_process`, SSO, web identity) before the
 * container provider, so a `[default]` profile with any of those would silently win over the
 * served, refreshing credentials (botocore credentials.py, `create_credential_resolver`).
 *
 * - Static keys go from every profile: the copy then holds no secret, and the child cannot use
 *   long-term keys of the config file, as it cannot those of the credentials file (exec points
 *   `AWS_SHARED_CREDENTIALS_FILE` at an empty file).
 * - The default profile also loses what makes it a credential source of its own.
 *
 * Line-based, so comments and layout survive; the syntax is ini.ts's (keys case-insensitive,
 * `=` or `:`, indented lines continue the key above them).
 */

const SECRET_KEYS = new Set(['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_security_token'])

const SOURCE_KEYS = new Set([
  'role_arn',
  'source_profile',
  'credential_source',
  'credential_process',
  'web_identity_token_file',
  'sso_session',
  'sso_start_url',
  'sso_region',
  'sso_account_id',
  'sso_role_name',
  'login_session',
])

const HEADER = /^\s*\[([^\]]*)\]/
const KEY = /^([^\s=:#;[][^=:]*?)\s*[=:]/

/** `text` without credential settings; the second value says whether anything was removed. */
export function withoutCredentials(text: string): { text: string; removed: number } {
  const lines = text.split(/(?<=\n)/)
  const kept: string[] = []
  let isDefault = false
  let dropping = false
  // The indentation of the key above, if any: only a line indented deeper continues it (ini.ts's
  // and configparser's rule). An indented key right under a header, or beside another indented
  // key, is a key, and must not slip into the copy as a "continuation".
  let entryIndent: number | undefined
  let removed = 0
  for (const line of lines) {
    const header = HEADER.exec(line)
    if (header) {
      const name = header[1]!.trim()
      isDefault = name === 'default' || /^profile\s+default$/.test(name)
      dropping = false
      entryIndent = undefined
      kept.push(line)
      continue
    }
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) {
      kept.push(line)
      continue
    }
    const indent = line.length - line.trimStart().length
    // A line indented deeper than the key above continues (or nests under) it.
    if (entryIndent !== undefined && indent > entryIndent) {
      if (!dropping) kept.push(line)
      continue
    }
    const key = KEY.exec(trimmed)?.[1]?.toLowerCase()
    entryIndent = key === undefined ? undefined : indent
    dropping = key !== undefined && (SECRET_KEYS.has(key) || (isDefault && SOURCE_KEYS.has(key)))
    if (dropping) removed++
    else kept.push(line)
  }
  return { text: kept.join(''), removed }
}
