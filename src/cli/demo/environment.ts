/**
 * Where the demo runs: the embedded emulator on 127.0.0.1 (default) or one at `--endpoint-url`
 * (its base keys from the usual environment variables), plus the setup the job needs: a bucket
 * of orders and two tables, written with the long-term base keys, not the sessions under test.
 */
import { defaultCredentials } from '../../credentials/chain.ts'
import { createDynamoDbClient } from '../../dynamodb/index.ts'
import { createEmulator, type EmulatorStats, serveEmulator } from '../../emulator/index.ts'
import { createS3Client } from '../../s3/index.ts'
import type { CredentialsInput, Logger } from '../../types.ts'
import { orderKey, type OrderRecord } from './data.ts'

/** A place to run the demo. */
export interface DemoEnvironment {
  readonly endpoint: string
  readonly region: string
  readonly accountId: string
  /** Long-term credentials: the source of the role sessions, and the setup/verify identity. */
  readonly base: CredentialsInput
  /** The emulator's counters. */
  stats(): Promise<EmulatorStats>
  close(): Promise<void>
}

/** Start the embedded emulator with credentials that live `lifetimeSeconds`. */
export async function startEmbedded(lifetimeSeconds: number): Promise<DemoEnvironment> {
  const emulator = createEmulator({ lifetimeSeconds })
  const served = await serveEmulator(emulator, { port: 0 })
  return {
    endpoint: served.url,
    region: emulator.region,
    accountId: emulator.accountId,
    base: {
      accessKeyId: emulator.baseCredentials.accessKeyId,
      secretAccessKey: emulator.baseCredentials.secretAccessKey,
    },
    stats: async () => emulator.stats(),
    close: () => served.close(),
  }
}

async function admin(endpoint: string, path: string, init?: RequestInit): Promise<unknown> {
  const response = await fetch(new URL(`/_emulator/${path}`, endpoint), init)
  if (!response.ok) {
    throw new Error(
      `${endpoint} did not answer /_emulator/${path} (HTTP ${response.status}): is it a stsrefresh emulator?`,
    )
  }
  return response.json()
}

/** Use the emulator at `endpoint`; `lifetimeSeconds`, when given, is set through its admin API. */
export async function connectExternal(
  endpoint: string,
  lifetimeSeconds: number | undefined,
  env: Record<string, string | undefined>,
  logger: Logger,
): Promise<DemoEnvironment> {
  const info = await admin(endpoint, 'health') as { accountId?: string; region?: string }
  if (lifetimeSeconds !== undefined) {
    await admin(endpoint, 'settings', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lifetimeSeconds }),
    })
  }
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || info.region || 'us-east-1'
  return {
    endpoint,
    region,
    accountId: info.accountId ?? '123456789012',
    base: defaultCredentials({ env, logger, region }),
    stats: async () => await admin(endpoint, 'stats') as EmulatorStats,
    close: async () => {},
  }
}

/** Names this run uses, unique per run so an external emulator can be reused. */
export interface DemoNames {
  readonly bucket: string
  readonly tables: { readonly refreshing: string; readonly static: string }
}

/** Create the bucket of `orders` and the two tables, with the base credentials. */
export async function setUp(
  environment: DemoEnvironment,
  names: DemoNames,
  orders: readonly OrderRecord[],
  logger: Logger,
): Promise<void> {
  const common = {
    region: environment.region,
    endpoint: environment.endpoint,
    credentials: environment.base,
    logger,
  }
  const s3 = createS3Client(common)
  const ddb = createDynamoDbClient(common)
  await s3.createBucket({ Bucket: names.bucket })
  for (const TableName of [names.tables.refreshing, names.tables.static]) {
    await ddb.createTable({
      TableName,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    })
  }
  // 32 uploads in flight: setup should take a second or two, not count as the job.
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < orders.length) {
      const i = next++
      await s3.putObject({
        Bucket: names.bucket,
        Key: orderKey(i + 1),
        Body: JSON.stringify(orders[i]),
        ContentType: 'application/json',
      })
    }
  }
  await Promise.all(Array.from({ length: 32 }, worker))
}
