/**
 * `stsrefresh serve`: prints the two variables, serves a real client that uses them, refuses a
 * missing or wrong token and a foreign Host, listens on 127.0.0.1 only, stops on SIGTERM.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { run } from '../helpers/spawn.ts'
import { debianAwsCli, isolatedAwsEnv } from '../helpers/tools.ts'
import {
  BUN,
  type CliWorld,
  expectNoSecretInStderr,
  MAIN,
  readLines,
  recordStderr,
  rememberSecret,
  removeDirs,
  runCli,
  startWorld,
  tempDir,
} from './harness.ts'

let world: CliWorld
beforeAll(async () => {
  world = await startWorld({ lifetimeSeconds: 900 })
})
afterAll(() => world.close())

const ROLE = ['--role-arn', 'arn:aws:iam::123456789012:role/served']

/** A raw GET with exactly these headers (fetch would set Host itself). */
function get(
  port: number,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path: '/',
      method: 'GET',
      headers,
      setHost: false,
    }, (res) => {
      let body = ''
      res.on('data', (chunk) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** Local addresses of listening TCP sockets on `port`, from /proc/net/tcp (Linux). */
function listeners(port: number): string[] | undefined {
  if (!existsSync('/proc/net/tcp')) return undefined
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0')
  const found: string[] = []
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/)
      // State 0A is LISTEN.
      if (local?.endsWith(`:${hexPort}`) && state === '0A') found.push(local)
    }
  }
  return found
}

