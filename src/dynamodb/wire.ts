/**
 * Where AttributeValue maps sit in each DynamoDB operation's input, output and error, and the
 * conversions between the caller's form (plain JavaScript, or AttributeValues in raw mode) and
 * the JSON 1.0 wire form (AttributeValues with binaries as base64). The positions are those of
 * the DynamoDB API Reference (the SDK v3 document client marshals the same members).
 */
import { base64ToBytes, bytesToBase64 } from './base64.ts'
import { marshall, unmarshall } from './marshall.ts'
import type { AttributeMap, MarshallOptions, UnmarshallOptions } from './types.ts'

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

type Visit = (map: AttributeMap, path: string) => AttributeMap

function walk(value: unknown, spec: Spec, path: string, visit: Visit): unknown {
  if (value === undefined || value === null) return value
  if (spec === 'item') return visit(value as AttributeMap, path)
  if (typeof value !== 'object') return value
  const every = spec['*']
  if (Array.isArray(value)) {
    return every === undefined ? value : value.map((v, i) => walk(v, every, `${path}[${i}]`, visit))
  }
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) }
  for (const key of Object.keys(out)) {
    const member = spec[key] ?? every
    if (member === undefined) continue
    out[key] = walk(out[key], member, path === '' ? key : `${path}.${key}`, visit)
  }
  return out
}

/** Bytes in B and BS (at any depth) to base64, for a JSON body. */
function replacer(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? bytesToBase64(value) : value
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

/** Convert a parsed wire-form output (or error body) to the caller's form. */
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
  const visit: Visit = conversion.raw
    ? (map) => decodeBinaries(map) as AttributeMap
    : (map, path) => unmarshall(map, conversion.unmarshallOptions, path)
  return walk(output, spec, '', visit) as Record<string, unknown>
}
