/** The CLI as a whole: --version, --help, usage errors, exit codes, `whoami` and `env`. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pkg from '../../package.json' with { type: 'json' }
import { BUN, type CliWorld, expectNoSecretInStderr, MAIN, runCli, startWorld } from './harness.ts'

const KEY = 'AKIAIOSFODNN7EXAMPLE'
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
let world: CliWorld

beforeAll(async () => {
  world = await startWorld({
    baseKeys: [{ accessKeyId: KEY, secretAccessKey: SECRET }],
    roles: [{ arn: 'arn:aws:iam::123456789012:role/needs-mfa', mfaTokenCode: '246810' }],
  })
})
afterAll(() => world.close())

const ROLE = 'arn:aws:iam::123456789012:role/ci'
/** The world's environment without the base keys. */
function keyless(): Record<string, string> {
  const env = world.env()
  delete env.AWS_ACCESS_KEY_ID
  delete env.AWS_SECRET_ACCESS_KEY
  return env
}

const WARNING =
  'stsrefresh: warning: these credentials will not refresh; use `stsrefresh exec` or `serve` for long jobs\n'

describe('--version and --help', () => {
  test('--version prints the version and commit (dev from source), on stdout only', async () => {
    const result = await runCli(['--version'], { env: world.env() })
    expect(result).toEqual({ code: 0, stdout: `stsrefresh/${pkg.version} (dev)\n`, stderr: '' })
  })

  test('--help lists every command and the exit codes', async () => {
    const { code, stdout, stderr } = await runCli(['--help'], { env: world.env() })
    expect(code).toBe(0)
    expect(stderr).toBe('')
    expect(stdout.split('\n')[0]).toBe(`stsrefresh/${pkg.version} (dev)`)
    for (
      const command of [
        'exec',
        'serve',
        'credential-process',
        'env',
        'whoami',
        's3',
        'ddb',
        'emulator',
        'demo',
      ]
    ) {
      expect(stdout).toContain(`$ stsrefresh ${command} --help`)
    }
    expect(stdout).toContain(
      'Exit codes:\n  0    success\n  1    unexpected error\n  2    usage or configuration error',
    )
  })

  test.each([
    'exec',
    'serve',
    'credential-process',
    'env',
    'whoami',
    's3',
    'ddb',
    'emulator',
    'demo',
  ])(
    '%s --help shows its usage, options and examples',
    async (command) => {
      const { code, stdout, stderr } = await runCli([command, '--help'], { env: world.env() })
      expect(code).toBe(0)
      expect(stderr).toBe('')
      expect(stdout).toContain(`Usage:\n  $ stsrefresh ${command}`)
      expect(stdout).toContain('Examples:\n')
      expect(stdout).not.toContain('Exit codes:')
      // A negated option's implied default would read as if it were on.
      expect(stdout).not.toMatch(/--no-.*\(default:/)
    },
  )

  test('credential-process --help: --no-cache reads as what it does, with no default', async () => {
    const { code, stdout } = await runCli(['credential-process', '--help'], { env: world.env() })
    expect(code).toBe(0)
    expect(stdout).toMatch(/^  --no-cache +Fetch new credentials instead of reusing cached ones$/m)
  })

  test('no command prints the help and exits 2', async () => {
    const { code, stdout } = await runCli([], { env: world.env() })
    expect(code).toBe(2)
    expect(stdout).toContain('Commands:')
  })
})

describe('usage errors exit 2 with one line naming the problem', () => {
  const cases: [string, string[], string][] = [
    [
      'an unknown command',
      ['frobnicate'],
      "stsrefresh: unknown command 'frobnicate': see `stsrefresh --help`\n",
    ],
    [
      'an unknown flag',
      ['whoami', '--bogus'],
      'stsrefresh: Unknown option `--bogus`\nstsrefresh: see `stsrefresh --help`\n',
    ],
    [
      'an unknown flag, named as typed',
      ['whoami', '--bogus-flag'],
      'stsrefresh: Unknown option `--bogus-flag`\nstsrefresh: see `stsrefresh --help`\n',
    ],
    [
      'an unknown negated flag, named as typed',
      ['env', '--no-bogus-flag=1'],
      'stsrefresh: Unknown option `--no-bogus-flag`\nstsrefresh: see `stsrefresh --help`\n',
    ],
    [
      'a bad --duration',
      ['whoami', '--duration', '60'],
      'stsrefresh: --duration must be a whole number of seconds from 900 to 43200 (got 60)\n',
    ],
    [
      'a non-number --duration',
      ['env', '--duration', 'long'],
      'stsrefresh: --duration must be a whole number of seconds from 900 to 43200 (got long)\n',
    ],
    [
      'a bad --role-arn',
      ['whoami', '--role-arn', 'arn:aws:iam::12:user/x'],
      'stsrefresh: --role-arn must look like arn:aws:iam::123456789012:role/name (got arn:aws:iam::12:user/x)\n',
    ],
    [
      'a bad --endpoint-url',
      ['whoami', '--endpoint-url', 'localhost:4566'],
      'stsrefresh: --endpoint-url must be an http:// or https:// URL (got localhost:4566)\n',
    ],
    [
      'a bad env --format',
      ['env', '--format', 'xml'],
      'stsrefresh: --format must be one of sh, fish, powershell, json, dotenv, github (got xml)\n',
    ],
    [
      'exec without a command',
      ['exec'],
      'stsrefresh: exec needs a command to run: stsrefresh exec [options] -- <command> [args...]\n',
    ],
    [
      'a bad demo --duration-seconds',
      ['demo', '--duration-seconds', '1.5'],
      'stsrefresh: --duration-seconds must be a whole number from 2 to 86400 (got 1.5)\n',
    ],
  ]
  test.each(cases)('%s', async (_name, args, stderr) => {
    const result = await runCli(args, { env: world.env() })
    expect(result).toEqual({ code: 2, stdout: '', stderr })
  })

  test('a missing profile names the profile and the files', async () => {
    const result = await runCli(['whoami', '--profile', 'nope'], { env: keyless() })
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(
      `stsrefresh: profile "nope" not found in ${world.home}/.aws/config ([profile nope]) or ${world.home}/.aws/credentials ([nope]); neither file has any profile\n`,
    )
  })

  test('AWS_PROFILE naming a missing profile is the same mistake', async () => {
    const result = await runCli(['env'], { env: { ...keyless(), AWS_PROFILE: 'ghost' } })
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(
      `stsrefresh: profile "ghost" not found in ${world.home}/.aws/config ([profile ghost]) or ${world.home}/.aws/credentials ([ghost]); neither file has any profile\n`,
    )
  })
})

test('no credentials anywhere: exit 3 and one explanation of what was tried', async () => {
  const { code, stdout, stderr } = await runCli(['whoami'], { env: keyless() })
  expect(code).toBe(3)
  expect(stdout).toBe('')
  expect(stderr).toStartWith(
    'stsrefresh: Could not refresh credentials from default-chain: No AWS credentials found. Tried, in order:\n',
  )
  expect(stderr).toContain('  - instance-metadata: disabled by AWS_EC2_METADATA_DISABLED=true\n')
  // Reported once: no duplicate warning from the session before the error.
  expect(stderr.match(/No AWS credentials found/g)?.length).toBe(1)
  expect(world.emulator.stats().requests).toBe(0)
})

test('whoami prints the assumed-role identity as JSON', async () => {
  const { code, stdout, stderr } = await runCli([
    'whoami',
    '--role-arn',
    ROLE,
    '--role-session-name',
    'build-42',
  ], { env: world.env() })
  expect(stderr).toBe('')
  expect(code).toBe(0)
  const identity = JSON.parse(stdout)
  expect(Object.keys(identity)).toEqual(['UserId', 'Account', 'Arn'])
  expect(identity.Account).toBe('123456789012')
  expect(identity.Arn).toBe('arn:aws:sts::123456789012:assumed-role/ci/build-42')
  expect(identity.UserId).toMatch(/^AROA[A-Z0-9]+:build-42$/)
})

test('whoami with the base keys names the IAM user', async () => {
  const { code, stdout } = await runCli(['whoami'], { env: world.env() })
  expect(code).toBe(0)
  expect(JSON.parse(stdout).Arn).toBe('arn:aws:iam::123456789012:user/emulator')
})

test('whoami --profile: role_arn + source_profile from ~/.aws/config, keys from ~/.aws/credentials', async () => {
  const home = join(world.home, 'profiles')
  mkdirSync(join(home, '.aws'), { recursive: true })
  writeFileSync(
    join(home, '.aws', 'credentials'),
    `[base]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`,
  )
  writeFileSync(
    join(home, '.aws', 'config'),
    '[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\nsource_profile = base\nrole_session_name = from-profile\n',
  )
  const { code, stdout, stderr } = await runCli(['whoami', '--profile', 'deploy'], {
    env: { ...keyless(), HOME: home },
  })
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
  expect(JSON.parse(stdout).Arn).toBe('arn:aws:sts::123456789012:assumed-role/deploy/from-profile')
})

describe('a profile with mfa_serial', () => {
  function mfaHome(): string {
    const home = join(world.home, 'mfa')
    mkdirSync(join(home, '.aws'), { recursive: true })
    writeFileSync(join(home, '.aws', 'credentials'), `[base]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`)
    writeFileSync(
      join(home, '.aws', 'config'),
      '[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/needs-mfa\nsource_profile = base\nrole_session_name = with-mfa\nmfa_serial = arn:aws:iam::123456789012:mfa/ada\n',
    )
    return home
  }

  test('without a terminal: exit 2 and a line saying why', async () => {
    const result = await runCli(['whoami', '--profile', 'mfa'], { env: { ...keyless(), HOME: mfaHome() } })
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toStartWith('stsrefresh: the profile needs an MFA code for arn:aws:iam::123456789012:mfa/ada, but stdin is not a terminal')
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1)
  })

  test.skipIf(!Bun.which('script'))('on a terminal: prompts on stderr, reads the code, assumes the role', async () => {
    // util-linux `script` gives the CLI a pseudo-terminal; what we write reaches it as typed input.
    const command = [BUN, MAIN, 'whoami', '--profile', 'mfa'].map((a) => `'${a}'`).join(' ')
    const child = Bun.spawn(['script', '-qec', command, '/dev/null'], {
      env: { ...keyless(), HOME: mfaHome(), TERM: 'dumb' },
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
    })
    child.stdin.write('246810\n')
    await child.stdin.end()
    const [stdout, code] = await Promise.all([new Response(child.stdout).text(), child.exited])
    expect(code).toBe(0)
    expect(stdout).toContain('Enter MFA code for arn:aws:iam::123456789012:mfa/ada: ')
    expect(stdout).toContain('"Arn": "arn:aws:sts::123456789012:assumed-role/needs-mfa/with-mfa"')
  }, 30_000)
})

