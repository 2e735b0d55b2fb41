import { describe, expect, test } from 'bun:test'
import { createManualClock } from '../../src/clock.ts'
import type { ManualClock } from '../../src/clock.ts'
import { fromAssumeRole } from '../../src/credentials/assume-role.ts'
import { refreshable } from '../../src/credentials/refreshable.ts'
import { createDynamoDbClient } from '../../src/dynamodb/client.ts'
import type {
  DynamoDbClient,
  DynamoDbClientOptions,
  DynamoDbServiceError,
} from '../../src/dynamodb/client.ts'
import { NumberValue } from '../../src/dynamodb/numbers.ts'
import { createEmulator } from '../../src/emulator/emulator.ts'
import type { Emulator } from '../../src/emulator/emulator.ts'
import { AwsServiceError } from '../../src/errors.ts'

interface Setup {
  clock: ManualClock
  emulator: Emulator
  ddb: DynamoDbClient
}

/** A fresh emulator and client sharing one manual clock; table `items` (pk S, sk N). */
async function setup(options: Partial<DynamoDbClientOptions> = {}): Promise<Setup> {
  const clock = createManualClock(Date.UTC(2026, 0, 1))
  const emulator = createEmulator({ clock })
  const ddb = createDynamoDbClient({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:4566',
    credentials: emulator.baseCredentials,
    fetch: emulator.fetch,
    clock,
    env: {},
    ...options,
  })
  await ddb.createTable({
    TableName: 'items',
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'N' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  })
  return { clock, emulator, ddb }
}

/** Advance the manual clock until `promise` settles, so backoff sleeps elapse. */
async function drive<T>(clock: ManualClock, promise: Promise<T>): Promise<T> {
  let done = false
  const watched = promise.finally(() => {
    done = true
  })
  watched.catch(() => {})
  for (let i = 0; i < 500 && !done; i++) await clock.advance(100)
  return watched
}

async function scanAll(ddb: DynamoDbClient): Promise<Record<string, any>[]> {
  const items: Record<string, any>[] = []
  for await (const page of ddb.paginateScan({ TableName: 'items' })) {
    items.push(...(page.Items ?? []))
  }
  return items
}

const everyType = {
  pk: 'user#1',
  sk: 1,
  s: 'héllo ✓',
  empty: '',
  n: -42.5,
  tiny: 1e-7,
  big: 2n ** 80n,
  exact: new NumberValue('0.1000000000000000000001'),
  t: true,
  nil: null,
  bin: new Uint8Array([0, 1, 2, 253, 254, 255]),
  ss: new Set(['a', 'b']),
  ns: new Set([1, 2.5, 2n ** 60n]),
  bs: new Set([new Uint8Array([1]), new Uint8Array([2, 3])]),
  list: ['x', 1, [null, { deep: new Set(['y']) }]],
  map: { nested: { n: 0, list: [] as unknown[] } },
}

