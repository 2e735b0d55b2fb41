/**
 * DynamoDB AttributeValues -> plain JavaScript values, exactly: N becomes a number only when the
 * number prints back as the same decimal, a bigint for integers beyond 2^53, and otherwise an
 * error (or a NumberValue with `wrapNumbers`); B accepts bytes or base64 text.
 */
import { ConfigError } from '../errors.ts'
import { base64ToBytes } from './base64.ts'
import { nToNative, NumberValue } from './numbers.ts'
import type { AttributeMap, AttributeValue, NativeItem, UnmarshallOptions } from './types.ts'
import { child, describe, setOwn } from './values.ts'

const TYPES = ['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL'] as const

function failUnmarshall(path: string, problem: string): never {
  const where = path === '' ? 'the value' : path
  throw new ConfigError(`Cannot unmarshall ${where}: ${problem}`, path === '' ? {} : { key: path })
}

function toBinary(value: unknown, path: string): Uint8Array {
  if (value instanceof Uint8Array) return value
  // Base64 text, as DynamoDB Streams records and raw JSON carry it.
  if (typeof value === 'string') {
    try {
      return base64ToBytes(value)
    } catch {
      return failUnmarshall(path, 'B holds a string that is not base64')
    }
  }
  return failUnmarshall(path, `B must be a Uint8Array or base64 text, got ${describe(value)}`)
}

function toNumber(
  n: unknown,
  path: string,
  options: UnmarshallOptions,
): number | bigint | NumberValue {
  if (typeof n !== 'string') return failUnmarshall(path, `N must be a string, got ${describe(n)}`)
  if (options.wrapNumbers) return new NumberValue(n)
  const result = nToNative(n)
  if ('problem' in result) {
    failUnmarshall(
      path,
      `${result.problem}; ` +
        'pass unmarshallOptions { wrapNumbers: true } to get a NumberValue holding the exact digits',
    )
  }
  return result.value
}

function list(value: unknown, path: string, type: string): unknown[] {
  if (!Array.isArray(value)) {
    failUnmarshall(path, `${type} must be an array, got ${describe(value)}`)
  }
  return value
}

/** Convert one AttributeValue to its JavaScript value (see the module comment for the types). */
export function unmarshallValue(
  value: AttributeValue,
  options: UnmarshallOptions = {},
  path = '',
): unknown {
  if (typeof value !== 'object' || value === null) {
    failUnmarshall(path, `an AttributeValue must be an object, got ${describe(value)}`)
  }
  const present = Object.keys(value).filter((key) =>
    (value as Record<string, unknown>)[key] !== undefined
  )
  const type = present[0]
  if (present.length !== 1 || !(TYPES as readonly string[]).includes(type as string)) {
    const got = present.length === 0 ? 'none' : present.join(', ')
    failUnmarshall(path, `an AttributeValue holds exactly one of ${TYPES.join(', ')}; got ${got}`)
  }
  const raw = (value as Record<string, unknown>)[type as string]
  switch (type) {
    case 'S':
      if (typeof raw !== 'string') failUnmarshall(path, `S must be a string, got ${describe(raw)}`)
      return raw
    case 'N':
      return toNumber(raw, path, options)
    case 'B':
      return toBinary(raw, path)
    case 'BOOL':
      if (typeof raw !== 'boolean') {
        failUnmarshall(path, `BOOL must be a boolean, got ${describe(raw)}`)
      }
      return raw
    case 'NULL':
      return null
    case 'SS':
      return new Set(
        list(raw, path, 'SS').map((member) => {
          if (typeof member !== 'string') {
            failUnmarshall(path, `SS must hold strings, got ${describe(member)}`)
          }
          return member
        }),
      )
    case 'NS':
      return new Set(list(raw, path, 'NS').map((member) => toNumber(member, path, options)))
    case 'BS':
      return new Set(list(raw, path, 'BS').map((member) => toBinary(member, path)))
    case 'L':
      return list(raw, path, 'L').map((member, index) =>
        unmarshallValue(member as AttributeValue, options, child(path, index))
      )
    default:
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        failUnmarshall(path, `M must be an object, got ${describe(raw)}`)
      }
      return unmarshall(raw as AttributeMap, options, path)
  }
}

/**
 * Convert a map of AttributeValues (an item, a key) to a plain JavaScript object. `path`
 * prefixes attribute paths in error messages.
 *
 * @example
 * unmarshall({ pk: { S: 'user#1' }, n: { N: '42' } }) // { pk: 'user#1', n: 42 }
 */
export function unmarshall(
  item: AttributeMap,
  options: UnmarshallOptions = {},
  path = '',
): NativeItem {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    failUnmarshall(path, `an item must be an object of AttributeValues, got ${describe(item)}`)
  }
  const out: NativeItem = {}
  for (const [key, value] of Object.entries(item)) {
    setOwn(out, key, unmarshallValue(value, options, child(path, key)))
  }
  return out
}
