/** `stsrefresh ddb get|put|delete|query|scan`, spawned against the emulator. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createDynamoDbClient, type DynamoDbClient } from '../../src/dynamodb/index.ts'
import { type CliWorld, expectNoSecretInStderr, runCli, startWorld } from './harness.ts'

let world: CliWorld
let ddb: DynamoDbClient

beforeAll(async () => {
  world = await startWorld()
  ddb = createDynamoDbClient({
    region: 'us-east-1',
    endpoint: world.served.url,
    credentials: world.emulator.baseCredentials,
    raw: true,
  })
  await createOrders(ddb)
})
afterAll(() => world.close())

/** The table every test writes to: pk (S) + sk (N). */
function createOrders(client: DynamoDbClient): Promise<unknown> {
  return client.createTable({
    TableName: 'orders',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
    BillingMode: 'PAY_PER_REQUEST',
  })
}

const ddbCli = (args: string[], stdin?: string) =>
  runCli(['ddb', ...args, '--role-arn', 'arn:aws:iam::123456789012:role/ddb-cli'], {
    env: world.env(),
    ...(stdin === undefined ? {} : { stdin }),
  })

describe('put and get', () => {
  test('a plain JSON item keeps exact numbers (38 digits), lists, maps, null and booleans', async () => {
    const item =
      '{"pk":"c#1","sk":1,"big":12345678901234567890123456789012345678,"price":0.1,"tags":["a",2],"m":{"ok":true,"none":null}}'
    expect(await ddbCli(['put', 'orders', '--item', item])).toEqual({
      code: 0,
      stdout: '',
      stderr: 'stsrefresh: put 1 item into orders\n',
    })
    const { Item } = await ddb.getItem({
      TableName: 'orders',
      Key: { pk: { S: 'c#1' }, sk: { N: '1' } },
    })
    expect(Item).toEqual({
      pk: { S: 'c#1' },
      sk: { N: '1' },
      big: { N: '12345678901234567890123456789012345678' },
      price: { N: '0.1' },
      tags: { L: [{ S: 'a' }, { N: '2' }] },
      m: { M: { ok: { BOOL: true }, none: { NULL: true } } },
    })
    const got = await ddbCli(['get', 'orders', '--key', '{"pk":"c#1","sk":1}'])
    expect(got).toEqual({
      code: 0,
      stderr: '',
      stdout:
        '{\n  "pk": "c#1",\n  "sk": 1,\n  "big": 12345678901234567890123456789012345678,\n  "price": 0.1,\n  "tags": [\n    "a",\n    2\n  ],\n  "m": {\n    "ok": true,\n    "none": null\n  }\n}\n',
    })
  })

  test('--raw: AttributeValue JSON in and out, binaries and sets as the API spells them', async () => {
    const item = '{"pk":{"S":"c#2"},"sk":{"N":"7"},"bin":{"B":"AAEC/w=="},"ss":{"SS":["x","y"]}}'
    expect((await ddbCli(['put', 'orders', '--item', item, '--raw'])).code).toBe(0)
    const got = await ddbCli([
      'get',
      'orders',
      '--key',
      '{"pk":{"S":"c#2"},"sk":{"N":"7"}}',
      '--raw',
    ])
    expect(got.code).toBe(0)
    expect(JSON.parse(got.stdout)).toEqual({
      pk: { S: 'c#2' },
      sk: { N: '7' },
      bin: { B: 'AAEC/w==' },
      ss: { SS: ['x', 'y'] },
    })
    // Plain output of the same item: the binary as base64, the set as an array.
    const plain = await ddbCli(['get', 'orders', '--key', '{"pk":"c#2","sk":7}'])
    expect(JSON.parse(plain.stdout)).toEqual({ pk: 'c#2', sk: 7, bin: 'AAEC/w==', ss: ['x', 'y'] })
  })

  test('several items on stdin (JSON lines or an array) are batch-written', async () => {
    const lines = Array.from(
      { length: 30 },
      (_, i) => JSON.stringify({ pk: 'c#3', sk: i, n: i * 2 }),
    ).join('\n')
    world.emulator.resetStats()
    expect(await ddbCli(['put', 'orders'], lines)).toEqual({
      code: 0,
      stdout: '',
      stderr: 'stsrefresh: put 30 items into orders\n',
    })
    expect(world.emulator.stats().operations['dynamodb:BatchWriteItem']).toBe(2)
    expect(await ddbCli(['put', 'orders'], '[{"pk":"c#4","sk":1},{"pk":"c#4","sk":2}]')).toEqual({
      code: 0,
      stdout: '',
      stderr: 'stsrefresh: put 2 items into orders\n',
    })
  })

  test('a missing item prints nothing on stdout (exit 0), as aws dynamodb get-item', async () => {
    expect(await ddbCli(['get', 'orders', '--key', '{"pk":"nobody","sk":0}'])).toEqual({
      code: 0,
      stdout: '',
      stderr: 'stsrefresh: no item with that key in orders\n',
    })
  })
})

