/**
 * `stsrefresh demo` (what `npm start` runs), in its short forms: the refreshing run does every
 * operation and verifies all data, the fetched-once run stops at its first expiry (real time).
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { type CliWorld, expectNoSecretInStderr, runCli, startWorld } from './harness.ts'

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

test(
  'demo --endpoint-url: runs against an emulator the caller serves, and its counters agree',
  async () => {
    world.emulator.resetStats()
    const env = world.env()
    const { code, stdout, stderr } = await runCli(
      [
        'demo',
        '--endpoint-url',
        world.served.url,
        '--lifetime',
        '2',
        '--duration-seconds',
        '4',
        '--objects',
        '60',
        '--file-size',
        '6',
      ],
      { env },
    )
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout).toContain(
      `AWS emulator on ${world.served.url}; every credential it issues lives 2 s.`,
    )
    const rows = summary(stdout)
    expect(rows.get('objects migrated')![0]).toBe('60/60')
    const sts = rows.get('STS AssumeRole calls')!
    expect(Number(sts[0]) + Number(sts[1])).toBe(world.emulator.stats().stsCalls.AssumeRole!)
    expect(world.emulator.lifetimeSeconds).toBe(2)
  },
  60_000,
)

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
