/**
 * Multi-item operations: BatchGetItem (<= 100 keys), BatchWriteItem (<= 25 puts/deletes) and
 * TransactWriteItems (<= 100 actions, all or nothing). The throttling switch
 * (`dynamodbUnprocessedPerBatch`) hands back the last N requested keys or writes as
 * UnprocessedKeys / UnprocessedItems, untouched, as a throttled table does; every call still
 * processes at least one request, so a client that retries what it gets back always finishes.
 */
import { DynamoDbFault, validation } from './dynamodb-errors.ts'
import { project } from './dynamodb-evaluate.ts'
import { parseProjection } from './dynamodb-expressions.ts'
import {
  type Body,
  checkTableName,
  checkUnused,
  expressionInput,
  optionalArray,
  optionalBoolean,
  optionalObject,
  optionalString,
  refuseLegacy,
  required,
} from './dynamodb-input.ts'
import {
  commit,
  conditionHolds,
  executeWrite,
  prepareWrite,
  type WriteKind,
  type WritePlan,
} from './dynamodb-items.ts'
import { checkKey, keyIdentity } from './dynamodb-table.ts'
import { findTable, type OperationContext } from './dynamodb-tables.ts'
import { cloneItem, isObject, type Item, parseItem } from './dynamodb-values.ts'

/** How many of `total` requests to leave unprocessed for a switch value of `perBatch`. */
export function unprocessedCount(perBatch: number, total: number): number {
  if (!(perBatch > 0) || total <= 1) return 0
  return Math.min(Math.floor(perBatch), total - 1)
}

function requestItems(body: Body): Body {
  const items = required(optionalObject(body, 'RequestItems'), 'RequestItems')
  if (Object.keys(items).length === 0) {
    throw validation(
      "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1",
    )
  }
  for (const name of Object.keys(items)) checkTableName(name, 'RequestItems')
  return items
}

/** BatchGetItem. */
export function batchGetItem(
  ctx: OperationContext,
  body: Body,
  perBatch: number,
): Record<string, unknown> {
  const items = requestItems(body)
  const requests: {
    table: string
    key: Item
    spec: Body
    projection: ReturnType<typeof parseProjection> | undefined
  }[] = []
  for (const [tableName, raw] of Object.entries(items)) {
    if (!isObject(raw)) throw validation(`Expected KeysAndAttributes for table ${tableName}`)
    refuseLegacy(raw, ['AttributesToGet'])
    const table = findTable(ctx, tableName)
    const keys = required(optionalArray(raw, 'Keys'), 'Keys')
    if (keys.length === 0) {
      throw validation(
        "1 validation error detected: Value '[]' at 'requestItems." + tableName +
          ".member.keys' failed to satisfy constraint: Member must have length greater than or equal to 1",
      )
    }
    optionalBoolean(raw, 'ConsistentRead')
    const input = expressionInput(raw)
    const projectionText = optionalString(raw, 'ProjectionExpression')
    const projection = projectionText === undefined
      ? undefined
      : parseProjection(projectionText, input.scope)
    checkUnused(input, projection !== undefined)
    const seen = new Set<string>()
    for (const [i, rawKey] of keys.entries()) {
      const key = checkKey(table, parseItem(rawKey, `RequestItems.${tableName}.Keys[${i}]`))
      const id = keyIdentity(table, key)
      if (seen.has(id)) throw validation('Provided list of item keys contains duplicates')
      seen.add(id)
      requests.push({ table: tableName, key, spec: raw, projection })
    }
  }
  if (requests.length > 100) throw validation('Too many items requested for the BatchGetItem call')
  const skip = unprocessedCount(perBatch, requests.length)
  const processed = requests.slice(0, requests.length - skip)
  const responses: Record<string, Item[]> = {}
  for (const name of Object.keys(items)) responses[name] = []
  for (const r of processed) {
    const item = findTable(ctx, r.table).get(r.key)
    if (item) responses[r.table]?.push(r.projection ? project(item, r.projection) : cloneItem(item))
  }
  const unprocessed: Record<string, Body> = {}
  for (const r of requests.slice(requests.length - skip)) {
    const entry = (unprocessed[r.table] ??= { ...r.spec, Keys: [] }) as { Keys: Item[] }
    entry.Keys.push(cloneItem(r.key))
  }
  return { Responses: responses, UnprocessedKeys: unprocessed }
}

