/**
 * Binaries of any Uint8Array subclass go out as base64. `JSON.stringify` calls `toJSON` before
 * a replacer sees the value, and Node's Buffer has one (`{"type":"Buffer","data":[...]}`), which
 * DynamoDB refuses ("Unexpected value type in payload"). Runs under Bun and Deno: the subclass
 * with its own toJSON stands for Buffer everywhere, and node:buffer's Buffer is checked too.
 */
import { Buffer } from 'node:buffer'
import { describe, expect, test } from 'bun:test'
import { createDynamoDbClient } from '../../src/dynamodb/client.ts'
import type { DynamoDbClient } from '../../src/dynamodb/client.ts'
import { createEmulator } from '../../src/emulator/emulator.ts'
import type { FetchLike } from '../../src/types.ts'

/** A Uint8Array subclass whose toJSON would hide the bytes, as Buffer's does. */
class Tagged extends Uint8Array {
  toJSON(): string {
    return 'x'
  }
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

/** An emulator with table `bin` (pk S), a client of it, and every request body it was sent. */
async function setup(): Promise<{ ddb: DynamoDbClient; bodies: string[] }> {
  const emulator = createEmulator()
  const bodies: string[] = []
  const fetch: FetchLike = async (input, init) => {
    const request = new Request(input, init)
    bodies.push(await request.clone().text())
    return emulator.fetch(request)
  }
  const ddb = createDynamoDbClient({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:4566',
    credentials: emulator.baseCredentials,
    fetch,
    env: {},
  })
  await ddb.createTable({
    TableName: 'bin',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  })
  return { ddb, bodies }
}

describe('binary values of Uint8Array subclasses', () => {
  test('a Buffer and a subclass with toJSON are written as base64 and read back as bytes', async () => {
    const { ddb, bodies } = await setup()
    await ddb.putItem({
      TableName: 'bin',
      Item: {
        pk: 'b',
        data: Buffer.from('hello'),
        tagged: new Tagged([1, 2, 3]),
        nested: { list: [Buffer.from([0, 255])] },
        set: new Set([Buffer.from('a'), new Tagged([2])]),
      },
    })
    const put = JSON.parse(bodies.at(-1) ?? '{}')
    expect(put.Item.data).toEqual({ B: 'aGVsbG8=' })
    expect(put.Item.tagged).toEqual({ B: 'AQID' })
    expect(put.Item.nested).toEqual({ M: { list: { L: [{ B: 'AP8=' }] } } })
    expect(put.Item.set.BS.sort()).toEqual(['Ag==', 'YQ=='])

    const { Item } = await ddb.getItem({ TableName: 'bin', Key: { pk: 'b' } })
    expect(Item).toEqual({
      pk: 'b',
      data: bytes('hello'),
      tagged: new Uint8Array([1, 2, 3]),
      nested: { list: [new Uint8Array([0, 255])] },
      set: new Set([bytes('a'), new Uint8Array([2])]),
    })
  })

  test('raw: true sends { B: Buffer } and BS of subclasses as base64', async () => {
    const { ddb } = await setup()
    await ddb.putItem(
      {
        TableName: 'bin',
        Item: {
          pk: { S: 'r' },
          data: { B: Buffer.from('hello') },
          bs: { BS: [new Tagged([7]), Buffer.from([8])] },
        },
      },
      { raw: true },
    )
    const { Item } = await ddb.getItem({ TableName: 'bin', Key: { pk: { S: 'r' } } }, {
      raw: true,
    })
    expect(Item).toEqual({
      pk: { S: 'r' },
      data: { B: bytes('hello') },
      bs: { BS: [new Uint8Array([7]), new Uint8Array([8])] },
    })
  })

  test('expression values, keys of batches and transactions take Buffers too', async () => {
    const { ddb } = await setup()
    await ddb.batchWriteItem({
      RequestItems: { bin: [{ PutRequest: { Item: { pk: 'w', data: Buffer.from('one') } } }] },
    })
    await ddb.updateItem({
      TableName: 'bin',
      Key: { pk: 'w' },
      UpdateExpression: 'SET more = :m',
      ConditionExpression: '#d = :d',
      ExpressionAttributeNames: { '#d': 'data' },
      ExpressionAttributeValues: { ':m': new Tagged([9]), ':d': Buffer.from('one') },
    })
    await ddb.transactWriteItems({
      TransactItems: [{ Put: { TableName: 'bin', Item: { pk: 't', data: Buffer.from('two') } } }],
    })
    const { Responses } = await ddb.batchGetItem({
      RequestItems: { bin: { Keys: [{ pk: 'w' }, { pk: 't' }] } },
    })
    const byKey = Object.fromEntries((Responses.bin ?? []).map((item) => [item.pk, item]))
    expect(byKey.w).toEqual({ pk: 'w', data: bytes('one'), more: new Uint8Array([9]) })
    expect(byKey.t).toEqual({ pk: 't', data: bytes('two') })
  })
})
