/**
 * Item 3: the pattern people use today vs stsrefresh. botocore's `RefreshableCredentials` with
 * AssumeRole DurationSeconds=900 (peers/botocore_refresh.py, Debian's python3-boto3) and
 * stsrefresh's `refreshable(fromAssumeRole)` (peers/pattern-stsrefresh.mjs, under Bun) each do
 * S3 GetObject calls back to back against the emulator, whose credentials live 20 s, for
 * `--pattern-seconds` (60; 10 with --quick). Counted by the emulator: AssumeRole calls per S3
 * call; by the client: calls per second and failed calls.
 *
 * Controls: the same two programs with 3600 s credentials (the emulator's lifetime raised, so
 * neither refreshes), for the same duration, alternated with the rest. botocore(20 s) /
 * botocore(3600 s) is what its refresh pattern costs it; stsrefresh(20 s) / stsrefresh(3600 s)
 * the same for stsrefresh; stsrefresh vs botocore at 3600 s is Bun vs Python alone.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Benchmark, Row } from './common.ts'
import { isolatedEnv, missing, pendingRows, REGION, ROLE_ARN, runOk, scratch } from './common.ts'
import { summarize } from './stats.ts'

const SHORT_SECONDS = 20
const LONG_SECONDS = 3600
/** Item 3's budget for its measured runs; more runs only while they fit (README, Method). */
const BUDGET_SECONDS = 480

interface Outcome {
  readonly calls: number
  readonly failures: number
  readonly seconds: number
  readonly errors: Record<string, number>
}

const STS = 'stsrefresh'
const BOTO = 'botocore RefreshableCredentials'
interface Subject {
  readonly name: string
  readonly program: typeof STS | typeof BOTO
  readonly lifetime: number
}
const SUBJECTS: readonly Subject[] = [
  { name: `${STS} (${SHORT_SECONDS} s)`, program: STS, lifetime: SHORT_SECONDS },
  { name: `${BOTO} (${SHORT_SECONDS} s)`, program: BOTO, lifetime: SHORT_SECONDS },
  { name: `${BOTO} (${LONG_SECONDS} s, control)`, program: BOTO, lifetime: LONG_SECONDS },
  { name: `${STS} (${LONG_SECONDS} s, control)`, program: STS, lifetime: LONG_SECONDS },
]

