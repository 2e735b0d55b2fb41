/**
 * The start-up fast path of `credential-process`: the AWS CLI and SDKs start the program for
 * every call that needs credentials, and nearly every start finds them in the cache. This path
 * answers such a start without loading cac, the commands or the credential sources, so a cached
 * run costs little more than an empty program (scripts/bench/README.md, Findings 10 and 16).
 *
 * It takes only the plain shape of the command line (`credential-process` first, then the shared
 * credential flags as `--flag value` or `--flag=value`, each at most once) and only a cache hit.
 * Anything else (another flag, `--verbose`, `--no-cache`, `--help`, a bad value, a miss, an
 * expiring entry) leaves `answered` false and the full command runs, which owns every message
 * and error.
 *
 * A script, not a function: main.ts imports it only when the program starts as
 * `credential-process`, and its top-level code reads `process.argv` and the environment, prints
 * the cached credentials if it can, and exports whether it did. The binary is built with
 * `--bytecode-depth=0`, which precompiles each module's top-level code and leaves functions to be
 * compiled from source on their first call; as a function this code cost ~0.3 ms more per run
 * (Findings 16).
 */
import { cacheDir, readCacheEntry, trustedDir } from '../runtime/credential-cache-file.ts'
import { CREDENTIAL_FLAG_DEFAULTS, credentialFlagsOf, effectiveEnv } from './credential-options.ts'
import { credentialProcessKey, formatCredentialProcess, reusable, sameFiles } from './process-credentials.ts'

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
 * The options cac would give the full command for this start (flags as given, defaults filled
 * in), or undefined when the command line is not of the plain shape this path takes. Exported so
 * tests can hold it equal to cac's reading: if the two differed, the paths would key different
 * cache entries.
 */
export let plainOptions: Record<string, unknown> | undefined

/** Whether this start was answered from the cache (and the credentials printed). */
export let answered = false

// `break fast` hands the start to the full command.
fast: {
  // Imported by anything but main.ts at the start of `credential-process` (a test): no work.
  if (process.argv[2] !== 'credential-process') break fast
  const args = process.argv.slice(3)
  const raw: Record<string, unknown> = { audience: CREDENTIAL_FLAG_DEFAULTS.audience }
  const seen: string[] = []
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!
    const eq = token.indexOf('=')
    const name = eq === -1 ? token : token.slice(0, eq)
    if (seen.includes(name)) break fast
    seen.push(name)
    if (name === '--github-oidc' && eq === -1) {
      raw.githubOidc = true
      continue
    }
    const key = Object.hasOwn(VALUE_FLAGS, name) ? VALUE_FLAGS[name] : undefined
    if (key === undefined) break fast
    const value = eq === -1 ? args[++i] : token.slice(eq + 1)
    // A missing value, or one cac could read as a flag: leave it to the full command.
    if (value === undefined || value.startsWith('-')) break fast
    raw[key] = value
  }
  plainOptions = raw
  // Unvalidated: flags the full command would reject key no cache entry (credentialFlagsOf).
  const flags = credentialFlagsOf(raw)
  const env = effectiveEnv(flags)
  const ignore = (): void => {}
  // No home in the environment: the full command asks the OS for it.
  const dir = cacheDir(env, () => undefined)
  if (dir === undefined || !trustedDir(dir, ignore)) break fast
  const entry = readCacheEntry(dir, await credentialProcessKey(flags, env), ignore)
  if (!entry || !reusable(entry, Date.now()) || (entry.files && !sameFiles(entry))) break fast
  // console.log, not process.stdout.write: see out() in output.ts.
  console.log(formatCredentialProcess(entry.credentials))
  answered = true
}
