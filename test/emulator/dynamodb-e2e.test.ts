/**
 * The DynamoDB service through the whole emulator: requests signed by aws4fetch into the
 * in-process handler, and the AWS SDK for JavaScript v3 against the emulator on loopback.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb'
import { AwsClient } from 'aws4fetch'
import { createEmulator, type Emulator } from '../../src/emulator/emulator.ts'
import { type ServedEmulator, serveEmulator } from '../../src/emulator/index.ts'
import { crc32 } from '../../src/aws/crc32.ts'

function signer(
  emulator: Emulator,
  secret?: string,
): (operation: string, body: unknown) => Promise<Response> {
  const client = new AwsClient({
    accessKeyId: emulator.baseCredentials.accessKeyId,
    secretAccessKey: secret ?? emulator.baseCredentials.secretAccessKey,
    service: 'dynamodb',
    region: 'us-east-1',
  })
  return async (operation, body) =>
    emulator.handler(
      await client.sign('http://127.0.0.1/', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `DynamoDB_20120810.${operation}`,
        },
        body: JSON.stringify(body),
      }),
    )
}

describe('DynamoDB through the emulator (aws4fetch, in-process)', () => {
  test('create-table, put, get and query; responses carry CRC32 of their bytes', async () => {
    const emulator = createEmulator()
    const call = signer(emulator)
    const created = await call('CreateTable', {
      TableName: 'Events',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'ts', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'ts', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    })
    expect(created.status).toBe(200)
    for (const ts of ['3', '1', '2']) {
      const put = await call('PutItem', {
        TableName: 'Events',
        Item: { pk: { S: 'e' }, ts: { N: ts } },
      })
      expect(put.status).toBe(200)
    }
    const query = await call('Query', {
      TableName: 'Events',
      KeyConditionExpression: 'pk = :p AND ts > :t',
      ExpressionAttributeValues: { ':p': { S: 'e' }, ':t': { N: '1' } },
    })
    const text = await query.text()
    expect(query.status).toBe(200)
    expect(JSON.parse(text)).toEqual({
      Items: [
        { pk: { S: 'e' }, ts: { N: '2' } },
        { pk: { S: 'e' }, ts: { N: '3' } },
      ],
      Count: 2,
      ScannedCount: 2,
    })
    expect(query.headers.get('x-amz-crc32')).toBe(String(crc32(new TextEncoder().encode(text))))
    expect(query.headers.get('x-amzn-requestid')).toBeTruthy()
  })

  test('authentication failures come back in DynamoDB JSON from renderError', async () => {
    const emulator = createEmulator()
    const bad = await signer(emulator, 'wrong-secret')('ListTables', {})
    expect(bad.status).toBe(400)
    expect(bad.headers.get('content-type')).toBe('application/x-amz-json-1.0')
    const body = await bad.json()
    expect(body.__type).toBe('com.amazon.coral.service#InvalidSignatureException')
    expect(typeof body.message).toBe('string')
  })
})

describe('DynamoDB with the AWS SDK for JavaScript v3 on loopback', () => {
  let served: ServedEmulator
  let client: DynamoDBClient

  beforeAll(async () => {
    const emulator = createEmulator()
    served = await serveEmulator(emulator, { port: 0 })
    client = new DynamoDBClient({
      endpoint: served.url,
      region: 'us-east-1',
      credentials: emulator.baseCredentials,
      maxAttempts: 1,
    })
  })

  afterAll(async () => {
    client?.destroy()
    await served?.close()
  })

  test('items, conditions and transactions parse as the SDK expects', async () => {
    await client.send(
      new CreateTableCommand({
        TableName: 'Sdk',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    )
    await client.send(
      new PutItemCommand({ TableName: 'Sdk', Item: { id: { S: 'a' }, n: { N: '0.1' } } }),
    )
    const got = await client.send(new GetItemCommand({ TableName: 'Sdk', Key: { id: { S: 'a' } } }))
    expect(got.Item).toEqual({ id: { S: 'a' }, n: { N: '0.1' } })
    const conditional = await client
      .send(
        new PutItemCommand({
          TableName: 'Sdk',
          Item: { id: { S: 'a' } },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      )
      .catch((error: unknown) => error)
    expect(conditional).toBeInstanceOf(ConditionalCheckFailedException)
    expect((conditional as Error).message).toBe('The conditional request failed')
    const cancelled = await client
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: 'Sdk', Item: { id: { S: 'b' } } } },
            {
              ConditionCheck: {
                TableName: 'Sdk',
                Key: { id: { S: 'a' } },
                ConditionExpression: 'attribute_not_exists(id)',
              },
            },
          ],
        }),
      )
      .catch((error: unknown) => error)
    expect(cancelled).toBeInstanceOf(TransactionCanceledException)
    expect((cancelled as TransactionCanceledException).CancellationReasons?.map((r) => r.Code))
      .toEqual([
        'None',
        'ConditionalCheckFailed',
      ])
    const batch = await client.send(
      new BatchWriteItemCommand({
        RequestItems: { Sdk: [{ PutRequest: { Item: { id: { S: 'c' } } } }] },
      }),
    )
    expect(batch.UnprocessedItems).toEqual({})
    const query = await client.send(
      new QueryCommand({
        TableName: 'Sdk',
        KeyConditionExpression: 'id = :a',
        ExpressionAttributeValues: { ':a': { S: 'a' } },
      }),
    )
    expect(query.Count).toBe(1)
  })
})
