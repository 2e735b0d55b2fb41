/**
 * Whether a soak child really worked with what `exec` serves: the role's temporary credentials,
 * refreshed. Calls that succeed are not enough: with the emulator's long-term keys leaked into
 * its environment, every call of a child would succeed too.
 */

/** What a child reports about the credentials it used (see scripts/soak/*-child.*). */
export interface ChildIdentity {
  /** GetCallerIdentity's Arn at the child's start and end, or `error: ...`. */
  readonly identity?: { readonly start?: string; readonly end?: string }
  /** Every access key id its clients signed with, when the child can tell (SDK, boto3). */
  readonly keys?: readonly string[]
}

/**
 * What is wrong with a child's credentials; empty when it used the role `roleName` as session
 * `sessionName` at start and end, only temporary keys (ASIA...), and, when `expectRefresh` (it ran
 * past one credential lifetime), more than one key.
 */
export function identityProblems(
  child: ChildIdentity,
  roleName: string,
  sessionName: string,
  expectRefresh: boolean,
): string[] {
  const problems: string[] = []
  const wanted = new RegExp(`^arn:aws:sts::\\d{12}:assumed-role/${roleName}/${sessionName}$`)
  for (const when of ['start', 'end'] as const) {
    const arn = child.identity?.[when]
    if (arn === undefined) problems.push(`no GetCallerIdentity at its ${when}`)
    else if (!wanted.test(arn)) {
      problems.push(`at its ${when} it was ${arn}, not assumed-role/${roleName}/${sessionName}`)
    }
  }
  if (child.keys !== undefined) {
    const keys = new Set(child.keys)
    const long = [...keys].filter((key) => !key.startsWith('ASIA'))
    if (long.length > 0) {
      const masked = long.map((k) => `${k.slice(0, 4)}…${k.slice(-4)}`).join(', ')
      problems.push(`it signed with ${long.length} long-term key(s) (${masked})`)
    }
    if (keys.size === 0) problems.push('it reported no access key')
    else if (expectRefresh && keys.size < 2) {
      problems.push('it used one access key all along: its credentials were never refreshed')
    }
  }
  return problems
}
