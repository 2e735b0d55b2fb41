/**
 * `stsrefresh ddb put` with several items: BatchWriteItem, 25 items a call, behaving like the
 * series of PutItems it stands for: every item is written, in input order, and the last item
 * with a key wins wherever the batch boundaries fall.
 *
 * DynamoDB rejects a whole batch whose items repeat a primary key ("Provided list of item keys
 * contains duplicates"), and only the key schema says which attributes form the key. So the
 * first time a batch is rejected that way, the table's key schema is read (one DescribeTable,
 * none while no batch repeats a key), and from then on a batch ends before an item whose key it
 * already holds. If DescribeTable is denied, a batch that repeats a key is written one PutItem
 * at a time. When writing stops, the error names the input items not written (a batch written
 * in part is matched to the input by key, with the same one DescribeTable).
 */
import { bytesToBase64 } from '../../dynamodb/base64.ts'
import {
  type AttributeMap,
  type DynamoDbClient,
  isBatchIncompleteError,
  marshall,
} from '../../dynamodb/index.ts'
import { canonicalNumber } from '../../dynamodb/numbers.ts'
import { AwsServiceError, isAwsServiceError, isConfigError } from '../../errors.ts'
import type { Logger } from '../../types.ts'
import { err, UsageError } from '../output.ts'
import { describeItems, type ParsedItems } from './ddb-json.ts'

// DynamoDB takes at most 25 put or delete requests per BatchWriteItem call (API Reference).
const BATCH_SIZE = 25
// Every call sends AttributeValues (plain items are marshalled once, up front), so unprocessed
// items come back in the form they went out in and can be matched to the input by key.
const RAW = { raw: true } as const

/** Options of {@link putItems}. */
export interface PutItemsOptions {
  /** Items are AttributeValue JSON already (`--raw`). */
  readonly rawMode: boolean
  readonly logger: Logger
}

/** An item's primary key as text, equal for equal keys; undefined if a key attribute is missing. */
type KeyOf = (item: AttributeMap) => string | undefined

function keyPart(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const v = value as Record<string, unknown>
  if (typeof v.S === 'string') return `S${v.S}`
  // DynamoDB compares numbers by value: 1 and 1.0 are the same key.
  if (typeof v.N === 'string') return `N${canonicalNumber(v.N)}`
  if (typeof v.B === 'string') return `B${v.B}`
  if (v.B instanceof Uint8Array) return `B${bytesToBase64(v.B)}`
  return undefined
}

function keyFunction(names: readonly string[]): KeyOf {
  return (item) => {
    const parts = names.map((name) => keyPart(item[name]))
    return parts.includes(undefined) ? undefined : JSON.stringify(parts)
  }
}

const isDuplicateKeys = (error: unknown): boolean =>
  isAwsServiceError(error) && error.code === 'ValidationException' &&
  /contains duplicates/i.test(error.message)

const range = (start: number, end: number): number[] =>
  Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i)

const messageOf = (error: unknown): string => error instanceof Error ? error.message : String(error)

/** Marshall plain items once, before anything is written, naming the input item at fault. */
function toAttributeMaps(parsed: ParsedItems, rawMode: boolean): AttributeMap[] {
  if (rawMode) return parsed.items as AttributeMap[]
  return parsed.items.map((item, i) => {
    try {
      return marshall(item)
    } catch (error) {
      if (!isConfigError(error)) throw error
      throw new UsageError(`${describeItems(parsed, [i], 'stdin')}: ${error.message}`)
    }
  })
}

/**
 * Write `parsed.items` (at least two) to `table` as described at the top of this file. Throws
 * when writing stops, with a message that names the input items not written.
 */
