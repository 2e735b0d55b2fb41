/**
 * One DynamoDB table in memory: its definition, its items keyed by primary key, key validation
 * with AWS's messages, and the two orders DynamoDB reads in (a partition's items by sort key for
 * Query; a stable hash-of-partition-key order for Scan).
 */
import { KEY_SCHEMA_MISMATCH, validation } from './dynamodb-errors.ts'
import { compareScalars, itemSize } from './dynamodb-compare.ts'
import {
  type AttributeValue,
  base64Bytes,
  getAttribute,
  type Item,
  setAttribute,
  typeOf,
} from './dynamodb-values.ts'

/** A key attribute's scalar type. */
export type KeyType = 'S' | 'N' | 'B'

/** The static definition of a table, as CreateTable received it (validated). */
export interface TableDefinition {
  readonly name: string
  readonly hashKey: { readonly name: string; readonly type: KeyType }
  readonly rangeKey?: { readonly name: string; readonly type: KeyType }
  readonly attributeDefinitions: readonly { AttributeName: string; AttributeType: KeyType }[]
  readonly billingMode: 'PROVISIONED' | 'PAY_PER_REQUEST'
  readonly readCapacity: number
  readonly writeCapacity: number
  readonly arn: string
  readonly tableId: string
  /** Emulator time, epoch ms. */
  readonly createdAt: number
}

/** A table's live state. */
export interface Table {
  readonly definition: TableDefinition
  /** Key attribute names, hash first. */
  readonly keyNames: readonly string[]
  get(key: Item): Item | undefined
  put(item: Item): void
  delete(key: Item): void
  /** Items of one partition ordered by sort key (ascending). */
  partition(hashValue: AttributeValue): Item[]
  /** Every item in Scan order. */
  scanOrder(): Item[]
  /** Position of a key in Scan order, for resuming after an ExclusiveStartKey. */
  compareScan(a: Item, b: Item): number
  readonly itemCount: number
  readonly sizeBytes: number
  /** Scan-order hash of a partition key in [0, 2^32), for parallel Scan segments. */
  scanHash(key: Item): number
}

function canonical(value: AttributeValue): string {
  if ('S' in value) return `S:${value.S}`
  if ('N' in value) return `N:${value.N}`
  if ('B' in value) return `B:${value.B}`
  return ''
}

// FNV-1a over the partition key's canonical text: stable across runs, spread like a hash, so
// Scan order looks like DynamoDB's (unordered but stable) and never depends on insertion order.
function fnv1a(text: string): number {
  let hash = 0x811c9dc5
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash >>> 0
}

/** Create the in-memory state of a table. */
export function createTableState(definition: TableDefinition): Table {
  const keyNames = [
    definition.hashKey.name,
    ...(definition.rangeKey ? [definition.rangeKey.name] : []),
  ]
  const items = new Map<string, Item>()
  let sizeBytes = 0
  let scanCache: Item[] | undefined

  const keyString = (key: Item): string =>
    keyNames.map((n) => canonical(key[n] as AttributeValue)).join('\u0000')

  const compareRange = (a: Item, b: Item): number => {
    if (!definition.rangeKey) return 0
    const name = definition.rangeKey.name
    return compareScalars(a[name] as AttributeValue, b[name] as AttributeValue) ?? 0
  }

  const scanHash = (key: Item): number =>
    fnv1a(canonical(key[definition.hashKey.name] as AttributeValue))

  const compareScan = (a: Item, b: Item): number => {
    const ha = scanHash(a)
    const hb = scanHash(b)
    if (ha !== hb) return ha < hb ? -1 : 1
    const hashName = definition.hashKey.name
    const byHash = compareScalars(a[hashName] as AttributeValue, b[hashName] as AttributeValue) ?? 0
    return byHash !== 0 ? byHash : compareRange(a, b)
  }

  return {
    definition,
    keyNames,
    get: (key) => items.get(keyString(key)),
    put(item) {
      const id = keyString(item)
      const old = items.get(id)
      if (old) sizeBytes -= itemSize(old)
      items.set(id, item)
      sizeBytes += itemSize(item)
      scanCache = undefined
    },
    delete(key) {
      const id = keyString(key)
      const old = items.get(id)
      if (!old) return
      sizeBytes -= itemSize(old)
      items.delete(id)
      scanCache = undefined
    },
    partition(hashValue) {
      const hashName = definition.hashKey.name
      const wanted = canonical(hashValue)
      return this.scanOrder().filter((item) =>
        canonical(item[hashName] as AttributeValue) === wanted
      )
    },
    scanOrder() {
      scanCache ??= [...items.values()].sort(compareScan)
      return scanCache
    },
    compareScan,
    get itemCount() {
      return items.size
    },
    get sizeBytes() {
      return sizeBytes
    },
    scanHash,
  }
}

function checkKeyValue(name: string, value: AttributeValue, isHash: boolean): void {
  if (('S' in value && value.S === '') || ('B' in value && value.B === '')) {
    throw validation(
      `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${
        'S' in value ? 'string' : 'binary'
      } value. Key: ${name}`,
    )
  }
  const bytes = 'S' in value
    ? new TextEncoder().encode(value.S).length
    : 'B' in value
    ? base64Bytes(value.B).length
    : 0
  // Key size limits: 2048 bytes for a partition key, 1024 for a sort key.
  if (isHash && bytes > 2048) {
    throw validation(
      'One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes',
    )
  }
  if (!isHash && bytes > 1024) {
    throw validation(
      'One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes',
    )
  }
}

/** Validate a request's Key against the schema (exactly the key attributes, right types). */
export function checkKey(table: Table, key: Item): Item {
  const { definition } = table
  const names = Object.keys(key)
  if (names.length !== table.keyNames.length) throw validation(KEY_SCHEMA_MISMATCH)
  const keys = [definition.hashKey, definition.rangeKey].filter((k) => k !== undefined)
  for (const [i, k] of keys.entries()) {
    const value = getAttribute(key, k.name)
    if (!value || typeOf(value) !== k.type) throw validation(KEY_SCHEMA_MISMATCH)
    checkKeyValue(k.name, value, i === 0)
  }
  return key
}

/** Validate an item's key attributes (PutItem), with AWS's "Missing the key" messages. */
export function checkItemKey(table: Table, item: Item): void {
  const { definition } = table
  const keys = [definition.hashKey, definition.rangeKey].filter((k) => k !== undefined)
  for (const [i, k] of keys.entries()) {
    const value = getAttribute(item, k.name)
    if (!value) {
      throw validation(
        `One or more parameter values were invalid: Missing the key ${k.name} in the item`,
      )
    }
    if (typeOf(value) !== k.type) {
      throw validation(
        `One or more parameter values were invalid: Type mismatch for key ${k.name} expected: ${k.type} actual: ${
          typeOf(value)
        }`,
      )
    }
    checkKeyValue(k.name, value, i === 0)
  }
}

/** The key attributes of an item. */
export function keyOf(table: Table, item: Item): Item {
  const key: Item = {}
  for (const name of table.keyNames) {
    setAttribute(key, name, getAttribute(item, name) as AttributeValue)
  }
  return key
}

/** A stable identity for a key, for duplicate detection across a batch or transaction. */
export function keyIdentity(table: Table, key: Item): string {
  return `${table.definition.name}\u0001${
    table.keyNames.map((n) => canonical(key[n] as AttributeValue)).join('\u0000')
  }`
}
