/**
 * Query and Scan: key conditions, filters, projections, Select, Limit and paging. A page stops
 * after Limit evaluated items or 1 MB of them, and then carries the last evaluated key, as
 * DynamoDB does (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html).
 */
import { validation } from './dynamodb-errors.ts'
import { evaluateCondition, project } from './dynamodb-evaluate.ts'
import {
  type Condition,
  type Operand,
  parseCondition,
  parseProjection,
  type PathNode,
} from './dynamodb-expressions.ts'
import {
  type Body,
  checkUnused,
  type ExpressionInput,
  expressionInput,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalObject,
  optionalString,
  refuseLegacy,
  tableNameOf,
} from './dynamodb-input.ts'
import { keyCondition } from './dynamodb-key-condition.ts'
import { checkKey, keyOf, type Table } from './dynamodb-table.ts'
import { findTable, type OperationContext } from './dynamodb-tables.ts'
import { compareScalars, itemSize } from './dynamodb-compare.ts'
import { type AttributeValue, cloneItem, type Item, parseItem } from './dynamodb-values.ts'

const PAGE_BYTES = 1024 * 1024

interface ReadOptions {
  table: Table
  filter: Condition | undefined
  projection: PathNode[] | undefined
  count: boolean
  limit: number | undefined
  startKey: Item | undefined
}

function commonOptions(
  ctx: OperationContext,
  body: Body,
  input: ExpressionInput,
): ReadOptions & { filterText?: string } {
  refuseLegacy(body, [
    'AttributesToGet',
    'ScanFilter',
    'QueryFilter',
    'KeyConditions',
    'ConditionalOperator',
  ])
  const table = findTable(ctx, tableNameOf(body))
  const indexName = optionalString(body, 'IndexName')
  if (indexName !== undefined) {
    throw validation(`The table does not have the specified index: ${indexName}`)
  }
  optionalBoolean(body, 'ConsistentRead')
  const limit = optionalInteger(body, 'Limit', 1)
  const select = optionalEnum(
    body,
    'Select',
    ['ALL_ATTRIBUTES', 'ALL_PROJECTED_ATTRIBUTES', 'SPECIFIC_ATTRIBUTES', 'COUNT'] as const,
  )
  const projectionText = optionalString(body, 'ProjectionExpression')
  if (select === 'ALL_PROJECTED_ATTRIBUTES') {
    throw validation('ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName')
  }
  if (select === 'ALL_ATTRIBUTES' && projectionText !== undefined) {
    throw validation('Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES')
  }
  if (select === 'COUNT' && projectionText !== undefined) {
    throw validation('Cannot specify the ProjectionExpression when choosing to get only the Count')
  }
  if (select === 'SPECIFIC_ATTRIBUTES' && projectionText === undefined) {
    throw validation('SPECIFIC_ATTRIBUTES requires a ProjectionExpression')
  }
  const filterText = optionalString(body, 'FilterExpression')
  const filter = filterText === undefined
    ? undefined
    : parseCondition(filterText, 'FilterExpression', input.scope)
  const projection = projectionText === undefined
    ? undefined
    : parseProjection(projectionText, input.scope)
  const rawStart = optionalObject(body, 'ExclusiveStartKey')
  let startKey: Item | undefined
  if (rawStart) {
    try {
      startKey = checkKey(table, parseItem(rawStart, 'ExclusiveStartKey'))
    } catch (error) {
      throw validation(
        `The provided starting key is invalid: ${
          error instanceof Error ? error.message : String(error)
        }`,
      )
    }
  }
  return {
    table,
    filter,
    projection,
    count: select === 'COUNT',
    limit,
    startKey,
    ...(filterText ? { filterText } : {}),
  }
}

function readPage(options: ReadOptions, candidates: Item[]): Record<string, unknown> {
  const items: Item[] = []
  let scanned = 0
  let bytes = 0
  let last: Item | undefined
  for (const item of candidates) {
    if (options.limit !== undefined && scanned >= options.limit) break
    if (bytes >= PAGE_BYTES) break
    scanned++
    bytes += itemSize(item)
    last = item
    if (options.filter && !evaluateCondition(options.filter, item)) continue
    items.push(options.projection ? project(item, options.projection) : cloneItem(item))
  }
  const hitLimit = options.limit !== undefined && scanned >= options.limit
  // A page that ends on the limit carries a key even when nothing follows, as DynamoDB does.
  const stoppedEarly = hitLimit || (bytes >= PAGE_BYTES && scanned < candidates.length)
  return {
    ...(options.count ? {} : { Items: items }),
    Count: items.length,
    ScannedCount: scanned,
    ...(stoppedEarly && last !== undefined
      ? { LastEvaluatedKey: cloneItem(keyOf(options.table, last)) }
      : {}),
  }
}

