/**
 * Property-based tests of DynamoDB marshalling on hostile values: whatever JavaScript value goes
 * in (NaN, ±Infinity, unsafe integers, Dates, Maps, class instances, functions, symbols, mixed or
 * duplicate sets, deep nesting), `marshall` either produces AttributeValues DynamoDB can store
 * (checked against the service's documented rules) that unmarshall to the same value, or throws
 * one ConfigError naming the attribute path. Never another error, never a silent change.
 */
import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { marshall, unmarshall } from '../../src/dynamodb/marshall.ts'
import { canonicalNumber, NumberValue } from '../../src/dynamodb/numbers.ts'
import type { AttributeValue } from '../../src/dynamodb/types.ts'
import { isConfigError } from '../../src/errors.ts'
import { runs } from './settings.ts'

/**
 * DynamoDB's rules for a stored value (Developer Guide, "Supported data types" and "Service
 * quotas"): numbers up to 38 significant digits, magnitude in [1E-130, 1E+126); sets non-empty,
 * homogeneous, without duplicates; nesting at most 32 levels.
 */
function storable(value: AttributeValue, depth = 0): string | undefined {
  if (depth > 32) return 'nested deeper than 32'
  const checkN = (n: string): string | undefined => {
    if (!/^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(n)) return `bad number text ${n}`
    const mantissa = n
      .replace(/^-/, '')
      .replace(/[eE].*$/, '')
      .replace('.', '')
    const digits = mantissa.replace(/^0+/, '').replace(/0+$/, '')
    if (digits.length > 38) return `too many digits ${n}`
    const magnitude = Math.abs(Number(n))
    if (magnitude !== 0 && (magnitude < 1e-130 || magnitude >= 1e126)) return `out of range ${n}`
    return undefined
  }
  const unique = (items: readonly string[], what: string): string | undefined => {
    if (items.length === 0) return `empty ${what}`
    return new Set(items).size !== items.length ? `duplicate in ${what}` : undefined
  }
  if ('N' in value) return checkN(value.N)
  if ('NS' in value) {
    const bad = value.NS.map(checkN).find((problem) => problem !== undefined)
    return bad ?? unique(value.NS.map(canonicalNumber), 'NS')
  }
  if ('SS' in value) return unique([...value.SS], 'SS')
  if ('BS' in value)
    return unique(
      value.BS.map((b) => [...b].join(',')),
      'BS',
    )
  if ('L' in value) {
    for (const item of value.L) {
      const problem = storable(item, depth + 1)
      if (problem) return problem
    }
  }
  if ('M' in value) {
    for (const item of Object.values(value.M)) {
      const problem = storable(item, depth + 1)
      if (problem) return problem
    }
  }
  return undefined
}

class Point {
  constructor(readonly x: number) {}
}

const hostileLeaf = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 2 ** 53 + 2, 1e300, 1e-200, 5e-324, 0.1 + 0.2),
  fc.double(),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }),
  fc.string({ maxLength: 6 }),
  fc.boolean(),
  fc.constantFrom(null, undefined),
  fc.uint8Array({ maxLength: 4 }),
  fc.constantFrom(
    new Date(0),
    new Map([['a', 1]]),
    new Point(1),
    () => 1,
    Symbol('s'),
    new NumberValue('1.50'),
    new NumberValue('1e200'),
  ),
  fc
    .array(fc.oneof(fc.string({ maxLength: 2 }), fc.integer({ min: -3, max: 3 })), { maxLength: 3 })
    .map((members) => new Set<unknown>(members)),
  fc.constantFrom(
    new Set<unknown>([1, 1n]),
    new Set<unknown>([new Uint8Array([1]), new Uint8Array([1])]),
    new Set<unknown>(),
    new Set<unknown>([NaN]),
  ),
)
const hostile = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, hostileLeaf, tie('list'), tie('map')),
  list: fc.array(tie('node'), { maxLength: 3 }),
  map: fc.dictionary(fc.string({ maxLength: 4 }), tie('node'), { maxKeys: 3 }),
})).node

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 }
  for (let i = 0; i < depth; i++) value = { m: value }
  return value
}

describe('marshall on hostile values', () => {
  test('storable AttributeValues that round-trip, or one ConfigError naming the path', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 4 }), hostile, { maxKeys: 4 }), (item) => {
        let marshalled: Record<string, AttributeValue>
        try {
          marshalled = marshall(item)
        } catch (error) {
          expect(isConfigError(error)).toBe(true)
          expect((error as Error).message).toMatch(/^Cannot marshall (the value|\S.*): \S/)
          expect((error as Error).message).not.toMatch(/[\r\n]/)
          return
        }
        for (const value of Object.values(marshalled)) expect(storable(value)).toBeUndefined()
        // Exact: what comes back is what went in (numbers wrapped so no digit is lost).
        const back = unmarshall(marshalled, { wrapNumbers: true })
        expect(marshall(back)).toEqual(marshalled)
      }),
      runs(1500),
    )
  })

  test("nesting past DynamoDB's 32-level limit and cycles are refused with the path", () => {
    expect(() => marshall(nested(20))).not.toThrow()
    expect(() => marshall(nested(40))).toThrow(/^Cannot marshall m(\.m)+: /)
    const cycle: Record<string, unknown> = { a: 1 }
    cycle.self = { back: cycle }
    expect(() => marshall(cycle)).toThrow(/Cannot marshall self\.back: /)
  })
})