describe('env --format: exact output for static keys', () => {
  const formats: [string, string][] = [
    [
      'sh',
      `export AWS_ACCESS_KEY_ID='${KEY}'\nexport AWS_SECRET_ACCESS_KEY='${SECRET}'\nexport AWS_REGION='us-east-1'\nexport AWS_DEFAULT_REGION='us-east-1'\n`,
    ],
    [
      'fish',
      `set -gx AWS_ACCESS_KEY_ID '${KEY}';\nset -gx AWS_SECRET_ACCESS_KEY '${SECRET}';\nset -gx AWS_REGION 'us-east-1';\nset -gx AWS_DEFAULT_REGION 'us-east-1';\n`,
    ],
    [
      'powershell',
      `$Env:AWS_ACCESS_KEY_ID = '${KEY}'\n$Env:AWS_SECRET_ACCESS_KEY = '${SECRET}'\n$Env:AWS_REGION = 'us-east-1'\n$Env:AWS_DEFAULT_REGION = 'us-east-1'\n`,
    ],
    [
      'json',
      `${
        JSON.stringify(
          {
            AWS_ACCESS_KEY_ID: KEY,
            AWS_SECRET_ACCESS_KEY: SECRET,
            AWS_REGION: 'us-east-1',
            AWS_DEFAULT_REGION: 'us-east-1',
          },
          null,
          2,
        )
      }\n`,
    ],
    [
      'dotenv',
      `AWS_ACCESS_KEY_ID=${KEY}\nAWS_SECRET_ACCESS_KEY=${SECRET}\nAWS_REGION=us-east-1\nAWS_DEFAULT_REGION=us-east-1\n`,
    ],
  ]
  test.each(formats)('%s', async (format, stdout) => {
    const result = await runCli(['env', '--format', format], { env: world.env() })
    expect(result).toEqual({ code: 0, stdout, stderr: WARNING })
  })

  test('github: masks the key id and secret on stdout, appends the variables to $GITHUB_ENV', async () => {
    const file = join(world.home, 'github-env')
    writeFileSync(file, 'EARLIER=1\n')
    const result = await runCli(['env', '--format', 'github'], {
      env: world.env({ GITHUB_ENV: file }),
    })
    expect(result).toEqual({
      code: 0,
      stdout: `::add-mask::${KEY}\n::add-mask::${SECRET}\n`,
      stderr: `${WARNING}stsrefresh: wrote 4 variables to ${file}\n`,
    })
    expect(readFileSync(file, 'utf8')).toBe(
      `EARLIER=1\nAWS_ACCESS_KEY_ID=${KEY}\nAWS_SECRET_ACCESS_KEY=${SECRET}\nAWS_REGION=us-east-1\nAWS_DEFAULT_REGION=us-east-1\n`,
    )
  })

  test('github with a $GITHUB_ENV that cannot be written: exit 2 before anything is fetched or printed', async () => {
    const file = join(world.home, 'no-such-dir', 'github-env')
    const before = world.emulator.stats().requests
    const result = await runCli(['env', '--format', 'github', '--role-arn', ROLE], {
      env: world.env({ GITHUB_ENV: file }),
    })
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `stsrefresh: cannot write the GITHUB_ENV file ${file}: no such file or directory (ENOENT)\n`,
    })
    expect(world.emulator.stats().requests).toBe(before)
  })

  test('github without $GITHUB_ENV is a usage error', async () => {
    const result = await runCli(['env', '--format', 'github'], { env: world.env() })
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'stsrefresh: GITHUB_ENV is not set: --format github / --github-env only work inside a GitHub Actions step\n',
    })
  })
})

