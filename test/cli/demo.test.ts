/**
 * `stsrefresh demo` (what `npm start` runs), in its short forms: the refreshing run does every
 * operation and verifies all data, the fetched-once run stops at its first expiry (real time).
 * Against the caller's emulator it counts only its own calls and leaves nothing behind, also when
 * interrupted; a closed stdout or an unreachable endpoint ends it with one clear outcome.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createDynamoDbClient } from '../../src/dynamodb/index.ts'
import { createS3Client } from '../../src/s3/index.ts'
import { createStsClient } from '../../src/sts.ts'
import {
  BUN,
  type CliWorld,
  expectNoSecretInStderr,
  MAIN,
  recordStderr,
  runCli,
  startWorld,
} from './harness.ts'

let world: CliWorld
beforeAll(async () => {
  world = await startWorld()
})
afterAll(() => world.close())

/** The summary table's rows, as [label, refreshing, static]. */
function summary(stdout: string): Map<string, [string, string]> {
  const rows = new Map<string, [string, string]>()
  for (const line of stdout.split('\n')) {
    const cells = line.trim().split(/ {3,}/)
    if (cells.length === 3) rows.set(cells[0]!, [cells[1]!, cells[2]!])
  }
  return rows
}

test('demo --quick: the embedded emulator, 4 s credentials, a 10 s job; exit 0', async () => {
  const { code, stdout, stderr } = await runCli(['demo', '--quick'], {
    env: { PATH: process.env.PATH ?? '', HOME: world.home },
  })
  expect(stderr).toBe('')
  expect(code).toBe(0)
  expect(stdout).toMatch(
    /^stsrefresh demo: AWS emulator on http:\/\/127\.0\.0\.1:\d+; every credential it issues lives 4 s\.\n/,
  )
  // One line per refresh, masked key ids only: at least the initial one and two more in 10 s.
  const refreshes = stdout.split('\n').filter((l) =>
    /^ {2}refresh #\d+ at +[\d.]+ s: ASIA…[A-Z0-9]{4}, expires \d\d:\d\d:\d\d UTC/.test(l)
  )
  expect(refreshes.length).toBeGreaterThanOrEqual(3)
  const rows = summary(stdout)
  expect(rows.get('objects migrated')).toEqual(['300/300', expect.stringMatching(/^\d+\/300$/)])
  expect(rows.get('large file (12.0 MiB)')).toEqual(['uploaded', 'not uploaded'])
  expect(rows.get('operations failed')![0]).toBe('0')
  // S3 says ExpiredToken, DynamoDB ExpiredTokenException: whichever the static job calls first.
  expect(rows.get('operations failed')![1]).toMatch(/^\d+ \(ExpiredToken(Exception)? at \d+\.\d s\)$/)
  expect(rows.get('STS AssumeRole calls')![1]).toBe('1')
  expect(Number(rows.get('STS AssumeRole calls')![0])).toBe(refreshes.length)
  expect(rows.get('data verified')![0]).toBe('300/300 items')
  expect(stdout).toContain('file SHA-256 matches')
  expect(stdout.trimEnd().split('\n').at(-1)).toMatch(
    /^OK: the refreshing run did every operation and verified all data; the static run stopped at its first expiry \(ExpiredToken after \d+\.\d s\)\.$/,
  )
}, 60_000)

/** The bucket and tables a run names in its Setup line. */
function runNames(stdout: string): { bucket: string; tables: string[] } {
  const bucket = /s3:\/\/(stsrefresh-demo-([a-z0-9]+))\/orders\//.exec(stdout)
  expect(bucket).not.toBeNull()
  const id = bucket![2]!
  return { bucket: bucket![1]!, tables: [`demo-${id}-refreshing`, `demo-${id}-static`] }
}

/** Whether the run's bucket and tables are gone from the caller's emulator. */
async function leftBehind(names: { bucket: string; tables: string[] }): Promise<string[]> {
  const deps = {
    region: world.emulator.region,
    endpoint: 'http://emulator',
    fetch: world.emulator.fetch,
    credentials: world.emulator.baseCredentials,
    env: {},
  }
  const left: string[] = []
  await createS3Client({ ...deps, forcePathStyle: true }).headBucket({ Bucket: names.bucket })
    .then(() => left.push(names.bucket), () => {})
  for (const TableName of names.tables) {
    await createDynamoDbClient(deps).describeTable({ TableName })
      .then(() => left.push(TableName), () => {})
  }
  return left
}

const externalArgs = (duration: number): string[] => [
  'demo',
  '--endpoint-url',
  world.served.url,
  '--lifetime',
  '2',
  '--duration-seconds',
  String(duration),
  '--objects',
  '60',
  '--file-size',
  '6',
]

