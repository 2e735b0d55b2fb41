/**
 * Item 4: client throughput against the emulator served by this process on 127.0.0.1 (the
 * clients run in a child, so client and server each get a core). S3 PutObject+GetObject of 1 KB
 * and 1 MB, DynamoDB PutItem+GetItem, sequential and 32 at a time; stsrefresh vs the AWS SDK v3
 * clients vs the ceiling (the same requests, signed once up front and replayed), under Bun and
 * under Node (peers/client-worker.mjs, with stsrefresh bundled as for dist/). S3 is shown twice:
 * each client with its default checksum settings, and both with checksums off ('WHEN_REQUIRED').
 * A probe first records, through a proxy, which checksum headers each S3 variant sends.
 */
// The emulator serving the workers runs in this process as an application would run it, with
// the Node/Bun platform installed: its MD5s (ETags) and CRC32s go through the host's hashes.
import '../../src/runtime/install-platform.ts'
import { join } from 'node:path'
import type { BenchContext, Benchmark, Row } from './common.ts'
import { isolatedEnv, missing, pendingRows, REGION, ROLE_ARN, runOk, scratch } from './common.ts'
import { summarize } from './stats.ts'

const KINDS = [
  ['s3-1k', 'S3 put+get 1 KB'],
  ['s3-1m', 'S3 put+get 1 MB'],
  ['ddb', 'DynamoDB put+get item'],
] as const
const CONCURRENCY = [1, 32] as const
const METRIC = 'put+get pairs/s (higher is better)'
const DEFAULTS = 'checksums: each client\'s default'
const OFF = "checksums off on both ('WHEN_REQUIRED')"
const CEILING = 'ceiling (signed once, replayed)'

type Variant = 'stsrefresh' | 'sdk' | 'stsrefreshOff' | 'sdkOff' | 'fetch'
type Samples = Record<Variant, number[] | undefined> & {
  /** The worker's CPU time per pair, per sample (client-worker.mjs). */
  readonly cpuMsPerPair: Partial<Record<Variant, number[]>>
}

/** What one variant's PUT and GET carried, seen by the probe proxy. */
function describe(seen: Map<string, Set<string>>, prefix: string): string {
  const put = seen.get(`PUT ${prefix}`) ?? new Set()
  const get = seen.get(`GET ${prefix}`) ?? new Set()
  const crc = [...put].filter((h) => h.startsWith('x-amz-checksum-')).map((h) => h.slice(15).toUpperCase())
  // How the upload's payload was signed: its SHA-256, or UNSIGNED-PAYLOAD (which the emulator,
  // as S3, does not hash).
  const payload = [...put].filter((h) => h.startsWith('payload:')).map((h) => h.slice(8)).join('+')
  return `PUT ${crc.length ? `sends ${crc.join('+')}` : 'sends no checksum'} (payload ${payload === 'signed' ? 'hash signed' : payload}), GET ${get.has('x-amz-checksum-mode') ? 'asks for and validates the checksum' : 'asks for no checksum'}`
}

