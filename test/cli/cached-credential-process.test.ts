/**
 * The `credential-process` start-up fast path (src/cli/cached-credential-process.ts): it must
 * read flags exactly as cac does (or the two paths would compute different cache keys), answer
 * only a reusable cache hit, and hand everything else, silently, to the full command. The module
 * is a script (its top-level code does the work), so each case here evaluates it afresh, with
 * `process.argv` and `process.env` set as a start of the binary would have them.
 */
import { afterAll, beforeAll, describe, expect, spyOn, test } from 'bun:test'
import { cac } from 'cac'
import fc from 'fast-check'
import { chmodSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { addCredentialOptions, credentialFlagsOf, parseCredentialFlags } from '../../src/cli/credential-options.ts'
import { restoreOptionText } from '../../src/cli/raw-options.ts'
import { type CliWorld, removeDirs, runCli, startWorld, tempDir } from './harness.ts'

/** What the full command sees: cac's options, numbers given back their text. */
function cacOptions(args: readonly string[]): Record<string, unknown> {
  const cli = cac('stsrefresh')
  addCredentialOptions(cli.command('credential-process')).option('--no-cache', 'no cache')
  cli.parse(['bun', 'main.ts', 'credential-process', ...args], { run: false })
  restoreOptionText(cli.options, args)
  return cli.options
}

interface FastPathRun {
  readonly answered: boolean
  /** What the fast path read from the command line (undefined: not the plain shape). */
  readonly plainOptions: Record<string, unknown> | undefined
  /** What it printed with console.log. */
  readonly printed: string[]
}

let evaluations = 0

/**
 * Evaluate the fast path afresh as the start `stsrefresh credential-process ...args` with `env`
 * as the whole environment. It must never write to stderr: the full command owns every message.
 */
async function fastPath(args: readonly string[], env: Record<string, string> = {}, command = 'credential-process'): Promise<FastPathRun> {
  const saved = { env: process.env, argv: process.argv }
  const log = spyOn(console, 'log').mockImplementation(() => {})
  const error = spyOn(console, 'error').mockImplementation(() => {})
  process.env = { ...env }
  process.argv = [saved.argv[0]!, 'main.ts', command, ...args]
  try {
    // A new query string is a new module instance, so its top-level code runs again.
    const module = await import(`../../src/cli/cached-credential-process.ts?evaluation=${++evaluations}`)
    expect(error).not.toHaveBeenCalled()
    return { answered: module.answered, plainOptions: module.plainOptions, printed: log.mock.calls.map((call) => call.join(' ')) }
  } finally {
    process.env = saved.env
    process.argv = saved.argv
    log.mockRestore()
    error.mockRestore()
  }
}

const outcome = (raw: Record<string, unknown>): unknown => {
  try {
    return parseCredentialFlags(raw)
  } catch (error) {
    return `error: ${(error as Error).message}`
  }
}

describe('the fast path reads flags as cac does', () => {
  const VALUES: Record<string, string[]> = {
    '--profile': ['dev', 'prod-eu', '0012'],
    '--role-arn': ['arn:aws:iam::123456789012:role/app', 'arn:aws-cn:iam::000000000001:role/a/b', 'not-an-arn'],
    '--role-session-name': ['ci-run', '007', 'x'],
    '--external-id': ['0012345', 'partner:42', 'e'],
    '--duration': ['900', '3600', '0900', '43200', '60', '1e3', 'soon'],
    '--web-identity-token-file': ['/var/run/token', 'token file'],
    '--audience': ['sts.amazonaws.com', 'custom'],
    '--region': ['us-east-1', 'eu-central-1', 'US-EAST-1', '1'],
    '--endpoint-url': ['http://127.0.0.1:4566', 'https://sts.example.com/', 'ftp://x'],
  }
  const flag = fc.constantFrom(...Object.keys(VALUES)).chain((name) =>
    fc.tuple(fc.constant(name), fc.constantFrom(...VALUES[name]!), fc.boolean()),
  )
  const argv = fc
    .tuple(fc.uniqueArray(flag, { selector: ([name]) => name, maxLength: 9 }), fc.boolean(), fc.nat())
    .map(([flags, oidc, at]) => {
      const tokens = flags.map(([name, value, joined]) => (joined ? [`${name}=${value}`] : [name, value]))
      if (oidc) tokens.splice(at % (tokens.length + 1), 0, ['--github-oidc'])
      return tokens.flat()
    })

  test('every plain command line gives the same validated flags (or the same error)', async () => {
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        // No HOME: the run stops after reading the command line, before any file is touched.
        const { plainOptions, answered } = await fastPath(args)
        expect(answered).toBe(false)
        expect(plainOptions).toBeDefined()
        expect(outcome(plainOptions!)).toEqual(outcome(cacOptions(args)))
      }),
      { numRuns: 300 },
    )
  })

  test('unvalidated flags key only what validation accepts: the same flags, or flags it rejects', () => {
    fc.assert(
      fc.property(argv, (args) => {
        const options = cacOptions(args)
        const validated = outcome(options)
        if (typeof validated === 'string') expect(outcome({ ...credentialFlagsOf(options) })).toStartWith('error: ')
        else expect(credentialFlagsOf(options)).toEqual(validated as ReturnType<typeof credentialFlagsOf>)
      }),
      { numRuns: 500 },
    )
  })

  test('defaults are the ones cac fills in', async () => {
    const { plainOptions } = await fastPath([])
    expect(plainOptions).toEqual({ audience: 'sts.amazonaws.com' })
    expect(outcome(plainOptions!)).toEqual(outcome(cacOptions([])))
  })

  test('imported at the start of another command, it reads nothing and does nothing', async () => {
    expect(await fastPath(['--role-arn', 'arn:aws:iam::123456789012:role/a'], {}, 'env')).toEqual({
      answered: false,
      plainOptions: undefined,
      printed: [],
    })
  })

  test.each([
    [['--verbose']],
    [['--no-cache']],
    [['--help']],
    [['-h']],
    [['--role-arn', 'arn:aws:iam::123456789012:role/a', '--role-arn', 'arn:aws:iam::123456789012:role/b']],
    [['--github-oidc', '--github-oidc']],
    [['--github-oidc=true']],
    [['--role-arn']],
    [['--role-arn', '--region', 'us-east-1']],
    [['--region', '-1']],
    [['--unknown', 'x']],
    [['positional']],
    [['--', 'x']],
    [['--constructor', 'x']],
  ])('%j is left to the full command', async (args) => {
    expect(await fastPath(args)).toEqual({ answered: false, plainOptions: undefined, printed: [] })
  })
})

