/**
 * Plain JavaScript values <-> DynamoDB AttributeValues, with the AWS SDK v3 util-dynamodb's
 * names and options. Every conversion is exact: what DynamoDB cannot store (empty sets, NaN,
 * Dates, class instances, numbers that already lost precision) is an error naming the
 * attribute path, never a silent change.
 *
 * string -> S, number | bigint | NumberValue -> N, boolean -> BOOL, null -> NULL,
 * Uint8Array | ArrayBuffer | other ArrayBufferView -> B, array -> L, plain object -> M,
 * Set<string> -> SS, Set<number | bigint | NumberValue> -> NS, Set<binary> -> BS.
 */
import { ConfigError } from '../errors.ts'
import { bytesToBase64 } from './base64.ts'
import { bigintToN, canonicalNumber, isNumberValue, numberToN, numberValueToN } from './numbers.ts'
import type { NumberValue } from './numbers.ts'
import type { AttributeMap, AttributeValue, MarshallOptions, NativeItem } from './types.ts'
import { child, describe, isBinary, isPlainObject, setOwn, toBytes } from './values.ts'

export { unmarshall, unmarshallValue } from './unmarshall.ts'

// DynamoDB documents nest at most 32 levels ("Nested attribute depth", Service quotas).
const MAX_DEPTH = 32

function fail(path: string, problem: string): never {
  const where = path === '' ? 'the value' : path
  throw new ConfigError(`Cannot marshall ${where}: ${problem}`, path === '' ? {} : { key: path })
}

interface State {
  readonly options: MarshallOptions
  /** Objects on the current path, to report cycles instead of overflowing the stack. */
  readonly ancestors: Set<object>
}

function toNumberAttr(value: number | bigint | NumberValue, path: string): { N: string } {
  const result = typeof value === 'number'
    ? numberToN(value)
    : typeof value === 'bigint'
    ? bigintToN(value)
    : numberValueToN(value)
  if ('problem' in result) fail(path, result.problem)
  return { N: result.n }
}

function toSetAttr(set: Set<unknown>, path: string, state: State): AttributeValue {
  const members = [...set].filter((member) => {
    if (member !== undefined) return true
    if (state.options.removeUndefinedValues) return false
    return fail(
      path,
      'the set holds undefined; remove it, or pass marshallOptions { removeUndefinedValues: true }',
    )
  })
  if (members.length === 0) {
    if (state.options.convertEmptyValues) return { NULL: true }
    fail(
      path,
      'the set is empty and DynamoDB cannot store empty sets; omit the attribute, ' +
        'or pass marshallOptions { convertEmptyValues: true } to store NULL',
    )
  }
  const kind = (member: unknown): string => {
    if (typeof member === 'string') return 'SS'
    if (typeof member === 'number' || typeof member === 'bigint' || isNumberValue(member)) {
      return 'NS'
    }
    if (typeof member === 'object' && member !== null && isBinary(member)) return 'BS'
    return fail(
      path,
      `the set holds ${describe(member)}; ` +
        'DynamoDB sets hold only strings, numbers or binaries (use an array for a list)',
    )
  }
  const type = kind(members[0])
  const seen = new Set<string>()
  const add = (key: string, what: string): void => {
    if (seen.has(key)) fail(path, `the set holds ${what} more than once`)
    seen.add(key)
  }
  const names: Record<string, string> = { SS: 'strings', NS: 'numbers', BS: 'binaries' }
  for (const member of members) {
    const memberType = kind(member)
    if (memberType !== type) {
      fail(
        path,
        `the set mixes ${names[type]} and ${names[memberType]}; ` +
          'a DynamoDB set holds one type (SS, NS or BS)',
      )
    }
  }
  if (type === 'SS') return { SS: members as string[] }
  if (type === 'NS') {
    const ns = members.map((member) => {
      const n = toNumberAttr(member as number | bigint | NumberValue, path).N
      add(canonicalNumber(n), `the number ${n}`)
      return n
    })
    return { NS: ns }
  }
  const bs = members.map((member) => {
    const bytes = toBytes(member as ArrayBufferView)
    add(bytesToBase64(bytes), 'the same bytes')
    return bytes
  })
  return { BS: bs }
}

