/**
 * The world every in-process fault test runs in: an emulator on a manual clock, a refreshable
 * AssumeRole session signed by the emulator's base keys, and S3, DynamoDB and STS clients that
 * use it, all through one `fetch` that a test can break (network down, a proxy's answer, a
 * connection reset) per service. Nothing touches a socket; time moves only when told to.
 */
import { createManualClock, withSkewCorrection } from '../../src/clock.ts'
import type { ManualClock } from '../../src/clock.ts'
import { fromAssumeRole } from '../../src/credentials/assume-role.ts'
import { refreshable } from '../../src/credentials/refreshable.ts'
import type {
  RefreshableCredentials,
  RefreshErrorEvent,
} from '../../src/credentials/refreshable.ts'
import { createDynamoDbClient } from '../../src/dynamodb/index.ts'
import type { DynamoDbClient } from '../../src/dynamodb/index.ts'
import { createEmulator } from '../../src/emulator/index.ts'
import type { Emulator, EmulatorOptions } from '../../src/emulator/index.ts'
import { createS3Client } from '../../src/s3/index.ts'
import type { S3Client } from '../../src/s3/index.ts'
import { createStsClient } from '../../src/sts.ts'
import type { StsClient } from '../../src/sts.ts'
import type { Clock, CredentialProvider, FetchLike } from '../../src/types.ts'
export { rejection } from '../helpers/rejection.ts'

/** 2026-01-01T00:00:00Z. */
export const T0: number = Date.UTC(2026, 0, 1)
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/faults'
const ENDPOINT = 'http://aws.emulator.test'

/** Which service a request to the emulator is for (by its SigV4 scope or target header). */
export function serviceOf(request: Request): 'sts' | 's3' | 'dynamodb' {
  if (request.headers.get('x-amz-target')?.startsWith('DynamoDB_')) return 'dynamodb'
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([\w-]+)\//.exec(
    request.headers.get('authorization') ?? '',
  )
  return scope?.[1] === 's3' || scope?.[1] === 'dynamodb' ? scope[1] : scope ? 'sts' : 's3'
}

/**
 * Replace the emulator's answer for a request: return a Response to answer instead, throw to
 * fail the exchange (a network error), or return undefined to pass the request through.
 */
export type Interceptor = (request: Request) => Response | undefined | Promise<Response | undefined>

/** A built fault world. */
export interface FaultWorld {
  readonly clock: ManualClock
  readonly emulator: Emulator
  readonly session: RefreshableCredentials
  readonly s3: S3Client
  readonly ddb: DynamoDbClient
  readonly sts: StsClient
  /** Every `error` event of the session. */
  readonly refreshErrors: RefreshErrorEvent[]
  /** Set to intercept requests (see {@link Interceptor}); undefined passes everything. */
  intercept: Interceptor | undefined
  /** AssumeRole calls the emulator answered so far (faults included). */
  assumeRoleCalls(): number
  /** Create the bucket `data` and the table `items` (pk: S). */
  prepare(): Promise<void>
}

/** Options of {@link createFaultWorld}. */
export interface FaultWorldOptions {
  /** Emulator credential lifetime; default 900 s. */
  readonly lifetimeSeconds?: number
  /** The clients' clock runs this far ahead (+) or behind (-) of the emulator's. */
  readonly clientSkewMs?: number
  /** The session's source credentials; default the emulator's base keys. */
  readonly source?: Parameters<typeof fromAssumeRole>[0]['source']
  /** Extra emulator options. */
  readonly emulator?: EmulatorOptions
  /** Attempts per call of the data clients; default 3. */
  readonly maxAttempts?: number
  /** Build the session's source instead of AssumeRole with `source` (e.g. web identity). */
  readonly makeSource?: (deps: SourceDeps) => CredentialProvider
}

/** What a source needs to reach the emulator. */
export interface SourceDeps {
  readonly endpoint: string
  readonly fetch: FetchLike
  readonly clock: Clock
  readonly env: Record<string, string>
  readonly region: string
}

/**
 * Let in-process work finish between timer firings, so simulated time never runs ahead of work
 * that is really in progress (a per-attempt timeout must not fire while the emulator is still
 * verifying a signature on a crypto thread). Waits until no request is in flight (an injected
 * hang excepted: it only ends when simulated time moves) and the set of pending timers has
 * stopped changing across two real-time pauses; bounded, so a bug cannot stall the suite.
 */
function createSettle(busy: () => number, timers: () => number): () => Promise<void> {
  const turn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve))
  const pause = (): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, 1))
  return async () => {
    const deadline = performance.now() + 2_000
    let quiet = 0
    let last = -1
    while (quiet < 2 && performance.now() < deadline) {
      for (let i = 0; i < 10; i++) await turn()
      await pause()
      const now = timers()
      quiet = busy() === 0 && now === last ? quiet + 1 : 0
      last = now
    }
  }
}

/** A clock `skewMs` away from `base`, sharing its timers. */
function skewed(base: ManualClock, skewMs: number): Clock {
  return { now: () => base.now() + skewMs, setTimer: (cb, ms) => base.setTimer(cb, ms) }
}