test(
  'serve: variables on stdout, a real client served, bad requests refused, clean stop on SIGTERM',
  async () => {
    const child = Bun.spawn([BUN, MAIN, 'serve', ...ROLE], {
      env: world.env(),
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const lines = await readLines(child.stdout, 4)
    const vars = Object.fromEntries(
      lines.map((l) => /^export (\w+)='([^']*)'$/.exec(l)!.slice(1, 3)),
    )
    expect(Object.keys(vars)).toEqual([
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
      'AWS_CONTAINER_AUTHORIZATION_TOKEN',
      'AWS_REGION',
      'AWS_DEFAULT_REGION',
    ])
    rememberSecret(vars.AWS_CONTAINER_AUTHORIZATION_TOKEN)
    const url = new URL(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI!)
    expect(url.hostname).toBe('127.0.0.1')
    const port = Number(url.port)
    const token = vars.AWS_CONTAINER_AUTHORIZATION_TOKEN!

    // The right token: the container-credentials JSON.
    const ok = await get(port, { host: `127.0.0.1:${port}`, authorization: token })
    expect(ok.status).toBe(200)
    const body = JSON.parse(ok.body)
    expect(Object.keys(body)).toEqual(['AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration'])
    rememberSecret(body.SecretAccessKey)
    rememberSecret(body.Token)
    expect(body.AccessKeyId).toMatch(/^ASIA/)

    // Refusals: missing token, wrong token (same length too), foreign Host, browser Origin.
    const refusals = [
      [{ host: `127.0.0.1:${port}` }, 403, 'Missing or invalid authorization token'],
      [
        { host: `127.0.0.1:${port}`, authorization: 'wrong' },
        403,
        'Missing or invalid authorization token',
      ],
      [
        {
          host: `127.0.0.1:${port}`,
          authorization: token.replace(/.$/, (c: string) => (c === 'a' ? 'b' : 'a')),
        },
        403,
        'Missing or invalid authorization token',
      ],
      [{ host: `attacker.example:${port}`, authorization: token }, 403, 'Host not allowed'],
      [
        { host: `127.0.0.1:${port}`, authorization: token, origin: 'http://attacker.example' },
        403,
        'Browser requests are not allowed',
      ],
    ] as const
    for (const [headers, status, message] of refusals) {
      expect(await get(port, headers)).toEqual({
        status,
        body: JSON.stringify({ Message: message }),
      })
    }

    // Listening on 127.0.0.1 only (0100007F is 127.0.0.1 in /proc/net/tcp's byte order).
    const bound = listeners(port)
    if (bound) {
      expect(bound).toEqual([`0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`])
    } else console.warn('skipping the bind-address check: no /proc/net/tcp on this platform')

    // A real client that only has the two variables.
    const aws = debianAwsCli()
    if (aws) {
      const { stdout: out, stderr: errText, code } = await run([
        aws,
        '--endpoint-url',
        world.served.url,
        'sts',
        'get-caller-identity',
        '--output',
        'json',
      ], { env: isolatedAwsEnv(world.home, { ...vars, AWS_EC2_METADATA_DISABLED: 'true' }) })
      recordStderr(errText)
      expect({ code, errText }).toEqual({ code: 0, errText: '' })
      expect(JSON.parse(out).Arn).toMatch(/^arn:aws:sts::123456789012:assumed-role\/served\//)
    }

    child.kill('SIGTERM')
    expect(await child.exited).toBe(0)
    const stderr = await new Response(child.stderr).text()
    recordStderr(stderr)
    expect(stderr).toBe(
      `stsrefresh: serving credentials on ${url.href} until SIGINT/SIGTERM\n` +
        'stsrefresh: warning: credential server: refused a request with a missing or wrong token\n'
          .repeat(3),
    )
    // After the stop, nothing listens there any more.
    await expect(get(port, { host: `127.0.0.1:${port}`, authorization: token })).rejects.toThrow()
  },
  30_000,
)

test('serve --github-env: $GITHUB_ENV written, then the mask of the token as the only stdout line', async () => {
  const file = join(world.home, 'github-env')
  writeFileSync(file, '')
  const child = Bun.spawn([BUN, MAIN, 'serve', ...ROLE, '--github-env'], {
    env: world.env({ GITHUB_ENV: file }),
    stdout: 'pipe',
    stderr: 'pipe',
  })
  // Keep every byte of stdout: the mask must be the only thing printed there.
  const reader = child.stdout.getReader()
  let stdout = ''
  while (!stdout.includes('\n')) stdout += new TextDecoder().decode((await reader.read()).value)
  // The file is complete once the mask can be read: a step that waits for the mask may end.
  const written = readFileSync(file, 'utf8')
  const token = /AWS_CONTAINER_AUTHORIZATION_TOKEN=(.+)\n/.exec(written)![1]!
  rememberSecret(token)
  expect(written).toMatch(
    /^AWS_CONTAINER_CREDENTIALS_FULL_URI=http:\/\/127\.0\.0\.1:\d+\/\nAWS_CONTAINER_AUTHORIZATION_TOKEN=\S+\nAWS_REGION=us-east-1\nAWS_DEFAULT_REGION=us-east-1\n$/,
  )
  const notes = await readLines(child.stderr, 2)
  recordStderr(notes.join('\n'))
  expect(notes).toEqual([
    `stsrefresh: wrote the credential server variables to ${file}`,
    expect.stringMatching(
      /^stsrefresh: serving credentials on http:\/\/127\.0\.0\.1:\d+\/ until SIGINT\/SIGTERM$/,
    ),
  ])
  child.kill('SIGINT')
  expect(await child.exited).toBe(0)
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    stdout += new TextDecoder().decode(chunk.value)
  }
  expect(stdout).toBe(`::add-mask::${token}\n`)
})

/** The `run:` script of the README's GitHub Actions step that starts serve. */
function readmeServeStep(): string {
  const readme = readFileSync(join(import.meta.dir, '../../README.md'), 'utf8')
  const start = readme.indexOf('- name: Serve refreshing credentials to every later step')
  const block = readme.slice(readme.indexOf('run: |\n', start) + 'run: |\n'.length)
  const lines = block.split('\n')
  const body = lines.slice(0, lines.findIndex((l) => !l.startsWith('          ') && l.trim() !== ''))
  return body.map((l) => l.slice(10)).join('\n')
}

test(
  "the README's GitHub Actions step: the mask reaches the step's output, the step ends, serve serves",
  async () => {
    const home = tempDir()
    const work = tempDir()
    try {
      // ~/.local/bin/stsrefresh, as install.sh puts it; it notes its pid so the test can stop it.
      mkdirSync(join(home, '.local', 'bin'), { recursive: true })
      const bin = join(home, '.local', 'bin', 'stsrefresh')
      writeFileSync(bin, `#!/bin/sh\necho $$ > '${work}/serve.pid'\nexec '${BUN}' '${MAIN}' "$@"\n`)
      chmodSync(bin, 0o755)
      const githubEnv = join(work, 'github-env')
      writeFileSync(githubEnv, '')
      const env = world.env({
        HOME: home,
        GITHUB_ENV: githubEnv,
        ACTIONS_ID_TOKEN_REQUEST_URL: world.served.env.ACTIONS_ID_TOKEN_REQUEST_URL!,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: world.served.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN!,
      })
      // GitHub runs `run:` with `bash -e`; reading the step's output to its end proves that the
      // background serve does not hold it open.
      const step = await run(['bash', '-e', '-c', readmeServeStep()], { env, cwd: work })
      recordStderr(step.stderr)
      const written = readFileSync(githubEnv, 'utf8')
      const token = /AWS_CONTAINER_AUTHORIZATION_TOKEN=(.+)\n/.exec(written)![1]!
      rememberSecret(token)
      expect(step).toEqual({ code: 0, stdout: `::add-mask::${token}\n`, stderr: '' })
      // The file the mask line (and so the token) went through is private.
      expect(statSync(join(work, 'stsrefresh.out')).mode & 0o777).toBe(0o600)
      const url = new URL(/AWS_CONTAINER_CREDENTIALS_FULL_URI=(.+)\n/.exec(written)![1]!)
      const served = await get(Number(url.port), { host: url.host, authorization: token })
      expect(served.status).toBe(200)
      rememberSecret(JSON.parse(served.body).Token)
      const pid = Number(readFileSync(join(work, 'serve.pid'), 'utf8'))
      process.kill(pid, 'SIGTERM')
      for (let alive = true; alive;) {
        await Bun.sleep(50)
        try {
          process.kill(pid, 0)
        } catch {
          alive = false
        }
      }
      recordStderr(readFileSync(join(work, 'stsrefresh.log'), 'utf8'))
    } finally {
      removeDirs(home, work)
    }
  },
  30_000,
)

test('serve --port with a bad value is a usage error', async () => {
  const child = Bun.spawn([BUN, MAIN, 'serve', '--port', '70000'], {
    env: world.env(),
    stdout: 'pipe',
    stderr: 'pipe',
  })
  expect(await child.exited).toBe(2)
  const stderr = await new Response(child.stderr).text()
  recordStderr(stderr)
  expect(stderr).toBe('stsrefresh: --port must be a port number from 0 to 65535 (got 70000)\n')
})

test('serve --port that is in use: exit 2 naming the port, before any STS call', async () => {
  const taken = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response() })
  try {
    const calls = world.emulator.stats().requests
    const result = await runCli(['serve', ...ROLE, '--port', String(taken.port)], { env: world.env() })
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `stsrefresh: --port ${taken.port}: cannot listen on 127.0.0.1:${taken.port}: the port is already in use; choose another port, or omit --port to use any free one\n`,
    })
    expect(world.emulator.stats().requests).toBe(calls)
  } finally {
    await taken.stop(true)
  }
})

