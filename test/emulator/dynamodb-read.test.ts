import { describe, expect, test } from 'bun:test'
import { type DynamoFixture, dynamoFixture } from './dynamodb-fixture.ts'

async function seedOrders(db: DynamoFixture): Promise<void> {
  await db.createTable('Orders', ['pk', 'S'], ['sk', 'N'])
  // Inserted out of order; numbers that sort differently as text. '1e2' is the same key as '100'
  // (numbers are canonical), so it overwrites that item.
  for (const sk of ['10', '9', '100', '-1', '0.5', '1e2']) {
    await db.ok('PutItem', {
      TableName: 'Orders',
      Item: { pk: { S: 'u1' }, sk: { N: sk }, v: { S: `v${sk === '1e2' ? '100' : sk}` } },
    })
  }
  await db.ok('PutItem', { TableName: 'Orders', Item: { pk: { S: 'u2' }, sk: { N: '1' } } })
}

const sks = (items: any[]): string[] => items.map((i) => i.sk.N)

describe('Query', () => {
  test('orders by sort key numerically, forward and backward', async () => {
    const db = dynamoFixture()
    await seedOrders(db)
    const base = {
      TableName: 'Orders',
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': { S: 'u1' } },
    }
    const forward = await db.ok('Query', base)
    expect(sks(forward.Items)).toEqual(['-1', '0.5', '9', '10', '100'])
    expect(forward.Count).toBe(5)
    expect(forward.ScannedCount).toBe(5)
    expect(forward.LastEvaluatedKey).toBeUndefined()
    const backward = await db.ok('Query', { ...base, ScanIndexForward: false })
    expect(sks(backward.Items)).toEqual(['100', '10', '9', '0.5', '-1'])
  })

  test('every range operator', async () => {
    const db = dynamoFixture()
    await seedOrders(db)
    const q = async (cond: string, values: object) =>
      sks(
        (
          await db.ok('Query', {
            TableName: 'Orders',
            KeyConditionExpression: `pk = :p AND ${cond}`,
            ExpressionAttributeValues: { ':p': { S: 'u1' }, ...values },
          })
        ).Items,
      )
    expect(await q('sk = :a', { ':a': { N: '10.0' } })).toEqual(['10'])
    expect(await q('sk < :a', { ':a': { N: '9' } })).toEqual(['-1', '0.5'])
    expect(await q('sk <= :a', { ':a': { N: '9' } })).toEqual(['-1', '0.5', '9'])
    expect(await q('sk > :a', { ':a': { N: '9' } })).toEqual(['10', '100'])
    expect(await q('sk >= :a', { ':a': { N: '9' } })).toEqual(['9', '10', '100'])
    expect(await q(':a < sk', { ':a': { N: '9' } })).toEqual(['10', '100'])
    expect(await q('sk BETWEEN :a AND :b', { ':a': { N: '0' }, ':b': { N: '10' } })).toEqual([
      '0.5',
      '9',
      '10',
    ])
  })

  test('begins_with on a string sort key, sorted by bytes', async () => {
    const db = dynamoFixture()
    await db.createTable('Docs', ['pk', 'S'], ['sk', 'S'])
    for (const sk of ['b#2', 'a#1', 'b#10', 'B#1', 'b', '\u{1F600}', '\uFFFD']) {
      await db.ok('PutItem', { TableName: 'Docs', Item: { pk: { S: 'p' }, sk: { S: sk } } })
    }
    const all = await db.ok('Query', {
      TableName: 'Docs',
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': { S: 'p' } },
    })
    // UTF-8 byte order: U+FFFD (EF BF BD) sorts before U+1F600 (F0 9F 98 80).
    expect(all.Items.map((i: any) => i.sk.S)).toEqual([
      'B#1',
      'a#1',
      'b',
      'b#10',
      'b#2',
      '\uFFFD',
      '\u{1F600}',
    ])
    const prefixed = await db.ok('Query', {
      TableName: 'Docs',
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :b)',
      ExpressionAttributeValues: { ':p': { S: 'p' }, ':b': { S: 'b#' } },
    })
    expect(prefixed.Items.map((i: any) => i.sk.S)).toEqual(['b#10', 'b#2'])
  })

  test('Limit, paging with LastEvaluatedKey, filters, Select COUNT and projections', async () => {
    const db = dynamoFixture()
    await seedOrders(db)
    const base = {
      TableName: 'Orders',
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': { S: 'u1' } },
    }
    const seen: string[] = []
    let start: object | undefined
    let pages = 0
    do {
      const page: any = await db.ok('Query', {
        ...base,
        Limit: 2,
        ...(start ? { ExclusiveStartKey: start } : {}),
      })
      seen.push(...sks(page.Items))
      start = page.LastEvaluatedKey
      pages++
    } while (start)
    expect(seen).toEqual(['-1', '0.5', '9', '10', '100'])
    expect(pages).toBe(3)
    const filtered = await db.ok('Query', {
      ...base,
      FilterExpression: 'v <> :skip',
      ExpressionAttributeValues: { ':p': { S: 'u1' }, ':skip': { S: 'v9' } },
      Limit: 3,
    })
    expect(sks(filtered.Items)).toEqual(['-1', '0.5'])
    expect(filtered.Count).toBe(2)
    expect(filtered.ScannedCount).toBe(3)
    expect(filtered.LastEvaluatedKey).toEqual({ pk: { S: 'u1' }, sk: { N: '9' } })
    const counted = await db.ok('Query', { ...base, Select: 'COUNT' })
    expect(counted).toEqual({ Count: 5, ScannedCount: 5 })
    const projected = await db.ok('Query', { ...base, ProjectionExpression: 'v', Limit: 1 })
    expect(projected.Items).toEqual([{ v: { S: 'v-1' } }])
    // Paging backwards resumes below the start key.
    const back = await db.ok('Query', {
      ...base,
      ScanIndexForward: false,
      ExclusiveStartKey: { pk: { S: 'u1' }, sk: { N: '9' } },
    })
    expect(sks(back.Items)).toEqual(['0.5', '-1'])
  })

  test('key condition errors', async () => {
    const db = dynamoFixture()
    await seedOrders(db)
    const err = async (cond: string, values: object = { ':p': { S: 'u1' } }, extra: object = {}) =>
      (await db.fail('Query', {
        TableName: 'Orders',
        KeyConditionExpression: cond,
        ExpressionAttributeValues: values,
        ...extra,
      }))[1]
    expect(await err('sk = :p', { ':p': { N: '1' } })).toBe(
      'Query condition missed key schema element: pk',
    )
    expect(await err('pk > :p')).toBe('Query key condition not supported')
    expect(await err('pk = :p OR pk = :p')).toBe(
      'Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: OR',
    )
    expect(await err('pk = :p AND sk = :a AND sk = :a', { ':p': { S: 'u1' }, ':a': { N: '1' } }))
      .toBe(
        'Invalid KeyConditionExpression: The expression has redundant parentheses or too many conditions;',
      )
    expect(await err('pk = :n', { ':n': { N: '1' } })).toBe(
      'One or more parameter values were invalid: Condition parameter type does not match schema type',
    )
    expect(await err('pk = :p AND begins_with(sk, :a)', { ':p': { S: 'u1' }, ':a': { S: '1' } }))
      .toBe(
        'Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: S',
      )
    expect(
      await err('pk = :p AND sk BETWEEN :b AND :a', {
        ':p': { S: 'u1' },
        ':a': { N: '1' },
        ':b': { N: '5' },
      }),
    ).toBe(
      'Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}',
    )
    expect(await err('pk = :p', { ':p': { S: 'u1' } }, { FilterExpression: 'sk > :p' })).toBe(
      'Filter Expression can only contain non-primary key attributes: Primary key attribute: sk',
    )
    expect(await err('pk = :p', { ':p': { S: 'u1' } }, { IndexName: 'gsi1' })).toBe(
      'The table does not have the specified index: gsi1',
    )
    expect(await err('pk = :p', { ':p': { S: 'u1' } }, { Limit: 0 })).toBe(
      "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    )
    expect((await db.fail('Query', { TableName: 'Orders' }))[1]).toBe(
      'Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.',
    )
  })
})

