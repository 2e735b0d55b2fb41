/**
 * Cross-check with a client no one here wrote: what this DynamoDB client writes, Debian's
 * python3-boto3 reads back identically, and the reverse. The emulator is served on 127.0.0.1:0
 * and both clients talk real HTTP to it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDynamoDbClient } from '../../src/dynamodb/client.ts'
import type { DynamoDbClient } from '../../src/dynamodb/client.ts'
import { unmarshall } from '../../src/dynamodb/marshall.ts'
import { createEmulator } from '../../src/emulator/emulator.ts'
import { serveEmulator } from '../../src/emulator/index.ts'
import type { ServedEmulator } from '../../src/emulator/index.ts'
import { run } from '../helpers/spawn.ts'
import { debianAwsCli, debianBoto3Python, isolatedAwsEnv } from '../helpers/tools.ts'

const python = debianBoto3Python()
const aws = debianAwsCli()

// boto3's low-level client speaks AttributeValues with `bytes` for B/BS; the JSON between the
// processes carries those as base64.
const SCRIPT = `
import base64, json, os, sys, boto3
client = boto3.client('dynamodb', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1')
def to_json(v):
    if isinstance(v, dict):
        return {k: (base64.b64encode(x).decode() if k == 'B' else
                    [base64.b64encode(b).decode() for b in x] if k == 'BS' else to_json(x))
                for k, x in v.items()}
    if isinstance(v, list):
        return [to_json(x) for x in v]
    return v
def from_json(v):
    if isinstance(v, dict):
        return {k: (base64.b64decode(x) if k == 'B' else
                    [base64.b64decode(b) for b in x] if k == 'BS' else from_json(x))
                for k, x in v.items()}
    if isinstance(v, list):
        return [from_json(x) for x in v]
    return v
op, arg = sys.argv[1], json.loads(sys.argv[2])
if op == 'get':
    print(json.dumps(to_json(client.get_item(TableName='items', Key=from_json(arg), ConsistentRead=True)['Item'])))
else:
    client.put_item(TableName='items', Item=from_json(arg))
    print('{}')
`

/** The emulator served on 127.0.0.1:0 with an `items` table, and our client of it. */
interface ItemsWorld {
  readonly served: ServedEmulator
  readonly ddb: DynamoDbClient
  /** The environment of the other client: its own HOME and the emulator's base keys. */
  env(extra?: Record<string, string>): Record<string, string>
  close(): Promise<void>
}

async function itemsWorld(prefix: string): Promise<ItemsWorld> {
  const served = await serveEmulator(createEmulator())
  const home = mkdtempSync(join(tmpdir(), prefix))
  const credentials = {
    accessKeyId: served.env.AWS_ACCESS_KEY_ID!,
    secretAccessKey: served.env.AWS_SECRET_ACCESS_KEY!,
  }
  const ddb = createDynamoDbClient({ region: 'us-east-1', credentials, endpoint: served.url, env: {} })
  await ddb.createTable({
    TableName: 'items',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  })
  return {
    served,
    ddb,
    env: (extra = {}) =>
      isolatedAwsEnv(home, {
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        ...extra,
      }),
    close: async () => {
      await served.close()
      rmSync(home, { recursive: true, force: true })
    },
  }
}