function toMapAttr(value: object, path: string, state: State): AttributeMap {
  const out: AttributeMap = {}
  for (const [key, member] of Object.entries(value)) {
    const converted = toAttr(member, child(path, key), state)
    if (converted !== undefined) setOwn(out, key, converted)
  }
  return out
}

function toAttr(value: unknown, path: string, state: State): AttributeValue | undefined {
  switch (typeof value) {
    case 'undefined':
      if (state.options.removeUndefinedValues) return undefined
      return fail(
        path,
        'the value is undefined; omit the attribute, ' +
          'or pass marshallOptions { removeUndefinedValues: true }',
      )
    case 'string':
      return value === '' && state.options.convertEmptyValues ? { NULL: true } : { S: value }
    case 'number':
    case 'bigint':
      return toNumberAttr(value, path)
    case 'boolean':
      return { BOOL: value }
    case 'function':
    case 'symbol':
      return fail(path, `${describe(value)} is not a DynamoDB type`)
  }
  if (value === null) return { NULL: true }
  const object = value as object
  if (isNumberValue(object)) return toNumberAttr(object, path)
  if (isBinary(object)) {
    const bytes = toBytes(object)
    return bytes.length === 0 && state.options.convertEmptyValues ? { NULL: true } : { B: bytes }
  }
  if (object instanceof Date) {
    return fail(
      path,
      'a Date is not a DynamoDB type; store date.toISOString() (S) or date.getTime() (N)',
    )
  }
  if (object instanceof Map) {
    return fail(path, 'a Map is not a DynamoDB type; use a plain object (M)')
  }
  if (state.ancestors.has(object)) return fail(path, 'it refers to itself (a circular reference)')
  if (state.ancestors.size >= MAX_DEPTH) {
    return fail(path, `it is nested deeper than the ${MAX_DEPTH} levels DynamoDB allows`)
  }
  state.ancestors.add(object)
  try {
    if (object instanceof Set) return toSetAttr(object, path, state)
    if (Array.isArray(object)) {
      const list: AttributeValue[] = []
      object.forEach((member: unknown, index) => {
        const converted = toAttr(member, child(path, index), state)
        if (converted !== undefined) list.push(converted)
      })
      return { L: list }
    }
    if (!isPlainObject(object) && !state.options.convertClassInstanceToMap) {
      return fail(
        path,
        `${describe(object)} is not a DynamoDB type; convert it to a plain object, ` +
          'or pass marshallOptions { convertClassInstanceToMap: true }',
      )
    }
    return { M: toMapAttr(object, path, state) }
  } finally {
    state.ancestors.delete(object)
  }
}

/**
 * Convert a plain JavaScript object (an item, a key, `ExpressionAttributeValues`) to a map of
 * AttributeValues. `path` prefixes attribute paths in error messages (e.g. `Item`).
 *
 * @example
 * marshall({ pk: 'user#1', n: 42, tags: new Set(['a']) })
 * // { pk: { S: 'user#1' }, n: { N: '42' }, tags: { SS: ['a'] } }
 */
export function marshall(item: NativeItem, options: MarshallOptions = {}, path = ''): AttributeMap {
  if (typeof item !== 'object' || item === null || Array.isArray(item) || isBinary(item)) {
    fail(path, `an item must be a plain object, got ${describe(item)}`)
  }
  if (!isPlainObject(item) && !options.convertClassInstanceToMap) {
    fail(
      path,
      `an item must be a plain object, got ${describe(item)}; ` +
        'pass marshallOptions { convertClassInstanceToMap: true } to store its properties',
    )
  }
  return toMapAttr(item, path, { options, ancestors: new Set([item]) })
}

/**
 * Convert one JavaScript value to an AttributeValue. `undefined` (with `removeUndefinedValues`)
 * has no AttributeValue, so it is an error here too.
 */
export function marshallValue(
  value: unknown,
  options: MarshallOptions = {},
  path = '',
): AttributeValue {
  const converted = toAttr(value, path, { options, ancestors: new Set() })
  if (converted === undefined) fail(path, 'the value is undefined and has no AttributeValue')
  return converted
}
