/**
 * `stsrefresh ddb get|put|delete|query|scan`: DynamoDB items as plain JSON (or AttributeValue
 * JSON with `--raw`), with credentials that refresh for as long as the command runs.
 */
import type { CAC } from 'cac'
import process from 'node:process'
import { text } from 'node:stream/consumers'
import { createDynamoDbClient, type DynamoDbClient } from '../../dynamodb/index.ts'
import type { Logger } from '../../types.ts'
import { addCredentialOptions } from '../credential-options.ts'
import { err, out, UsageError } from '../output.ts'
import { textOption, withServiceSession } from '../service-session.ts'
import {
  checkAttributeMap,
  describeItems,
  type ParsedItems,
  parseItems,
  parseJsonObject,
  stringifyJson,
} from './ddb-json.ts'
import { putItems } from './ddb-put.ts'

const ACTIONS = ['get', 'put', 'delete', 'query', 'scan'] as const
type Action = (typeof ACTIONS)[number]

// Which options each action takes; naming one elsewhere is a usage error, not silently ignored.
const OPTIONS: Readonly<Record<string, { flag: string; actions: readonly Action[] }>> = {
  key: { flag: '--key', actions: ['get', 'delete'] },
  item: { flag: '--item', actions: ['put'] },
  keyCondition: { flag: '--key-condition', actions: ['query'] },
  filter: { flag: '--filter', actions: ['query', 'scan'] },
  condition: { flag: '--condition', actions: ['put', 'delete'] },
  projection: { flag: '--projection', actions: ['get', 'query', 'scan'] },
  names: { flag: '--names', actions: ['get', 'put', 'delete', 'query', 'scan'] },
  values: { flag: '--values', actions: ['put', 'delete', 'query', 'scan'] },
  index: { flag: '--index', actions: ['query', 'scan'] },
  maxItems: { flag: '--max-items', actions: ['query', 'scan'] },
  descending: { flag: '--descending', actions: ['query'] },
  consistent: { flag: '--consistent', actions: ['get', 'query', 'scan'] },
  returnOld: { flag: '--return-old', actions: ['put', 'delete'] },
}

type Raw = Record<string, unknown>

function checkUsage(action: string, table: string | undefined, raw: Raw): Action {
  if (!(ACTIONS as readonly string[]).includes(action)) {
    throw new UsageError(
      `unknown ddb action '${action}': use one of ${
        ACTIONS.join(', ')
      } (see \`stsrefresh ddb --help\`)`,
    )
  }
  const a = action as Action
  if (!table) throw new UsageError(`ddb ${a} needs a table name: stsrefresh ddb ${a} <table> ...`)
  for (const [key, { flag, actions }] of Object.entries(OPTIONS)) {
    if (raw[key] !== undefined && raw[key] !== false && !actions.includes(a)) {
      throw new UsageError(`${flag} does not apply to ddb ${a} (only to ddb ${actions.join(', ')})`)
    }
  }
  if ((a === 'get' || a === 'delete') && textOption(raw, 'key') === undefined) {
    throw new UsageError(
      `ddb ${a} needs --key, the item's primary key as JSON, e.g. --key '{"pk":"user#1"}'`,
    )
  }
  if (a === 'query' && textOption(raw, 'keyCondition') === undefined) {
    throw new UsageError(
      `ddb query needs --key-condition, e.g. --key-condition 'pk = :pk' --values '{":pk":"user#1"}'`,
    )
  }
  return a
}

/** The expression members shared by every action, validated. */
function expressions(raw: Raw, rawMode: boolean): Record<string, unknown> {
  const result: Record<string, unknown> = {}
  const names = textOption(raw, 'names')
  if (names !== undefined) {
    const parsed = parseJsonObject(names, '--names')
    for (const [k, v] of Object.entries(parsed)) {
      if (!k.startsWith('#') || typeof v !== 'string') {
        throw new UsageError(
          `--names maps placeholders to attribute names, like {"#n": "name"} (bad entry '${k}')`,
        )
      }
    }
    result.ExpressionAttributeNames = parsed
  }
  const values = textOption(raw, 'values')
  if (values !== undefined) {
    const parsed = parseJsonObject(values, '--values')
    for (const k of Object.keys(parsed)) {
      if (!k.startsWith(':')) {
        throw new UsageError(
          `--values keys are placeholders starting with ':', like {":pk": "user#1"} (bad key '${k}')`,
        )
      }
    }
    if (rawMode) checkAttributeMap(parsed, '--values')
    result.ExpressionAttributeValues = parsed
  }
  const members: Record<string, string> = {
    keyCondition: 'KeyConditionExpression',
    filter: 'FilterExpression',
    condition: 'ConditionExpression',
    projection: 'ProjectionExpression',
    index: 'IndexName',
  }
  for (const [option, member] of Object.entries(members)) {
    const value = textOption(raw, option)
    if (value !== undefined) result[member] = value
  }
  return result
}

