/**
 * A Buffer written by this client reads back in the AWS SDK for JavaScript v3 byte for byte,
 * and the reverse, through the emulator on loopback (real HTTP for both clients).
 */
import { Buffer } from 'node:buffer'
import { afterAll, beforeAll, expect, test } from 'bun:test'
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb'
import { createDynamoDbClient } from '../../src/dynamodb/client.ts'
import type { DynamoDbClient } from '../../src/dynamodb/client.ts'
import { createEmulator } from '../../src/emulator/emulator.ts'
import { type ServedEmulator, serveEmulator } from '../../src/emulator/index.ts'

let served: ServedEmulator | undefined
let sdk: DynamoDBClient | undefined
let ddb: DynamoDbClient

beforeAll(async () => {
  const emulator = createEmulator()
  served = await serveEmulator(emulator, { port: 0 })
  const options = {
    endpoint: served.url,
    region: 'us-east-1',
    credentials: emulator.baseCredentials,
  }
  sdk = new DynamoDBClient({ ...options, maxAttempts: 1 })
  ddb = createDynamoDbClient({ ...options, env: {} })
  await sdk.send(
    new CreateTableCommand({
      TableName: 'bin',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  )
})

afterAll(async () => {
  sdk?.destroy()
  await served?.close()
})

test('a Buffer crosses between this client and the AWS SDK v3 unchanged, both ways', async () => {
  const payload = Buffer.from([0, 1, 2, 253, 254, 255, 104, 105])
  await ddb.putItem({ TableName: 'bin', Item: { pk: 'ours', data: payload } })
  const read = await sdk?.send(
    new GetItemCommand({ TableName: 'bin', Key: { pk: { S: 'ours' } }, ConsistentRead: true }),
  )
  expect(new Uint8Array(read?.Item?.data?.B ?? [])).toEqual(new Uint8Array(payload))

  await sdk?.send(
    new PutItemCommand({ TableName: 'bin', Item: { pk: { S: 'sdk' }, data: { B: payload } } }),
  )
  const { Item } = await ddb.getItem({ TableName: 'bin', Key: { pk: 'sdk' } })
  expect(Item?.data).toEqual(new Uint8Array(payload))
  const raw = await ddb.getItem({ TableName: 'bin', Key: { pk: { S: 'sdk' } } }, { raw: true })
  await ddb.putItem({ TableName: 'bin', Item: { ...raw.Item, pk: { S: 'copy' } } }, { raw: true })
  const copy = await sdk?.send(new GetItemCommand({ TableName: 'bin', Key: { pk: { S: 'copy' } } }))
  expect(new Uint8Array(copy?.Item?.data?.B ?? [])).toEqual(new Uint8Array(payload))
})
