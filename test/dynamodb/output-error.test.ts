/**
 * A call that succeeded but whose output holds a value plain JavaScript cannot hold exactly (a
 * number of more than 17 significant digits, without wrapNumbers) is an OutputConversionError
 * that says the call SUCCEEDED (a write was applied), names the operation, table and attribute,
 * and carries the whole output as AttributeValues: never a ConfigError that invites a retry.
 */
import { describe, expect, test } from 'bun:test'
import { createDynamoDbClient } from '../../src/dynamodb/client.ts'
import type { DynamoDbClient, DynamoDbClientOptions } from '../../src/dynamodb/client.ts'
import { NumberValue } from '../../src/dynamodb/numbers.ts'
import { isOutputConversionError, OutputConversionError } from '../../src/dynamodb/output-error.ts'
import { createEmulator } from '../../src/emulator/emulator.ts'
import {
  ConfigError,
  isAwsServiceError,
  isConfigError,
  isStsRefreshError,
} from '../../src/errors.ts'
import type { FetchLike } from '../../src/types.ts'

const PRICE = '19.999999999999999999'
// One more `count`, returning the whole item (whose `price` no JavaScript number holds).
const INCREMENT = {
  TableName: 'items',
  Key: { pk: 'p1' },
  UpdateExpression: 'SET #c = #c + :one',
  ExpressionAttributeNames: { '#c': 'count' },
  ExpressionAttributeValues: { ':one': 1 },
  ReturnValues: 'ALL_NEW',
} as const

/** An emulator with table `items` (pk S) holding `p1` (price PRICE, count 0) and `p2`. */
async function setup(options: Partial<DynamoDbClientOptions> = {}): Promise<DynamoDbClient> {
  const emulator = createEmulator()
  const ddb = createDynamoDbClient({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:4566',
    credentials: emulator.baseCredentials,
    fetch: emulator.fetch,
    env: {},
    ...options,
  })
  await ddb.createTable({
    TableName: 'items',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  })
  await ddb.putItem({ TableName: 'items', Item: { pk: 'p0', price: 1 } })
  await ddb.putItem({
    TableName: 'items',
    Item: { pk: 'p1', price: new NumberValue(PRICE), count: 0 },
  })
  return ddb
}

/** A client of a fake DynamoDB that answers every call with `body` (request id `r-1`). */
function answering(body: unknown): DynamoDbClient {
  const fetch: FetchLike = async () =>
    new Response(JSON.stringify(body), {
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'r-1' },
    })
  return createDynamoDbClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    fetch,
    env: {},
  })
}

async function conversionError(promise: Promise<unknown>): Promise<OutputConversionError> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(OutputConversionError)
  expect(isOutputConversionError(error)).toBe(true)
  expect(isStsRefreshError(error)).toBe(true)
  // Not a mistake in the call's configuration, and not a failure AWS reported.
  expect(isConfigError(error)).toBe(false)
  expect(isAwsServiceError(error)).toBe(false)
  const e = error as OutputConversionError
  expect(e.code).toBe('OutputConversionError')
  expect(e.cause).toBeInstanceOf(ConfigError)
  return e
}

/** The stored count of p1, read raw. */
async function count(ddb: DynamoDbClient): Promise<string> {
  const { Item } = await ddb.getItem({ TableName: 'items', Key: { pk: { S: 'p1' } } }, {
    raw: true,
  })
  return (Item?.count as { N: string }).N
}