describe.skipIf(python === undefined)("interop with Debian's python3-boto3", () => {
  let world: ItemsWorld

  // Asynchronous: the emulator serves from this very process, so a blocking spawn would deadlock.
  const boto3 = async (op: 'get' | 'put', arg: unknown): Promise<any> => {
    const { stdout, stderr, code } = await run([python!, '-c', SCRIPT, op, JSON.stringify(arg)], {
      env: world.env({ ENDPOINT: world.served.url }),
    })
    if (code !== 0) throw new Error(`boto3 ${op} exited ${code}: ${stderr}`)
    return JSON.parse(stdout)
  }

  beforeAll(async () => {
    world = await itemsWorld('ddb-interop-')
  })
  afterAll(() => world?.close())

  test('what this client writes, boto3 reads back identically', { timeout: 30_000 }, async () => {
    const item = {
      pk: 'ours',
      s: 'héllo ✓',
      n: -42.5,
      big: 2n ** 80n,
      t: true,
      nil: null,
      bin: new Uint8Array([0, 1, 2, 253, 254, 255]),
      ss: new Set(['a', 'b']),
      ns: new Set([1, 2.5]),
      bs: new Set([new Uint8Array([1]), new Uint8Array([2, 3])]),
      list: ['x', 1, [null, { deep: new Set(['y']) }]],
      map: { nested: { n: 0 } },
    }
    await world.ddb.putItem({ TableName: 'items', Item: item })
    const read = await boto3('get', { pk: { S: 'ours' } })
    expect(read.bin).toEqual({ B: 'AAEC/f7/' })
    expect(read.big).toEqual({ N: '1208925819614629174706176' })
    expect(read.s).toEqual({ S: 'héllo ✓' })
    expect(unmarshall(read)).toEqual(item)
  })

  test('what boto3 writes, this client reads back identically', { timeout: 30_000 }, async () => {
    await boto3('put', {
      pk: { S: 'theirs' },
      n: { N: '12345678901234567890' },
      d: { N: '0.25' },
      bin: { B: 'AAEC/f7/' },
      bs: { BS: ['AQ==', 'AgM='] },
      ns: { NS: ['1', '-3'] },
      l: { L: [{ S: 'x' }, { BOOL: false }, { NULL: true }, { M: { k: { SS: ['p', 'q'] } } }] },
    })
    const { Item } = await world.ddb.getItem({ TableName: 'items', Key: { pk: 'theirs' } })
    expect(Item).toEqual({
      pk: 'theirs',
      n: 12345678901234567890n,
      d: 0.25,
      bin: new Uint8Array([0, 1, 2, 253, 254, 255]),
      bs: new Set([new Uint8Array([1]), new Uint8Array([2, 3])]),
      ns: new Set([1, -3]),
      l: ['x', false, null, { k: new Set(['p', 'q']) }],
    })
  })
})

describe.skipIf(aws === undefined)("interop with Debian's aws CLI", () => {
  let world: ItemsWorld

  const cli = async (...args: string[]): Promise<any> => {
    const { stdout, stderr, code } = await run([aws!, '--endpoint-url', world.served.url, '--output', 'json', 'dynamodb', ...args], {
      env: world.env({ AWS_DEFAULT_REGION: 'us-east-1' }),
    })
    if (code !== 0) throw new Error(`aws dynamodb ${args[0]} exited ${code}: ${stderr}`)
    return stdout.trim() ? JSON.parse(stdout) : {}
  }

  beforeAll(async () => {
    world = await itemsWorld('ddb-awscli-')
  })
  afterAll(() => world?.close())

  test('what this client writes, aws dynamodb get-item reads back identically', { timeout: 30_000 }, async () => {
    await world.ddb.putItem({
      TableName: 'items',
      Item: { pk: 'ours', s: 'héllo ✓', n: -42.5, big: 2n ** 80n, t: true, nil: null, bin: new Uint8Array([0, 255]), ss: new Set(['a', 'b']), l: [1, { m: 'x' }] },
    })
    const { Item } = await cli('get-item', '--table-name', 'items', '--key', '{"pk":{"S":"ours"}}')
    expect(Item).toEqual({
      pk: { S: 'ours' },
      s: { S: 'héllo ✓' },
      n: { N: '-42.5' },
      big: { N: '1208925819614629174706176' },
      t: { BOOL: true },
      nil: { NULL: true },
      bin: { B: 'AP8=' },
      ss: { SS: ['a', 'b'] },
      l: { L: [{ N: '1' }, { M: { m: { S: 'x' } } }] },
    })
  })

  test('what aws dynamodb put-item writes, this client reads back identically', { timeout: 30_000 }, async () => {
    await cli('put-item', '--table-name', 'items', '--item', JSON.stringify({
      pk: { S: 'theirs' },
      n: { N: '12345678901234567890' },
      d: { N: '0.25' },
      bin: { B: 'AAEC/f7/' },
      ns: { NS: ['1', '-3'] },
      l: { L: [{ S: 'x' }, { BOOL: false }, { NULL: true }, { M: { k: { SS: ['p', 'q'] } } }] },
    }))
    const { Item } = await world.ddb.getItem({ TableName: 'items', Key: { pk: 'theirs' } })
    expect(Item).toEqual({
      pk: 'theirs',
      n: 12345678901234567890n,
      d: 0.25,
      bin: new Uint8Array([0, 1, 2, 253, 254, 255]),
      ns: new Set([1, -3]),
      l: ['x', false, null, { k: new Set(['p', 'q']) }],
    })
  })
})
