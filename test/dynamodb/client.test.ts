import { describe, expect, test } from 'bun:test'
import { createManualClock } from '../../src/clock.ts'
import type { ManualClock } from '../../src/clock.ts'
import { BatchIncompleteError, isBatchIncompleteError } from '../../src/dynamodb/batch-error.ts'
import { createDynamoDbClient } from '../../src/dynamodb/client.ts'
import type { DynamoDbClientOptions, DynamoDbServiceError } from '../../src/dynamodb/client.ts'
import { AwsServiceError, ConfigError, isAwsServiceError } from '../../src/errors.ts'
import type { FetchLike } from '../../src/types.ts'

interface Seen {
  url: string
  method: string
  headers: Headers
  target: string
  body: Record<string, any>
  text: string
}

type Answer = { status?: number; body: unknown; headers?: Record<string, string> }

/** A fake DynamoDB: records each request and answers with `answer(target, body, index)`. */
function fakeDynamo(answer: (target: string, body: Record<string, any>, index: number) => Answer) {
  const seen: Seen[] = []
  const fetch: FetchLike = async (input, init) => {
    const request = new Request(input, init)
    const text = await request.text()
    const target = (request.headers.get('x-amz-target') ?? '').replace('DynamoDB_20120810.', '')
    const body = JSON.parse(text)
    seen.push({
      url: request.url,
      method: request.method,
      headers: request.headers,
      target,
      body,
      text,
    })
    const a = answer(target, body, seen.length - 1)
    return new Response(JSON.stringify(a.body), {
      status: a.status ?? 200,
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': `req-${seen.length}`,
        ...a.headers,
      },
    })
  }
  return { seen, fetch }
}

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
}

function client(fetch: FetchLike, extra: Partial<DynamoDbClientOptions> = {}) {
  return createDynamoDbClient({ region: 'us-east-1', credentials, fetch, env: {}, ...extra })
}

/** Advance the manual clock until `promise` settles, so backoff sleeps elapse instantly. */
async function drive<T>(clock: ManualClock, promise: Promise<T>): Promise<T> {
  let done = false
  const watched = promise.finally(() => {
    done = true
  })
  watched.catch(() => {})
  for (let i = 0; i < 200 && !done; i++) await clock.advance(1_000)
  return watched
}

const put = (pk: string) => ({ PutRequest: { Item: { pk, v: pk.length } } })
const putWire = (pk: string) => ({
  PutRequest: { Item: { pk: { S: pk }, v: { N: String(pk.length) } } },
})