describe('query, scan, delete', () => {
  test('query follows every page, newest first with --descending, one JSON item per line', async () => {
    const result = await ddbCli([
      'query',
      'orders',
      '--key-condition',
      'pk = :pk AND sk >= :min',
      '--values',
      '{":pk":"c#3",":min":25}',
      '--descending',
    ])
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout: [29, 28, 27, 26, 25].map((i) => `{"pk":"c#3","sk":${i},"n":${i * 2}}`).join('\n') +
        '\n',
    })
  })

  test('scan with a filter, names and --max-items', async () => {
    const result = await ddbCli([
      'scan',
      'orders',
      '--filter',
      '#n > :x',
      '--names',
      '{"#n":"n"}',
      '--values',
      '{":x":50}',
      '--max-items',
      '3',
      '--projection',
      'sk',
    ])
    expect(result.code).toBe(0)
    // Only c#3 items 26-29 have n > 50; three of them, projected to `sk`.
    const items = result.stdout.trimEnd().split('\n').map((l) => JSON.parse(l))
    expect(items).toHaveLength(3)
    for (const item of items) {
      expect([{ sk: 26 }, { sk: 27 }, { sk: 28 }, { sk: 29 }]).toContainEqual(item)
    }
  })

  test('delete --return-old prints the deleted item; a failed condition is an AWS error (exit 4)', async () => {
    expect(await ddbCli(['delete', 'orders', '--key', '{"pk":"c#4","sk":1}', '--return-old']))
      .toEqual({
        code: 0,
        stdout: '{\n  "pk": "c#4",\n  "sk": 1\n}\n',
        stderr: '',
      })
    expect(
      await ddbCli([
        'put',
        'orders',
        '--item',
        '{"pk":"c#4","sk":2}',
        '--condition',
        'attribute_not_exists(pk)',
      ]),
    ).toEqual({
      code: 4,
      stdout: '',
      stderr:
        'stsrefresh: DynamoDB.PutItem on table orders: ConditionalCheckFailedException: The conditional request failed\n',
    })
  })
})

test('mistakes exit 2 before any AWS call; a missing table exits 4', async () => {
  world.emulator.resetStats()
  const cases: [string[], string][] = [
    [
      ['get', 'orders', '--key', '{pk:1}'],
      "stsrefresh: --key is not valid JSON (JSON Parse error: Expected '}'): {pk:1}\n",
    ],
    [
      ['get', 'orders', '--key', '[1]'],
      'stsrefresh: --key must be a JSON object, like {"pk": "user#1"} (got [1])\n',
    ],
    [
      ['get', 'orders'],
      `stsrefresh: ddb get needs --key, the item's primary key as JSON, e.g. --key '{"pk":"user#1"}'\n`,
    ],
    [['get'], 'stsrefresh: ddb get needs a table name: stsrefresh ddb get <table> ...\n'],
    [
      ['query', 'orders'],
      `stsrefresh: ddb query needs --key-condition, e.g. --key-condition 'pk = :pk' --values '{":pk":"user#1"}'\n`,
    ],
    [
      ['scan', 'orders', '--key', '{}'],
      'stsrefresh: --key does not apply to ddb scan (only to ddb get, delete)\n',
    ],
    [
      ['scan', 'orders', '--values', '{"pk":1}'],
      `stsrefresh: --values keys are placeholders starting with ':', like {":pk": "user#1"} (bad key 'pk')\n`,
    ],
    [
      ['scan', 'orders', '--max-items', '0'],
      'stsrefresh: --max-items must be a whole number of at least 1 (got 0)\n',
    ],
    [
      ['get', 'orders', '--key', '{"pk":"a"}', '--raw'],
      `stsrefresh: --key: with --raw, attribute 'pk' must be an AttributeValue like {"S": "text"} or {"N": "1"} (one of S, N, B, SS, NS, BS, M, L, NULL, BOOL)\n`,
    ],
    [
      ['update', 'orders'],
      "stsrefresh: unknown ddb action 'update': use one of get, put, delete, query, scan (see `stsrefresh ddb --help`)\n",
    ],
  ]
  for (const [args, stderr] of cases) {
    expect({ args, ...(await ddbCli(args)) }).toEqual({ args, code: 2, stdout: '', stderr })
  }
  expect(world.emulator.stats().requests).toBe(0)
  expect(await ddbCli(['get', 'nosuch', '--key', '{"pk":"a"}'])).toEqual({
    code: 4,
    stdout: '',
    stderr:
      'stsrefresh: DynamoDB.GetItem on table nosuch: ResourceNotFoundException: Requested resource not found\n',
  })
})

