import { describe, expect, test } from 'bun:test'
import { EmulatorFault } from '../../src/emulator/context.ts'
import { createDynamoDbService } from '../../src/emulator/dynamodb.ts'
import { crc32 } from '../../src/aws/crc32.ts'
import { createManualClock } from '../../src/clock.ts'
import { dynamoFixture } from './dynamodb-fixture.ts'

describe('DynamoDB wire format', () => {
  test('successful answers carry JSON 1.0 headers, the request id and a correct CRC32', async () => {
    const db = dynamoFixture()
    const reply = await db.call('ListTables', {})
    expect(reply.status).toBe(200)
    expect(reply.text).toBe('{"TableNames":[]}')
    expect(reply.headers.get('content-type')).toBe('application/x-amz-json-1.0')
    expect(reply.headers.get('x-amzn-requestid')).toStartWith('req-')
    expect(reply.headers.get('x-amz-crc32')).toBe(
      String(crc32(new TextEncoder().encode(reply.text))),
    )
  })

  test('crc32 matches the standard check value', () => {
    // The CRC-32/ISO-HDLC check value of "123456789" is 0xCBF43926.
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926)
    expect(crc32(new Uint8Array())).toBe(0)
  })

  test('renderError gives the router AWS shapes for authentication failures', async () => {
    const service = createDynamoDbService({
      clock: createManualClock(),
      settings: { dynamodbUnprocessedPerBatch: 0 },
      accountId: '123456789012',
    })
    const cases: [EmulatorFault, string][] = [
      [
        new EmulatorFault(
          'UnrecognizedClientException',
          'The security token included in the request is invalid.',
          400,
        ),
        '{"__type":"com.amazon.coral.service#UnrecognizedClientException","message":"The security token included in the request is invalid."}',
      ],
      [
        new EmulatorFault(
          'ExpiredTokenException',
          'The security token included in the request is expired',
          400,
        ),
        '{"__type":"com.amazon.coral.service#ExpiredTokenException","message":"The security token included in the request is expired"}',
      ],
      [
        new EmulatorFault('InvalidSignatureException', 'Signature expired', 400),
        '{"__type":"com.amazon.coral.service#InvalidSignatureException","message":"Signature expired"}',
      ],
      [
        new EmulatorFault(
          'ThrottlingException',
          'Rate of requests exceeds the allowed throughput.',
          400,
        ),
        '{"__type":"com.amazon.coral.availability#ThrottlingException","message":"Rate of requests exceeds the allowed throughput."}',
      ],
      [
        new EmulatorFault('ProvisionedThroughputExceededException', 'Slow down', 400),
        '{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"Slow down"}',
      ],
    ]
    for (const [fault, expected] of cases) {
      const response = service.renderError(fault, 'rid-1')
      const text = await response.text()
      expect(response.status).toBe(400)
      expect(text).toBe(expected)
      expect(response.headers.get('x-amzn-requestid')).toBe('rid-1')
      expect(response.headers.get('x-amz-crc32')).toBe(
        String(crc32(new TextEncoder().encode(text))),
      )
    }
  })

  test('unknown operations, missing targets and bad JSON', async () => {
    const db = dynamoFixture()
    for (
      const target of [
        'DynamoDB_20120810.Nope',
        'DynamoDB_20120810.toString',
        'Other.ListTables',
        null,
      ]
    ) {
      const reply = await db.call('', {}, { target })
      expect(reply.status).toBe(400)
      expect(reply.text).toBe('{"__type":"com.amazon.coral.service#UnknownOperationException"}')
    }
    for (const raw of ['{', '', 'not json', '\u00ff']) {
      const reply = await db.call('ListTables', undefined, { raw })
      expect(reply.status).toBe(400)
      expect(reply.text).toBe('{"__type":"com.amazon.coral.service#SerializationException"}')
    }
    const list = await db.call('ListTables', undefined, { raw: '[]' })
    expect(list.body).toEqual({
      __type: 'com.amazon.coral.service#SerializationException',
      Message: 'Start of list found where not expected',
    })
    const wrongType = await db.call('DescribeTable', { TableName: 5 })
    expect(wrongType.body.__type).toBe('com.amazon.coral.service#SerializationException')
  })
})