/** Query: one partition, ordered by sort key, optionally reversed. */
export function query(ctx: OperationContext, body: Body): Record<string, unknown> {
  const input = expressionInput(body)
  const keyText = optionalString(body, 'KeyConditionExpression')
  if (keyText === undefined) {
    throw validation(
      'Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.',
    )
  }
  const options = commonOptions(ctx, body, input)
  const condition = parseCondition(keyText, 'KeyConditionExpression', input.scope)
  checkUnused(input, true)
  const { table } = options
  const { hash, range } = keyCondition(table, condition)
  if (options.filter) {
    for (const name of table.keyNames) {
      if (mentions(options.filter, name)) {
        throw validation(
          `Filter Expression can only contain non-primary key attributes: Primary key attribute: ${name}`,
        )
      }
    }
  }
  const forward = optionalBoolean(body, 'ScanIndexForward') ?? true
  let candidates = table.partition(hash).filter((item) => range === undefined || range(item))
  if (!forward) candidates = candidates.reverse()
  const start = options.startKey
  if (start) {
    const hashName = table.keyNames[0] as string
    if (compareScalars(start[hashName] as AttributeValue, hash) !== 0) {
      throw validation(
        'The provided starting key is invalid: The provided key element does not match the schema',
      )
    }
    const rangeName = table.keyNames[1]
    if (rangeName === undefined) {
      candidates = []
    } else {
      const after = (item: Item): boolean => {
        const order =
          compareScalars(item[rangeName] as AttributeValue, start[rangeName] as AttributeValue) ?? 0
        return forward ? order > 0 : order < 0
      }
      candidates = candidates.filter(after)
    }
  }
  return readPage(options, candidates)
}

function operandMentions(operand: Operand, name: string): boolean {
  switch (operand.kind) {
    case 'path': {
      const first = operand.elements[0]
      return first !== undefined && 'name' in first && first.name === name
    }
    case 'value':
      return false
    case 'size':
      return operandMentions(operand.path, name)
    case 'if_not_exists':
      return operandMentions(operand.path, name) || operandMentions(operand.fallback, name)
    default:
      return operandMentions(operand.left, name) || operandMentions(operand.right, name)
  }
}

function mentions(condition: Condition, name: string): boolean {
  switch (condition.kind) {
    case 'and':
    case 'or':
      return mentions(condition.left, name) || mentions(condition.right, name)
    case 'not':
      return mentions(condition.operand, name)
    case 'compare':
      return operandMentions(condition.left, name) || operandMentions(condition.right, name)
    case 'between':
      return [condition.subject, condition.low, condition.high].some((o) =>
        operandMentions(o, name)
      )
    case 'in':
      return [condition.subject, ...condition.list].some((o) => operandMentions(o, name))
    case 'function':
      return condition.args.some((o) => operandMentions(o, name))
  }
}

/** Scan: every item in a stable order, optionally one segment of a parallel scan. */
export function scan(ctx: OperationContext, body: Body): Record<string, unknown> {
  const input = expressionInput(body)
  const options = commonOptions(ctx, body, input)
  checkUnused(input, options.filter !== undefined || options.projection !== undefined)
  const segment = optionalInteger(body, 'Segment', 0, 999999)
  const total = optionalInteger(body, 'TotalSegments', 1, 1000000)
  if ((segment === undefined) !== (total === undefined)) {
    throw validation(
      `The TotalSegments parameter is required but was not present in the request when parameter Segment is present`,
    )
  }
  if (segment !== undefined && total !== undefined && segment >= total) {
    throw validation(
      `The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: ${segment} is not less than TotalSegments: ${total}`,
    )
  }
  const { table, startKey } = options
  let candidates = table.scanOrder()
  if (segment !== undefined && total !== undefined) {
    // Segments are contiguous ranges of the partition-key hash space, as in DynamoDB.
    candidates = candidates.filter((item) =>
      Math.floor((table.scanHash(item) * total) / 2 ** 32) === segment
    )
  }
  if (startKey) candidates = candidates.filter((item) => table.compareScan(item, startKey) > 0)
  return readPage(options, candidates)
}
