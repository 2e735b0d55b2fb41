/**
 * DynamoDB AttributeValues: validation with AWS's messages, canonical numbers, ordering (numbers
 * numerically, strings and binary by bytes), deep equality (sets unordered) and item size.
 */
import {
  compareDecimal,
  decimalProblem,
  formatDecimal,
  parseDecimal,
  type Decimal,
} from './dynamodb-decimal.ts'
import { serialization, validation } from './dynamodb-errors.ts'

/** One DynamoDB AttributeValue in its wire (JSON) form; binary stays base64 text. */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] }
  | { L: AttributeValue[] }
  | { M: Item }

/** An item or key: attribute name to value. */
export type Item = Record<string, AttributeValue>

/** The type descriptor of an AttributeValue (`S`, `N`, `SS`, `M`, ...). */
export type AttributeType = 'S' | 'N' | 'B' | 'BOOL' | 'NULL' | 'SS' | 'NS' | 'BS' | 'L' | 'M'

const TYPES: readonly AttributeType[] = ['S', 'N', 'B', 'BOOL', 'NULL', 'SS', 'NS', 'BS', 'L', 'M']

/** The largest item DynamoDB stores: 400 KB, counting names and values. */
export const MAX_ITEM_BYTES = 400 * 1024

const encoder = new TextEncoder()

/** The type descriptor of a validated value. */
export function typeOf(value: AttributeValue): AttributeType {
  return Object.keys(value)[0] as AttributeType
}

/** Whether `value` is a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Decode base64 text to bytes (the caller has validated it). */
export function base64Bytes(text: string): Uint8Array {
  const raw = atob(text)
  const bytes = new Uint8Array(raw.length)
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i)
  return bytes
}

function checkBase64(text: string, where: string): void {
  // DynamoDB's JSON reader rejects base64 whose length is not a multiple of 4 or that holds
  // characters outside the alphabet.
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw serialization(`Base64 encoded value at ${where} is not valid base64: '${text}'`)
  }
}

function numberValue(text: unknown, where: string): string {
  if (typeof text !== 'string') throw serialization(`NUMBER_VALUE cannot be converted to String at ${where}`)
  if (text === '') throw validation('The parameter cannot be converted to a numeric value')
  const d = parseDecimal(text)
  if (!d) throw validation(`The parameter cannot be converted to a numeric value: ${text}`)
  const problem = decimalProblem(d)
  if (problem) throw validation(problem)
  return formatDecimal(d)
}

function stringList(raw: unknown, where: string): string[] {
  if (!Array.isArray(raw)) throw serialization(`Expected list or null at ${where}`)
  for (const member of raw) {
    if (typeof member !== 'string') throw serialization(`Unexpected value type in payload at ${where}`)
  }
  return raw as string[]
}

function duplicates(members: readonly string[], canonical: readonly string[], label: string): void {
  if (new Set(canonical).size !== canonical.length) {
    throw validation(
      `One or more parameter values were invalid: Input collection [${members.join(', ')}]${label} contains duplicates.`,
    )
  }
}

/**
 * Validate one AttributeValue from a request and return it in canonical form (numbers
 * normalised). Throws ValidationException or SerializationException with AWS's messages; `where`
 * names the member for SerializationException messages.
 */
export function parseAttributeValue(raw: unknown, where: string): AttributeValue {
  if (!isObject(raw)) throw serialization(`Unexpected value type in payload at ${where}: expected an AttributeValue object`)
  const present = TYPES.filter((t) => raw[t] !== undefined && raw[t] !== null)
  if (present.length === 0) {
    throw validation('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes')
  }
  if (present.length > 1) {
    throw validation(
      'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
    )
  }
  const type = present[0] as AttributeType
  const v = raw[type]
  switch (type) {
    case 'S':
      if (typeof v !== 'string') throw serialization(`Unexpected value type in payload at ${where}.S`)
      return { S: v }
    case 'N':
      return { N: numberValue(v, `${where}.N`) }
    case 'B':
      if (typeof v !== 'string') throw serialization(`Unexpected value type in payload at ${where}.B`)
      checkBase64(v, `${where}.B`)
      return { B: v }
    case 'BOOL':
      if (typeof v !== 'boolean') throw serialization(`Unexpected value type in payload at ${where}.BOOL`)
      return { BOOL: v }
    case 'NULL':
      if (typeof v !== 'boolean') throw serialization(`Unexpected value type in payload at ${where}.NULL`)
      if (!v) {
        throw validation('One or more parameter values were invalid: Null attribute value types must have the value of true')
      }
      return { NULL: true }
    case 'SS': {
      const members = stringList(v, `${where}.SS`)
      if (members.length === 0) {
        throw validation('One or more parameter values were invalid: An string set  may not be empty')
      }
      duplicates(members, members, '')
      return { SS: [...members] }
    }
    case 'NS': {
      const members = stringList(v, `${where}.NS`)
      if (members.length === 0) {
        throw validation('One or more parameter values were invalid: An number set  may not be empty')
      }
      const canonical = members.map((m, i) => numberValue(m, `${where}.NS[${i}]`))
      duplicates(members, canonical, '')
      return { NS: canonical }
    }
    case 'BS': {
      const members = stringList(v, `${where}.BS`)
      if (members.length === 0) {
        throw validation('One or more parameter values were invalid: Binary sets should not be empty')
      }
      members.forEach((m, i) => checkBase64(m, `${where}.BS[${i}]`))
      duplicates(members, members, 'of type BS')
      return { BS: [...members] }
    }
    case 'L': {
      if (!Array.isArray(v)) throw serialization(`Expected list or null at ${where}.L`)
      return { L: v.map((m, i) => parseAttributeValue(m, `${where}.L[${i}]`)) }
    }
    case 'M':
      return { M: parseItem(v, `${where}.M`) }
  }
}

/** Validate a map of AttributeValues (an item, a key, ExpressionAttributeValues). */
export function parseItem(raw: unknown, where: string): Item {
  if (!isObject(raw)) throw serialization(`Expected map or null at ${where}`)
  const item: Item = {}
  for (const [name, value] of Object.entries(raw)) {
    item[name] = parseAttributeValue(value, `${where}.${name}`)
  }
  return item
}

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
  return Object.entries(value.M).reduce((n, [k, m]) => n + 1 + encoder.encode(k).length + valueSize(m), 3)
}

/** Size in bytes of an item: attribute names plus values. */
export function itemSize(item: Item): number {
  let size = 0
  for (const [name, value] of Object.entries(item)) size += encoder.encode(name).length + valueSize(value)
  return size
}

/** A deep copy, so stored items never share structure with requests or responses. */
export function cloneItem(item: Item): Item {
  return structuredClone(item)
}