test(
  'demo --endpoint-url: counts only its own AssumeRole calls, then sets the lifetime back and removes its bucket and tables',
  async () => {
    world.emulator.lifetimeSeconds = 30
    // Another client of the same emulator, calling AssumeRole all through the demo.
    const sts = createStsClient({
      region: world.emulator.region,
      endpoint: 'http://emulator',
      fetch: world.emulator.fetch,
      credentials: world.emulator.baseCredentials,
      env: {},
    })
    let others = 0
    let running = true
    const neighbour = (async () => {
      while (running) {
        await sts.assumeRole({ RoleArn: 'arn:aws:iam::123456789012:role/other', RoleSessionName: 'other' })
        others++
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    })()
    const before = world.emulator.stats().stsCalls.AssumeRole ?? 0
    const { code, stdout, stderr } = await runCli(externalArgs(4), { env: world.env() })
    running = false
    await neighbour
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout).toContain(
      `AWS emulator on ${world.served.url}; every credential it issues lives 2 s.`,
    )
    const rows = summary(stdout)
    expect(rows.get('objects migrated')![0]).toBe('60/60')
    const refreshLines = stdout.split('\n').filter((l) => /^ {2}refresh #\d+ at /.test(l)).length
    const [refreshing, once] = rows.get('STS AssumeRole calls')!.map(Number) as [number, number]
    expect(once).toBe(1)
    expect(refreshing).toBe(refreshLines)
    expect(others).toBeGreaterThan(0)
    expect(refreshing + once + others).toBe((world.emulator.stats().stsCalls.AssumeRole ?? 0) - before)
    // The shared emulator is as it was found.
    expect(world.emulator.lifetimeSeconds).toBe(30)
    const names = runNames(stdout)
    expect(await leftBehind(names)).toEqual([])
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(
      `Cleanup: removed s3://${names.bucket} (61 objects), table ${names.tables[0]}, table ${
        names.tables[1]
      }; the emulator's credential lifetime is 30 s again.`,
    )
  },
  60_000,
)

test('demo --endpoint-url, interrupted (SIGINT): exit 130, the lifetime set back, nothing left behind', async () => {
  world.emulator.lifetimeSeconds = 30
  const child = Bun.spawn([BUN, MAIN, ...externalArgs(30)], {
    env: world.env(),
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const reader = child.stdout.getReader()
  let stdout = ''
  while (!stdout.includes('Run 1 of 2')) {
    const { done, value } = await reader.read()
    if (done) break
    stdout += new TextDecoder().decode(value)
  }
  expect(world.emulator.lifetimeSeconds).toBe(2)
  child.kill('SIGINT')
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    stdout += new TextDecoder().decode(value)
  }
  const [stderr, code] = await Promise.all([new Response(child.stderr).text(), child.exited])
  recordStderr(stderr)
  expect(code).toBe(130)
  expect(stderr).toBe('stsrefresh: SIGINT: stopping the demo and cleaning up (SIGINT again to quit now)\n')
  expect(world.emulator.lifetimeSeconds).toBe(30)
  expect(await leftBehind(runNames(stdout))).toEqual([])
  expect(stdout).not.toContain('Run 2 of 2')
}, 60_000)

test('demo --endpoint-url at a port nothing listens on: names the URL and what to check; exit 4', async () => {
  const { code, stdout, stderr } = await runCli(
    ['demo', '--endpoint-url', 'http://127.0.0.1:1'],
    { env: { PATH: process.env.PATH ?? '', HOME: world.home } },
  )
  expect(stdout).toBe('')
  expect(stderr).toMatch(
    /^stsrefresh: could not reach the emulator at http:\/\/127\.0\.0\.1:1: check --endpoint-url and that `stsrefresh emulator` is running there \(GET \/_emulator\/health: .+\)\n$/,
  )
  expect(code).toBe(4)
})

test('demo --quick | head -2: a closed stdout ends the demo quietly and early, exit 0', async () => {
  const started = Date.now()
  const shell = Bun.spawn(
    ['bash', '-c', `"$0" "$1" demo --quick 2>"$2" | head -2; echo "\${PIPESTATUS[0]}" >>"$2"`, BUN, MAIN, join(world.home, 'head.err')],
    { env: { PATH: process.env.PATH ?? '', HOME: world.home }, stdout: 'pipe', stderr: 'pipe' },
  )
  const [stdout, code] = await Promise.all([new Response(shell.stdout).text(), shell.exited])
  const elapsed = Date.now() - started
  expect(code).toBe(0)
  expect(stdout.split('\n').length).toBe(3)
  expect(stdout).toStartWith('stsrefresh demo: AWS emulator on ')
  // No stack trace, no EPIPE: only the demo's exit status, 0.
  expect(readFileSync(join(world.home, 'head.err'), 'utf8')).toBe('0\n')
  // Both runs take 10 s each: it stopped at its next line, not at the end.
  expect(elapsed).toBeLessThan(15_000)
}, 60_000)

test('demo flag mistakes exit 2', async () => {
  const env = { PATH: process.env.PATH ?? '', HOME: world.home }
  expect(await runCli(['demo', '--objects', '0'], { env })).toEqual({
    code: 2,
    stdout: '',
    stderr: 'stsrefresh: --objects must be a whole number from 1 to 1000000 (got 0)\n',
  })
  expect(await runCli(['demo', '--endpoint-url', 'nope'], { env })).toEqual({
    code: 2,
    stdout: '',
    stderr: 'stsrefresh: --endpoint-url must be an http:// or https:// URL (got nope)\n',
  })
})

test('no secret the emulator issued appears in any stderr captured in this file', () => {
  expectNoSecretInStderr()
})