describe('Scan', () => {
  test('pages through every item exactly once, in a stable order, even while items change', async () => {
    const db = dynamoFixture()
    await db.createTable('Big', ['id', 'S'], ['n', 'N'])
    const expected = new Set<string>()
    for (let i = 0; i < 120; i++) {
      const id = `user-${i % 17}`
      await db.ok('PutItem', { TableName: 'Big', Item: { id: { S: id }, n: { N: String(i) } } })
      expected.add(`${id}/${i}`)
    }
    const first = await db.ok('Scan', { TableName: 'Big' })
    const second = await db.ok('Scan', { TableName: 'Big' })
    expect(first.Items).toEqual(second.Items)
    expect(first.Count).toBe(120)
    const seen: string[] = []
    let start: object | undefined
    let page = 0
    do {
      const reply: any = await db.ok('Scan', {
        TableName: 'Big',
        Limit: 7,
        ...(start ? { ExclusiveStartKey: start } : {}),
      })
      expect(reply.ScannedCount).toBe(reply.Items.length)
      seen.push(...reply.Items.map((i: any) => `${i.id.S}/${i.n.N}`))
      start = reply.LastEvaluatedKey
      // Delete the item a page ended on: resuming must not depend on it still existing.
      if (page++ === 3 && start) await db.ok('DeleteItem', { TableName: 'Big', Key: start })
    } while (start)
    expect(seen.length).toBe(120)
    expect(new Set(seen)).toEqual(expected)
    expect(page).toBe(18)
  })

  test('filters, COUNT and parallel segments that partition the table', async () => {
    const db = dynamoFixture()
    await db.createTable('Big', ['id', 'N'])
    for (let i = 0; i < 50; i++) {
      await db.ok('PutItem', {
        TableName: 'Big',
        Item: { id: { N: String(i) }, odd: { BOOL: i % 2 === 1 } },
      })
    }
    const odd = await db.ok('Scan', {
      TableName: 'Big',
      FilterExpression: 'odd = :t',
      ExpressionAttributeValues: { ':t': { BOOL: true } },
    })
    expect(odd.Count).toBe(25)
    expect(odd.ScannedCount).toBe(50)
    expect(await db.ok('Scan', { TableName: 'Big', Select: 'COUNT' })).toEqual({
      Count: 50,
      ScannedCount: 50,
    })
    const ids: string[] = []
    for (let segment = 0; segment < 4; segment++) {
      const reply = await db.ok('Scan', { TableName: 'Big', Segment: segment, TotalSegments: 4 })
      ids.push(...reply.Items.map((i: any) => i.id.N))
    }
    expect(ids.sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 50 }, (_, i) => String(i)),
    )
    expect((await db.fail('Scan', { TableName: 'Big', Segment: 4, TotalSegments: 4 }))[1]).toBe(
      'The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 4 is not less than TotalSegments: 4',
    )
  })

  test('a page stops at 1 MB of data and says where it stopped', async () => {
    const db = dynamoFixture()
    await db.createTable('Fat', ['id', 'S'])
    for (let i = 0; i < 5; i++) {
      await db.ok('PutItem', {
        TableName: 'Fat',
        Item: { id: { S: `k${i}` }, blob: { S: 'x'.repeat(300 * 1024) } },
      })
    }
    const first = await db.ok('Scan', { TableName: 'Fat', ProjectionExpression: 'id' })
    expect(first.ScannedCount).toBe(4)
    expect(first.LastEvaluatedKey).toEqual(first.Items[3])
    const rest = await db.ok('Scan', {
      TableName: 'Fat',
      ProjectionExpression: 'id',
      ExclusiveStartKey: first.LastEvaluatedKey,
    })
    expect(rest.Count).toBe(1)
    expect(rest.LastEvaluatedKey).toBeUndefined()
  })
})
