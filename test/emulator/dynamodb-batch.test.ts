import { describe, expect, test } from 'bun:test'
import { unprocessedCount } from '../../src/emulator/dynamodb-batch.ts'
import { dynamoFixture } from './dynamodb-fixture.ts'

const put = (id: string, extra: object = {}) => ({
  PutRequest: { Item: { id: { S: id }, ...extra } },
})

describe('BatchWriteItem and BatchGetItem', () => {
  test('writes and reads across tables', async () => {
    const db = dynamoFixture()
    await db.createTable('Aaa', ['id', 'S'])
    await db.createTable('Bbb', ['id', 'S'])
    await db.ok('PutItem', { TableName: 'Bbb', Item: { id: { S: 'gone' } } })
    const written = await db.ok('BatchWriteItem', {
      RequestItems: {
        Aaa: [put('a1', { n: { N: '1' } }), put('a2')],
        Bbb: [put('b1'), { DeleteRequest: { Key: { id: { S: 'gone' } } } }],
      },
    })
    expect(written).toEqual({ UnprocessedItems: {} })
    const read = await db.ok('BatchGetItem', {
      RequestItems: {
        Aaa: { Keys: [{ id: { S: 'a1' } }, { id: { S: 'nope' } }], ProjectionExpression: 'n' },
        Bbb: { Keys: [{ id: { S: 'b1' } }, { id: { S: 'gone' } }], ConsistentRead: true },
      },
    })
    expect(read).toEqual({
      Responses: { Aaa: [{ n: { N: '1' } }], Bbb: [{ id: { S: 'b1' } }] },
      UnprocessedKeys: {},
    })
  })

  test('limits, duplicates and unknown tables', async () => {
    const db = dynamoFixture()
    await db.createTable('Aaa', ['id', 'S'])
    const tooMany = Array.from({ length: 26 }, (_, i) => put(`k${i}`))
    expect((await db.fail('BatchWriteItem', { RequestItems: { Aaa: tooMany } }))[1]).toBe(
      'Too many items requested for the BatchWriteItem call',
    )
    expect((await db.fail('BatchWriteItem', { RequestItems: { Aaa: [put('x'), put('x')] } }))[1])
      .toBe(
        'Provided list of item keys contains duplicates',
      )
    const keys = Array.from({ length: 101 }, (_, i) => ({ id: { S: `k${i}` } }))
    expect((await db.fail('BatchGetItem', { RequestItems: { Aaa: { Keys: keys } } }))[1]).toBe(
      'Too many items requested for the BatchGetItem call',
    )
    expect(
      (await db.fail('BatchGetItem', {
        RequestItems: { Aaa: { Keys: [{ id: { S: 'x' } }, { id: { S: 'x' } }] } },
      }))[1],
    ).toBe(
      'Provided list of item keys contains duplicates',
    )
    expect((await db.fail('BatchWriteItem', { RequestItems: { Nope: [put('x')] } }))[0]).toBe(
      'ResourceNotFoundException',
    )
    // A request that fails validation writes nothing, even its valid parts.
    expect((await db.fail('BatchWriteItem', { RequestItems: { Aaa: [put('ok'), put('')] } }))[0])
      .toBe('ValidationException')
    expect(await db.ok('Scan', { TableName: 'Aaa', Select: 'COUNT' })).toEqual({
      Count: 0,
      ScannedCount: 0,
    })
  })

  test('the throttling switch returns exactly the unwritten writes as UnprocessedItems', async () => {
    const db = dynamoFixture()
    await db.createTable('Aaa', ['id', 'S'])
    await db.createTable('Bbb', ['id', 'S'])
    db.settings.dynamodbUnprocessedPerBatch = 3
    let pending: Record<string, any[]> = {
      Aaa: Array.from({ length: 6 }, (_, i) => put(`a${i}`, { n: { N: String(i) } })),
      Bbb: Array.from({ length: 4 }, (_, i) => put(`b${i}`)),
    }
    const calls: number[] = []
    while (Object.keys(pending).length > 0) {
      const sent = Object.values(pending).flat().length
      const reply = await db.ok('BatchWriteItem', { RequestItems: pending })
      const returned = Object.values(reply.UnprocessedItems as Record<string, any[]>).flat()
      calls.push(returned.length)
      expect(returned.length).toBe(Math.min(3, sent - 1))
      // What came back is exactly what is still missing from the tables.
      for (
        const [table, requests] of Object.entries(reply.UnprocessedItems as Record<string, any[]>)
      ) {
        for (const r of requests) {
          expect(await db.ok('GetItem', { TableName: table, Key: { id: r.PutRequest.Item.id } }))
            .toEqual({})
        }
      }
      pending = reply.UnprocessedItems
    }
    expect(calls).toEqual([3, 2, 1, 0])
    const a = await db.ok('Scan', { TableName: 'Aaa' })
    const b = await db.ok('Scan', { TableName: 'Bbb' })
    expect(a.Count + b.Count).toBe(10)
    expect(a.Items.find((i: any) => i.id.S === 'a5')).toEqual({ id: { S: 'a5' }, n: { N: '5' } })
    // The switch is read at each call.
    db.settings.dynamodbUnprocessedPerBatch = 0
    expect(await db.ok('BatchWriteItem', { RequestItems: { Aaa: [put('x'), put('y')] } })).toEqual({
      UnprocessedItems: {},
    })
  })

  test('the throttling switch returns unread keys as UnprocessedKeys with their read options', async () => {
    const db = dynamoFixture()
    await db.createTable('Aaa', ['id', 'S'])
    for (let i = 0; i < 5; i++) {
      await db.ok('PutItem', {
        TableName: 'Aaa',
        Item: { id: { S: `k${i}` }, v: { N: String(i) } },
      })
    }
    db.settings.dynamodbUnprocessedPerBatch = 2
    const keys = Array.from({ length: 5 }, (_, i) => ({ id: { S: `k${i}` } }))
    const reply = await db.ok('BatchGetItem', {
      RequestItems: {
        Aaa: { Keys: keys, ProjectionExpression: '#v', ExpressionAttributeNames: { '#v': 'v' } },
      },
    })
    expect(reply.Responses.Aaa).toEqual([{ v: { N: '0' } }, { v: { N: '1' } }, { v: { N: '2' } }])
    expect(reply.UnprocessedKeys).toEqual({
      Aaa: {
        Keys: keys.slice(3),
        ProjectionExpression: '#v',
        ExpressionAttributeNames: { '#v': 'v' },
      },
    })
    const retry = await db.ok('BatchGetItem', { RequestItems: reply.UnprocessedKeys })
    expect(retry.Responses.Aaa).toEqual([{ v: { N: '3' } }])
    expect(retry.UnprocessedKeys.Aaa.Keys).toEqual([keys[4]])
  })

  test('unprocessedCount always leaves at least one request processed', () => {
    expect(unprocessedCount(0, 10)).toBe(0)
    expect(unprocessedCount(3, 10)).toBe(3)
    expect(unprocessedCount(30, 10)).toBe(9)
    expect(unprocessedCount(5, 1)).toBe(0)
    expect(unprocessedCount(-1, 10)).toBe(0)
  })
})