export const throughput: Benchmark = {
  name: 'throughput',
  items: [4],
  title: 'Client throughput: stsrefresh vs AWS SDK v3 vs the ceiling, Bun and Node',
  async run(context: BenchContext) {
    const cases = KINDS.flatMap(([, label]) => CONCURRENCY.map((c) => `${label}, ${c === 1 ? 'sequential' : `${c} at a time`}`))
    const why =
      (await missing('src/s3/index.ts', ['createS3Client'])) ??
      (await missing('src/dynamodb/index.ts', ['createDynamoDbClient'])) ??
      (await missing('src/credentials/assume-role.ts', ['fromAssumeRole']))
    if (why) return pendingRows(4, cases, ['stsrefresh', 'sdk-v3', 'ceiling'], METRIC, why)
    const { createEmulator, serveEmulator } = await import('../../src/emulator/index.ts')
    const { createS3Client } = await import('../../src/s3/index.ts')
    const { createDynamoDbClient } = await import('../../src/dynamodb/index.ts')
    const bundle = await context.libBundle()
    const emulator = createEmulator({ lifetimeSeconds: 3600 })
    const served = await serveEmulator(emulator, { port: 0 })
    // The workers get no AWS_* variable of this process (a stray AWS_MAX_ATTEMPTS or
    // AWS_REQUEST_CHECKSUM_CALCULATION would change the SDK's side) and a fresh HOME.
    const env = isolatedEnv(await scratch(context, 'throughput-home'), {})
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
      const configOf = (endpoint: string, kind: string, concurrency: number, probe = false) => ({
        endpoint,
        accessKeyId: emulator.baseCredentials.accessKeyId,
        secretAccessKey: emulator.baseCredentials.secretAccessKey,
        roleArn: ROLE_ARN,
        region: REGION,
        kind,
        concurrency,
        ms,
        rounds,
        ...(probe ? { probe } : {}),
      })
      for (const [runtimeLabel, command] of [['Bun', process.execPath], ['Node', 'node']] as const) {
        // Probe: one put+get per variant through a proxy that records the checksum headers.
        const seen = new Map<string, Set<string>>()
        const proxy = Bun.serve({
          port: 0,
          hostname: '127.0.0.1',
          fetch(request) {
            const key = new URL(request.url).pathname.split('/')[2] ?? ''
            const slot = `${request.method} ${key.replace(/-\d+$/, '')}`
            const headers = seen.get(slot) ?? new Set<string>()
            for (const [name] of request.headers) if (/^x-amz-(checksum|sdk-checksum)/.test(name)) headers.add(name)
            const payload = request.headers.get('x-amz-content-sha256') ?? 'none'
            headers.add(`payload:${/^[0-9a-f]{64}$/.test(payload) ? 'signed' : payload}`)
            seen.set(slot, headers)
            return emulator.fetch(request)
          },
        })
        try {
          await runOk([command, worker, bundle, JSON.stringify(configOf(`http://127.0.0.1:${proxy.port}`, 's3-1k', 1, true))], { env })
        } finally {
          await proxy.stop(true)
        }
        const probe = {
          stsrefresh: describe(seen, 'r'),
          sdk: describe(seen, 's'),
          stsrefreshOff: describe(seen, 'ro'),
          sdkOff: describe(seen, 'so'),
          fetch: describe(seen, 'f'),
        }
        context.note(`${runtimeLabel}, probed: stsrefresh by default: ${probe.stsrefresh}; sdk-v3 by default: ${probe.sdk}; with 'WHEN_REQUIRED': stsrefresh ${probe.stsrefreshOff}, sdk-v3 ${probe.sdkOff}; ceiling ${probe.fetch}.`)
        for (const [kind, label] of KINDS) {
          for (const concurrency of CONCURRENCY) {
            const base = `${label}, ${concurrency === 1 ? 'sequential' : `${concurrency} at a time`}, ${runtimeLabel}`
            context.log(`throughput: ${base}`)
            const done = await runOk([command, worker, bundle, JSON.stringify(configOf(served.url, kind, concurrency))], { env })
            const samples = JSON.parse(done.stdout) as Samples
            const fetchSamples = samples.fetch!
            const pair = (ours: number[], other: number[]) => summarize(ours.map((v, i) => v / other[i]!))
            // The client's CPU per pair, median of the samples: where the server bounds the rate,
            // this is what separates the clients.
            const cpuOf = (variant: Variant): string => {
              const values = samples.cpuMsPerPair[variant] ?? []
              return values.length ? `${summarize(values).median.toFixed(2)} ms` : 'n/a'
            }
            const block = (caseName: string, ours: Variant, sdk: Variant, ceilingNote: string, sdkNote?: string): void => {
              const [oursRates, sdkRates] = [samples[ours]!, samples[sdk]!]
              rows.push({ item: 4, case: caseName, subject: 'stsrefresh', metric: METRIC, value: summarize(oursRates), ratio: { to: 'sdk-v3', value: pair(oursRates, sdkRates) }, status: 'ok', note: `${formatRatio(pair(oursRates, fetchSamples).median)} of the ceiling; client CPU ${cpuOf(ours)} per pair` })
              rows.push({ item: 4, case: caseName, subject: 'sdk-v3', metric: METRIC, value: summarize(sdkRates), ratio: { to: 'ceiling', value: pair(sdkRates, fetchSamples) }, status: 'ok', note: `client CPU ${cpuOf(sdk)} per pair${sdkNote ? `; ${sdkNote}` : ''}` })
              rows.push({ item: 4, case: caseName, subject: CEILING, metric: METRIC, value: summarize(fetchSamples), status: 'ok', note: `${ceilingNote}; client CPU ${cpuOf('fetch')} per pair` })
            }
            if (kind === 'ddb') {
              block(base, 'stsrefresh', 'sdk', 'PutItem/GetItem signed once per sample, replayed; 200 and the item checked')
            } else {
              const ceilingNote = 'PUT/GET signed once per sample (the payload hash signed), replayed; PUT 200 and the full GET body checked; no checksum headers; the same samples in both S3 cases'
              block(`${base}; ${DEFAULTS}`, 'stsrefresh', 'sdk', ceilingNote, `default: ${probe.sdk}; stsrefresh default: ${probe.stsrefresh}`)
              block(`${base}; ${OFF}`, 'stsrefreshOff', 'sdkOff', ceilingNote)
            }
          }
        }
      }
    } finally {
      await served.close()
    }
    context.note('One child process per runtime and case; the variants (S3: stsrefresh and sdk-v3 with default checksums, both again with checksums off, the ceiling; DynamoDB: stsrefresh, sdk-v3, the ceiling) alternate round by round (order rotating), one warm-up round dropped; ratios pair by pair within a round.')
    context.note("S3 twice: each client with its default checksum settings (the SDK computes a CRC32 on PutObject and validates GetObject's, requestChecksumCalculation/responseChecksumValidation 'WHEN_SUPPORTED'; what stsrefresh's default does is probed above), and both with checksums off ('WHEN_REQUIRED' passed to both clients), equal work.")
    context.note('Credentials: stsrefresh uses refreshable(fromAssumeRole), the SDK fromTemporaryCredentials, both against the emulator\'s STS (3600 s lifetime, so no refresh during a run).')
    context.note('The ceiling: before each sample (untimed) every request a worker sends is SigV4-signed once (header auth, the same assumed-role credentials, signed payload hash, no checksum headers); the loop replays them with fetch. The emulator verifies, stores and answers as for the clients (checked every call: PUT/PutItem 200, GET returns the full object, GetItem the item); only client-side signing and SDK work are missing.')
    context.note('Node runs stsrefresh as bundled by Bun.build (target node, minified), the way scripts/build.ts builds dist/.')
    context.note('Workers run with an isolated environment (no AWS_* of the parent, fresh HOME).')
    context.note("Client CPU per pair: the worker's process.cpuUsage() over each sample divided by its pairs, median of the samples (the worker runs one variant at a time). Where every variant sits at the ceiling's rate, the server is the bound and this is what a client costs.")
    return rows
  },
}

function formatRatio(value: number): string {
  return `${(value * 100).toFixed(0)} %`
}