describe('tables', () => {
  test('create, describe, list, delete', async () => {
    const db = dynamoFixture(Date.UTC(2026, 0, 1, 12))
    const created = await db.ok('CreateTable', {
      TableName: 'Orders',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 7 },
    })
    expect(created.TableDescription.TableStatus).toBe('CREATING')
    expect(created.TableDescription.TableArn).toBe(
      'arn:aws:dynamodb:us-east-1:123456789012:table/Orders',
    )
    const { Table } = await db.ok('DescribeTable', { TableName: 'Orders' })
    expect(Table).toMatchObject({
      TableName: 'Orders',
      TableStatus: 'ACTIVE',
      CreationDateTime: Date.UTC(2026, 0, 1, 12) / 1000,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      ProvisionedThroughput: {
        NumberOfDecreasesToday: 0,
        ReadCapacityUnits: 5,
        WriteCapacityUnits: 7,
      },
      ItemCount: 0,
      TableSizeBytes: 0,
    })
    await db.createTable('Aaa', ['id', 'S'])
    expect(await db.ok('ListTables', {})).toEqual({ TableNames: ['Aaa', 'Orders'] })
    expect(await db.ok('ListTables', { Limit: 1 })).toEqual({
      TableNames: ['Aaa'],
      LastEvaluatedTableName: 'Aaa',
    })
    expect(await db.ok('ListTables', { ExclusiveStartTableName: 'Aaa' })).toEqual({
      TableNames: ['Orders'],
    })
    const deleted = await db.ok('DeleteTable', { TableName: 'Orders' })
    expect(deleted.TableDescription.TableStatus).toBe('DELETING')
    expect(await db.fail('DescribeTable', { TableName: 'Orders' })).toEqual([
      'ResourceNotFoundException',
      'Requested resource not found: Table: Orders not found',
      expect.anything(),
    ])
  })

  test('creation errors', async () => {
    const db = dynamoFixture()
    await db.createTable('Things', ['id', 'S'])
    const base = {
      TableName: 'Things',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }
    expect((await db.fail('CreateTable', base)).slice(0, 2)).toEqual([
      'ResourceInUseException',
      'Table already exists: Things',
    ])
    expect((await db.fail('CreateTable', { ...base, TableName: 'x' })).slice(0, 2)).toEqual([
      'ValidationException',
      "1 validation error detected: Value 'x' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3",
    ])
    expect(
      (await db.fail('CreateTable', { ...base, TableName: 'New', BillingMode: undefined })).slice(
        0,
        2,
      ),
    ).toEqual([
      'ValidationException',
      'No provisioned throughput specified for the table',
    ])
    expect(
      (await db.fail('CreateTable', {
        ...base,
        TableName: 'New',
        KeySchema: [{ AttributeName: 'other', KeyType: 'HASH' }],
      }))[1],
    ).toBe(
      'One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [other], AttributeDefinitions: [id]',
    )
    expect(
      (
        await db.fail('CreateTable', {
          ...base,
          TableName: 'New',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'X' }],
        })
      )[1],
    ).toBe(
      "1 validation error detected: Value 'X' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]",
    )
    expect((await db.fail('DescribeTable', {}))[1]).toBe(
      "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null",
    )
  })
})

