/**
 * A batch that stops for a reason other than an AWS error (credentials that cannot be obtained,
 * the caller's abort during a request or a backoff) throws the same BatchIncompleteError as for
 * AWS errors: what it lists plus what the table holds is every write, so nothing is dropped.
 */
import { describe, expect, test } from 'bun:test'
import { createManualClock } from '../../src/clock.ts'
import type { ManualClock } from '../../src/clock.ts'
import { BatchIncompleteError, isBatchIncompleteError } from '../../src/dynamodb/batch-error.ts'
import { createDynamoDbClient } from '../../src/dynamodb/client.ts'
import type { DynamoDbClient, DynamoDbClientOptions } from '../../src/dynamodb/client.ts'
import { createEmulator } from '../../src/emulator/emulator.ts'
import type { Emulator } from '../../src/emulator/emulator.ts'
import { CredentialsError, isAwsServiceError } from '../../src/errors.ts'
import type { Credentials, FetchLike } from '../../src/types.ts'

interface World {
  clock: ManualClock
  emulator: Emulator
  /** A client with working credentials and no interference, to set up and check the table. */
  admin: DynamoDbClient
  /** A client of the same emulator with other options (fetch, credentials). */
  client(options?: Partial<DynamoDbClientOptions>): DynamoDbClient
}

/** An emulator with table `jobs` (pk S). */
async function world(): Promise<World> {
  const clock = createManualClock(Date.UTC(2026, 0, 1))
  const emulator = createEmulator({ clock })
  const client = (options: Partial<DynamoDbClientOptions> = {}): DynamoDbClient =>
    createDynamoDbClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:4566',
      credentials: emulator.baseCredentials,
      fetch: emulator.fetch,
      clock,
      env: {},
      random: () => 0.5,
      ...options,
    })
  const admin = client()
  await admin.createTable({
    TableName: 'jobs',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  })
  return { clock, emulator, admin, client }
}

const keys = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `k${String(i).padStart(3, '0')}`)
const put = (pk: string) => ({ PutRequest: { Item: { pk, n: Number(pk.slice(1)) } } })

async function stored(ddb: DynamoDbClient): Promise<string[]> {
  const found: string[] = []
  for await (const page of ddb.paginateScan({ TableName: 'jobs', ConsistentRead: true })) {
    for (const item of page.Items ?? []) found.push(item.pk as string)
  }
  return found.sort()
}

function unprocessedKeys(error: BatchIncompleteError): string[] {
  return (error.unprocessedItems?.jobs ?? []).map((request) =>
    request.PutRequest?.Item.pk as string
  )
}

/** A fetch that runs `before(n)` ahead of the n-th BatchWriteItem/BatchGetItem (1-based). */
function onBatchCall(emulator: Emulator, before: (n: number) => void): FetchLike {
  let n = 0
  return async (input, init) => {
    const request = new Request(input, init)
    if ((request.headers.get('x-amz-target') ?? '').includes('.Batch')) before(++n)
    return emulator.fetch(request)
  }
}

async function failure(promise: Promise<unknown>): Promise<BatchIncompleteError> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(BatchIncompleteError)
  expect(isBatchIncompleteError(error)).toBe(true)
  expect(isAwsServiceError(error)).toBe(true)
  return error as BatchIncompleteError
}