export async function putItems(
  ddb: DynamoDbClient,
  table: string,
  parsed: ParsedItems,
  options: PutItemsOptions,
): Promise<void> {
  const items = toAttributeMaps(parsed, options.rawMode)
  const total = items.length
  let keyOf: KeyOf | undefined
  let schemaRead = false

  /** The key schema, read at most once; undefined (with a warning) if DescribeTable fails. */
  const readKeySchema = async (otherwise: string): Promise<KeyOf | undefined> => {
    if (schemaRead) return keyOf
    schemaRead = true
    try {
      const { Table } = await ddb.describeTable({ TableName: table })
      const names = (Table?.KeySchema ?? []).map((element) => element.AttributeName)
      if (names.length > 0) keyOf = keyFunction(names)
    } catch (error) {
      options.logger.warn(
        `could not read the key schema of ${table}, so ${otherwise}: ${messageOf(error)}`,
      )
    }
    return keyOf
  }

  /** Where the batch from `start` ends: 25 items, or before an item whose key it holds. */
  const batchEnd = (start: number): number => {
    const keys = new Set<string>()
    let end = start
    for (; end < total && end - start < BATCH_SIZE; end++) {
      const key = keyOf?.(items[end]!)
      if (key === undefined) continue
      if (keys.has(key)) break
      keys.add(key)
    }
    return end
  }

  /** The error to throw when writing stops: its cause, and the input items not written. */
  const stopped = (error: unknown, unwritten: number[], exact: boolean): unknown => {
    const note = `${exact ? '' : 'up to '}${unwritten.length} of ${total} items not written: ` +
      describeItems(parsed, unwritten, 'stdin')
    // The batch loop wraps whatever stopped it (an AWS error, failing credentials, an abort).
    const cause = isBatchIncompleteError(error) && error.cause !== undefined ? error.cause : error
    if (!isAwsServiceError(cause)) {
      // Not AWS's answer: say what was not written, then report the cause as it is (exit 3 for
      // credentials).
      err(`stsrefresh: ${note}`)
      return cause
    }
    const reason = cause.code === 'UnprocessedItems'
      ? 'DynamoDB kept handing writes back unprocessed until retries ran out ' +
        "(the table's throughput is likely exceeded)"
      : cause.serviceMessage
    return new AwsServiceError(`${reason} (${note})`, {
      service: cause.service,
      operation: cause.operation,
      code: cause.code,
      status: cause.status,
      ...(cause.requestId === undefined ? {} : { requestId: cause.requestId }),
      retryable: cause.retryable,
      cause: error,
    })
  }

  /** The items of the batch `[start, end)` a failed BatchWriteItem left unwritten. */
  const leftInBatch = async (
    error: unknown,
    start: number,
    end: number,
  ): Promise<{ indices: number[]; exact: boolean }> => {
    const all = range(start, end)
    // Not the batch loop's error (the client refused the input before sending): say "up to".
    if (!isBatchIncompleteError(error)) return { indices: all, exact: false }
    const pending = (error.unprocessedItems?.[table] ?? []) as { PutRequest?: { Item: unknown } }[]
    if (pending.length === all.length) return { indices: all, exact: true }
    // Part of the batch was written: match what is left to the input by key.
    const key = pending.length > 0
      ? await readKeySchema('every item of the failed batch is named')
      : undefined
    if (key === undefined) return { indices: all, exact: false }
    const byKey = new Map<string, number>()
    for (const i of all) {
      const k = key(items[i]!)
      if (k !== undefined) byKey.set(k, i)
    }
    const found = pending.map((request) => {
      const k = key((request.PutRequest?.Item ?? {}) as AttributeMap)
      return k === undefined ? undefined : byKey.get(k)
    })
    return found.includes(undefined)
      ? { indices: all, exact: false }
      : { indices: found as number[], exact: true }
  }

  let start = 0
  while (start < total) {
    const end = batchEnd(start)
    try {
      const requests = items.slice(start, end).map((Item) => ({ PutRequest: { Item } }))
      await ddb.batchWriteItem({ RequestItems: { [table]: requests } }, RAW)
    } catch (error) {
      if (!isDuplicateKeys(error)) {
        const left = await leftInBatch(error, start, end)
        throw stopped(error, [...left.indices, ...range(end, total)], left.exact)
      }
      // DynamoDB wrote none of the batch. With the key schema, cut it where a key repeats.
      const otherwise = 'a batch that repeats a key is written one item at a time'
      if (!schemaRead && (await readKeySchema(otherwise)) !== undefined) continue
      // No key schema, or the cut missed a repeat: the PutItems the batch stands for, in order.
      for (let i = start; i < end; i++) {
        try {
          await ddb.putItem({ TableName: table, Item: items[i]! }, RAW)
        } catch (error) {
          throw stopped(error, range(i, total), true)
        }
      }
    }
    start = end
  }
}