export const refreshPattern: Benchmark = {
  name: 'refresh-pattern',
  items: [3],
  title: `Refresh pattern: botocore RefreshableCredentials (900 s asked) vs stsrefresh, ${SHORT_SECONDS} s credentials, with ${LONG_SECONDS} s controls`,
  async run(context) {
    const names = SUBJECTS.map((s) => s.name)
    const cases = ['AssumeRole per S3 call', 'S3 calls/s', 'failed calls']
    const why =
      (await missing('src/credentials/assume-role.ts', ['fromAssumeRole'])) ??
      (await missing('src/s3/index.ts', ['createS3Client']))
    if (why) return pendingRows(3, cases, names, '-', why)
    const python = '/usr/bin/python3'
    if (!existsSync(python)) return pendingRows(3, cases, names, '-', "Debian's python3-boto3 is not installed")
    const { createEmulator, serveEmulator } = await import('../../src/emulator/index.ts')
    const { createS3Client } = await import('../../src/s3/index.ts')
    const bundle = await context.libBundle()
    const emulator = createEmulator({ lifetimeSeconds: SHORT_SECONDS })
    const served = await serveEmulator(emulator, { port: 0 })
    const home = await scratch(context, 'pattern-home')
    const env = isolatedEnv(home, {
      AWS_ACCESS_KEY_ID: emulator.baseCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: emulator.baseCredentials.secretAccessKey,
      AWS_DEFAULT_REGION: REGION,
    })
    const seconds = context.patternSeconds
    const command = (subject: Subject, duration: number): string[] =>
      subject.program === STS
        ? [process.execPath, join(import.meta.dir, 'peers/pattern-stsrefresh.mjs'), bundle, served.url, ROLE_ARN, String(duration)]
        : [python, join(import.meta.dir, 'peers/botocore_refresh.py'), served.url, ROLE_ARN, String(duration)]
    const perCall: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
    const rate: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
    const failed: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
    const assumes: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
    const errorNames: Record<string, Set<string>> = Object.fromEntries(names.map((n) => [n, new Set<string>()]))
    // At least 3 runs per subject while they fit the budget; 2 otherwise (60 s runs: 4 x 3 x 60 s
    // would be 12 min). --quick: 2 runs.
    const runs = context.quick ? 2 : SUBJECTS.length * 3 * seconds <= BUDGET_SECONDS ? 3 : 2
    const warmupSeconds = Math.min(5, seconds)
    const once = async (subject: Subject, duration: number): Promise<{ outcome: Outcome; s3Calls: number; assumeRoles: number }> => {
      emulator.lifetimeSeconds = subject.lifetime
      emulator.resetStats()
      const done = await runOk(command(subject, duration), { env })
      const outcome = JSON.parse(done.stdout.trim().split('\n').pop()!) as Outcome
      const stats = emulator.stats()
      return { outcome, s3Calls: stats.requestsByService.s3 ?? 0, assumeRoles: stats.stsCalls.AssumeRole ?? 0 }
    }
    try {
      const s3 = createS3Client({ region: REGION, credentials: emulator.baseCredentials, endpoint: served.url, forcePathStyle: true })
      await s3.createBucket({ Bucket: 'bench' })
      await s3.putObject({ Bucket: 'bench', Key: 'pattern.txt', Body: 'x'.repeat(1024) })
      // Warm-up: each program once, briefly, unmeasured (the interpreter's and the bundle's
      // files in the page cache, the emulator's code paths compiled).
      for (const subject of SUBJECTS) {
        context.log(`refresh-pattern: warm-up ${subject.name}, ${warmupSeconds} s`)
        await once(subject, warmupSeconds)
      }
      for (let round = 0; round < runs; round++) {
        const order = SUBJECTS.map((_, i) => SUBJECTS[(i + round) % SUBJECTS.length]!)
        for (const subject of order) {
          context.log(`refresh-pattern: ${subject.name}, ${seconds} s (run ${round + 1} of ${runs})`)
          const { outcome, s3Calls, assumeRoles } = await once(subject, seconds)
          perCall[subject.name]!.push(assumeRoles / Math.max(1, s3Calls))
          rate[subject.name]!.push(outcome.calls / outcome.seconds)
          failed[subject.name]!.push(outcome.failures)
          assumes[subject.name]!.push(assumeRoles)
          for (const name of Object.keys(outcome.errors)) errorNames[subject.name]!.add(name)
        }
      }
    } finally {
      emulator.lifetimeSeconds = SHORT_SECONDS
      await served.close()
    }
    const [sts20, boto20, boto3600, sts3600] = names as [string, string, string, string]
    const byRound = (a: string, b: string) => summarize(rate[a]!.map((v, i) => v / rate[b]![i]!))
    const ratioOf: Record<string, { to: string; value: ReturnType<typeof summarize> }> = {
      [sts20]: { to: `botocore (${SHORT_SECONDS} s)`, value: byRound(sts20, boto20) },
      [sts3600]: { to: `botocore (${LONG_SECONDS} s)`, value: byRound(sts3600, boto3600) },
    }
    const rows: Row[] = []
    for (const name of names) {
      const errors = [...errorNames[name]!]
      rows.push({ item: 3, case: 'AssumeRole calls per S3 call', subject: name, metric: 'ratio (lower is better)', value: summarize(perCall[name]!), status: 'ok', note: `${summarize(assumes[name]!).median} AssumeRole calls in ${seconds} s` })
      rows.push({ item: 3, case: 'S3 calls per second', subject: name, metric: 'calls/s (higher is better)', value: summarize(rate[name]!), ...(ratioOf[name] ? { ratio: ratioOf[name] } : {}), status: 'ok', ...(name === sts3600 ? { note: 'Bun vs Python with no refreshing: the runtime difference alone' } : {}) })
      rows.push({ item: 3, case: 'failed S3 calls', subject: name, metric: 'count (0 is right)', value: summarize(failed[name]!), status: 'ok', ...(errors.length ? { note: errors.join(', ') } : {}) })
    }
    const cost = `S3 calls/s with ${SHORT_SECONDS} s credentials ÷ with ${LONG_SECONDS} s (what the refresh pattern costs; 1 = nothing)`
    rows.push({ item: 3, case: cost, subject: BOTO, metric: 'ratio (higher is better)', value: byRound(boto20, boto3600), status: 'ok' })
    rows.push({ item: 3, case: cost, subject: STS, metric: 'ratio (higher is better)', value: byRound(sts20, sts3600), status: 'ok' })
    context.note(`The emulator's credentials live ${SHORT_SECONDS} s whatever DurationSeconds asks (${LONG_SECONDS} s for the controls: its lifetime raised for those runs); sequential GetObject of a 1 KB object; AssumeRole and S3 calls counted by the emulator.`)
    context.note(`One unmeasured warm-up run of ${warmupSeconds} s per subject, then ${runs} run(s) of ${seconds} s per subject, the order rotating each round; every ratio is taken within a round.${!context.quick && runs < 3 ? ` Two runs, not three: four subjects x 3 x ${seconds} s would exceed item 3's ${BUDGET_SECONDS / 60}-minute budget.` : ''}`)
    context.note('botocore refreshes when fewer than 15 min (advisory) / 10 min (mandatory) are left, so credentials shorter than that are refreshed on every call (boto/botocore#2189); stsrefresh sizes its windows from the lifetime. stsrefresh (20 s) ÷ botocore (20 s) mixes Bun vs Python with the refresh pattern; the controls separate the two.')
    return rows
  },
}