describe('items', () => {
  test('put, get, delete with ReturnValues ALL_OLD and projections', async () => {
    const db = dynamoFixture()
    await db.createTable('Tbl', ['id', 'S'])
    const item = {
      id: { S: 'a' },
      n: { N: '1.50' },
      tags: { SS: ['x'] },
      m: { M: { deep: { L: [{ BOOL: true }] } } },
    }
    expect(await db.ok('PutItem', { TableName: 'Tbl', Item: item, ReturnValues: 'ALL_OLD' }))
      .toEqual({})
    const stored = { ...item, n: { N: '1.5' } }
    expect(
      await db.ok('GetItem', { TableName: 'Tbl', Key: { id: { S: 'a' } }, ConsistentRead: true }),
    ).toEqual({ Item: stored })
    expect(
      await db.ok('GetItem', {
        TableName: 'Tbl',
        Key: { id: { S: 'a' } },
        ProjectionExpression: '#m.deep[0], n',
        ExpressionAttributeNames: { '#m': 'm' },
      }),
    ).toEqual({ Item: { m: { M: { deep: { L: [{ BOOL: true }] } } }, n: { N: '1.5' } } })
    expect(
      await db.ok('PutItem', {
        TableName: 'Tbl',
        Item: { id: { S: 'a' } },
        ReturnValues: 'ALL_OLD',
      }),
    ).toEqual({
      Attributes: stored,
    })
    expect(
      await db.ok('DeleteItem', {
        TableName: 'Tbl',
        Key: { id: { S: 'a' } },
        ReturnValues: 'ALL_OLD',
      }),
    ).toEqual({
      Attributes: { id: { S: 'a' } },
    })
    expect(await db.ok('GetItem', { TableName: 'Tbl', Key: { id: { S: 'a' } } })).toEqual({})
    expect(await db.ok('DeleteItem', { TableName: 'Tbl', Key: { id: { S: 'a' } } })).toEqual({})
  })

  test('conditions on put, update and delete', async () => {
    const db = dynamoFixture()
    await db.createTable('Tbl', ['id', 'S'])
    const put = {
      TableName: 'Tbl',
      Item: { id: { S: 'a' }, v: { N: '1' } },
      ConditionExpression: 'attribute_not_exists(id)',
    }
    await db.ok('PutItem', put)
    const [code, message, body] = await db.fail('PutItem', put)
    expect([code, message]).toEqual([
      'ConditionalCheckFailedException',
      'The conditional request failed',
    ])
    expect(body.__type).toBe('com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException')
    const [, , withItem] = await db.fail('PutItem', {
      ...put,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    })
    expect(withItem.Item).toEqual({ id: { S: 'a' }, v: { N: '1' } })
    await db.ok('UpdateItem', {
      TableName: 'Tbl',
      Key: { id: { S: 'a' } },
      UpdateExpression: 'SET v = v + :one',
      ConditionExpression: 'v = :one AND attribute_type(v, :n)',
      ExpressionAttributeValues: { ':one': { N: '1' }, ':n': { S: 'N' } },
    })
    const failed = await db.fail('DeleteItem', {
      TableName: 'Tbl',
      Key: { id: { S: 'a' } },
      ConditionExpression: 'v IN (:a, :b)',
      ExpressionAttributeValues: { ':a': { N: '1' }, ':b': { N: '3' } },
    })
    expect(failed[0]).toBe('ConditionalCheckFailedException')
    expect(await db.ok('GetItem', { TableName: 'Tbl', Key: { id: { S: 'a' } } })).toEqual({
      Item: { id: { S: 'a' }, v: { N: '2' } },
    })
  })

  test('UpdateItem creates items and honours every ReturnValues', async () => {
    const db = dynamoFixture()
    await db.createTable('Tbl', ['id', 'S'])
    const key = { id: { S: 'k' } }
    const update = (expr: string, returnValues: string, values?: object) =>
      db.ok('UpdateItem', {
        TableName: 'Tbl',
        Key: key,
        UpdateExpression: expr,
        ReturnValues: returnValues,
        ...(values ? { ExpressionAttributeValues: values } : {}),
      })
    expect(await update('ADD c :d', 'ALL_NEW', { ':d': { N: '0.1' } })).toEqual({
      Attributes: { id: { S: 'k' }, c: { N: '0.1' } },
    })
    expect(await update('ADD c :d', 'UPDATED_NEW', { ':d': { N: '0.2' } })).toEqual({
      Attributes: { c: { N: '0.3' } },
    })
    expect(await update('SET s = :s', 'UPDATED_OLD', { ':s': { S: 'x' } })).toEqual({})
    expect(await update('SET s = :s', 'UPDATED_OLD', { ':s': { S: 'y' } })).toEqual({
      Attributes: { s: { S: 'x' } },
    })
    expect(await update('REMOVE s', 'ALL_OLD')).toEqual({
      Attributes: { id: { S: 'k' }, c: { N: '0.3' }, s: { S: 'y' } },
    })
    expect(await update('REMOVE c', 'NONE')).toEqual({})
    expect(await db.ok('GetItem', { TableName: 'Tbl', Key: key })).toEqual({ Item: key })
    expect(
      await db.ok('UpdateItem', {
        TableName: 'Tbl',
        Key: { id: { S: 'bare' } },
        ReturnValues: 'ALL_NEW',
      }),
    ).toEqual({
      Attributes: { id: { S: 'bare' } },
    })
  })

  test('validation errors with AWS messages', async () => {
    const db = dynamoFixture()
    await db.createTable('Tbl', ['id', 'S'], ['r', 'N'])
    const msg = async (op: string, body: object) =>
      (await db.fail(op, { TableName: 'Tbl', ...body }))[1]
    expect(await db.fail('GetItem', { TableName: 'Nope', Key: { id: { S: 'a' } } })).toEqual([
      'ResourceNotFoundException',
      'Requested resource not found',
      expect.anything(),
    ])
    expect(await msg('PutItem', { Item: { r: { N: '1' } } })).toBe(
      'One or more parameter values were invalid: Missing the key id in the item',
    )
    expect(await msg('PutItem', { Item: { id: { N: '1' }, r: { N: '1' } } })).toBe(
      'One or more parameter values were invalid: Type mismatch for key id expected: S actual: N',
    )
    expect(await msg('PutItem', { Item: { id: { S: '' }, r: { N: '1' } } })).toBe(
      'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id',
    )
    expect(await msg('GetItem', { Key: { id: { S: 'a' } } })).toBe(
      'The provided key element does not match the schema',
    )
    expect(await msg('GetItem', { Key: { id: { S: 'a' }, r: { S: '1' } } })).toBe(
      'The provided key element does not match the schema',
    )
    expect(await msg('PutItem', { Item: { id: { S: 'a' }, r: { N: '1' }, s: { SS: [] } } })).toBe(
      'One or more parameter values were invalid: An string set  may not be empty',
    )
    expect(await msg('PutItem', { Item: { id: { S: 'a' }, r: { N: '1' }, s: { SS: ['a', 'a'] } } }))
      .toBe(
        'One or more parameter values were invalid: Input collection [a, a] contains duplicates.',
      )
    expect(
      await msg('PutItem', { Item: { id: { S: 'a' }, r: { N: '1' }, s: { NS: ['1', '1.0'] } } }),
    ).toBe(
      'One or more parameter values were invalid: Input collection [1, 1.0] contains duplicates.',
    )
    expect(await msg('PutItem', { Item: { id: { S: 'a' }, r: { N: 'x1' } } })).toBe(
      'The parameter cannot be converted to a numeric value: x1',
    )
    expect(await msg('PutItem', { Item: { id: { S: 'a' }, r: { N: '1' }, z: {} } })).toBe(
      'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes',
    )
    expect(await msg('PutItem', { Item: { id: { S: 'a' }, r: { N: '1' }, z: { S: 'a', N: '1' } } }))
      .toBe(
        'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
      )
    expect(await msg('PutItem', { Item: { id: { S: 'a' }, r: { N: '1' }, z: { NULL: false } } }))
      .toBe(
        'One or more parameter values were invalid: Null attribute value types must have the value of true',
      )
    expect(
      await msg('PutItem', {
        Item: { id: { S: 'a' }, r: { N: '1' }, big: { S: 'x'.repeat(400 * 1024) } },
      }),
    ).toBe(
      'Item size has exceeded the maximum allowed size',
    )
    expect(
      await msg('PutItem', { Item: { id: { S: 'a' }, r: { N: '1' } }, ReturnValues: 'ALL_NEW' }),
    ).toBe(
      'ReturnValues can only be ALL_OLD or NONE',
    )
    expect(
      await msg('PutItem', {
        Item: { id: { S: 'a' }, r: { N: '1' } },
        ConditionExpression: 'attribute_exists(#a)',
        ExpressionAttributeNames: { '#a': 'a', '#b': 'b' },
      }),
    ).toBe('Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}')
    expect(
      await msg('PutItem', {
        Item: { id: { S: 'a' }, r: { N: '1' } },
        ConditionExpression: 'attribute_exists(a)',
        ExpressionAttributeValues: { ':x': { S: 'x' } },
      }),
    ).toBe('Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}')
    expect(
      await msg('PutItem', {
        Item: { id: { S: 'a' }, r: { N: '1' } },
        ExpressionAttributeValues: { ':x': { S: 'x' } },
      }),
    ).toBe(
      'ExpressionAttributeValues can only be specified when using expressions',
    )
    expect(
      await msg('PutItem', {
        Item: { id: { S: 'a' }, r: { N: '1' } },
        ConditionExpression: 'a = :v',
        ExpressionAttributeValues: { v: { S: 'x' } },
      }),
    ).toBe('ExpressionAttributeValues contains invalid key: Syntax error; key: "v"')
    expect(
      await msg('PutItem', {
        Item: { id: { S: 'a' }, r: { N: '1' } },
        ConditionExpression: 'a = :v',
        ExpressionAttributeValues: { ':v': { SS: [] } },
      }),
    ).toBe(
      'ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :v',
    )
    expect(
      await msg('UpdateItem', {
        Key: { id: { S: 'a' }, r: { N: '1' } },
        UpdateExpression: 'SET r = :v',
        ExpressionAttributeValues: { ':v': { N: '2' } },
      }),
    ).toBe(
      'One or more parameter values were invalid: Cannot update attribute r. This attribute is part of the key',
    )
    expect(
      await msg('UpdateItem', { Key: { id: { S: 'a' }, r: { N: '1' } }, UpdateExpression: 'SET' }),
    ).toBe(
      'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "SET"',
    )
    // Nothing of the refused writes was stored.
    expect(await db.ok('Scan', { TableName: 'Tbl' })).toEqual({
      Items: [],
      Count: 0,
      ScannedCount: 0,
    })
  })

  test('an update that grows the item past 400 KB is refused and leaves it unchanged', async () => {
    const db = dynamoFixture()
    await db.createTable('Tbl', ['id', 'S'])
    await db.ok('PutItem', {
      TableName: 'Tbl',
      Item: { id: { S: 'a' }, x: { S: 'x'.repeat(300 * 1024) } },
    })
    expect(
      (
        await db.fail('UpdateItem', {
          TableName: 'Tbl',
          Key: { id: { S: 'a' } },
          UpdateExpression: 'SET y = :y',
          ExpressionAttributeValues: { ':y': { S: 'y'.repeat(200 * 1024) } },
        })
      )[1],
    ).toBe('Item size to update has exceeded the maximum allowed size')
    const got = await db.ok('GetItem', {
      TableName: 'Tbl',
      Key: { id: { S: 'a' } },
      ProjectionExpression: 'y',
    })
    expect(got).toEqual({ Item: {} })
  })
})
