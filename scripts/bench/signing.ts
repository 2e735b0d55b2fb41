/**
 * Item 5: SigV4 signatures per second, the aws4fetch path as stsrefresh's request layer uses it
 * vs the AWS SDK's `@smithy/signature-v4`, under Bun and under Node, alternated in one process
 * per runtime (peers/sign-worker.mjs).
 */
import { join } from 'node:path'
import type { Benchmark, BenchContext, Row } from './common.ts'
import { isolatedEnv, missing, pendingRows, runOk, scratch } from './common.ts'
import { summarize } from './stats.ts'

const METRIC = 'signatures/s (higher is better)'

async function runtime(
  context: BenchContext,
  label: string,
  command: string,
  bundle: string,
): Promise<Row[]> {
  const ms = context.quick ? 300 : 1000
  const rounds = context.quick ? 3 : 7
  const worker = join(import.meta.dir, 'peers/sign-worker.mjs')
  // No AWS_* of this process in the worker, a fresh HOME.
  const env = isolatedEnv(await scratch(context, 'signing-home'), {})
  const done = await runOk([command, worker, bundle, String(ms), String(rounds)], { env })
  const result = JSON.parse(done.stdout) as Record<string, { stsrefresh: number[]; smithy: number[] }>
  const rows: Row[] = []
  for (const [name, samples] of Object.entries(result)) {
    const ratio = summarize(samples.stsrefresh.map((v, i) => v / samples.smithy[i]!))
    const caseName = `${name}, ${label}`
    rows.push({ item: 5, case: caseName, subject: 'stsrefresh (aws4fetch)', metric: METRIC, value: summarize(samples.stsrefresh), ratio: { to: 'smithy', value: ratio }, status: 'ok' })
    rows.push({ item: 5, case: caseName, subject: 'sdk-v3 (@smithy/signature-v4)', metric: METRIC, value: summarize(samples.smithy), status: 'ok' })
  }
  return rows
}

export const signing: Benchmark = {
  name: 'signing',
  items: [5],
  title: 'Signing: aws4fetch (as the request layer uses it) vs @smithy/signature-v4',
  async run(context) {
    const why = (await missing('src/aws/sign.ts', ['signRequest'])) ?? (await missing('src/aws/hex.ts', ['sha256Hex']))
    if (why) return pendingRows(5, ['s3-get', 'dynamodb-put'], ['stsrefresh', 'sdk-v3'], METRIC, why)
    const bundle = await context.libBundle()
    context.note('Each sample signs back to back for a fixed time; stsrefresh and smithy alternate within one process per runtime; ratio = stsrefresh / smithy, pair by pair. Workers run with an isolated environment (no AWS_* of the parent, fresh HOME).')
    return [
      ...(await runtime(context, 'Bun', process.execPath, bundle)),
      ...(await runtime(context, 'Node', 'node', bundle)),
    ]
  },
}
