/**
 * `stsrefresh exec`: the child's environment, exit codes and signals; and real AWS clients as
 * children (Debian's aws CLI, boto3, the AWS SDK for JavaScript v3) that keep working across
 * many credential expiries (real time: the emulator issues 2-second credentials).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { createS3Client } from '../../src/s3/index.ts'
import { debianAwsCli, debianBoto3Python } from '../helpers/tools.ts'
import {
  BUN,
  type CliWorld,
  expectNoSecretInStderr,
  MAIN,
  readLines,
  recordStderr,
  runCli,
  startWorld,
} from './harness.ts'

const ROLE = ['--role-arn', 'arn:aws:iam::123456789012:role/exec']
const FIXTURES = join(import.meta.dir, 'fixtures')

describe('the child process', () => {
  let world: CliWorld
  beforeAll(async () => {
    world = await startWorld()
  })
  afterAll(() => world.close())

  test('gets the credential server and region, and none of the static or profile variables', async () => {
    // The base keys are in the parent's environment (stsrefresh uses them to assume the role).
    const env = world.env({
      AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/other',
      AWS_CONTAINER_AUTHORIZATION_TOKEN: 'old',
    })
    const { code, stdout, stderr } = await runCli(
      ['exec', ...ROLE, '--', 'sh', '-c', 'env | sort'],
      { env },
    )
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    const vars = Object.fromEntries(
      stdout.trimEnd().split('\n').map((
        l,
      ) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    )
    expect(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(vars.AWS_CONTAINER_AUTHORIZATION_TOKEN).toMatch(/^[\w-]{32,}$/)
    expect(vars.AWS_CONTAINER_AUTHORIZATION_TOKEN).not.toBe('old')
    expect(vars.AWS_REGION).toBe('us-east-1')
    expect(vars.AWS_DEFAULT_REGION).toBe('us-east-1')
    expect(vars.AWS_SHARED_CREDENTIALS_FILE).toBe('/dev/null')
    for (
      const gone of [
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_SESSION_TOKEN',
        'AWS_ROLE_ARN',
      ]
    ) {
      expect(vars[gone]).toBeUndefined()
    }
    expect(vars.HOME).toBe(world.home)
  })

  test('credentials in ~/.aws/config do not shadow the server: the child gets a copy without them', async () => {
    const base = world.emulator.baseCredentials
    await Bun.write(
      join(world.home, '.aws', 'config'),
      `[default]\nregion = us-east-1\naws_access_key_id = ${base.accessKeyId}\naws_secret_access_key = ${base.secretAccessKey}\n` +
        '[profile other]\nrole_arn = arn:aws:iam::123456789012:role/other\nsource_profile = default\n',
    )
    try {
      const sdk = await runCli(['exec', ...ROLE, '--', BUN, join(FIXTURES, 'whoami-sdk-v3.mjs')], { env: world.env() })
      expect({ code: sdk.code, stderr: sdk.stderr }).toEqual({ code: 0, stderr: '' })
      expect(sdk.stdout).toMatch(/^arn:aws:sts::123456789012:assumed-role\/exec\//)
      const copy = await runCli(['exec', ...ROLE, '--', 'sh', '-c', 'cat "$AWS_CONFIG_FILE"; echo "$AWS_CONFIG_FILE"'], { env: world.env() })
      const lines = copy.stdout.trimEnd().split('\n')
      expect(lines.slice(0, -1).join('\n')).toBe(
        '[default]\nregion = us-east-1\n[profile other]\nrole_arn = arn:aws:iam::123456789012:role/other\nsource_profile = default',
      )
      // The copy is gone once the command has finished.
      expect(existsSync(lines.at(-1)!)).toBe(false)
    } finally {
      rmSync(join(world.home, '.aws'), { recursive: true, force: true })
    }
  })

  test('--env injects static variables (with the expiry) and warns that they will not refresh', async () => {
    const { code, stdout, stderr } = await runCli([
      'exec',
      '--env',
      ...ROLE,
      '--',
      'sh',
      '-c',
      'echo "$AWS_ACCESS_KEY_ID $AWS_CREDENTIAL_EXPIRATION ${AWS_CONTAINER_CREDENTIALS_FULL_URI:-none}"',
    ], {
      env: world.env(),
    })
    expect(code).toBe(0)
    const [key, expiration, uri] = stdout.trimEnd().split(' ')
    expect(key).toMatch(/^ASIA[A-Z0-9]{16}$/)
    expect(uri).toBe('none')
    expect(stderr).toBe(
      `stsrefresh: warning: --env injects static credentials that will not refresh; they expire at ${expiration}\n`,
    )
  })

  test.each([
    ['exit 7', 7],
    ['exit 0', 0],
    ['kill -KILL $$', 128 + 9],
    ['kill -TERM $$', 128 + 15],
  ])('the exit code is passed back: sh -c %p -> %p', async (script, expected) => {
    const result = await runCli(['exec', ...ROLE, '--', 'sh', '-c', script], { env: world.env() })
    expect(result).toEqual({ code: expected, stdout: '', stderr: '' })
  })

  test('a command that does not exist exits 127 with one line', async () => {
    const result = await runCli(['exec', ...ROLE, '--', 'no-such-command-xyz'], {
      env: world.env(),
    })
    expect(result).toEqual({
      code: 127,
      stdout: '',
      stderr: 'stsrefresh: command not found: no-such-command-xyz\n',
    })
  })

  test('no credentials: exit 3 and the command never starts', async () => {
    const env = world.env()
    delete env.AWS_ACCESS_KEY_ID
    delete env.AWS_SECRET_ACCESS_KEY
    const marker = join(world.home, 'ran')
    const result = await runCli(['exec', '--', 'touch', marker], { env })
    expect(result.code).toBe(3)
    expect(existsSync(marker)).toBe(false)
  })

  test('SIGTERM to exec is forwarded to the child, whose exit code comes back', async () => {
    const script = 'trap "echo got TERM; exit 3" TERM; echo ready; while :; do sleep 0.05; done'
    const child = Bun.spawn([BUN, MAIN, 'exec', ...ROLE, '--', 'sh', '-c', script], {
      env: world.env(),
      stdout: 'pipe',
      stderr: 'pipe',
    })
    expect(await readLines(child.stdout, 1)).toEqual(['ready'])
    child.kill('SIGTERM')
    expect(await child.exited).toBe(3)
    expect(await readLines(child.stdout, 1)).toEqual(['got TERM'])
    const stderr = await new Response(child.stderr).text()
    recordStderr(stderr)
    expect(stderr).toBe('')
  })
  // A terminal sends Ctrl-C to its whole foreground process group, the child included; exec must
  // not forward a second one (terraform exits at once on two). `script` gives the run a terminal.
  test.skipIf(!Bun.which('script') || process.platform !== 'linux')(
    'Ctrl-C in a terminal reaches the child once; exec waits for it and returns its exit code',
    async () => {
      // The child counts each SIGINT delivered (a shell's trap would merge two close ones).
      const file = join(world.home, 'count-interrupts.ts')
      await Bun.write(
        file,
        `let n = 0
process.on('SIGINT', () => {
  if (n++ === 0) setTimeout(() => { console.log('interrupts=' + n); process.exit(7) }, 1000)
})
console.log('ready')
setInterval(() => {}, 1000)
`,
      )
      // `exec`: script's shell would die of the Ctrl-C itself once its child exits (dash does).
      const line = `exec ${[BUN, MAIN, 'exec', ...ROLE, '--', BUN, file].map((arg) => `'${arg}'`).join(' ')}`
      const terminal = Bun.spawn(['script', '-qec', line, '/dev/null'], {
        env: world.env(),
        stdin: 'pipe',
        stdout: 'pipe',
        stderr: 'pipe',
      })
      const reader = terminal.stdout.getReader()
      let output = ''
      const waitFor = async (pattern: RegExp): Promise<void> => {
        while (!pattern.test(output)) {
          const { done, value } = await reader.read()
          if (done) throw new Error(`terminal closed before ${pattern}: ${output}`)
          output += new TextDecoder().decode(value)
        }
      }
      await waitFor(/ready/)
      terminal.stdin.write('\x03')
      await terminal.stdin.flush()
      await waitFor(/interrupts=\d+/)
      expect(output.match(/interrupts=(\d+)/)?.[1]).toBe('1')
      expect(await terminal.exited).toBe(7)
    },
  )
})

interface LoopResult {
  calls: number
  failures: number
  firstError?: string | null
  keys?: number
}

// Each client gets its own emulator (2-second credentials) and exec, all running at once.
const LOOP_SECONDS = 13
async function loopUnderExec(
  child: string[],
): Promise<{ result: LoopResult; assumeRoles: number }> {
  const world = await startWorld({ lifetimeSeconds: 2 })
  try {
    await createS3Client({
      region: 'us-east-1',
      endpoint: world.served.url,
      credentials: world.emulator.baseCredentials,
    })
      .createBucket({ Bucket: 'loop-bucket' })
    const { code, stdout, stderr } = await runCli([
      'exec',
      ...ROLE,
      '--',
      ...child,
      String(LOOP_SECONDS),
      'loop-bucket',
    ], {
      env: world.env({ TEST_ENDPOINT: world.served.url, AWS_PAGER: '' }),
    })
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    return {
      result: JSON.parse(stdout.trim().split('\n').at(-1)!),
      assumeRoles: world.emulator.stats().stsCalls.AssumeRole ?? 0,
    }
  } finally {
    await world.close()
  }
}

test(
  'the aws CLI, boto3 and the AWS SDK for JS v3 keep working across 5+ expiries with zero failed calls',
  async () => {
    const aws = debianAwsCli()
    const python = debianBoto3Python()
    const runs: Promise<[string, Awaited<ReturnType<typeof loopUnderExec>>]>[] = [
      loopUnderExec([BUN, join(FIXTURES, 'sdk-v3-loop.mjs')]).then((r) => ['sdk-v3', r]),
    ]
    if (aws) {
      runs.push(loopUnderExec(['sh', join(FIXTURES, 'awscli-loop.sh')]).then((r) => ['aws-cli', r]))
    }
    if (python) {
      runs.push(loopUnderExec([python, join(FIXTURES, 'boto3-loop.py')]).then((r) => ['boto3', r]))
    }
    for (const [name, { result, assumeRoles }] of await Promise.all(runs)) {
      // 13 s of 2 s credentials: at least six sessions, so at least five expiries were crossed.
      expect({ name, failures: result.failures, firstError: result.firstError ?? null }).toEqual({
        name,
        failures: 0,
        firstError: null,
      })
      expect({ name, enoughSessions: assumeRoles >= 6 }).toEqual({ name, enoughSessions: true })
      expect(result.calls).toBeGreaterThan(0)
      if (result.keys !== undefined) {
        expect({ name, keysSeen: result.keys >= 6 }).toEqual({ name, keysSeen: true })
      }
    }
  },
  60_000,
)

test('no secret the emulator issued appears in any stderr captured in this file', () => {
  expectNoSecretInStderr()
})