describe('createDynamoDbClient: requests', () => {
  test('PutItem: JSON 1.0 protocol, signed, body marshalled exactly', async () => {
    const { seen, fetch } = fakeDynamo(() => ({ body: {} }))
    const ddb = client(fetch)
    expect(ddb.endpoint).toBe('https://dynamodb.us-east-1.amazonaws.com')
    const out = await ddb.putItem({
      TableName: 'users',
      Item: {
        pk: 'user#1',
        n: 42,
        tags: new Set(['a']),
        bin: new Uint8Array([1, 2, 3]),
        big: 2n ** 64n,
      },
      ConditionExpression: 'attribute_not_exists(pk) AND #n < :max',
      ExpressionAttributeNames: { '#n': 'n' },
      ExpressionAttributeValues: { ':max': 100 },
    })
    expect(out).toEqual({})
    expect(seen).toHaveLength(1)
    const [request] = seen as [Seen]
    expect(request.url).toBe('https://dynamodb.us-east-1.amazonaws.com/')
    expect(request.method).toBe('POST')
    expect(request.headers.get('content-type')).toBe('application/x-amz-json-1.0')
    expect(request.headers.get('x-amz-target')).toBe('DynamoDB_20120810.PutItem')
    expect(request.headers.get('authorization')).toStartWith(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/',
    )
    expect(request.headers.get('authorization')).toContain('/us-east-1/dynamodb/aws4_request')
    expect(request.text).toBe(
      JSON.stringify({
        TableName: 'users',
        Item: {
          pk: { S: 'user#1' },
          n: { N: '42' },
          tags: { SS: ['a'] },
          bin: { B: 'AQID' },
          big: { N: '18446744073709551616' },
        },
        ConditionExpression: 'attribute_not_exists(pk) AND #n < :max',
        ExpressionAttributeNames: { '#n': 'n' },
        ExpressionAttributeValues: { ':max': { N: '100' } },
      }),
    )
  })

  test('GetItem unmarshals Item (binary from base64); a missing item has no Item', async () => {
    const { seen, fetch } = fakeDynamo((_, body) =>
      body.Key.pk.S === 'there'
        ? { body: { Item: { pk: { S: 'there' }, b: { B: 'AAH/' }, ns: { NS: ['1', '2.5'] } } } }
        : { body: {} }
    )
    const ddb = client(fetch)
    expect(await ddb.getItem({ TableName: 't', Key: { pk: 'there' }, ConsistentRead: true }))
      .toEqual({
        Item: { pk: 'there', b: new Uint8Array([0, 1, 255]), ns: new Set([1, 2.5]) },
      })
    expect(await ddb.getItem({ TableName: 't', Key: { pk: 'gone' } })).toEqual({})
    expect(seen[0]?.body).toEqual({
      TableName: 't',
      Key: { pk: { S: 'there' } },
      ConsistentRead: true,
    })
  })

  test('UpdateItem/DeleteItem: Attributes unmarshalled, other members passed through', async () => {
    const { seen, fetch } = fakeDynamo((target) => ({
      body: {
        Attributes: { n: { N: target === 'UpdateItem' ? '43' : '42' } },
        ConsumedCapacity: { TableName: 't' },
      },
    }))
    const ddb = client(fetch)
    const updated = await ddb.updateItem({
      TableName: 't',
      Key: { pk: 'a' },
      UpdateExpression: 'ADD n :one',
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
      ReturnConsumedCapacity: 'TOTAL',
    })
    expect(updated).toEqual({ Attributes: { n: 43 }, ConsumedCapacity: { TableName: 't' } })
    expect(seen[0]?.body).toEqual({
      TableName: 't',
      Key: { pk: { S: 'a' } },
      UpdateExpression: 'ADD n :one',
      ExpressionAttributeValues: { ':one': { N: '1' } },
      ReturnValues: 'UPDATED_NEW',
      ReturnConsumedCapacity: 'TOTAL',
    })
    expect(
      (await ddb.deleteItem({ TableName: 't', Key: { pk: 'a' }, ReturnValues: 'ALL_OLD' }))
        .Attributes,
    ).toEqual({
      n: 42,
    })
    expect(seen[1]?.target).toBe('DeleteItem')
  })

  test('raw mode passes AttributeValues through, binaries base64 on the wire only', async () => {
    const { seen, fetch } = fakeDynamo(() => ({
      body: { Item: { pk: { S: 'a' }, b: { B: 'AQI=' }, bs: { BS: ['AQ=='] } } },
    }))
    const ddb = client(fetch, { raw: true })
    const out = await ddb.getItem({ TableName: 't', Key: { pk: { B: new Uint8Array([9]) } } })
    expect(seen[0]?.body.Key).toEqual({ pk: { B: 'CQ==' } })
    expect(out.Item).toEqual({
      pk: { S: 'a' },
      b: { B: new Uint8Array([1, 2]) },
      bs: { BS: [new Uint8Array([1])] },
    })
    // Per call: plain values on a raw client.
    const native = await ddb.getItem({ TableName: 't', Key: { pk: 'a' } }, { raw: false })
    expect(seen[1]?.body.Key).toEqual({ pk: { S: 'a' } })
    expect(native.Item).toEqual({
      pk: 'a',
      b: new Uint8Array([1, 2]),
      bs: new Set([new Uint8Array([1])]),
    })
  })

  test('marshalling errors are thrown before anything is sent, naming the path', async () => {
    const { seen, fetch } = fakeDynamo(() => ({ body: {} }))
    const ddb = client(fetch)
    const error = await ddb
      .putItem({ TableName: 't', Item: { pk: 'a', when: new Date(0) } })
      .then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toBe(
      'Cannot marshall Item.when: a Date is not a DynamoDB type; store date.toISOString() (S) or date.getTime() (N)',
    )
    const batchError = await ddb
      .batchWriteItem({
        RequestItems: { t: [put('a'), { PutRequest: { Item: { pk: 'b', s: new Set() } } }] },
      })
      .then(() => undefined, (e: unknown) => e)
    expect((batchError as Error).message).toStartWith(
      'Cannot marshall RequestItems.t[1].PutRequest.Item.s: the set is empty',
    )
    expect(seen).toHaveLength(0)
  })

  test('region and endpoint come from options, then the environment', async () => {
    const { fetch } = fakeDynamo(() => ({ body: {} }))
    expect(() => createDynamoDbClient({ credentials, fetch, env: {} })).toThrow(
      new ConfigError(
        'DynamoDB client has no region: pass { region } or set AWS_REGION (e.g. us-east-1)',
      ),
    )
    const fromEnv = createDynamoDbClient({
      credentials,
      fetch,
      env: {
        AWS_REGION: 'eu-west-1',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:2',
      },
    })
    expect(fromEnv.region).toBe('eu-west-1')
    expect(fromEnv.endpoint).toBe('http://127.0.0.1:2')
    const explicit = createDynamoDbClient({
      credentials,
      fetch,
      region: 'us-west-2',
      endpoint: 'http://127.0.0.1:3',
      env: { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:2' },
    })
    expect(explicit.endpoint).toBe('http://127.0.0.1:3')
  })

  test('generic send: unknown operations go out as given', async () => {
    const { seen, fetch } = fakeDynamo(() => ({
      body: { TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } },
    }))
    const out = await client(fetch).send('DescribeTimeToLive', { TableName: 't' })
    expect(seen[0]?.headers.get('x-amz-target')).toBe('DynamoDB_20120810.DescribeTimeToLive')
    expect(out).toEqual({ TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } })
  })
})

