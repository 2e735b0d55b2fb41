/**
 * Where the demo runs: the embedded emulator on 127.0.0.1 (default) or one at `--endpoint-url`
 * (its base keys from the usual environment variables), plus the setup the job needs: a bucket
 * of orders and two tables, written with the long-term base keys, not the sessions under test.
 * On an emulator someone else runs, the demo leaves nothing behind: {@link removeRun} deletes
 * what setup and the job wrote, and `close()` sets the credential lifetime back.
 */
import { defaultCredentials } from '../../credentials/chain.ts'
import { createDynamoDbClient } from '../../dynamodb/index.ts'
import { isAwsServiceError } from '../../errors.ts'
import { createEmulator, serveEmulator } from '../../emulator/index.ts'
import { createS3Client } from '../../s3/index.ts'
import type { CredentialsInput, Logger } from '../../types.ts'
import { UnreachableError } from '../output.ts'
import { orderKey, type OrderRecord } from './data.ts'

/** A place to run the demo. */
export interface DemoEnvironment {
  readonly endpoint: string
  readonly region: string
  readonly accountId: string
  /** Long-term credentials: the source of the role sessions, and the setup/verify identity. */
  readonly base: CredentialsInput
  /** Someone else's emulator (`--endpoint-url`): what the run creates must be removed. */
  readonly shared: boolean
  /**
   * Stop the embedded emulator, or set a shared one's credential lifetime back to what it was;
   * resolves to a line saying so (undefined when there was nothing to restore).
   */
  close(): Promise<string | undefined>
}

/** S3 and DynamoDB clients with the long-term base keys (setup, cleanup: not the sessions under test). */
function baseClients(environment: DemoEnvironment, logger: Logger) {
  const common = { region: environment.region, endpoint: environment.endpoint, credentials: environment.base, logger }
  return { s3: createS3Client(common), ddb: createDynamoDbClient(common) }
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
    shared: false,
    close: async () => {
      await served.close()
      return undefined
    },
  }
}

async function admin(endpoint: string, path: string, init?: RequestInit): Promise<unknown> {
  const url = new URL(`/_emulator/${path}`, endpoint)
  let response: Response
  try {
    response = await fetch(url, init)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    const request = `${init?.method ?? 'GET'} /_emulator/${path}`
    throw new UnreachableError(
      `could not reach the emulator at ${endpoint}: check --endpoint-url and that ` +
        `\`stsrefresh emulator\` is running there (${request}: ${reason})`,
      { cause: error },
    )
  }
  if (!response.ok) {
    throw new Error(
      `${endpoint} did not answer /_emulator/${path} (HTTP ${response.status}): is it a stsrefresh emulator?`,
    )
  }
  return response.json()
}

const patchSettings = (endpoint: string, settings: Record<string, unknown>): Promise<unknown> =>
  admin(endpoint, 'settings', {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(settings),
  })

const lifetimeText = (seconds: number | null): string =>
  seconds === null ? 'unset (as issued by STS by default)' : `${seconds} s`

/**
 * Use the emulator at `endpoint`; `lifetimeSeconds`, when given, is set through its admin API
 * for the run, and `close()` sets it back to what it was.
 */
export async function connectExternal(
  endpoint: string,
  lifetimeSeconds: number | undefined,
  env: Record<string, string | undefined>,
  logger: Logger,
): Promise<DemoEnvironment> {
  const info = await admin(endpoint, 'health') as { accountId?: string; region?: string }
  let previous: number | null | undefined
  if (lifetimeSeconds !== undefined) {
    const before = await admin(endpoint, 'settings') as { lifetimeSeconds?: number | null }
    previous = before.lifetimeSeconds ?? null
    await patchSettings(endpoint, { lifetimeSeconds })
  }
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || info.region || 'us-east-1'
  return {
    endpoint,
    region,
    accountId: info.accountId ?? '123456789012',
    base: defaultCredentials({ env, logger, region }),
    shared: true,
    close: async () => {
      if (previous === undefined) return undefined
      const value = previous
      previous = undefined
      try {
        await patchSettings(endpoint, { lifetimeSeconds: value })
        return `the emulator's credential lifetime is ${lifetimeText(value)} again`
      } catch (error) {
        return `could not set the emulator's credential lifetime back to ${lifetimeText(value)}: ${
          error instanceof Error ? error.message : String(error)
        }`
      }
    },
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
  signal?: AbortSignal,
): Promise<void> {
  const { s3, ddb } = baseClients(environment, logger)
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
    while (next < orders.length && !signal?.aborted) {
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

/**
 * Delete what the run created on a shared emulator: every object in its bucket (the orders and
 * the uploaded files; an unfinished multipart upload goes with the bucket), the bucket and both
 * tables, with the base keys. Resolves to a line saying what was removed and what was left.
 */
export async function removeRun(
  environment: DemoEnvironment,
  names: DemoNames,
  logger: Logger,
): Promise<string> {
  const { s3, ddb } = baseClients(environment, logger)
  const removed: string[] = []
  const left: string[] = []
  const why = (error: unknown): string => (error instanceof Error ? error.message : String(error))
  let objects = 0
  try {
    // A page holds at most 1,000 keys, as many as one DeleteObjects takes; list from the start
    // each time, as the keys of the last page are gone.
    for (;;) {
      const page = await s3.listObjectsV2({ Bucket: names.bucket })
      const keys = page.Contents.flatMap((o) => (o.Key ? [{ Key: o.Key }] : []))
      if (keys.length === 0) break
      const out = await s3.deleteObjects({
        Bucket: names.bucket,
        Delete: { Objects: keys, Quiet: true },
      })
      if (out.Errors.length > 0) {
        const code = out.Errors[0]?.Code
        throw new Error(`${out.Errors.length} objects could not be deleted (${code})`)
      }
      objects += keys.length
    }
    await s3.deleteBucket({ Bucket: names.bucket })
    removed.push(`s3://${names.bucket} (${objects} objects)`)
  } catch (error) {
    if (!(isAwsServiceError(error) && error.code === 'NoSuchBucket')) {
      left.push(`s3://${names.bucket} (${objects} objects deleted before: ${why(error)})`)
    }
  }
  for (const TableName of [names.tables.refreshing, names.tables.static]) {
    try {
      await ddb.deleteTable({ TableName })
      removed.push(`table ${TableName}`)
    } catch (error) {
      if (isAwsServiceError(error) && error.code === 'ResourceNotFoundException') continue
      left.push(`table ${TableName} (${why(error)})`)
    }
  }
  const parts: string[] = []
  if (removed.length > 0) parts.push(`removed ${removed.join(', ')}`)
  if (left.length > 0) parts.push(`LEFT BEHIND ${left.join(', ')}`)
  return parts.join('; ') || 'nothing to remove'
}
