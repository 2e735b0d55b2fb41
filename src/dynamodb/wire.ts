/**
 * Where AttributeValue maps sit in each DynamoDB operation's input, output and error, and the
 * conversions between the caller's form (plain JavaScript, or AttributeValues in raw mode) and
 * the JSON 1.0 wire form (AttributeValues with binaries as base64). The positions are those of
 * the DynamoDB API Reference (the SDK v3 document client marshals the same members).
 */
import { base64ToBytes, bytesToBase64 } from './base64.ts'
import { marshall, unmarshall } from './marshall.ts'
import type { AttributeMap, MarshallOptions, UnmarshallOptions } from './types.ts'
import { isBinary, toBytes } from './values.ts'

/** An attribute map ('item'), or an object whose listed members hold specs; '*' is every member. */
type Spec = 'item' | { readonly [member: string]: Spec }

const I = 'item'
const WITH_VALUES: Spec = { ExpressionAttributeValues: I }
const WRITE_REQUEST: Spec = { PutRequest: { Item: I }, DeleteRequest: { Key: I } }
const KEYS: Spec = { Keys: { '*': I } }
const COLLECTION_METRICS: Spec = {
  ItemCollectionMetrics: { '*': { '*': { ItemCollectionKey: I } } },
}
const WRITE_OUTPUT: Spec = { Attributes: I, ItemCollectionMetrics: { ItemCollectionKey: I } }

const INPUT: Readonly<Record<string, Spec>> = {
  PutItem: { Item: I, ...WITH_VALUES },
  GetItem: { Key: I },
  UpdateItem: { Key: I, ...WITH_VALUES },
  DeleteItem: { Key: I, ...WITH_VALUES },
  Query: { ExclusiveStartKey: I, ...WITH_VALUES },
  Scan: { ExclusiveStartKey: I, ...WITH_VALUES },
  BatchGetItem: { RequestItems: { '*': KEYS } },
  BatchWriteItem: { RequestItems: { '*': { '*': WRITE_REQUEST } } },
  TransactWriteItems: {
    TransactItems: {
      '*': {
        ConditionCheck: { Key: I, ...WITH_VALUES },
        Put: { Item: I, ...WITH_VALUES },
        Delete: { Key: I, ...WITH_VALUES },
        Update: { Key: I, ...WITH_VALUES },
      },
    },
  },
  TransactGetItems: { TransactItems: { '*': { Get: { Key: I } } } },
}

const OUTPUT: Readonly<Record<string, Spec>> = {
  PutItem: WRITE_OUTPUT,
  GetItem: { Item: I },
  UpdateItem: WRITE_OUTPUT,
  DeleteItem: WRITE_OUTPUT,
  Query: { Items: { '*': I }, LastEvaluatedKey: I },
  Scan: { Items: { '*': I }, LastEvaluatedKey: I },
  BatchGetItem: { Responses: { '*': { '*': I } }, UnprocessedKeys: { '*': KEYS } },
  BatchWriteItem: { UnprocessedItems: { '*': { '*': WRITE_REQUEST } }, ...COLLECTION_METRICS },
  TransactWriteItems: COLLECTION_METRICS,
  TransactGetItems: { Responses: { '*': { Item: I } } },
}

// ConditionalCheckFailedException carries `Item` with ReturnValuesOnConditionCheckFailure;
// TransactionCanceledException carries `CancellationReasons[].Item` (API Reference, Errors).
const ERROR: Spec = { Item: I, CancellationReasons: { '*': { Item: I } } }

/** How the caller's values are converted. */
export interface Conversion {
  /** AttributeValue maps pass through unchanged (binaries still base64 on the wire). */
  readonly raw: boolean
  readonly marshallOptions: MarshallOptions
  readonly unmarshallOptions: UnmarshallOptions
}

/** Where an item sits in an input or output: member names and array indexes. */
export type Location = readonly (string | number)[]

type Visit = (map: AttributeMap, path: string, location: Location) => AttributeMap

function walk(
  value: unknown,
  spec: Spec,
  path: string,
  visit: Visit,
  location: Location = [],
): unknown {
  if (value === undefined || value === null) return value
  if (spec === 'item') return visit(value as AttributeMap, path, location)
  if (typeof value !== 'object') return value
  const every = spec['*']
  if (Array.isArray(value)) {
    return every === undefined
      ? value
      : value.map((v, i) => walk(v, every, `${path}[${i}]`, visit, [...location, i]))
  }
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) }
  for (const key of Object.keys(out)) {
    const member = spec[key] ?? every
    if (member === undefined) continue
    out[key] = walk(out[key], member, path === '' ? key : `${path}.${key}`, visit, [
      ...location,
      key,
    ])
  }
  return out
}

