/**
 * Ordering, equality and size of DynamoDB AttributeValues: numbers compare numerically and
 * exactly, strings and binary by their bytes, sets as sets; sizes as DynamoDB counts them toward
 * the 400 KB item limit.
 */
import { compareDecimal, type Decimal, formatDecimal, parseDecimal } from './dynamodb-decimal.ts'
import { type AttributeValue, base64Bytes, type Item, typeOf } from './dynamodb-values.ts'

const encoder = new TextEncoder()

function compareCodePoints(a: string, b: string): number {
  // UTF-8 byte order equals code point order, which differs from JS's UTF-16 unit order for
  // characters above U+FFFF; DynamoDB orders strings by their UTF-8 bytes.
  const x = [...a]
  const y = [...b]
  const n = Math.min(x.length, y.length)
  for (let i = 0; i < n; i++) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0)
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0)
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}

function decimalOf(text: string): Decimal {
  return parseDecimal(text) ?? { negative: false, coefficient: 0n, exponent: 0 }
}

/** Compare two numbers given as DynamoDB number text, exactly. */
export function compareNumbers(a: string, b: string): number {
  return compareDecimal(decimalOf(a), decimalOf(b))
}

/**
 * Order two scalar values of the same type (S by UTF-8 bytes, N numerically, B by bytes), or
 * undefined when they are not comparable (different or non-scalar types).
 */
export function compareScalars(a: AttributeValue, b: AttributeValue): number | undefined {
  if ('S' in a && 'S' in b) return compareCodePoints(a.S, b.S)
  if ('N' in a && 'N' in b) return compareNumbers(a.N, b.N)
  if ('B' in a && 'B' in b) return compareBytes(base64Bytes(a.B), base64Bytes(b.B))
  return undefined
}

function setKey(type: 'SS' | 'NS' | 'BS', member: string): string {
  return type === 'NS' ? formatDecimal(decimalOf(member)) : member
}

/** Deep equality as DynamoDB's `=`: same type and value; sets compare as sets. */
export function valuesEqual(a: AttributeValue, b: AttributeValue): boolean {
  const type = typeOf(a)
  if (type !== typeOf(b)) return false
  switch (type) {
    case 'S':
    case 'N':
    case 'B':
      return compareScalars(a, b) === 0
    case 'BOOL':
      return (a as { BOOL: boolean }).BOOL === (b as { BOOL: boolean }).BOOL
    case 'NULL':
      return true
    case 'SS':
    case 'NS':
    case 'BS': {
      const x = (a as Record<string, string[]>)[type] ?? []
      const y = new Set(((b as Record<string, string[]>)[type] ?? []).map((m) => setKey(type, m)))
      return x.length === y.size && x.every((m) => y.has(setKey(type, m)))
    }
    case 'L': {
      const x = (a as { L: AttributeValue[] }).L
      const y = (b as { L: AttributeValue[] }).L
      return x.length === y.length && x.every((m, i) => valuesEqual(m, y[i] as AttributeValue))
    }
    case 'M': {
      const x = (a as { M: Item }).M
      const y = (b as { M: Item }).M
      const keys = Object.keys(x)
      if (keys.length !== Object.keys(y).length) return false
      return keys.every((k) => y[k] !== undefined && valuesEqual(x[k] as AttributeValue, y[k]))
    }
  }
}

function numberBytes(text: string): number {
  // DynamoDB sizes a number as about one byte per two significant digits plus one
  // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html).
  const digits = decimalOf(text).coefficient.toString().length
  return Math.ceil(digits / 2) + 1
}

/** Size in bytes of a value as DynamoDB counts it toward the 400 KB item limit. */
export function valueSize(value: AttributeValue): number {
  if ('S' in value) return encoder.encode(value.S).length
  if ('N' in value) return numberBytes(value.N)
  if ('B' in value) return base64Bytes(value.B).length
  if ('BOOL' in value || 'NULL' in value) return 1
  if ('SS' in value) return value.SS.reduce((n, m) => n + encoder.encode(m).length, 0)
  if ('NS' in value) return value.NS.reduce((n, m) => n + numberBytes(m), 0)
  if ('BS' in value) return value.BS.reduce((n, m) => n + base64Bytes(m).length, 0)
  // Lists and maps cost 3 bytes plus 1 byte per element, plus their contents.
  if ('L' in value) return value.L.reduce((n, m) => n + 1 + valueSize(m), 3)
  return Object.entries(value.M).reduce(
    (n, [k, m]) => n + 1 + encoder.encode(k).length + valueSize(m),
    3,
  )
}

/** Size in bytes of an item: attribute names plus values. */
export function itemSize(item: Item): number {
  let size = 0
  for (const [name, value] of Object.entries(item)) {
    size += encoder.encode(name).length + valueSize(value)
  }
  return size
}