/** BatchWriteItem. */
export function batchWriteItem(
  ctx: OperationContext,
  body: Body,
  perBatch: number,
): Record<string, unknown> {
  const items = requestItems(body)
  const plans: { table: string; request: Body; plan: WritePlan }[] = []
  for (const [tableName, raw] of Object.entries(items)) {
    if (!Array.isArray(raw)) {
      throw validation(`Expected a list of WriteRequests for table ${tableName}`)
    }
    if (raw.length === 0 || raw.length > 25) {
      throw validation('Too many items requested for the BatchWriteItem call')
    }
    const seen = new Set<string>()
    for (const request of raw) {
      if (!isObject(request)) {
        throw validation(
          'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
        )
      }
      const put = optionalObject(request, 'PutRequest')
      const del = optionalObject(request, 'DeleteRequest')
      if ((put === undefined) === (del === undefined)) {
        throw validation(
          'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
        )
      }
      const plan = put
        ? prepareWrite(ctx, 'Put', { TableName: tableName, Item: required(put.Item, 'Item') })
        : prepareWrite(ctx, 'Delete', { TableName: tableName, Key: required(del?.Key, 'Key') })
      const id = keyIdentity(plan.table, plan.key)
      if (seen.has(id)) throw validation('Provided list of item keys contains duplicates')
      seen.add(id)
      const canonical = put
        ? { PutRequest: { Item: plan.after(undefined) } }
        : { DeleteRequest: { Key: cloneItem(plan.key) } }
      plans.push({ table: tableName, request: canonical, plan })
    }
  }
  if (plans.length > 25) throw validation('Too many items requested for the BatchWriteItem call')
  const skip = unprocessedCount(perBatch, plans.length)
  for (const { plan } of plans.slice(0, plans.length - skip)) executeWrite(plan)
  const unprocessed: Record<string, Body[]> = {}
  for (const p of plans.slice(plans.length - skip)) (unprocessed[p.table] ??= []).push(p.request)
  return { UnprocessedItems: unprocessed }
}

const TRANSACT_KINDS: readonly WriteKind[] = ['ConditionCheck', 'Put', 'Delete', 'Update']

/** TransactWriteItems: every condition is checked before anything is written. */
export function transactWriteItems(ctx: OperationContext, body: Body): Record<string, unknown> {
  const raw = required(optionalArray(body, 'TransactItems'), 'TransactItems')
  if (raw.length < 1 || raw.length > 100) {
    throw validation(
      `1 validation error detected: Value '[${raw.length} items]' at 'transactItems' failed to satisfy constraint: Member must have length ${
        raw.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 100'
      }`,
    )
  }
  optionalString(body, 'ClientRequestToken')
  const seen = new Set<string>()
  const plans = raw.map((element) => {
    const entry = isObject(element) ? element : {}
    const kinds = TRANSACT_KINDS.filter((k) => entry[k] !== undefined && entry[k] !== null)
    if (kinds.length !== 1) {
      throw validation('TransactItems can only contain one of Check, Put, Update or Delete')
    }
    const kind = kinds[0] as WriteKind
    const plan = prepareWrite(ctx, kind, optionalObject(entry, kind) ?? {})
    const id = keyIdentity(plan.table, plan.key)
    if (seen.has(id)) {
      throw validation('Transaction request cannot include multiple operations on one item')
    }
    seen.add(id)
    return plan
  })
  const results = plans.map((plan) => {
    const before = plan.table.get(plan.key)
    if (!conditionHolds(plan, before)) {
      return {
        reason: {
          Code: 'ConditionalCheckFailed',
          Message: 'The conditional request failed',
          ...(plan.returnOldOnFailure && before ? { Item: cloneItem(before) } : {}),
        },
      }
    }
    try {
      return { reason: { Code: 'None' }, after: plan.after(before) }
    } catch (error) {
      if (error instanceof DynamoDbFault && error.code === 'ValidationException') {
        return { reason: { Code: 'ValidationError', Message: error.message } }
      }
      throw error
    }
  })
  if (results.some((r) => r.reason.Code !== 'None')) {
    const codes = results.map((r) => r.reason.Code).join(', ')
    throw new DynamoDbFault(
      'TransactionCanceledException',
      `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`,
      { CancellationReasons: results.map((r) => r.reason) },
    )
  }
  plans.forEach((plan, i) => commit(plan, (results[i] as { after?: Item }).after))
  return {}
}