function maxItems(raw: Raw): number | undefined {
  const value = textOption(raw, 'maxItems')
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--max-items must be a whole number of at least 1 (got ${value})`)
  }
  return n
}

function objectOption(
  raw: Raw,
  key: string,
  flag: string,
  rawMode: boolean,
): Record<string, unknown> {
  const parsed = parseJsonObject(textOption(raw, key)!, flag)
  if (rawMode) checkAttributeMap(parsed, flag)
  return parsed
}

async function readItems(raw: Raw, rawMode: boolean): Promise<ParsedItems> {
  const inline = textOption(raw, 'item')
  if (inline !== undefined) {
    return { items: [objectOption(raw, 'item', '--item', rawMode)], form: 'object' }
  }
  if (process.stdin.isTTY) {
    throw new UsageError(
      `ddb put needs --item '{"pk":"..."}' or items on stdin (one JSON object, an array, or one per line)`,
    )
  }
  const parsed = parseItems(await text(process.stdin), 'stdin')
  if (rawMode) {
    parsed.items.forEach((item, i) => checkAttributeMap(item, describeItems(parsed, [i], 'stdin')))
  }
  return parsed
}

async function run(
  ddb: DynamoDbClient,
  a: Action,
  TableName: string,
  raw: Raw,
  rawMode: boolean,
  logger: Logger,
): Promise<void> {
  const expr = expressions(raw, rawMode)
  const consistent = raw.consistent === true ? { ConsistentRead: true } : {}
  const returnOld = raw.returnOld === true ? { ReturnValues: 'ALL_OLD' as const } : {}
  if (a === 'get') {
    const { Item } = await ddb.getItem({
      TableName,
      Key: objectOption(raw, 'key', '--key', rawMode),
      ...expr,
      ...consistent,
    })
    // As `aws dynamodb get-item`: no item, no output (and exit 0).
    if (Item) out(stringifyJson(Item, 2))
    else err(`stsrefresh: no item with that key in ${TableName}`)
  } else if (a === 'delete') {
    const result = await ddb.deleteItem({
      TableName,
      Key: objectOption(raw, 'key', '--key', rawMode),
      ...expr,
      ...returnOld,
    })
    if (result.Attributes) out(stringifyJson(result.Attributes, 2))
  } else if (a === 'put') {
    const parsed = await readItems(raw, rawMode)
    const { items } = parsed
    if (items.length === 1) {
      const result = await ddb.putItem({ TableName, Item: items[0]!, ...expr, ...returnOld })
      if (result.Attributes) out(stringifyJson(result.Attributes, 2))
    } else {
      if (Object.keys(expr).length > 0 || raw.returnOld === true) {
        throw new UsageError(
          '--condition, --names, --values and --return-old apply to a single item; stdin held several',
        )
      }
      await putItems(ddb, TableName, parsed, { rawMode, logger })
    }
    err(`stsrefresh: put ${items.length} item${items.length === 1 ? '' : 's'} into ${TableName}`)
  } else {
    const limit = maxItems(raw)
    const input = {
      TableName,
      ...expr,
      ...consistent,
      ...(raw.descending === true ? { ScanIndexForward: false } : {}),
    }
    const pages = a === 'query' ? ddb.paginateQuery(input) : ddb.paginateScan(input)
    let printed = 0
    // One item per line (JSON Lines), printed page by page, so huge tables stream.
    for await (const page of pages) {
      const items = (page.Items ?? []).slice(0, limit === undefined ? undefined : limit - printed)
      if (items.length > 0) out(items.map((item) => stringifyJson(item)).join('\n'))
      printed += items.length
      if (limit !== undefined && printed >= limit) break
    }
  }
}

/** Register `ddb`. */
export function registerDdb(cli: CAC): void {
  addCredentialOptions(
    cli.command(
      'ddb <action> [table]',
      'DynamoDB: get, put, delete, query, scan with always-fresh credentials',
    ),
  )
    .option('--key <json>', 'get, delete: the primary key, e.g. {"pk":"user#1"}')
    .option(
      '--item <json>',
      'put: the item (default: read from stdin; several items are batch-written)',
    )
    .option('--key-condition <expr>', 'query: KeyConditionExpression, e.g. "pk = :pk"')
    .option('--filter <expr>', 'query, scan: FilterExpression')
    .option('--condition <expr>', 'put, delete: ConditionExpression')
    .option('--projection <expr>', 'get, query, scan: ProjectionExpression')
    .option('--names <json>', 'ExpressionAttributeNames, e.g. {"#s":"status"}')
    .option('--values <json>', 'ExpressionAttributeValues, e.g. {":pk":"user#1"}')
    .option('--index <name>', 'query, scan: a secondary index')
    .option('--max-items <n>', 'query, scan: stop after this many items')
    .option('--descending', 'query: highest sort key first')
    .option('--consistent', 'get, query, scan: strongly consistent read')
    .option('--return-old', 'put, delete: print the item as it was before')
    .option('--raw', 'Items are AttributeValue JSON ({"pk":{"S":"a"}}), in and out')
    .example(`  stsrefresh ddb put users --item '{"pk":"user#1","name":"Ada","visits":3}'`)
    .example(`  stsrefresh ddb get users --key '{"pk":"user#1"}'`)
    .example(`  stsrefresh ddb query users --key-condition 'pk = :pk' --values '{":pk":"user#1"}'`)
    .example('  stsrefresh ddb scan users --max-items 10 --raw')
    .example('  jq -c ".[]" items.json | stsrefresh ddb put users   # batch write')
    .action(async (action: string, table: string | undefined, raw: Raw) => {
      const a = checkUsage(action, table, raw)
      const rawMode = raw.raw === true
      // Parse every JSON flag before credentials are fetched: a typo costs no STS call.
      expressions(raw, rawMode)
      maxItems(raw)
      if (a === 'get' || a === 'delete') objectOption(raw, 'key', '--key', rawMode)
      await withServiceSession(raw, async ({ session, region, env, logger }) => {
        const ddb = createDynamoDbClient({
          region,
          env,
          credentials: session,
          logger,
          raw: rawMode,
          unmarshallOptions: { wrapNumbers: true },
        })
        await run(ddb, a, String(table), raw, rawMode, logger)
      })
    })
}