/**
 * Bytes in B and BS (at any depth) to base64, for a JSON body. `JSON.stringify` calls a value's
 * `toJSON` before the replacer sees it (ECMA-262, SerializeJSONProperty), and Node's `Buffer`
 * has one (`{"type":"Buffer","data":[...]}`), so the value is read from its holder, `this[key]`,
 * as it was before `toJSON`: every Uint8Array subclass, and any other binary marshall accepts,
 * goes out as base64.
 */
function replacer(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Record<string, unknown>)[key]
  if (typeof original === 'object' && original !== null && isBinary(original)) {
    return bytesToBase64(toBytes(original))
  }
  return value
}

/** Base64 B and BS values (at any depth inside M and L) to bytes, for raw-mode results. */
function decodeBinaries(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map(decodeBinaries)
  const out: Record<string, unknown> = {}
  for (const [key, member] of Object.entries(value)) {
    if (key === 'B' && typeof member === 'string') out[key] = base64ToBytes(member)
    else if (key === 'BS' && Array.isArray(member)) {
      out[key] = member.map((m) => (typeof m === 'string' ? base64ToBytes(m) : m))
    } else out[key] = decodeBinaries(member)
  }
  return out
}

/** Convert an operation's input to its wire form (still an object; see {@link encodeBody}). */
export function inputToWire(operation: string, input: unknown, conversion: Conversion): unknown {
  const spec = INPUT[operation]
  if (spec === undefined || conversion.raw) return input
  return walk(input, spec, '', (map, path) => marshall(map, conversion.marshallOptions, path))
}

/** The JSON body of a wire-form input: binaries become base64. */
export function encodeBody(wire: unknown): string {
  return JSON.stringify(wire ?? {}, replacer)
}

// Control-plane timestamps (`CreationDateTime`, `LastIncreaseDateTime`, ...) are epoch seconds
// on the wire; the SDK v3 hands them out as Dates, and so do we.
const TABLE_OPERATIONS = new Set(['CreateTable', 'DescribeTable', 'DeleteTable', 'UpdateTable'])

function withDates(value: unknown, key = ''): unknown {
  if (typeof value === 'number' && key.endsWith('DateTime')) return new Date(value * 1000)
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map((member) => withDates(member))
  const out: Record<string, unknown> = {}
  for (const [member, inner] of Object.entries(value)) out[member] = withDates(inner, member)
  return out
}

/**
 * An item of an output that could not be converted to the caller's form: where it sits, and
 * the conversion's own error as `cause` (its message is the cause's). Internal: the client turns
 * it into an `OutputConversionError` naming the operation and table (output-conversion.ts).
 */
export class UnconvertibleItem extends Error {
  override name = 'UnconvertibleItem'
  /** The item, as DynamoDB sent it. */
  readonly item: unknown
  /** Where the item sits in the output, e.g. `['Responses', 'users', 3]`. */
  readonly location: Location

  constructor(item: unknown, location: Location, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause })
    this.item = item
    this.location = location
  }
}

/**
 * Convert a parsed wire-form output (or error body) to the caller's form. An item that cannot
 * be converted throws an {@link UnconvertibleItem} saying where it is.
 */
export function outputFromWire(
  operation: string,
  output: unknown,
  conversion: Conversion,
  kind: 'output' | 'error' = 'output',
): Record<string, unknown> {
  if (kind === 'output' && TABLE_OPERATIONS.has(operation)) {
    return withDates(output) as Record<string, unknown>
  }
  const spec = kind === 'error' ? ERROR : OUTPUT[operation]
  if (spec === undefined) return output as Record<string, unknown>
  const convert: Visit = conversion.raw
    ? (map) => decodeBinaries(map) as AttributeMap
    : (map, path) => unmarshall(map, conversion.unmarshallOptions, path)
  const visit: Visit = (map, path, location) => {
    try {
      return convert(map, path, location)
    } catch (error) {
      throw new UnconvertibleItem(map, location, error)
    }
  }
  return walk(output, spec, '', visit) as Record<string, unknown>
}