describe('DynamoDB client against the emulator', () => {
  test('put/get round-trips every type; update and delete return attributes', async () => {
    const { ddb } = await setup()
    await ddb.putItem({ TableName: 'items', Item: everyType })
    // 0.1000000000000000000001 has no exact double: an error unless wrapNumbers (next test).
    const error = await ddb.getItem({ TableName: 'items', Key: { pk: 'user#1', sk: 1 } }).then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    // An OutputConversionError (test/dynamodb/output-error.test.ts): the read succeeded.
    expect(error?.name).toBe('OutputConversionError')
    expect(error?.message).toContain(
      'Cannot unmarshall Item.exact: 0.1000000000000000000001 cannot be represented exactly as a JavaScript number; pass unmarshallOptions { wrapNumbers: true } to get a NumberValue holding the exact digits',
    )
    await ddb.updateItem({
      TableName: 'items',
      Key: { pk: 'user#1', sk: 1 },
      UpdateExpression: 'REMOVE exact',
    })
    const { Item } = await ddb.getItem({
      TableName: 'items',
      Key: { pk: 'user#1', sk: 1 },
      ConsistentRead: true,
    })
    const { exact: _, ...rest } = everyType
    expect(Item).toEqual(rest)

    const updated = await ddb.updateItem({
      TableName: 'items',
      Key: { pk: 'user#1', sk: 1 },
      UpdateExpression: 'SET n = n + :d, #l = list_append(#l, :more) ADD ss :s',
      ExpressionAttributeNames: { '#l': 'list' },
      ExpressionAttributeValues: {
        ':d': 0.5,
        ':more': [new Uint8Array([9])],
        ':s': new Set(['c']),
      },
      ReturnValues: 'UPDATED_NEW',
    })
    expect(updated.Attributes).toEqual({
      n: -42,
      list: ['x', 1, [null, { deep: new Set(['y']) }], new Uint8Array([9])],
      ss: new Set(['a', 'b', 'c']),
    })
    const deleted = await ddb.deleteItem({
      TableName: 'items',
      Key: { pk: 'user#1', sk: 1 },
      ReturnValues: 'ALL_OLD',
    })
    expect(deleted.Attributes?.bin).toEqual(new Uint8Array([0, 1, 2, 253, 254, 255]))
    expect(await ddb.getItem({ TableName: 'items', Key: { pk: 'user#1', sk: 1 } })).not
      .toHaveProperty('Item')
  })

  test('wrapNumbers and raw mode return exactly what was stored', async () => {
    const { ddb } = await setup({ unmarshallOptions: { wrapNumbers: true } })
    await ddb.putItem({
      TableName: 'items',
      Item: { pk: 'p', sk: 1, exact: new NumberValue('0.1000000000000000000001') },
    })
    const { Item } = await ddb.getItem({ TableName: 'items', Key: { pk: 'p', sk: 1 } })
    expect(String(Item?.exact)).toBe('0.1000000000000000000001')
    const raw = await ddb.getItem({ TableName: 'items', Key: { pk: { S: 'p' }, sk: { N: '1' } } }, {
      raw: true,
    })
    expect(raw.Item).toEqual({
      pk: { S: 'p' },
      sk: { N: '1' },
      exact: { N: '0.1000000000000000000001' },
    })
  })

  test('a failed condition keeps its code, and returns the old item when asked', async () => {
    const { ddb } = await setup()
    await ddb.putItem({ TableName: 'items', Item: { pk: 'p', sk: 1, v: 'old' } })
    const error = (await ddb
      .putItem({
        TableName: 'items',
        Item: { pk: 'p', sk: 1, v: 'new' },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      })
      .then(() => undefined, (e: unknown) => e)) as DynamoDbServiceError
    expect(error).toBeInstanceOf(AwsServiceError)
    expect(error.code).toBe('ConditionalCheckFailedException')
    expect(error.status).toBe(400)
    expect(error.requestId).toBeString()
    expect(error.Item).toEqual({ pk: 'p', sk: 1, v: 'old' })
  })

  test('paginateQuery and paginateScan follow LastEvaluatedKey over every page', async () => {
    const { ddb } = await setup()
    for (let i = 0; i < 23; i++) {
      await ddb.putItem({
        TableName: 'items',
        Item: { pk: i % 2 === 0 ? 'even' : 'odd', sk: i, i },
      })
    }
    const pages = []
    for await (
      const page of ddb.paginateQuery({
        TableName: 'items',
        KeyConditionExpression: 'pk = :pk AND sk >= :from',
        ExpressionAttributeValues: { ':pk': 'even', ':from': 4 },
        Limit: 3,
        ScanIndexForward: false,
      })
    ) {
      pages.push(page)
    }
    // 10 items (4..22 even) in pages of 3: 3, 3, 3, 1; DynamoDB may add an empty last page.
    const items = pages.flatMap((p) => p.Items ?? [])
    expect(items.map((item) => item.sk)).toEqual([22, 20, 18, 16, 14, 12, 10, 8, 6, 4])
    expect(pages.slice(0, 4).map((p) => p.Count)).toEqual([3, 3, 3, 1])
    expect(pages[0]?.LastEvaluatedKey).toEqual({ pk: 'even', sk: 18 })

    const scanned = []
    for await (
      const page of ddb.paginateScan({
        TableName: 'items',
        Limit: 5,
        FilterExpression: 'i < :max',
        ExpressionAttributeValues: { ':max': 100 },
      })
    ) {
      expect(page.Items?.length).toBeLessThanOrEqual(5)
      scanned.push(...(page.Items ?? []))
    }
    expect(scanned.map((item) => item.i).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 23 }, (_, i) => i),
    )
  })

  test('BatchWriteItem with the emulator handing back unprocessed items: every item is written', async () => {
    const { ddb, emulator, clock } = await setup()
    emulator.settings.dynamodbUnprocessedPerBatch = 7
    emulator.resetStats()
    const items = Array.from(
      { length: 120 },
      (_, i) => ({ pk: `p${i % 4}`, sk: i, payload: 'x'.repeat(i) }),
    )
    const out = await drive(
      clock,
      ddb.batchWriteItem({
        RequestItems: { items: items.map((Item) => ({ PutRequest: { Item } })) },
      }),
    )
    expect(out.UnprocessedItems).toEqual({})
    // 120 writes = 5 chunks of 25. Per chunk the emulator writes 18 and hands back 7, then
    // writes one of what it is sent each call (it always processes at least one): 1 + 7 calls.
    expect(emulator.stats().operations['dynamodb:BatchWriteItem']).toBe(5 * 8)
    emulator.settings.dynamodbUnprocessedPerBatch = 0
    const stored = await scanAll(ddb)
    expect(stored.sort((a, b) => a.sk - b.sk)).toEqual(items)

    // Deletes through the same path.
    emulator.settings.dynamodbUnprocessedPerBatch = 3
    await drive(
      clock,
      ddb.batchWriteItem({
        RequestItems: {
          items: items.slice(0, 60).map(({ pk, sk }) => ({ DeleteRequest: { Key: { pk, sk } } })),
        },
      }),
    )
    emulator.settings.dynamodbUnprocessedPerBatch = 0
    expect((await scanAll(ddb)).map((item) => item.sk).sort((a, b) => a - b)).toEqual(
      items.slice(60).map((item) => item.sk),
    )
  })

  test('BatchGetItem reads every key across chunks and unprocessed keys', async () => {
    const { ddb, emulator, clock } = await setup()
    const items = Array.from({ length: 230 }, (_, i) => ({ pk: 'k', sk: i, v: i * 2 }))
    await ddb.batchWriteItem({
      RequestItems: { items: items.map((Item) => ({ PutRequest: { Item } })) },
    })
    emulator.settings.dynamodbUnprocessedPerBatch = 6
    const out = await drive(
      clock,
      ddb.batchGetItem({
        RequestItems: {
          items: { Keys: items.map(({ pk, sk }) => ({ pk, sk })), ProjectionExpression: 'sk, v' },
        },
      }),
    )
    expect(out.UnprocessedKeys).toEqual({})
    expect(out.Responses.items?.sort((a, b) => a.sk - b.sk)).toEqual(
      items.map(({ sk, v }) => ({ sk, v })),
    )
  })

  test('TransactWriteItems commits all or nothing; a cancellation carries CancellationReasons', async () => {
    const { ddb } = await setup()
    await ddb.transactWriteItems({
      TransactItems: [
        { Put: { TableName: 'items', Item: { pk: 'a', sk: 1, n: 1 } } },
        { Put: { TableName: 'items', Item: { pk: 'b', sk: 1, n: 1 } } },
      ],
    })
    const error = (await ddb
      .transactWriteItems({
        TransactItems: [
          {
            Update: {
              TableName: 'items',
              Key: { pk: 'a', sk: 1 },
              UpdateExpression: 'SET n = :two',
              ExpressionAttributeValues: { ':two': 2 },
            },
          },
          {
            ConditionCheck: {
              TableName: 'items',
              Key: { pk: 'b', sk: 1 },
              ConditionExpression: 'n = :five',
              ExpressionAttributeValues: { ':five': 5 },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
        ],
      })
      .then(() => undefined, (e: unknown) => e)) as DynamoDbServiceError
    expect(error.code).toBe('TransactionCanceledException')
    expect(error.CancellationReasons).toEqual([
      { Code: 'None' },
      {
        Code: 'ConditionalCheckFailed',
        Message: 'The conditional request failed',
        Item: { pk: 'b', sk: 1, n: 1 },
      },
    ])
    // Nothing of the cancelled transaction was applied.
    expect((await ddb.getItem({ TableName: 'items', Key: { pk: 'a', sk: 1 } })).Item).toEqual({
      pk: 'a',
      sk: 1,
      n: 1,
    })
  })

  test('describeTable returns Dates for DateTime members; deleteTable removes the table', async () => {
    const { ddb, clock } = await setup()
    const { Table } = await ddb.describeTable({ TableName: 'items' })
    expect(Table?.TableStatus).toBe('ACTIVE')
    expect(Table?.CreationDateTime).toEqual(new Date(clock.now()))
    await ddb.deleteTable({ TableName: 'items' })
    const error = await ddb.describeTable({ TableName: 'items' }).then(
      () => undefined,
      (e: unknown) => e as AwsServiceError,
    )
    expect(error?.code).toBe('ResourceNotFoundException')
  })

  test(
    'batch writes spanning ten credential expiries: every item written, none failed',
    async () => {
      const clock = createManualClock(Date.UTC(2026, 0, 1))
      const emulator = createEmulator({ clock, lifetimeSeconds: 10 })
      const credentials = refreshable(
        fromAssumeRole({
          roleArn: 'arn:aws:iam::123456789012:role/migration',
          roleSessionName: 'migration',
          region: 'us-east-1',
          endpoint: 'http://127.0.0.1:4566',
          source: emulator.baseCredentials,
          fetch: emulator.fetch,
          clock,
          env: {},
        }),
        { clock },
      )
      const ddb = createDynamoDbClient({
        region: 'us-east-1',
        endpoint: 'http://127.0.0.1:4566',
        credentials,
        fetch: emulator.fetch,
        clock,
        env: {},
      })
      await ddb.createTable({
        TableName: 'items',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'N' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      })
      emulator.settings.dynamodbUnprocessedPerBatch = 2
      const start = clock.now()
      const written: Record<string, unknown>[] = []
      // 25 batches, 5 s apart: 125 s of job time, over twelve 10-second credential lifetimes.
      for (let batch = 0; batch < 25; batch++) {
        const items = Array.from(
          { length: 25 },
          (_, i) => ({ pk: `b${batch}`, sk: i, when: clock.now() }),
        )
        await drive(
          clock,
          ddb.batchWriteItem({
            RequestItems: { items: items.map((Item) => ({ PutRequest: { Item } })) },
          }),
        )
        written.push(...items)
        await clock.advance(5_000)
      }
      expect(clock.now() - start).toBeGreaterThanOrEqual(120_000)
      expect(emulator.stats().credentialsIssued).toBeGreaterThanOrEqual(12)
      expect(credentials.state.failures).toBe(0)
      emulator.settings.dynamodbUnprocessedPerBatch = 0
      const stored = await scanAll(ddb)
      const key = (item: Record<string, any>): string => `${item.pk}/${item.sk}`
      expect(stored.length).toBe(625)
      expect(new Map(stored.map((item) => [key(item), item]))).toEqual(
        new Map(written.map((item) => [key(item), item])),
      )
      await credentials.stop()
    },
    30_000,
  )
})
