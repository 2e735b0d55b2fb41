/**
 * Item 3: the pattern people use today vs stsrefresh. botocore's `RefreshableCredentials` with
 * AssumeRole DurationSeconds=900 (peers/botocore_refresh.py, Debian's python3-boto3) and
 * stsrefresh's `refreshable(fromAssumeRole)` (peers/pattern-stsrefresh.mjs, under Bun) each do
 * S3 GetObject calls back to back against the emulator, whose credentials live 20 s, for
 * `--pattern-seconds` (60; 10 with --quick). Counted by the emulator: AssumeRole calls per S3
 * call; by the client: calls per second and failed calls.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Benchmark, Row } from './common.ts'
import { isolatedEnv, missing, pendingRows, REGION, ROLE_ARN, runOk, scratch } from './common.ts'
import { summarize } from './stats.ts'

const LIFETIME_SECONDS = 20

interface Outcome {
  readonly calls: number
  readonly failures: number
  readonly seconds: number
  readonly errors: Record<string, number>
}

export const refreshPattern: Benchmark = {
  name: 'refresh-pattern',
  items: [3],
  title: "Refresh pattern: botocore RefreshableCredentials (900 s) vs stsrefresh, 20 s credentials",
  async run(context) {
    const subjects = ['stsrefresh', 'botocore RefreshableCredentials']
    const cases = ['AssumeRole per S3 call', 'S3 calls/s', 'failed calls']
    const why =
      (await missing('src/credentials/assume-role.ts', ['fromAssumeRole'])) ??
      (await missing('src/s3/index.ts', ['createS3Client']))
    if (why) return pendingRows(3, cases, subjects, '-', why)
    const python = '/usr/bin/python3'
    if (!existsSync(python)) return pendingRows(3, cases, subjects, '-', "Debian's python3-boto3 is not installed")
    const { createEmulator, serveEmulator } = await import('../../src/emulator/index.ts')
    const { createS3Client } = await import('../../src/s3/index.ts')
    const bundle = await context.libBundle()
    const emulator = createEmulator({ lifetimeSeconds: LIFETIME_SECONDS })
    const served = await serveEmulator(emulator, { port: 0 })
    const home = await scratch(context, 'pattern-home')
    const env = isolatedEnv(home, {
      AWS_ACCESS_KEY_ID: emulator.baseCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: emulator.baseCredentials.secretAccessKey,
      AWS_DEFAULT_REGION: REGION,
    })
    const seconds = String(context.patternSeconds)
    const commands: Record<string, string[]> = {
      stsrefresh: [process.execPath, join(import.meta.dir, 'peers/pattern-stsrefresh.mjs'), bundle, served.url, ROLE_ARN, seconds],
      'botocore RefreshableCredentials': [python, join(import.meta.dir, 'peers/botocore_refresh.py'), served.url, ROLE_ARN, seconds],
    }
    const perCall: Record<string, number[]> = { stsrefresh: [], 'botocore RefreshableCredentials': [] }
    const rate: Record<string, number[]> = { stsrefresh: [], 'botocore RefreshableCredentials': [] }
    const failed: Record<string, number[]> = { stsrefresh: [], 'botocore RefreshableCredentials': [] }
    const assumes: Record<string, number[]> = { stsrefresh: [], 'botocore RefreshableCredentials': [] }
    const errorNames: Record<string, Set<string>> = { stsrefresh: new Set(), 'botocore RefreshableCredentials': new Set() }
    const runs = context.quick ? 1 : 2
    try {
      const s3 = createS3Client({ region: REGION, credentials: emulator.baseCredentials, endpoint: served.url, forcePathStyle: true })
      await s3.createBucket({ Bucket: 'bench' })
      await s3.putObject({ Bucket: 'bench', Key: 'pattern.txt', Body: 'x'.repeat(1024) })
      for (let round = 0; round < runs; round++) {
        const order = round % 2 === 0 ? subjects : [...subjects].reverse()
        for (const subject of order) {
          context.log(`refresh-pattern: ${subject}, ${seconds} s`)
          emulator.resetStats()
          const done = await runOk(commands[subject]!, { env })
          const outcome = JSON.parse(done.stdout.trim().split('\n').pop()!) as Outcome
          const stats = emulator.stats()
          const s3Calls = stats.requestsByService.s3 ?? 0
          const assumeRoles = stats.stsCalls.AssumeRole ?? 0
          perCall[subject]!.push(assumeRoles / Math.max(1, s3Calls))
          rate[subject]!.push(outcome.calls / outcome.seconds)
          failed[subject]!.push(outcome.failures)
          assumes[subject]!.push(assumeRoles)
          for (const name of Object.keys(outcome.errors)) errorNames[subject]!.add(name)
        }
      }
    } finally {
      await served.close()
    }
    const rows: Row[] = []
    for (const subject of subjects) {
      const errors = [...errorNames[subject]!]
      rows.push({ item: 3, case: 'AssumeRole calls per S3 call', subject, metric: 'ratio (lower is better)', value: summarize(perCall[subject]!), status: 'ok', note: `${summarize(assumes[subject]!).median} AssumeRole calls in ${seconds} s` })
      rows.push({ item: 3, case: 'S3 calls per second', subject, metric: 'calls/s (higher is better)', value: summarize(rate[subject]!), ...(subject === 'stsrefresh' ? { ratio: { to: 'botocore', value: summarize(rate.stsrefresh!.map((v, i) => v / rate['botocore RefreshableCredentials']![i]!)) } } : {}), status: 'ok' })
      rows.push({ item: 3, case: 'failed S3 calls', subject, metric: 'count (0 is right)', value: summarize(failed[subject]!), status: 'ok', ...(errors.length ? { note: errors.join(', ') } : {}) })
    }
    context.note(`Emulator credentials live ${LIFETIME_SECONDS} s whatever DurationSeconds asks; ${runs} run(s) of ${seconds} s per subject, alternated; sequential GetObject of a 1 KB object; AssumeRole and S3 calls counted by the emulator.`)
    context.note('botocore refreshes when fewer than 15 min (advisory) / 10 min (mandatory) are left, so credentials shorter than that are refreshed on every call (boto/botocore#2189); stsrefresh sizes its windows from the lifetime.')
    return rows
  },
}
