/**
 * The in-process soak: the library itself (a refreshable AssumeRole session, the S3 and
 * DynamoDB clients) against the in-process emulator on a manual clock, so hours of 10-20 s
 * credentials with 10 % of STS calls failing run in seconds. Work runs every few simulated
 * seconds until the session has refreshed at least `refreshes` times.
 */
import { seededRandom } from '../../src/random.ts'
import { createManualClock } from '../../src/clock.ts'
import { fromAssumeRole } from '../../src/credentials/assume-role.ts'
import { refreshable } from '../../src/credentials/refreshable.ts'
import { createDynamoDbClient } from '../../src/dynamodb/index.ts'
import { createEmulator } from '../../src/emulator/index.ts'
import { createS3Client } from '../../src/s3/index.ts'
import type { FetchLike } from '../../src/types.ts'

/** What the in-process soak measured. */
export interface InProcessReport {
  readonly simulatedSeconds: number
  readonly calls: number
  readonly failures: number
  readonly errors: readonly string[]
  readonly refreshes: number
  /** AssumeRole calls the emulator answered, failed ones included. */
  readonly assumeRoleCalls: number
  /** Of those, how many the emulator failed on purpose. */
  readonly injectedFailures: number
  /** One AssumeRole per credential lifetime over the simulated time. */
  readonly ideal: number
}


/** Run the in-process soak. */
export async function inProcessSoak(options: {
  readonly refreshes: number
  readonly failureRate: number
  readonly seed: number
  readonly minLifetime: number
  readonly maxLifetime: number
}): Promise<InProcessReport> {
  const random = seededRandom(options.seed)
  let inflight = 0
  const turn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve))
  // Never let simulated time run ahead of work really in progress (see test/faults/fixture.ts).
  // The wait is bounded generously: on a loaded machine a request can take far longer than a
  // few ms of real time, and jumping the clock past it would fail the run for the simulation's
  // sake, not the library's (seen once in CI with a 20 ms bound).
  const clock = createManualClock(Date.UTC(2026, 0, 1), {
    settle: async () => {
      const deadline = performance.now() + 2_000
      for (let i = 0; i < 5 || (inflight > 0 && performance.now() < deadline); i++) await turn()
      await new Promise<void>((resolve) => setTimeout(resolve, 1))
      for (let i = 0; i < 10; i++) await turn()
    },
  })
  const lifetime = (): number =>
    options.minLifetime + Math.floor(random() * (options.maxLifetime - options.minLifetime + 1))
  const emulator = createEmulator({ clock, lifetimeSeconds: lifetime(), random })
  emulator.faults.setFailureRate('sts', options.failureRate, 'error')
  // Signing (WebCrypto) runs between a timer firing and the next fetch; on a loaded machine it
  // can outlast the settle turns, and the clock would jump past a retry that was about to be
  // sent. Count WebCrypto calls as work in flight too, for the duration of the soak.
  const subtle = crypto.subtle as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>
  const originals = new Map<string, (...args: unknown[]) => Promise<unknown>>()
  for (const name of ['digest', 'sign', 'importKey']) {
    const original = subtle[name]!.bind(crypto.subtle)
    originals.set(name, subtle[name]!)
    subtle[name] = (...args: unknown[]) => {
      inflight++
      return original(...args).finally(() => inflight--)
    }
  }
  const restoreCrypto = (): void => {
    for (const [name, original] of originals) subtle[name] = original
  }
  const fetch: FetchLike = async (input, init) => {
    inflight++
    try {
      return await emulator.fetch(input, init)
    } finally {
      inflight--
    }
  }
  const deps = { endpoint: 'http://aws.soak.test', fetch, clock, env: {}, region: 'us-east-1' }
  const session = refreshable(
    fromAssumeRole({
      ...deps,
      roleArn: 'arn:aws:iam::123456789012:role/soak',
      roleSessionName: 'soak',
      source: emulator.baseCredentials,
    }),
    { clock, random },
  )
  const lifetimes: number[] = []
  // The last refresh events, to explain a failure (times relative to the simulated start).
  const trail: string[] = []
  const note = (line: string): void => {
    trail.push(`${new Date(clock.now()).toISOString().slice(11, 23)} ${line}`)
    if (trail.length > 12) trail.shift()
  }
  session.on('error', (event) =>
    note(`refresh error (${event.reason ?? '?'}): ${String((event.error as Error)?.message ?? event.error).slice(0, 80)}; willRetry ${event.willRetry} in ${event.retryInMs ?? '-'} ms; valid for ${event.credentialsValidForMs ?? '-'} ms`))
  session.on('refresh', (event) => {
    note(`refresh (${event.reason}): expires ${event.expiration?.toISOString().slice(11, 23)}`)
    if (event.expiration) lifetimes.push(event.expiration.getTime() - clock.now())
    emulator.lifetimeSeconds = lifetime()
  })
  const s3 = createS3Client({ ...deps, credentials: session, forcePathStyle: true })
  const ddb = createDynamoDbClient({ ...deps, credentials: session, random })
  const drive = async <T>(promise: Promise<T>): Promise<T> => {
    let settled = false
    const done = promise.finally(() => (settled = true))
    done.catch(() => {})
    for (let i = 0; !settled && i < 10_000; i++) await clock.advance(500)
    return promise
  }
  await drive(s3.createBucket({ Bucket: 'soak' }))
  await drive(
    ddb.createTable({
      TableName: 'soak',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  )
  emulator.resetStats()
  const start = clock.now()
  const startRefreshes = session.state.refreshes
  let calls = 0
  let failures = 0
  const errors: string[] = []
  const call = async (what: string, fn: () => Promise<unknown>): Promise<void> => {
    calls++
    try {
      await drive(fn())
    } catch (error) {
      failures++
      if (errors.length < 10) errors.push(`${what}: ${(error as Error).message}`)
      if (failures === 1) errors.push(...trail.map((line) => `  trail: ${line}`))
    }
  }
  for (let n = 0; session.state.refreshes - startRefreshes < options.refreshes; n++) {
    const body = `object ${n}`
    await call('PutObject', () => s3.putObject({ Bucket: 'soak', Key: `k${n % 20}`, Body: body }))
    await call('GetObject', async () => {
      const text = await (await s3.getObject({ Bucket: 'soak', Key: `k${n % 20}` })).Body.text()
      if (text !== body) throw new Error('object came back different')
    })
    await call('PutItem', () => ddb.putItem({ TableName: 'soak', Item: { pk: `p${n % 20}`, n } }))
    await call('GetItem', async () => {
      const out = await ddb.getItem({
        TableName: 'soak',
        Key: { pk: `p${n % 20}` },
        ConsistentRead: true,
      })
      if (out.Item?.n !== n) throw new Error('item came back different')
    })
    await clock.advance(5_000)
  }
  await session.stop()
  restoreCrypto()
  const simulatedMs = clock.now() - start
  const mean = lifetimes.reduce((sum, ms) => sum + ms, 0) / Math.max(1, lifetimes.length)
  const stats = emulator.stats()
  return {
    simulatedSeconds: Math.round(simulatedMs / 1000),
    calls,
    failures,
    errors,
    refreshes: session.state.refreshes - startRefreshes,
    assumeRoleCalls: stats.stsCalls.AssumeRole ?? 0,
    injectedFailures: stats.faultsInjected.error ?? 0,
    ideal: Math.ceil(simulatedMs / mean),
  }
}