describe('BatchWriteItem stopped without an AWS error', () => {
  test('credentials that cannot be obtained: the 30 writes never sent are listed, 50 stored', async () => {
    const w = await world()
    let calls = 0
    const broken = new CredentialsError('credential_process exited with 1', { source: 'process' })
    const credentials = async (): Promise<Credentials> => {
      // Two requests (50 writes) are signed; then the source fails.
      if (++calls > 2) throw broken
      return w.emulator.baseCredentials
    }
    const all = keys(80)
    const error = await failure(
      w.client({ credentials }).batchWriteItem({ RequestItems: { jobs: all.map(put) } }),
    )
    expect(error.code).toBe('CredentialsError')
    expect(error.status).toBe(0)
    expect(error.retryable).toBe(false)
    expect(error.cause).toBe(broken)
    expect(error.message).toBe(
      "DynamoDB.BatchWriteItem: CredentialsError: credential_process exited with 1 (30 of 80 writes not confirmed; see the error's unprocessedItems)",
    )
    expect(error.unprocessedItems).toEqual({ jobs: all.slice(50).map(put) })
    expect(await stored(w.admin)).toEqual(all.slice(0, 50))

    // Resending what the error lists finishes the job.
    await w.admin.batchWriteItem({ RequestItems: error.unprocessedItems ?? {} })
    expect(await stored(w.admin)).toEqual(all)
  })

  test('an abort while a request is in flight: that request and the rest are listed', async () => {
    const w = await world()
    const controller = new AbortController()
    // The third request reaches DynamoDB (and is applied) after the caller aborted: it is not
    // confirmed, so it is listed, and resending it is harmless.
    const fetch = onBatchCall(w.emulator, (n) => {
      if (n === 3) controller.abort()
    })
    const all = keys(80)
    const error = await failure(
      w.client({ fetch }).batchWriteItem({ RequestItems: { jobs: all.map(put) } }, {
        signal: controller.signal,
      }),
    )
    expect(error.code).toBe('AbortError')
    expect(error.status).toBe(0)
    expect(error.retryable).toBe(false)
    expect(error.cause).toBe(controller.signal.reason)
    expect((error.cause as Error).name).toBe('AbortError')
    expect(error.message).toStartWith('DynamoDB.BatchWriteItem: AbortError: the call was aborted: ')
    expect(error.message).toEndWith(
      "(30 of 80 writes not confirmed; see the error's unprocessedItems)",
    )
    expect(unprocessedKeys(error)).toEqual(all.slice(50))
    const onTable = await stored(w.admin)
    expect(onTable).toEqual(all.slice(0, 75))
    // Every write is on the table or in the error.
    expect([...new Set([...onTable, ...unprocessedKeys(error)])].sort()).toEqual(all)
  })

  test('an abort during the backoff: exactly the writes handed back and the later chunks', async () => {
    const w = await world()
    // The emulator hands back the last 5 writes of each call, as a throttled table does.
    w.emulator.settings.dynamodbUnprocessedPerBatch = 5
    const controller = new AbortController()
    const all = keys(80)
    const promise = w.client().batchWriteItem({ RequestItems: { jobs: all.map(put) } }, {
      signal: controller.signal,
    })
    promise.catch(() => {})
    await w.clock.settle()
    // The first call wrote 20 and the loop is waiting to resend the other 5.
    expect(w.clock.pendingTimers).toBe(1)
    controller.abort(new Error('shutting down'))
    const error = await failure(promise)
    expect(error.code).toBe('AbortError')
    expect(error.message).toBe(
      "DynamoDB.BatchWriteItem: AbortError: the call was aborted: shutting down (60 of 80 writes not confirmed; see the error's unprocessedItems)",
    )
    expect((error.cause as Error).message).toBe('shutting down')
    w.emulator.settings.dynamodbUnprocessedPerBatch = 0
    const onTable = await stored(w.admin)
    expect(onTable).toEqual(all.slice(0, 20))
    // Disjoint and complete: exactly the writes not on the table.
    expect(unprocessedKeys(error).sort()).toEqual(all.slice(20))
    expect(w.clock.pendingTimers).toBe(0)
  })

  test('a signal aborted before the call lists every write', async () => {
    const w = await world()
    const all = keys(30)
    const error = await failure(
      w.client().batchWriteItem({ RequestItems: { jobs: all.map(put) } }, {
        signal: AbortSignal.abort(),
      }),
    )
    expect(error.code).toBe('AbortError')
    expect(error.unprocessedItems).toEqual({ jobs: all.map(put) })
    expect(await stored(w.admin)).toEqual([])
  })
})

describe('BatchGetItem stopped without an AWS error', () => {
  test('an abort lists the keys not read and keeps the items read', async () => {
    const w = await world()
    const all = keys(250)
    await w.admin.batchWriteItem({ RequestItems: { jobs: all.map(put) } })
    const controller = new AbortController()
    const fetch = onBatchCall(w.emulator, (n) => {
      if (n === 2) controller.abort(new DOMException('took too long', 'TimeoutError'))
    })
    const error = await failure(
      w.client({ fetch }).batchGetItem({
        RequestItems: { jobs: { Keys: all.map((pk) => ({ pk })) } },
      }, {
        signal: controller.signal,
      }),
    )
    // An abort whatever the reason; the reason (here a TimeoutError) is the cause.
    expect(error.code).toBe('AbortError')
    expect((error.cause as Error).name).toBe('TimeoutError')
    expect(error.message).toBe(
      "DynamoDB.BatchGetItem: AbortError: the call was aborted: took too long (150 of 250 keys not confirmed; see the error's unprocessedKeys)",
    )
    expect(error.unprocessedKeys).toEqual({ jobs: { Keys: all.slice(100).map((pk) => ({ pk })) } })
    const read = (error.responses?.jobs ?? []).map((item) => item.pk as string).sort()
    expect(read).toEqual(all.slice(0, 100))
    expect(error.responses?.jobs?.[0]).toEqual({ pk: read[0], n: 0 })
  })

  test('credentials that cannot be obtained: every key not read is listed', async () => {
    const w = await world()
    const all = keys(120)
    await w.admin.batchWriteItem({ RequestItems: { jobs: all.map(put) } })
    let calls = 0
    const credentials = async (): Promise<Credentials> => {
      if (++calls > 1) throw new CredentialsError('the SSO session has expired')
      return w.emulator.baseCredentials
    }
    const error = await failure(
      w.client({ credentials }).batchGetItem({
        RequestItems: { jobs: { Keys: all.map((pk) => ({ pk })), ConsistentRead: true } },
      }),
    )
    expect(error.code).toBe('CredentialsError')
    expect(error.unprocessedKeys).toEqual({
      jobs: { Keys: all.slice(100).map((pk) => ({ pk })), ConsistentRead: true },
    })
    expect(error.responses?.jobs).toHaveLength(100)
  })
})