/** Every item with partition key `pk` in `orders`, as plain JSON, by sort key. */
async function itemsOf(client: DynamoDbClient, pk: string): Promise<Record<string, unknown>[]> {
  const { Items } = await client.query({
    TableName: 'orders',
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': { S: pk } },
  })
  return (Items ?? []).map((item) =>
    Object.fromEntries(
      Object.entries(item).map(([k, v]) => [k, 'N' in v ? Number(v.N) : (v as { S: string }).S]),
    )
  )
}

/** JSON lines `{"pk":pk,"sk":sks[i],"line":i+1}`: each item says which input line it came from. */
const numbered = (pk: string, sks: readonly (number | string)[]): string =>
  sks.map((sk, i) => JSON.stringify({ pk, sk, line: i + 1 })).join('\n')

/** What a series of PutItems leaves: per sort key, the last line that wrote it. */
function lastWins(pk: string, sks: readonly number[]): Record<string, unknown>[] {
  const last = new Map<number, number>()
  sks.forEach((sk, i) => last.set(sk, i + 1))
  return [...last].sort(([a], [b]) => a - b).map(([sk, line]) => ({ pk, sk, line }))
}

describe('put from stdin behaves like a series of PutItems', () => {
  test('keys repeated within a batch: every item is written in order, the last one wins', async () => {
    // Line 7 and line 20 repeat line 3's key inside the first batch of 25; line 27 repeats
    // line 2's key 25 lines later, in the next batch.
    const sks = Array.from({ length: 30 }, (_, i) => i + 1)
    sks[6] = 3
    sks[19] = 3
    sks[26] = 2
    world.emulator.resetStats()
    expect(await ddbCli(['put', 'orders'], numbered('dup', sks))).toEqual({
      code: 0,
      stdout: '',
      stderr: 'stsrefresh: put 30 items into orders\n',
    })
    expect(await itemsOf(ddb, 'dup')).toEqual(lastWins('dup', sks))
    // The first batch was refused whole (nothing written); the key schema was read once, and
    // the batches were cut before lines 7 and 20: lines 1-6, 7-19, 20-30.
    const { operations } = world.emulator.stats()
    expect(operations['dynamodb:DescribeTable']).toBe(1)
    expect(operations['dynamodb:BatchWriteItem']).toBe(4)
    expect(operations['dynamodb:PutItem']).toBeUndefined()
  })

  test('--raw: 1 and 1.0 are the same key number, so the later item wins', async () => {
    const lines = [
      '{"pk":{"S":"dup-raw"},"sk":{"N":"1"},"v":{"S":"first"}}',
      '{"pk":{"S":"dup-raw"},"sk":{"N":"1.0"},"v":{"S":"second"}}',
    ].join('\n')
    world.emulator.resetStats()
    expect(await ddbCli(['put', 'orders', '--raw'], lines)).toEqual({
      code: 0,
      stdout: '',
      stderr: 'stsrefresh: put 2 items into orders\n',
    })
    expect(await itemsOf(ddb, 'dup-raw')).toEqual([{ pk: 'dup-raw', sk: 1, v: 'second' }])
    expect(world.emulator.stats().operations['dynamodb:BatchWriteItem']).toBe(3)
  })

  test('without DescribeTable, a batch that repeats a key is written one PutItem at a time', async () => {
    const sks = [1, 2, 1, 3, 2]
    world.emulator.resetStats()
    world.emulator.faults.failNext('dynamodb:DescribeTable', 10, 'error')
    try {
      const result = await ddbCli(['put', 'orders'], numbered('no-schema', sks))
      expect(result.code).toBe(0)
      expect(result.stderr).toMatch(
        /^stsrefresh: warning: could not read the key schema of orders, so a batch that repeats a key is written one item at a time: DynamoDB\.DescribeTable on table orders: .+\nstsrefresh: put 5 items into orders\n$/,
      )
    } finally {
      world.emulator.faults.clear()
    }
    expect(await itemsOf(ddb, 'no-schema')).toEqual(lastWins('no-schema', sks))
    expect(world.emulator.stats().operations['dynamodb:PutItem']).toBe(5)
  })

  test('a failed batch: the message names the input lines not written, blank lines counted', async () => {
    // 30 items on lines 1-10 and 12-31; the 29th (line 30) has a string sort key, so DynamoDB
    // refuses the second batch (items 26-30, lines 27-31) and writes the first.
    const sks: (number | string)[] = Array.from({ length: 30 }, (_, i) => i + 1)
    sks[28] = 'x'
    const lines = numbered('fail', sks).split('\n')
    lines.splice(10, 0, '')
    const result = await ddbCli(['put', 'orders'], lines.join('\n'))
    expect(result).toEqual({
      code: 4,
      stdout: '',
      stderr: 'stsrefresh: DynamoDB.BatchWriteItem: ValidationException: ' +
        'One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S' +
        ' (5 of 30 items not written: stdin lines 27-31)\n',
    })
    expect((await itemsOf(ddb, 'fail')).map((item) => item.sk)).toEqual(
      Array.from({ length: 25 }, (_, i) => i + 1),
    )
  })

  test('a batch that fails after part of it was written: the rest is named by key, and re-running just those lines finishes the job', async () => {
    // Each BatchWriteItem call hands its last 5 writes back unprocessed; the first call passes,
    // every later one fails with a 5xx. So lines 1-20 are written and lines 21-30 are not.
    let passes = 1
    const partial = await startWorld({
      settings: { dynamodbUnprocessedPerBatch: 5 },
      random: () => (passes-- > 0 ? 0.99 : 0),
    })
    try {
      const client = createDynamoDbClient({
        region: 'us-east-1',
        endpoint: partial.served.url,
        credentials: partial.emulator.baseCredentials,
        raw: true,
      })
      await createOrders(client)
      const put = (stdin: string) =>
        runCli(['ddb', 'put', 'orders', '--role-arn', 'arn:aws:iam::123456789012:role/ddb-cli'], {
          env: partial.env(),
          stdin,
        })
      const sks = Array.from({ length: 30 }, (_, i) => i + 1)
      const input = numbered('partial', sks)
      partial.emulator.faults.setFailureRate('dynamodb:BatchWriteItem', 0.5, 'error')
      const failed = await put(input)
      expect(failed.code).toBe(4)
      expect(failed.stdout).toBe('')
      expect(failed.stderr).toMatch(
        /^stsrefresh: DynamoDB\.BatchWriteItem: InternalServerError: .+ \(10 of 30 items not written: stdin lines 21-30\)\n$/,
      )
      expect((await itemsOf(client, 'partial')).map((item) => item.sk)).toEqual(sks.slice(0, 20))
      expect(partial.emulator.stats().operations['dynamodb:DescribeTable']).toBe(1)

      // Without the key schema the whole batch is named, as possibly not written.
      passes = 1
      partial.emulator.faults.failNext('dynamodb:DescribeTable', 10, 'error')
      const unsure = await put(input)
      expect(unsure.code).toBe(4)
      expect(unsure.stderr).toMatch(
        /^stsrefresh: warning: could not read the key schema of orders, so every item of the failed batch is named: .+\nstsrefresh: DynamoDB\.BatchWriteItem: InternalServerError: .+ \(up to 30 of 30 items not written: stdin lines 1-30\)\n$/,
      )

      // Re-running just the lines named finishes the job.
      partial.emulator.faults.clear()
      partial.emulator.settings.dynamodbUnprocessedPerBatch = 0
      const rest = input.split('\n').slice(20).join('\n')
      expect(await put(rest)).toEqual({
        code: 0,
        stdout: '',
        stderr: 'stsrefresh: put 10 items into orders\n',
      })
      expect(await itemsOf(client, 'partial')).toEqual(lastWins('partial', sks))
    } finally {
      await partial.close()
    }
  })
})

test('no secret the emulator issued appears in any stderr captured in this file', () => {
  expectNoSecretInStderr()
})