describe('OutputConversionError', () => {
  test('UpdateItem ALL_NEW: the update is applied once, and the error says so', async () => {
    const ddb = await setup()
    const error = await conversionError(ddb.updateItem(INCREMENT))
    expect(error.message).toBe(
      'DynamoDB.UpdateItem on table items: SUCCEEDED (the write was applied: do not repeat it), ' +
        'but its output cannot be converted to plain JavaScript: Cannot unmarshall ' +
        `Attributes.price: ${PRICE} cannot be represented exactly as a JavaScript number; pass ` +
        'unmarshallOptions { wrapNumbers: true } to get a NumberValue holding the exact digits, ' +
        "or raw: true to get AttributeValues. The whole output is in the error's `output` " +
        '(AttributeValues, as raw: true returns them)',
    )
    expect(error.operation).toBe('UpdateItem')
    expect(error.service).toBe('DynamoDB')
    expect(error.tableName).toBe('items')
    expect(error.path).toBe('Attributes.price')
    expect(error.attribute).toBe('price')
    expect(error.applied).toBe(true)
    expect(error.requestId).toBeString()
    expect(error.output.Attributes).toEqual({
      pk: { S: 'p1' },
      price: { N: PRICE },
      count: { N: '1' },
    })
    expect(await count(ddb)).toBe('1')
  })

  test('PutItem and DeleteItem ALL_OLD: applied, named, the old item carried', async () => {
    const ddb = await setup()
    const put = await conversionError(
      ddb.putItem({
        TableName: 'items',
        Item: { pk: 'p1', price: 2, count: 5 },
        ReturnValues: 'ALL_OLD',
      }),
    )
    expect(put.message).toStartWith(
      'DynamoDB.PutItem on table items: SUCCEEDED (the write was applied: do not repeat it)',
    )
    expect([put.applied, put.path, put.attribute]).toEqual([true, 'Attributes.price', 'price'])
    expect(put.output.Attributes).toEqual({
      pk: { S: 'p1' },
      price: { N: PRICE },
      count: { N: '0' },
    })
    expect(await count(ddb)).toBe('5')

    await ddb.putItem({ TableName: 'items', Item: { pk: 'p1', price: new NumberValue(PRICE) } })
    const deleted = await conversionError(
      ddb.deleteItem({ TableName: 'items', Key: { pk: 'p1' }, ReturnValues: 'ALL_OLD' }),
    )
    expect(deleted.message).toStartWith(
      'DynamoDB.DeleteItem on table items: SUCCEEDED (the write was applied: do not repeat it)',
    )
    expect(deleted.output.Attributes).toEqual({ pk: { S: 'p1' }, price: { N: PRICE } })
    expect(await ddb.getItem({ TableName: 'items', Key: { pk: 'p1' } })).not.toHaveProperty('Item')
  })

  test('reads: GetItem, Query, Scan and the paginators say SUCCEEDED, with nothing to undo', async () => {
    const ddb = await setup()
    const get = await conversionError(ddb.getItem({ TableName: 'items', Key: { pk: 'p1' } }))
    expect(get.message).toStartWith(
      'DynamoDB.GetItem on table items: SUCCEEDED, but its output cannot be converted to plain ' +
        'JavaScript: Cannot unmarshall Item.price: ',
    )
    expect([get.applied, get.path, get.attribute]).toEqual([false, 'Item.price', 'price'])
    expect(get.output.Item).toEqual({ pk: { S: 'p1' }, price: { N: PRICE }, count: { N: '0' } })

    const query = await conversionError(
      ddb.query({
        TableName: 'items',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'p1' },
      }),
    )
    expect([query.operation, query.tableName, query.path]).toEqual([
      'Query',
      'items',
      'Items[0].price',
    ])

    const scan = await conversionError(ddb.scan({ TableName: 'items', ConsistentRead: true }))
    expect(scan.path).toMatch(/^Items\[[01]\]\.price$/)
    expect((scan.output.Items as unknown[]).length).toBe(2)

    const pages = async (): Promise<void> => {
      for await (const _ of ddb.paginateScan({ TableName: 'items', Limit: 1 })) {
        // Reading every page.
      }
    }
    const paged = await conversionError(pages())
    expect([paged.operation, paged.tableName, paged.attribute]).toEqual(['Scan', 'items', 'price'])
  })

  test('BatchGetItem and TransactGetItems name the table the item came from', async () => {
    const ddb = await setup()
    const batch = await conversionError(
      ddb.batchGetItem({ RequestItems: { items: { Keys: [{ pk: 'p0' }, { pk: 'p1' }] } } }),
    )
    expect(batch.message).toStartWith('DynamoDB.BatchGetItem on table items: SUCCEEDED, but ')
    expect(batch.tableName).toBe('items')
    expect(batch.path).toMatch(/^Responses\.items\[[01]\]\.price$/)
    expect((batch.output.Responses as Record<string, unknown[]>).items).toHaveLength(2)

    // The emulator has no TransactGetItems: a fake answers as DynamoDB does.
    const item = { pk: { S: 'p1' }, price: { N: PRICE } }
    const transact = await conversionError(
      answering({ Responses: [{ Item: { pk: { S: 'p0' } } }, { Item: item }] }).transactGetItems({
        TransactItems: [
          { Get: { TableName: 'items', Key: { pk: 'p0' } } },
          { Get: { TableName: 'items', Key: { pk: 'p1' } } },
        ],
      }),
    )
    expect([transact.tableName, transact.path, transact.applied]).toEqual([
      'items',
      'Responses[1].Item.price',
      false,
    ])
    expect(transact.output).toEqual({ Responses: [{ Item: { pk: { S: 'p0' } } }, { Item: item }] })
  })

  test('TransactWriteItems: committed, and the item collection metrics carried', async () => {
    // DynamoDB returns ItemCollectionMetrics for tables with local secondary indexes; a fake
    // answers with one whose key holds a long number.
    const ddb = answering({
      ItemCollectionMetrics: {
        orders: [{ ItemCollectionKey: { id: { N: PRICE } }, SizeEstimateRangeGB: [0, 1] }],
      },
    })
    const error = await conversionError(
      ddb.transactWriteItems({
        TransactItems: [{ Put: { TableName: 'orders', Item: { id: 1 } } }],
        ReturnItemCollectionMetrics: 'SIZE',
      }),
    )
    expect(error.message).toStartWith(
      'DynamoDB.TransactWriteItems on table orders: SUCCEEDED (the write was applied: do not ' +
        'repeat it), but its output cannot be converted to plain JavaScript: Cannot unmarshall ' +
        'ItemCollectionMetrics.orders[0].ItemCollectionKey.id: ',
    )
    expect([error.tableName, error.attribute, error.requestId]).toEqual(['orders', 'id', 'r-1'])
    expect(error.output).toEqual({
      ItemCollectionMetrics: {
        orders: [{ ItemCollectionKey: { id: { N: PRICE } }, SizeEstimateRangeGB: [0, 1] }],
      },
    })
  })

  test('wrapNumbers and raw: true read the same items without an error', async () => {
    const wrapped = await setup({ unmarshallOptions: { wrapNumbers: true } })
    const { Attributes } = await wrapped.updateItem(INCREMENT)
    expect(String(Attributes?.price)).toBe(PRICE)
    const raw = await (await setup()).getItem({ TableName: 'items', Key: { pk: { S: 'p1' } } }, {
      raw: true,
    })
    expect(raw.Item?.price).toEqual({ N: PRICE })
  })
})
