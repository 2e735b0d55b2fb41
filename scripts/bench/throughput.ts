/**
 * Item 4: client throughput against the emulator served by this process on 127.0.0.1 (the
 * clients run in a child, so client and server each get a core). S3 PutObject+GetObject of 1 KB
 * and 1 MB, DynamoDB PutItem+GetItem, sequential and 32 at a time; stsrefresh vs the AWS SDK v3
 * clients vs unsigned fetch (the ceiling), under Bun and under Node (peers/client-worker.mjs,
 * with stsrefresh bundled as for dist/).
 */
import { join } from 'node:path'
import type { BenchContext, Benchmark, Row } from './common.ts'
import { missing, pendingRows, REGION, ROLE_ARN, runOk } from './common.ts'
import { summarize } from './stats.ts'

const KINDS = [
  ['s3-1k', 'S3 put+get 1 KB'],
  ['s3-1m', 'S3 put+get 1 MB'],
  ['ddb', 'DynamoDB put+get item'],
] as const
const CONCURRENCY = [1, 32] as const
const METRIC = 'put+get pairs/s (higher is better)'

export const throughput: Benchmark = {
  name: 'throughput',
  items: [4],
  title: 'Client throughput: stsrefresh vs AWS SDK v3 vs unsigned fetch, Bun and Node',
  async run(context: BenchContext) {
    const cases = KINDS.flatMap(([, label]) => CONCURRENCY.map((c) => `${label}, ${c === 1 ? 'sequential' : `${c} at a time`}`))
    const why =
      (await missing('src/s3/index.ts', ['createS3Client'])) ??
      (await missing('src/dynamodb/index.ts', ['createDynamoDbClient'])) ??
      (await missing('src/credentials/assume-role.ts', ['fromAssumeRole']))
    if (why) return pendingRows(4, cases, ['stsrefresh', 'sdk-v3', 'fetch'], METRIC, why)
    const { createEmulator, serveEmulator } = await import('../../src/emulator/index.ts')
    const { createS3Client } = await import('../../src/s3/index.ts')
    const { createDynamoDbClient } = await import('../../src/dynamodb/index.ts')
    const bundle = await context.libBundle()
    const emulator = createEmulator({ lifetimeSeconds: 3600 })
    const served = await serveEmulator(emulator, { port: 0 })
    const rows: Row[] = []
    try {
      const setup = { region: REGION, credentials: emulator.baseCredentials, endpoint: served.url }
      await createS3Client({ ...setup, forcePathStyle: true }).createBucket({ Bucket: 'bench' })
      await createDynamoDbClient(setup).createTable({
        TableName: 'bench',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      })
      const ms = context.quick ? 500 : 2000
      const rounds = context.quick ? 3 : 5
      const worker = join(import.meta.dir, 'peers/client-worker.mjs')
      for (const [runtimeLabel, command] of [['Bun', process.execPath], ['Node', 'node']] as const) {
        for (const [kind, label] of KINDS) {
          for (const concurrency of CONCURRENCY) {
            const config = {
              endpoint: served.url,
              accessKeyId: emulator.baseCredentials.accessKeyId,
              secretAccessKey: emulator.baseCredentials.secretAccessKey,
              roleArn: ROLE_ARN,
              region: REGION,
              kind,
              concurrency,
              ms,
              rounds,
            }
            const caseName = `${label}, ${concurrency === 1 ? 'sequential' : `${concurrency} at a time`}, ${runtimeLabel}`
            context.log(`throughput: ${caseName}`)
            const done = await runOk([command, worker, bundle, JSON.stringify(config)])
            const samples = JSON.parse(done.stdout) as Record<'stsrefresh' | 'sdk' | 'fetch', number[]>
            const ratio = (other: number[]) => summarize(samples.stsrefresh.map((v, i) => v / other[i]!))
            rows.push({ item: 4, case: caseName, subject: 'stsrefresh', metric: METRIC, value: summarize(samples.stsrefresh), ratio: { to: 'sdk-v3', value: ratio(samples.sdk) }, status: 'ok', note: `${formatRatio(ratio(samples.fetch).median)} of the unsigned-fetch ceiling` })
            rows.push({ item: 4, case: caseName, subject: 'sdk-v3', metric: METRIC, value: summarize(samples.sdk), ratio: { to: 'fetch', value: summarize(samples.sdk.map((v, i) => v / samples.fetch[i]!)) }, status: 'ok' })
            rows.push({ item: 4, case: caseName, subject: 'unsigned fetch (ceiling)', metric: METRIC, value: summarize(samples.fetch), status: 'ok' })
          }
        }
      }
    } finally {
      await served.close()
    }
    context.note('One child process per runtime and case; stsrefresh, sdk-v3 and fetch alternate round by round (order rotating), one warm-up round dropped; ratios pair by pair.')
    context.note('Credentials: stsrefresh uses refreshable(fromAssumeRole), the SDK fromTemporaryCredentials, both against the emulator\'s STS (3600 s lifetime, so no refresh during a run).')
    context.note('The ceiling sends the same requests unsigned; the emulator rejects them before touching storage (no MD5/ETag, no item store), so it is the cost of the HTTP exchanges alone.')
    context.note('Node runs stsrefresh as bundled by Bun.build (target node, minified), the way scripts/build.ts builds dist/.')
    return rows
  },
}

function formatRatio(value: number): string {
  return `${(value * 100).toFixed(0)} %`
}