/** Build a fault world; the session starts lazily (first `get()`). */
export function createFaultWorld(options: FaultWorldOptions = {}): FaultWorld {
  let inflight = 0
  // Requests held by an injected hang: they end only when the client's timeout aborts them.
  let hangsEnded = 0
  const hanging = (): number => (emulator.stats().faultsInjected.hang ?? 0) - hangsEnded
  const clock: ManualClock = createManualClock(T0, {
    settle: createSettle(
      () => inflight - hanging(),
      () => clock.pendingTimers,
    ),
  })
  const emulator = createEmulator({
    clock,
    lifetimeSeconds: options.lifetimeSeconds ?? 900,
    ...options.emulator,
  })
  // A skewed client learns the offset from responses' Date headers, as the default clock does.
  const clientClock = options.clientSkewMs
    ? withSkewCorrection(skewed(clock, options.clientSkewMs))
    : clock
  const world = { intercept: undefined as Interceptor | undefined }
  const fetch: FetchLike = async (input, init) => {
    const request =
      input instanceof Request && init === undefined ? input : new Request(input, init)
    inflight++
    try {
      const replaced = await world.intercept?.(request.clone())
      return replaced ?? (await emulator.handler(request))
    } finally {
      inflight--
      if (request.signal.aborted) hangsEnded++
    }
  }
  const deps: SourceDeps = {
    endpoint: ENDPOINT,
    fetch,
    clock: clientClock,
    env: {},
    region: 'us-east-1',
  }
  const source =
    options.makeSource?.(deps) ??
    fromAssumeRole({
      ...deps,
      roleArn: ROLE_ARN,
      roleSessionName: 'faults',
      durationSeconds: 900,
      source: options.source ?? emulator.baseCredentials,
    })
  const session = refreshable(
    source,
    // Deterministic jitter and backoff: the middle of every range.
    { clock: clientClock, random: () => 0.5 },
  )
  const refreshErrors: RefreshErrorEvent[] = []
  session.on('error', (event) => refreshErrors.push(event))
  const maxAttempts = options.maxAttempts ?? 3
  const s3 = createS3Client({ ...deps, credentials: session, forcePathStyle: true, maxAttempts })
  const ddb = createDynamoDbClient({
    ...deps,
    credentials: session,
    maxAttempts,
    random: () => 0.5,
  })
  const sts = createStsClient({ ...deps, credentials: session })
  return Object.assign(world, {
    clock,
    emulator,
    session,
    s3,
    ddb,
    sts,
    refreshErrors,
    assumeRoleCalls: () => emulator.stats().stsCalls.AssumeRole ?? 0,
    async prepare() {
      await s3.createBucket({ Bucket: 'data' })
      await ddb.createTable({
        TableName: 'items',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      })
    },
  }) as FaultWorld
}

/**
 * Settle `promise` while moving the manual clock forward `stepMs` at a time (retries and
 * timeouts wait on it); fails after `maxSteps` so a hang is a test failure, not a stuck run.
 */
export async function drive<T>(
  clock: ManualClock,
  promise: Promise<T>,
  stepMs = 1_000,
  maxSteps = 2_000,
): Promise<T> {
  let settled = false
  promise.then(
    () => (settled = true),
    () => (settled = true),
  )
  for (let i = 0; !settled && i < maxSteps; i++) await clock.advance(stepMs)
  if (!settled)
    throw new Error(`did not settle within ${(stepMs * maxSteps) / 1000} simulated seconds`)
  return promise
}

/**
 * One unit of work of a long-running job: write an object and an item, read both back. Returns
 * the error if any step failed (so a test counts failures instead of stopping at the first).
 */
export async function work(world: FaultWorld, n: number): Promise<Error | undefined> {
  try {
    const body = `object ${n}`
    await world.s3.putObject({ Bucket: 'data', Key: `k${n}`, Body: body })
    const object = await world.s3.getObject({ Bucket: 'data', Key: `k${n}` })
    if ((await object.Body.text()) !== body) return new Error(`object ${n} came back different`)
    await world.ddb.putItem({ TableName: 'items', Item: { pk: `p${n}`, n } })
    const item = await world.ddb.getItem({
      TableName: 'items',
      Key: { pk: `p${n}` },
      ConsistentRead: true,
    })
    if (item.Item?.n !== n) return new Error(`item ${n} came back different`)
    return undefined
  } catch (error) {
    return error as Error
  }
}

/**
 * Run the job: one unit every `everyMs` of simulated time for `durationMs` (a unit whose retries
 * overrun its slot delays the next one, as a real job would). Returns how many units ran and
 * the failures (each a unit that threw).
 */
export async function runJob(
  world: FaultWorld,
  durationMs: number,
  everyMs = 5_000,
): Promise<{ units: number; failures: Error[] }> {
  const failures: Error[] = []
  const start = world.clock.now()
  const units = Math.ceil(durationMs / everyMs)
  for (let n = 0; n < units; n++) {
    const at = start + n * everyMs
    if (world.clock.now() < at) await world.clock.advance(at - world.clock.now())
    const failure = await drive(world.clock, work(world, n))
    if (failure) failures.push(failure)
  }
  return { units, failures }
}
