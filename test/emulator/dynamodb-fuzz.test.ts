/**
 * Bad input never crashes the DynamoDB service: random bodies and random token soups for every
 * expression parameter come back as 200 or a 400 in DynamoDB's JSON error shape.
 */
import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { dynamoFixture } from './dynamodb-fixture.ts'

const OPERATIONS = [
  'CreateTable',
  'DescribeTable',
  'DeleteTable',
  'ListTables',
  'PutItem',
  'GetItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactWriteItems',
]
const FIELDS = [
  'TableName',
  'Key',
  'Item',
  'ConditionExpression',
  'UpdateExpression',
  'KeyConditionExpression',
  'FilterExpression',
  'ProjectionExpression',
  'ExpressionAttributeNames',
  'ExpressionAttributeValues',
  'ReturnValues',
  'Limit',
  'ExclusiveStartKey',
  'Select',
  'RequestItems',
  'TransactItems',
  'Segment',
  'TotalSegments',
  'ScanIndexForward',
  'KeySchema',
  'AttributeDefinitions',
  'BillingMode',
]
const TOKENS = [
  'a',
  'b',
  '#n',
  ':v',
  ':w',
  '=',
  '<>',
  '<',
  '<=',
  '>',
  '>=',
  '(',
  ')',
  ',',
  '.',
  '[0]',
  '[',
  ']',
  'AND',
  'OR',
  'NOT',
  'BETWEEN',
  'IN',
  'SET',
  'REMOVE',
  'ADD',
  'DELETE',
  'size',
  'attribute_exists',
  'attribute_type',
  'begins_with',
  'contains',
  'if_not_exists',
  'list_append',
  '+',
  '-',
  'pk',
  'sk',
  '$',
  '#',
  ':',
  '1',
]

async function expectAnswer(
  reply: Promise<{ status: number; body: Record<string, unknown> }>,
): Promise<void> {
  const { status, body } = await reply
  if (status !== 200) {
    expect(status).toBe(400)
    expect(String(body.__type)).toMatch(
      /^com\.amazon(aws\.dynamodb\.v20120810|\.coral\.(validate|service))#[A-Za-z]+$/,
    )
  }
}

describe('DynamoDB service robustness', () => {
  test('random request bodies get an AWS answer', async () => {
    const db = dynamoFixture()
    await db.createTable('Fuzz', ['pk', 'S'], ['sk', 'N'])
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...OPERATIONS),
        fc.dictionary(fc.constantFrom(...FIELDS), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
        async (operation, body) => expectAnswer(db.call(operation, { TableName: 'Fuzz', ...body })),
      ),
      { numRuns: 600, seed: 20260101 },
    )
  })

  test('random expressions get an AWS answer', async () => {
    const db = dynamoFixture()
    await db.createTable('Fuzz', ['pk', 'S'], ['sk', 'N'])
    await db.ok('PutItem', {
      TableName: 'Fuzz',
      Item: { pk: { S: 'p' }, sk: { N: '1' }, a: { L: [{ N: '1' }] } },
    })
    const expression = fc.array(fc.constantFrom(...TOKENS), { maxLength: 12 }).map((t) =>
      t.join(' ')
    )
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('UpdateItem', 'DeleteItem', 'Query', 'Scan', 'GetItem'),
        fc.constantFrom(
          'ConditionExpression',
          'UpdateExpression',
          'KeyConditionExpression',
          'FilterExpression',
          'ProjectionExpression',
        ),
        expression,
        async (operation, member, text) =>
          expectAnswer(
            db.call(operation, {
              TableName: 'Fuzz',
              ...(operation === 'Query' || operation === 'Scan'
                ? {}
                : { Key: { pk: { S: 'p' }, sk: { N: '1' } } }),
              [member]: text,
              ExpressionAttributeNames: { '#n': 'a' },
              ExpressionAttributeValues: { ':v': { N: '1' }, ':w': { L: [{ S: 'x' }] } },
            }),
          ),
      ),
      { numRuns: 1500, seed: 42 },
    )
  })

  test('attribute names that are Object.prototype members are plain attributes', async () => {
    const db = dynamoFixture()
    await db.createTable('Proto', ['pk', 'S'])
    const item = JSON.parse('{"pk":{"S":"p"},"__proto__":{"S":"x"},"constructor":{"N":"1"}}')
    await db.ok('PutItem', { TableName: 'Proto', Item: item })
    const got = await db.call('GetItem', { TableName: 'Proto', Key: { pk: { S: 'p' } } })
    expect(got.text).toBe('{"Item":{"pk":{"S":"p"},"__proto__":{"S":"x"},"constructor":{"N":"1"}}}')
    const missing = await db.ok('PutItem', {
      TableName: 'Proto',
      Item: { pk: { S: 'q' } },
      ConditionExpression: 'attribute_exists(#p)',
      ExpressionAttributeNames: { '#p': '__proto__' },
    }).catch((error: Error) => error.message)
    expect(String(missing)).toContain('ConditionalCheckFailedException')
  })
})