describe('TransactWriteItems', () => {
  test('applies every action together', async () => {
    const db = dynamoFixture()
    await db.createTable('Acct', ['id', 'S'])
    await db.ok('PutItem', { TableName: 'Acct', Item: { id: { S: 'a' }, bal: { N: '10' } } })
    await db.ok('PutItem', { TableName: 'Acct', Item: { id: { S: 'old' } } })
    await db.ok('PutItem', { TableName: 'Acct', Item: { id: { S: 'guard' } } })
    const result = await db.ok('TransactWriteItems', {
      TransactItems: [
        {
          Update: {
            TableName: 'Acct',
            Key: { id: { S: 'a' } },
            UpdateExpression: 'SET bal = bal - :amt',
            ConditionExpression: 'bal >= :amt',
            ExpressionAttributeValues: { ':amt': { N: '2.5' } },
          },
        },
        {
          Put: {
            TableName: 'Acct',
            Item: { id: { S: 'b' }, bal: { N: '2.5' } },
            ConditionExpression: 'attribute_not_exists(id)',
          },
        },
        { Delete: { TableName: 'Acct', Key: { id: { S: 'old' } } } },
        {
          ConditionCheck: {
            TableName: 'Acct',
            Key: { id: { S: 'guard' } },
            ConditionExpression: 'attribute_exists(id)',
          },
        },
      ],
    })
    expect(result).toEqual({})
    const items = (await db.ok('Scan', { TableName: 'Acct' })).Items
    expect(items.sort((x: any, y: any) => (x.id.S < y.id.S ? -1 : 1))).toEqual([
      { id: { S: 'a' }, bal: { N: '7.5' } },
      { id: { S: 'b' }, bal: { N: '2.5' } },
      { id: { S: 'guard' } },
    ])
  })

  test('a failed condition cancels the whole transaction with reasons in order', async () => {
    const db = dynamoFixture()
    await db.createTable('Acct', ['id', 'S'])
    await db.ok('PutItem', { TableName: 'Acct', Item: { id: { S: 'a' }, bal: { N: '1' } } })
    const [code, message, body] = await db.fail('TransactWriteItems', {
      TransactItems: [
        { Put: { TableName: 'Acct', Item: { id: { S: 'new' } } } },
        {
          Update: {
            TableName: 'Acct',
            Key: { id: { S: 'a' } },
            UpdateExpression: 'SET bal = bal - :amt',
            ConditionExpression: 'bal >= :amt',
            ExpressionAttributeValues: { ':amt': { N: '5' } },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ],
    })
    expect(code).toBe('TransactionCanceledException')
    expect(message).toBe(
      'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]',
    )
    expect(body.__type).toBe('com.amazonaws.dynamodb.v20120810#TransactionCanceledException')
    expect(body.CancellationReasons).toEqual([
      { Code: 'None' },
      {
        Code: 'ConditionalCheckFailed',
        Message: 'The conditional request failed',
        Item: { id: { S: 'a' }, bal: { N: '1' } },
      },
    ])
    // Nothing was written: the Put before the failing Update did not happen.
    expect(await db.ok('GetItem', { TableName: 'Acct', Key: { id: { S: 'new' } } })).toEqual({})
    expect(await db.ok('GetItem', { TableName: 'Acct', Key: { id: { S: 'a' } } })).toEqual({
      Item: { id: { S: 'a' }, bal: { N: '1' } },
    })
  })

  test('runtime update errors cancel with ValidationError; static errors are ValidationException', async () => {
    const db = dynamoFixture()
    await db.createTable('Acct', ['id', 'S'])
    await db.ok('PutItem', { TableName: 'Acct', Item: { id: { S: 'a' }, name: { S: 'x' } } })
    const [, , body] = await db.fail('TransactWriteItems', {
      TransactItems: [
        { Put: { TableName: 'Acct', Item: { id: { S: 'b' } } } },
        {
          Update: {
            TableName: 'Acct',
            Key: { id: { S: 'a' } },
            UpdateExpression: 'SET #n = #n + :one',
            ExpressionAttributeNames: { '#n': 'name' },
            ExpressionAttributeValues: { ':one': { N: '1' } },
          },
        },
      ],
    })
    expect(body.CancellationReasons).toEqual([
      { Code: 'None' },
      {
        Code: 'ValidationError',
        Message: 'An operand in the update expression has an incorrect data type',
      },
    ])
    expect(await db.ok('GetItem', { TableName: 'Acct', Key: { id: { S: 'b' } } })).toEqual({})
    expect(
      (
        await db.fail('TransactWriteItems', {
          TransactItems: [
            { Put: { TableName: 'Acct', Item: { id: { S: 'a' } } } },
            { Delete: { TableName: 'Acct', Key: { id: { S: 'a' } } } },
          ],
        })
      )[1],
    ).toBe('Transaction request cannot include multiple operations on one item')
    expect(
      (await db.fail('TransactWriteItems', {
        TransactItems: [{ Put: { TableName: 'Acct', Item: { id: { S: 'c' } } }, Delete: {} }],
      }))[1],
    ).toBe('TransactItems can only contain one of Check, Put, Update or Delete')
    expect(
      (await db.fail('TransactWriteItems', {
        TransactItems: [{ Put: { TableName: 'Nope', Item: { id: { S: 'c' } } } }],
      }))[0],
    ).toBe(
      'ResourceNotFoundException',
    )
  })
})