describe('the fast path against a cache the full command wrote', () => {
  let world: CliWorld
  let home: string
  const ROLE = ['--role-arn', 'arn:aws:iam::123456789012:role/fast', '--duration', '1800']
  let printedByCli: string
  const assumeRoles = (): number => world.emulator.stats().stsCalls.AssumeRole ?? 0

  beforeAll(async () => {
    world = await startWorld()
    home = tempDir()
    const run = await runCli(['credential-process', ...ROLE], { env: world.env({ HOME: home }) })
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' })
    printedByCli = run.stdout
  })
  afterAll(async () => {
    await world.close()
    removeDirs(home)
  })

  const fast = async (args: readonly string[], env: Record<string, string>): Promise<{ answered: boolean; printed: string[] }> => {
    const { answered, printed } = await fastPath(args, env)
    return { answered, printed }
  }

  const cacheFile = (): string => {
    const dir = join(home, '.cache', 'stsrefresh')
    return join(dir, readdirSync(dir).find((name) => name.endsWith('.json'))!)
  }

  test('a hit prints exactly what the full command printed, without calling STS', async () => {
    const before = assumeRoles()
    const result = await fast(ROLE, world.env({ HOME: home }))
    expect(result).toEqual({ answered: true, printed: [printedByCli.trimEnd()] })
    // The same flags written the other way (and the defaults spelled out) are the same key.
    const respelled = ['--duration=1800', '--audience', 'sts.amazonaws.com', `--role-arn=${ROLE[1]}`]
    expect(await fast(respelled, world.env({ HOME: home }))).toEqual(result)
    expect(assumeRoles()).toBe(before)
  })

  test('another configuration or environment is a miss, and nothing is printed', async () => {
    const env = world.env({ HOME: home })
    expect(await fast([...ROLE, '--region', 'eu-west-1'], env)).toEqual({ answered: false, printed: [] })
    expect(await fast(ROLE, { ...env, AWS_PROFILE: 'other' })).toEqual({ answered: false, printed: [] })
    expect(await fast(['--role-arn', 'bad'], env)).toEqual({ answered: false, printed: [] })
    expect(await fast([...ROLE, '--verbose'], env)).toEqual({ answered: false, printed: [] })
  })

  test('without HOME (and no STSREFRESH_CACHE_DIR) the full command finds the home directory', async () => {
    const { HOME: _home, ...env } = world.env({ HOME: home })
    expect(await fast(ROLE, env)).toEqual({ answered: false, printed: [] })
  })

  test('an entry too close to expiry, or one not safe to trust, is left to the full command', async () => {
    const env = world.env({ HOME: home })
    const file = cacheFile()
    const original = readFileSync(file, 'utf8')
    try {
      const entry = JSON.parse(original)
      // Under the reuse margin: 15 minutes of botocore's advisory window plus one.
      const soon = { ...entry, Issued: new Date(Date.now() - 10 * 60_000).toISOString(), Expiration: new Date(Date.now() + 10 * 60_000).toISOString() }
      writeFileSync(file, JSON.stringify(soon), { mode: 0o600 })
      expect(await fast(ROLE, env)).toEqual({ answered: false, printed: [] })

      writeFileSync(file, original, { mode: 0o600 })
      chmodSync(file, 0o640)
      expect(await fast(ROLE, env)).toEqual({ answered: false, printed: [] })
      chmodSync(file, 0o600)

      renameSync(file, `${file}.real`)
      symlinkSync(`${file}.real`, file)
      expect(await fast(ROLE, env)).toEqual({ answered: false, printed: [] })
    } finally {
      removeDirs(file, `${file}.real`)
      writeFileSync(file, original, { mode: 0o600 })
    }
    chmodSync(join(home, '.cache', 'stsrefresh'), 0o755)
    try {
      expect(await fast(ROLE, env)).toEqual({ answered: false, printed: [] })
    } finally {
      chmodSync(join(home, '.cache', 'stsrefresh'), 0o700)
    }
    expect((await fast(ROLE, env)).answered).toBe(true)
  })
})