describe('createDynamoDbClient: pagination', () => {
  test('paginateQuery yields every page, sending back LastEvaluatedKey exactly', async () => {
    const keys = [{ pk: { S: 'p' }, sk: { N: '12345678901234567890.5' } }, {
      pk: { S: 'p' },
      sk: { B: 'AAE=' },
    }]
    const { seen, fetch } = fakeDynamo((_, __, index) => ({
      body: {
        Items: [{ pk: { S: 'p' }, i: { N: String(index) } }],
        Count: 1,
        ScannedCount: 1,
        ...(index < 2 ? { LastEvaluatedKey: keys[index] } : {}),
      },
    }))
    const ddb = client(fetch)
    const pages: unknown[] = []
    const input = {
      TableName: 't',
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'p' } },
      Limit: 1,
    }
    // The first key holds a number no JavaScript number holds exactly: in raw mode it is never
    // converted, and pages are chained in wire form either way.
    for await (const page of ddb.paginateQuery(input, { raw: true })) pages.push(page)
    expect(pages).toHaveLength(3)
    expect(seen.map((s) => s.body.ExclusiveStartKey)).toEqual([undefined, keys[0], keys[1]])
    expect(seen[1]?.body).toEqual({
      TableName: 't',
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'p' } },
      Limit: 1,
      ExclusiveStartKey: keys[0],
    })
    expect((pages[1] as { LastEvaluatedKey: unknown }).LastEvaluatedKey).toEqual({
      pk: { S: 'p' },
      sk: { B: new Uint8Array([0, 1]) },
    })
  })

  test('paginateScan unmarshals each page and its LastEvaluatedKey', async () => {
    const { seen, fetch } = fakeDynamo((_, body) => {
      const start = body.ExclusiveStartKey ? Number(body.ExclusiveStartKey.id.N) : 0
      const ids = [start + 1, start + 2].filter((id) => id <= 5)
      return {
        body: {
          Items: ids.map((id) => ({ id: { N: String(id) } })),
          Count: ids.length,
          ...(ids.length === 2 ? { LastEvaluatedKey: { id: { N: String(ids[1]) } } } : {}),
        },
      }
    })
    const pages = []
    for await (const page of client(fetch).paginateScan({ TableName: 't', Limit: 2 })) {
      pages.push(page)
    }
    expect(pages.map((p) => p.Items)).toEqual([[{ id: 1 }, { id: 2 }], [{ id: 3 }, { id: 4 }], [{
      id: 5,
    }]])
    expect(pages[0]?.LastEvaluatedKey).toEqual({ id: 2 })
    expect(seen).toHaveLength(3)
  })
})