test('env --role-arn: session token and expiration, and the warning names the expiry', async () => {
  const { code, stdout, stderr } = await runCli(['env', '--role-arn', ROLE, '--duration', '900'], {
    env: world.env(),
  })
  expect(code).toBe(0)
  const lines = stdout.trimEnd().split('\n')
  expect(lines.map((l) => /^export (\w+)=/.exec(l)?.[1])).toEqual([
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_CREDENTIAL_EXPIRATION',
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
  ])
  expect(lines[0]).toMatch(/^export AWS_ACCESS_KEY_ID='ASIA[A-Z0-9]{16}'$/)
  const expiration = /AWS_CREDENTIAL_EXPIRATION='([^']+)'/.exec(stdout)![1]!
  expect(Date.parse(expiration) - Date.now()).toBeGreaterThan(800_000)
  expect(stderr).toBe(
    `stsrefresh: warning: these credentials will not refresh and expire at ${expiration}; use \`stsrefresh exec\` or \`serve\` for long jobs\n`,
  )
  for (const match of stdout.matchAll(/AWS_(?:SECRET_ACCESS_KEY|SESSION_TOKEN)='([^']+)'/g)) {
    expect(stderr).not.toContain(match[1]!)
  }
})

describe('an endpoint nothing answers at', () => {
  let closed: string
  beforeAll(async () => {
    const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response() })
    closed = `http://127.0.0.1:${server.port}`
    await server.stop(true)
  })
  const reason = 'ECONNREFUSED: Unable to connect. Is the computer able to access the url?'
  const hint = 'stsrefresh: nothing answered: check --endpoint-url, AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL and the network\n'

  test("whoami: the command's own call got no answer, said as such: exit 4", async () => {
    const result = await runCli(['whoami', '--endpoint-url', closed], { env: world.env() })
    expect(result).toEqual({
      code: 4,
      stdout: '',
      stderr: `stsrefresh: could not reach STS at ${closed} (GetCallerIdentity): ${reason}\n${hint}`,
    })
  })

  test('the credentials could not be obtained for the same reason: exit 3, same hint', async () => {
    const result = await runCli(['whoami', '--role-arn', ROLE, '--endpoint-url', closed], { env: world.env() })
    const host = closed.slice('http://'.length)
    expect(result).toEqual({
      code: 3,
      stdout: '',
      stderr: `stsrefresh: Could not refresh credentials from assume-role: STS.AssumeRole: NetworkError: request to ${host} failed: ${reason}\n${hint}`,
    })
  })
})

test('option values keep their digits (cac would turn --role-session-name 007 into 7)', async () => {
  const { code, stdout } = await runCli([
    'whoami',
    '--role-arn',
    ROLE,
    '--role-session-name',
    '007',
  ], { env: world.env() })
  expect(code).toBe(0)
  expect(JSON.parse(stdout).Arn).toBe('arn:aws:sts::123456789012:assumed-role/ci/007')
})

test('no secret the emulator issued appears in any stderr captured in this file', () => {
  expectNoSecretInStderr()
})
