/**
 * The start-up fast path of `credential-process`: the AWS CLI and SDKs start the program for
 * every call that needs credentials, and nearly every start finds them in the cache. This path
 * answers such a start without loading cac, the commands or the credential sources, so a cached
 * run costs about what an empty program costs (scripts/bench/README.md, Findings 10).
 *
 * It takes only the plain shape of the command line (`credential-process` first, then the shared
 * credential flags as `--flag value` or `--flag=value`, each at most once) and only a cache hit.
 * Anything else (another flag, `--verbose`, `--no-cache`, `--help`, a bad value, a miss, an
 * expiring entry) returns false and the full command runs, which owns every message and error.
 */
import { cacheDir, readCacheEntry, trustedDir } from '../runtime/credential-cache-file.ts'
import { CREDENTIAL_FLAG_DEFAULTS, effectiveEnv, parseCredentialFlags } from './credential-options.ts'
import { credentialProcessKey, formatCredentialProcess, reusable } from './process-credentials.ts'

// The value flags of addCredentialOptions, by the camelCase key cac gives them.
const VALUE_FLAGS: Readonly<Record<string, string>> = {
  '--profile': 'profile',
  '--role-arn': 'roleArn',
  '--role-session-name': 'roleSessionName',
  '--external-id': 'externalId',
  '--duration': 'duration',
  '--web-identity-token-file': 'webIdentityTokenFile',
  '--audience': 'audience',
  '--region': 'region',
  '--endpoint-url': 'endpointUrl',
}

/**
 * The options cac would produce for `args` (what follows `credential-process`), or undefined when
 * they are not of the plain shape this path takes.
 */
export function plainCredentialArgs(args: readonly string[]): Record<string, unknown> | undefined {
  const raw: Record<string, unknown> = {}
  const seen = new Set<string>()
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!
    const eq = token.indexOf('=')
    const name = eq === -1 ? token : token.slice(0, eq)
    if (name === '--github-oidc' && eq === -1) {
      if (seen.has(name)) return undefined
      seen.add(name)
      raw.githubOidc = true
      continue
    }
    const key = Object.hasOwn(VALUE_FLAGS, name) ? VALUE_FLAGS[name] : undefined
    if (key === undefined || seen.has(name)) return undefined
    seen.add(name)
    const value = eq === -1 ? args[++i] : token.slice(eq + 1)
    // A missing value, or one cac could read as a flag: leave it to the full command.
    if (value === undefined || value.startsWith('-')) return undefined
    raw[key] = value
  }
  return { duration: CREDENTIAL_FLAG_DEFAULTS.duration, audience: CREDENTIAL_FLAG_DEFAULTS.audience, ...raw }
}

/** Print cached credentials for `args` if the fast path applies; false when it does not. */
export async function answerFromCache(args: readonly string[]): Promise<boolean> {
  const raw = plainCredentialArgs(args)
  if (!raw) return false
  let flags
  try {
    flags = parseCredentialFlags(raw)
  } catch {
    return false
  }
  const env = effectiveEnv(flags)
  const ignore = (): void => {}
  // No home in the environment: the full command asks the OS for it.
  const dir = cacheDir(env, () => undefined)
  if (dir === undefined || !trustedDir(dir, ignore)) return false
  const entry = readCacheEntry(dir, await credentialProcessKey(flags, env), ignore)
  if (!entry || !reusable(entry, Date.now())) return false
  // console.log, not process.stdout.write: see out() in output.ts.
  console.log(formatCredentialProcess(entry.credentials))
  return true
}