describe('createDynamoDbClient: errors', () => {
  test('ConditionalCheckFailedException keeps its code, status, request id and Item', async () => {
    const { seen, fetch } = fakeDynamo(() => ({
      status: 400,
      body: {
        __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
        message: 'The conditional request failed',
        Item: { pk: { S: 'a' }, n: { N: '7' } },
      },
    }))
    const error = (await client(fetch)
      .putItem({
        TableName: 't',
        Item: { pk: 'a' },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      })
      .then(() => undefined, (e: unknown) => e)) as DynamoDbServiceError
    expect(error).toBeInstanceOf(AwsServiceError)
    expect(error.code).toBe('ConditionalCheckFailedException')
    expect(error.status).toBe(400)
    expect(error.requestId).toBe('req-1')
    expect(error.retryable).toBe(false)
    expect(error.message).toBe(
      'DynamoDB.PutItem on table t: ConditionalCheckFailedException: The conditional request failed',
    )
    expect(error.Item).toEqual({ pk: 'a', n: 7 })
    expect(seen).toHaveLength(1)
  })

  test('TransactWriteItems: marshalled actions; a cancellation carries CancellationReasons', async () => {
    const { seen, fetch } = fakeDynamo(() => ({
      status: 400,
      body: {
        __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
        Message:
          'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]',
        CancellationReasons: [
          { Code: 'None' },
          {
            Code: 'ConditionalCheckFailed',
            Message: 'The conditional request failed',
            Item: { pk: { S: 'b' }, n: { N: '1' } },
          },
        ],
      },
    }))
    const error = (await client(fetch)
      .transactWriteItems({
        TransactItems: [
          { Put: { TableName: 't', Item: { pk: 'a', n: 1 } } },
          {
            Update: {
              TableName: 't',
              Key: { pk: 'b' },
              UpdateExpression: 'SET n = :n',
              ConditionExpression: 'n = :old',
              ExpressionAttributeValues: { ':n': 2, ':old': 0 },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          {
            ConditionCheck: {
              TableName: 't',
              Key: { pk: 'c' },
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
          { Delete: { TableName: 't', Key: { pk: 'd' } } },
        ],
      })
      .then(() => undefined, (e: unknown) => e)) as DynamoDbServiceError
    expect(seen[0]?.body.TransactItems).toEqual([
      { Put: { TableName: 't', Item: { pk: { S: 'a' }, n: { N: '1' } } } },
      {
        Update: {
          TableName: 't',
          Key: { pk: { S: 'b' } },
          UpdateExpression: 'SET n = :n',
          ConditionExpression: 'n = :old',
          ExpressionAttributeValues: { ':n': { N: '2' }, ':old': { N: '0' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        ConditionCheck: {
          TableName: 't',
          Key: { pk: { S: 'c' } },
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
      { Delete: { TableName: 't', Key: { pk: { S: 'd' } } } },
    ])
    expect(isAwsServiceError(error)).toBe(true)
    expect(error.code).toBe('TransactionCanceledException')
    expect(error.CancellationReasons).toEqual([
      { Code: 'None' },
      {
        Code: 'ConditionalCheckFailed',
        Message: 'The conditional request failed',
        Item: { pk: 'b', n: 1 },
      },
    ])
  })

  test('throttling is retried by the request layer; the answer is unmarshalled', async () => {
    const clock = createManualClock()
    const { seen, fetch } = fakeDynamo((_, __, index) =>
      index === 0
        ? {
          status: 400,
          body: {
            __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
            message: 'slow down',
          },
        }
        : { body: { Item: { pk: { S: 'a' } } } }
    )
    const ddb = client(fetch, { clock, random: () => 0.5 })
    expect(await drive(clock, ddb.getItem({ TableName: 't', Key: { pk: 'a' } }))).toEqual({
      Item: { pk: 'a' },
    })
    expect(seen).toHaveLength(2)
  })
})

describe('createDynamoDbClient: batches', () => {
  test('BatchWriteItem: chunks of 25, UnprocessedItems retried with backoff until all written', async () => {
    const clock = createManualClock()
    const written: string[] = []
    const { seen, fetch } = fakeDynamo((_, body) => {
      const requests = Object.entries(body.RequestItems as Record<string, any[]>).flatMap((
        [table, rs],
      ) => rs.map((r) => [table, r] as const))
      // Hand back the last 3 of each request of more than 3, like a throttled table.
      const keep = requests.length > 3 ? requests.length - 3 : requests.length
      for (const [table, r] of requests.slice(0, keep)) {
        written.push(`${table}/${r.PutRequest.Item.pk.S}`)
      }
      const unprocessed: Record<string, any[]> = {}
      for (const [table, r] of requests.slice(keep)) (unprocessed[table] ??= []).push(r)
      return { body: { UnprocessedItems: unprocessed } }
    })
    const ddb = client(fetch, { clock, random: () => 0.5, batchRetry: { maxAttempts: 10 } })
    const a = Array.from({ length: 40 }, (_, i) => `a${i}`)
    const b = Array.from({ length: 20 }, (_, i) => `b${i}`)
    const out = await drive(
      clock,
      ddb.batchWriteItem({
        RequestItems: { A: a.map(put), B: b.map(put) },
        ReturnConsumedCapacity: 'NONE',
      }),
    )
    expect(out).toEqual({ UnprocessedItems: {} })
    // Each chunk: the first call writes all but 3, the retry writes those 3.
    const sent = seen.map((s) =>
      Object.values(s.body.RequestItems as Record<string, unknown[]>).flat().length
    )
    expect(sent).toEqual([25, 3, 25, 3, 10, 3])
    expect(seen[0]?.body.ReturnConsumedCapacity).toBe('NONE')
    expect(seen[0]?.body.RequestItems.A).toEqual(a.slice(0, 25).map(putWire))
    const all = [...a.map((k) => `A/${k}`), ...b.map((k) => `B/${k}`)]
    expect(written.sort()).toEqual(all.sort())
    expect(new Set(written).size).toBe(60)
  })

  test('BatchWriteItem: when retries run out the error carries exactly the unwritten items', async () => {
    const clock = createManualClock()
    const { seen, fetch } = fakeDynamo((_, body, index) => {
      // The first chunk is written except its last 2; those, and everything after, never are.
      if (index === 0) {
        return { body: { UnprocessedItems: { T: (body.RequestItems.T as unknown[]).slice(23) } } }
      }
      return { body: { UnprocessedItems: body.RequestItems } }
    })
    const ddb = client(fetch, {
      clock,
      random: () => 0.5,
      batchRetry: { maxAttempts: 4, baseDelayMs: 100 },
    })
    const keys = Array.from({ length: 30 }, (_, i) => `k${i}`)
    const error = await drive(clock, ddb.batchWriteItem({ RequestItems: { T: keys.map(put) } }))
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(error).toBeInstanceOf(BatchIncompleteError)
    expect(isBatchIncompleteError(error)).toBe(true)
    expect(isAwsServiceError(error)).toBe(true)
    const batch = error as BatchIncompleteError
    expect(batch.code).toBe('UnprocessedItems')
    expect(batch.operation).toBe('BatchWriteItem')
    expect(batch.retryable).toBe(true)
    expect(batch.requestId).toBe('req-5')
    expect(batch.message).toBe(
      "DynamoDB.BatchWriteItem: UnprocessedItems: 7 of 30 writes were not processed: DynamoDB returned every one it was sent as UnprocessedItems 4 times in a row; they are in the error's unprocessedItems, pass them as RequestItems to retry later",
    )
    expect(batch.unprocessedItems).toEqual({ T: keys.slice(23).map(put) })
    // The first call made progress; then 4 calls in a row processed nothing. The second chunk
    // was never sent.
    expect(seen).toHaveLength(5)
    expect(seen.slice(1).map((s) => s.body.RequestItems.T)).toEqual(
      Array.from({ length: 4 }, () => keys.slice(23, 25).map(putWire)),
    )
  })

  test('BatchWriteItem: a failed request keeps its code and carries the writes not confirmed', async () => {
    const { fetch } = fakeDynamo((_, __, index) =>
      index === 0 ? { body: { UnprocessedItems: {} } } : {
        status: 400,
        body: {
          __type: 'com.amazonaws.dynamodb.v20120810#ValidationException',
          message: 'bad item',
        },
      }
    )
    const keys = Array.from({ length: 60 }, (_, i) => `k${i}`)
    const error = (await client(fetch)
      .batchWriteItem({ RequestItems: { T: keys.map(put) } })
      .then(() => undefined, (e: unknown) => e)) as BatchIncompleteError
    expect(error).toBeInstanceOf(BatchIncompleteError)
    expect(error.code).toBe('ValidationException')
    expect(error.status).toBe(400)
    expect(error.requestId).toBe('req-2')
    expect(error.cause).toBeInstanceOf(AwsServiceError)
    expect(error.message).toBe(
      "DynamoDB.BatchWriteItem: ValidationException: bad item (35 of 60 writes not confirmed; see the error's unprocessedItems)",
    )
    expect(error.unprocessedItems).toEqual({ T: keys.slice(25).map(put) })
  })

  test('BatchGetItem: chunks of 100 keeping projections, UnprocessedKeys retried, responses merged', async () => {
    const clock = createManualClock()
    const { seen, fetch } = fakeDynamo((_, body, index) => {
      const group = body.RequestItems.T as {
        Keys: { pk: { S: string } }[]
        ProjectionExpression: string
      }
      // The first call leaves its last 10 keys unread.
      const read = index === 0 ? group.Keys.slice(0, -10) : group.Keys
      const left = index === 0 ? group.Keys.slice(-10) : []
      return {
        body: {
          Responses: { T: read.map((k) => ({ pk: k.pk, b: { B: 'AQ==' } })) },
          UnprocessedKeys: left.length ? { T: { ...group, Keys: left } } : {},
        },
      }
    })
    const keys = Array.from({ length: 150 }, (_, i) => ({ pk: `k${i}` }))
    const out = await drive(
      clock,
      client(fetch, { clock, random: () => 0 }).batchGetItem({
        RequestItems: { T: { Keys: keys, ProjectionExpression: 'pk, b' } },
      }),
    )
    expect(seen.map((s) => s.body.RequestItems.T.Keys.length)).toEqual([100, 10, 50])
    expect(seen.every((s) => s.body.RequestItems.T.ProjectionExpression === 'pk, b')).toBe(true)
    expect(out.UnprocessedKeys).toEqual({})
    expect(out.Responses.T?.map((item) => item.pk).sort()).toEqual(keys.map((k) => k.pk).sort())
    expect(out.Responses.T?.[0]).toEqual({ pk: 'k0', b: new Uint8Array([1]) })
  })

  test('BatchGetItem: retries run out -> unread keys and the items read so far', async () => {
    const clock = createManualClock()
    // The first call reads one key; after that, nothing.
    const { seen, fetch } = fakeDynamo((_, body, index) => {
      const group = body.RequestItems.T as { Keys: unknown[] }
      const read = index === 0 ? 1 : 0
      return {
        body: {
          Responses: { T: group.Keys.slice(0, read) },
          UnprocessedKeys: { T: { Keys: group.Keys.slice(read) } },
        },
      }
    })
    const ddb = client(fetch, { clock, random: () => 0, batchRetry: { maxAttempts: 2 } })
    const keys = [{ pk: 'a' }, { pk: 'b' }, { pk: 'c' }]
    const error =
      (await drive(clock, ddb.batchGetItem({ RequestItems: { T: { Keys: keys } } })).then(
        () => undefined,
        (e: unknown) => e,
      )) as BatchIncompleteError
    expect(error.code).toBe('UnprocessedKeys')
    expect(error.unprocessedKeys).toEqual({ T: { Keys: [{ pk: 'b' }, { pk: 'c' }] } })
    expect(error.responses).toEqual({ T: [{ pk: 'a' }] })
    expect(seen).toHaveLength(3)
  })

  test('unprocessed items wait a jittered backoff on the clock, doubling while nothing moves', async () => {
    const clock = createManualClock()
    const { seen, fetch } = fakeDynamo((_, body, index) => ({
      body: { UnprocessedItems: index < 3 ? body.RequestItems : {} },
    }))
    // random 0.5: half of each ceiling. Ceilings: 100 * 2^1, 2^2, 2^3 after calls that did nothing.
    const ddb = client(fetch, { clock, random: () => 0.5, batchRetry: { baseDelayMs: 100 } })
    let done = false
    const promise = ddb.batchWriteItem({ RequestItems: { T: [put('a')] } }).then(() => {
      done = true
    })
    const expectCallsAfter = async (ms: number, calls: number): Promise<void> => {
      await clock.advance(ms)
      expect(seen).toHaveLength(calls)
    }
    await clock.settle()
    expect(seen).toHaveLength(1)
    await expectCallsAfter(99, 1)
    await expectCallsAfter(1, 2)
    await expectCallsAfter(199, 2)
    await expectCallsAfter(1, 3)
    await expectCallsAfter(399, 3)
    await expectCallsAfter(1, 4)
    await promise
    expect(done).toBe(true)
    expect(clock.pendingTimers).toBe(0)
  })

  test('an abort during the backoff stops the batch with the abort reason', async () => {
    const clock = createManualClock()
    const { seen, fetch } = fakeDynamo((_, body) => ({
      body: { UnprocessedItems: body.RequestItems },
    }))
    const controller = new AbortController()
    const promise = client(fetch, { clock }).batchWriteItem(
      { RequestItems: { T: [put('a')] } },
      { signal: controller.signal },
    )
    await clock.settle()
    controller.abort(new Error('stop'))
    await expect(promise).rejects.toThrow('stop')
    expect(seen).toHaveLength(1)
    expect(clock.pendingTimers).toBe(0)
  })
})