test('serve --github-env with a $GITHUB_ENV that cannot be written: exit 2, nothing printed', async () => {
  const file = join(world.home, 'no-such-dir', 'github-env')
  const result = await runCli(['serve', ...ROLE, '--github-env'], { env: world.env({ GITHUB_ENV: file }) })
  expect(result).toEqual({
    code: 2,
    stdout: '',
    stderr: `stsrefresh: cannot write the GITHUB_ENV file ${file}: no such file or directory (ENOENT)\n`,
  })
})

test('serve --github-env with stdout thrown away (the masks would be lost): exit 2, nothing written', async () => {
  const file = join(world.home, 'github-env-discarded')
  writeFileSync(file, '')
  const line = `exec '${BUN}' '${MAIN}' serve ${ROLE.join(' ')} --github-env > /dev/null`
  const result = await run(['sh', '-c', line], { env: world.env({ GITHUB_ENV: file }) })
  recordStderr(result.stderr)
  expect(result).toEqual({
    code: 2,
    stdout: '',
    stderr:
      "stsrefresh: stdout is /dev/null: the runner would not see the ::add-mask:: lines, and what goes to $GITHUB_ENV would show unmasked in later logs; send stdout to the step's output, or to a file the step prints\n",
  })
  expect(readFileSync(file, 'utf8')).toBe('')
})

test('no secret the emulator issued appears in any stderr captured in this file', () => {
  expectNoSecretInStderr()
})
