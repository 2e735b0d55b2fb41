/**
 * DynamoDB AttributeValues: their types, and validation of request values with AWS's messages
 * (numbers canonicalised). Ordering, equality and sizes live in `dynamodb-compare.ts`.
 */
import { decimalProblem, formatDecimal, parseDecimal } from './dynamodb-decimal.ts'
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
export const MAX_ITEM_BYTES: number = 400 * 1024

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
  if (typeof text !== 'string') {
    throw serialization(`NUMBER_VALUE cannot be converted to String at ${where}`)
  }
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
    if (typeof member !== 'string') {
      throw serialization(`Unexpected value type in payload at ${where}`)
    }
  }
  return raw as string[]
}

function duplicates(members: readonly string[], canonical: readonly string[], label: string): void {
  if (new Set(canonical).size !== canonical.length) {
    throw validation(
      `One or more parameter values were invalid: Input collection [${
        members.join(', ')
      }]${label} contains duplicates.`,
    )
  }
}

/**
 * Validate one AttributeValue from a request and return it in canonical form (numbers
 * normalised). Throws ValidationException or SerializationException with AWS's messages; `where`
 * names the member for SerializationException messages.
 */
export function parseAttributeValue(raw: unknown, where: string): AttributeValue {
  if (!isObject(raw)) {
    throw serialization(
      `Unexpected value type in payload at ${where}: expected an AttributeValue object`,
    )
  }
  const present = TYPES.filter((t) => raw[t] !== undefined && raw[t] !== null)
  if (present.length === 0) {
    throw validation(
      'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes',
    )
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
      if (typeof v !== 'string') {
        throw serialization(`Unexpected value type in payload at ${where}.S`)
      }
      return { S: v }
    case 'N':
      return { N: numberValue(v, `${where}.N`) }
    case 'B':
      if (typeof v !== 'string') {
        throw serialization(`Unexpected value type in payload at ${where}.B`)
      }
      checkBase64(v, `${where}.B`)
      return { B: v }
    case 'BOOL':
      if (typeof v !== 'boolean') {
        throw serialization(`Unexpected value type in payload at ${where}.BOOL`)
      }
      return { BOOL: v }
    case 'NULL':
      if (typeof v !== 'boolean') {
        throw serialization(`Unexpected value type in payload at ${where}.NULL`)
      }
      if (!v) {
        throw validation(
          'One or more parameter values were invalid: Null attribute value types must have the value of true',
        )
      }
      return { NULL: true }
    case 'SS': {
      const members = stringList(v, `${where}.SS`)
      if (members.length === 0) {
        throw validation(
          'One or more parameter values were invalid: An string set  may not be empty',
        )
      }
      duplicates(members, members, '')
      return { SS: [...members] }
    }
    case 'NS': {
      const members = stringList(v, `${where}.NS`)
      if (members.length === 0) {
        throw validation(
          'One or more parameter values were invalid: An number set  may not be empty',
        )
      }
      const canonical = members.map((m, i) => numberValue(m, `${where}.NS[${i}]`))
      duplicates(members, canonical, '')
      return { NS: canonical }
    }
    case 'BS': {
      const members = stringList(v, `${where}.BS`)
      if (members.length === 0) {
        throw validation(
          'One or more parameter values were invalid: Binary sets should not be empty',
        )
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
    setAttribute(item, name, parseAttributeValue(value, `${where}.${name}`))
  }
  return item
}

/**
 * Read an attribute: own properties only, so names like `__proto__` or `constructor` are plain
 * attributes (DynamoDB allows them) and never reach Object.prototype.
 */
export function getAttribute(item: Item, name: string): AttributeValue | undefined {
  return Object.hasOwn(item, name) ? item[name] : undefined
}

/** Write an attribute as an own data property (never a prototype setter such as `__proto__`). */
export function setAttribute(item: Item, name: string, value: AttributeValue): void {
  Object.defineProperty(item, name, { value, enumerable: true, writable: true, configurable: true })
}

/** A deep copy, so stored items never share structure with requests or responses. */
export function cloneItem(item: Item): Item {
  return structuredClone(item)
}
