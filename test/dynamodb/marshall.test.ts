import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { ConfigError } from '../../src/errors.ts'
import {
  marshall,
  marshallValue,
  unmarshall,
  unmarshallValue,
} from '../../src/dynamodb/marshall.ts'
import { NumberValue } from '../../src/dynamodb/numbers.ts'
import type { AttributeValue } from '../../src/dynamodb/types.ts'

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values)

function thrown(fn: () => unknown): ConfigError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected an error')
}

describe('marshall', () => {
  test('every type, nested', () => {
    const item = {
      s: 'hello',
      empty: '',
      n: 42,
      neg: -1.5,
      tiny: 1e-7,
      big: 12345678901234567890n,
      exact: new NumberValue('3.14159265358979323846264338327950288'),
      t: true,
      f: false,
      nil: null,
      bin: bytes(0, 1, 255),
      buf: bytes(7, 8).buffer,
      view: new DataView(bytes(1, 2, 3, 4).buffer, 1, 2),
      list: ['a', 1, [null, { deep: new Set(['x', 'y']) }]],
      map: { nested: { n: 0 } },
      ss: new Set(['a', 'b']),
      ns: new Set([1, 2n, new NumberValue('3.5')]),
      bs: new Set([bytes(1), bytes(2)]),
    }
    expect(marshall(item)).toEqual({
      s: { S: 'hello' },
      empty: { S: '' },
      n: { N: '42' },
      neg: { N: '-1.5' },
      tiny: { N: '1e-7' },
      big: { N: '12345678901234567890' },
      exact: { N: '3.14159265358979323846264338327950288' },
      t: { BOOL: true },
      f: { BOOL: false },
      nil: { NULL: true },
      bin: { B: bytes(0, 1, 255) },
      buf: { B: bytes(7, 8) },
      view: { B: bytes(2, 3) },
      list: {
        L: [{ S: 'a' }, { N: '1' }, { L: [{ NULL: true }, { M: { deep: { SS: ['x', 'y'] } } }] }],
      },
      map: { M: { nested: { M: { n: { N: '0' } } } } },
      ss: { SS: ['a', 'b'] },
      ns: { NS: ['1', '2', '3.5'] },
      bs: { BS: [bytes(1), bytes(2)] },
    })
  })

  test('round-trips every type, nested', () => {
    const item = {
      s: 'hello',
      n: 42,
      neg: -1.5,
      tiny: 1e-7,
      max: Number.MAX_SAFE_INTEGER,
      big: -12345678901234567890n,
      t: true,
      nil: null,
      bin: bytes(0, 1, 255),
      list: ['a', 1, [null, { deep: new Set(['x']) }]],
      map: { nested: { n: 0.1 }, ['odd key']: 'v', __proto__x: 1 },
      ss: new Set(['a', 'b']),
      ns: new Set([1, 9007199254740993n, 0.25]),
      bs: new Set([bytes(1), bytes(2, 3)]),
      emptyList: [],
      emptyMap: {},
    }
    expect(unmarshall(marshall(item))).toEqual(item)
  })

  test('a key named __proto__ stays an own attribute both ways', () => {
    const item = JSON.parse('{"__proto__": {"a": 1}}') as Record<string, unknown>
    const map = marshall(item)
    expect(Object.keys(map)).toEqual(['__proto__'])
    const back = unmarshall(map)
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype)
    expect(Object.keys(back)).toEqual(['__proto__'])
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ a: 1 })
  })

  test('property: unmarshall(marshall(x)) equals x for generated items', () => {
    const leaf = fc.oneof(
      fc.string(),
      fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e20, max: 1e20 }).filter(
        (n) =>
          !Object.is(n, -0) &&
          (n === 0 || Math.abs(n) >= 1e-100) &&
          (!Number.isInteger(n) || Number.isSafeInteger(n)),
      ),
      fc.bigInt({ min: -(10n ** 37n), max: 10n ** 37n }).filter(
        (n) => n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER),
      ),
      fc.boolean(),
      fc.constant(null),
      fc.uint8Array(),
      fc.uniqueArray(fc.string(), { minLength: 1 }).map((a) => new Set(a)),
      fc.uniqueArray(fc.integer(), { minLength: 1 }).map((a) => new Set(a)),
    )
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, tie('list'), tie('map')),
      list: fc.array(tie('node'), { maxLength: 4 }),
      map: fc.dictionary(fc.string(), tie('node'), { maxKeys: 4 }),
    }))
    fc.assert(
      fc.property(fc.dictionary(fc.string(), value.node, { maxKeys: 5 }), (item) => {
        const back = unmarshall(JSON.parse(JSON.stringify(marshall(item), replacer), reviver))
        expect(back).toEqual(item)
      }),
      { numRuns: 300 },
    )
  })

  test('rejections name the attribute path and what to do', () => {
    const cases: [unknown, string][] = [
      [{ a: Number.NaN }, 'Cannot marshall a: NaN is not a finite number'],
      [{ a: { b: [1, Infinity] } }, 'Cannot marshall a.b[1]: Infinity is not a finite number'],
      [
        { big: 2 ** 53 },
        'Cannot marshall big: 9007199254740992 is beyond Number.MAX_SAFE_INTEGER and may have lost precision; use a BigInt or a NumberValue',
      ],
      [
        { tiny: 1e-200 },
        'Cannot marshall tiny: 1e-200: it is smaller than DynamoDB allows (magnitude below 1E-130)',
      ],
      [
        { huge: 10n ** 126n },
        `Cannot marshall huge: ${
          10n ** 126n
        }: it is larger than DynamoDB allows (magnitude 1E+126 or more)`,
      ],
      [
        { long: new NumberValue('1234567890123456789012345678901234567891') },
        'Cannot marshall long: 1234567890123456789012345678901234567891: it has 40 significant digits and DynamoDB stores at most 38',
      ],
      [
        { tags: new Set() },
        'Cannot marshall tags: the set is empty and DynamoDB cannot store empty sets; omit the attribute, or pass marshallOptions { convertEmptyValues: true } to store NULL',
      ],
      [
        { u: undefined },
        'Cannot marshall u: the value is undefined; omit the attribute, or pass marshallOptions { removeUndefinedValues: true }',
      ],
      [
        { l: [1, undefined] },
        'Cannot marshall l[1]: the value is undefined; omit the attribute, or pass marshallOptions { removeUndefinedValues: true }',
      ],
      [{ f: () => 1 }, 'Cannot marshall f: a function is not a DynamoDB type'],
      [
        { 'odd key': { s: Symbol('x') } },
        'Cannot marshall ["odd key"].s: a symbol is not a DynamoDB type',
      ],
      [
        { when: new Date(0) },
        'Cannot marshall when: a Date is not a DynamoDB type; store date.toISOString() (S) or date.getTime() (N)',
      ],
      [{ m: new Map() }, 'Cannot marshall m: a Map is not a DynamoDB type; use a plain object (M)'],
      [
        { c: new (class Point {})() },
        'Cannot marshall c: an instance of Point is not a DynamoDB type; convert it to a plain object, or pass marshallOptions { convertClassInstanceToMap: true }',
      ],
      [
        { s: new Set(['a', 1]) },
        'Cannot marshall s: the set mixes strings and numbers; a DynamoDB set holds one type (SS, NS or BS)',
      ],
      [
        { s: new Set([true]) },
        'Cannot marshall s: the set holds a boolean; DynamoDB sets hold only strings, numbers or binaries (use an array for a list)',
      ],
      [{ s: new Set([1, 1n]) }, 'Cannot marshall s: the set holds the number 1 more than once'],
      [
        { s: new Set([new NumberValue('1.50'), 1.5]) },
        'Cannot marshall s: the set holds the number 1.5 more than once',
      ],
      [
        { s: new Set([bytes(1), bytes(1)]) },
        'Cannot marshall s: the set holds the same bytes more than once',
      ],
    ]
    for (const [item, message] of cases) {
      const error = thrown(() => marshall(item as Record<string, unknown>))
      expect(error.message).toBe(message)
    }
    expect(thrown(() => marshall({ a: { b: () => 1 } }, {}, 'Item')).key).toBe('Item.a.b')
  })

  test('items must be plain objects', () => {
    expect(thrown(() => marshall([] as never)).message).toBe(
      'Cannot marshall the value: an item must be a plain object, got an array',
    )
    expect(thrown(() => marshall(new Date() as never, {}, 'Key')).message).toBe(
      'Cannot marshall Key: an item must be a plain object, got an instance of Date; pass marshallOptions { convertClassInstanceToMap: true } to store its properties',
    )
  })

  test('circular references and nesting deeper than 32 levels are rejected', () => {
    const loop: Record<string, unknown> = { a: 1 }
    loop.self = { back: loop }
    expect(thrown(() => marshall(loop)).message).toBe(
      'Cannot marshall self.back: it refers to itself (a circular reference)',
    )
    let deep: unknown = 'leaf'
    for (let i = 0; i < 40; i++) deep = [deep]
    expect(thrown(() => marshallValue(deep)).message).toBe(
      `Cannot marshall ${'[0]'.repeat(32)}: it is nested deeper than the 32 levels DynamoDB allows`,
    )
  })

  test('options: removeUndefinedValues, convertEmptyValues, convertClassInstanceToMap', () => {
    expect(
      marshall(
        { a: undefined, l: [1, undefined], s: new Set(['x', undefined]), m: { b: undefined } },
        { removeUndefinedValues: true },
      ),
    ).toEqual({ l: { L: [{ N: '1' }] }, s: { SS: ['x'] }, m: { M: {} } })
    expect(
      marshall({ s: '', b: new Uint8Array(), set: new Set() }, { convertEmptyValues: true }),
    ).toEqual({ s: { NULL: true }, b: { NULL: true }, set: { NULL: true } })
    class Point {
      x = 1
      y = 2
    }
    expect(marshall({ p: new Point() }, { convertClassInstanceToMap: true })).toEqual({
      p: { M: { x: { N: '1' }, y: { N: '2' } } },
    })
    expect(thrown(() => marshall({ d: new Date(0) }, { convertClassInstanceToMap: true })).key)
      .toBe('d')
  })

  test('marshallValue converts scalars', () => {
    expect(marshallValue('x')).toEqual({ S: 'x' })
    expect(marshallValue(-0)).toEqual({ N: '0' })
    expect(marshallValue(new Set([1n]))).toEqual({ NS: ['1'] })
    expect(thrown(() => marshallValue(undefined, { removeUndefinedValues: true })).message).toBe(
      'Cannot marshall the value: the value is undefined and has no AttributeValue',
    )
  })
})

describe('unmarshall', () => {
  test('numbers: number when exact, bigint past the safe range, error otherwise', () => {
    const n = (N: string): unknown => unmarshallValue({ N })
    expect(n('42')).toBe(42)
    expect(n('-0')).toBe(0)
    expect(n('0.1')).toBe(0.1)
    expect(n('1.50')).toBe(1.5)
    expect(n('1E+2')).toBe(100)
    expect(n('9007199254740991')).toBe(9007199254740991)
    expect(n('9007199254740992')).toBe(9007199254740992n)
    expect(n('-123456789012345678901234567890')).toBe(-123456789012345678901234567890n)
    expect(n('1.5e30')).toBe(1500000000000000000000000000000n)
    expect(n('12345678901234567890.000')).toBe(12345678901234567890n)
    expect(thrown(() => unmarshall({ price: { N: '0.1000000000000000000001' } })).message).toBe(
      'Cannot unmarshall price: 0.1000000000000000000001 cannot be represented exactly as a JavaScript number; pass unmarshallOptions { wrapNumbers: true } to get a NumberValue holding the exact digits',
    )
    expect(thrown(() => unmarshall({ a: { L: [{ N: 'abc' }] } })).message).toBe(
      'Cannot unmarshall a[0]: "abc" is not a decimal number; pass unmarshallOptions { wrapNumbers: true } to get a NumberValue holding the exact digits',
    )
  })

  test('wrapNumbers keeps the exact digits, and they marshall back unchanged', () => {
    const item = { p: { N: '0.1000000000000000000001' }, s: { NS: ['1', '2.50'] } }
    const native = unmarshall(item, { wrapNumbers: true })
    expect(native.p).toBeInstanceOf(NumberValue)
    expect(String(native.p)).toBe('0.1000000000000000000001')
    expect(marshall(native)).toEqual(item)
  })

  test('binary accepts base64 text (DynamoDB Streams JSON) and Uint8Array', () => {
    expect(unmarshallValue({ B: 'AAH/' } as never)).toEqual(bytes(0, 1, 255))
    expect(unmarshallValue({ BS: ['AQ==', bytes(2)] } as never)).toEqual(
      new Set([bytes(1), bytes(2)]),
    )
    expect(thrown(() => unmarshall({ b: { B: '%%%' } as never })).message).toBe(
      'Cannot unmarshall b: B holds a string that is not base64',
    )
  })

  test('malformed AttributeValues are rejected with their path', () => {
    const bad: [unknown, string][] = [
      [
        {},
        'Cannot unmarshall x: an AttributeValue holds exactly one of S, N, B, SS, NS, BS, M, L, NULL, BOOL; got none',
      ],
      [
        { S: 'a', N: '1' },
        'Cannot unmarshall x: an AttributeValue holds exactly one of S, N, B, SS, NS, BS, M, L, NULL, BOOL; got S, N',
      ],
      [
        { X: 1 },
        'Cannot unmarshall x: an AttributeValue holds exactly one of S, N, B, SS, NS, BS, M, L, NULL, BOOL; got X',
      ],
      [{ S: 1 }, 'Cannot unmarshall x: S must be a string, got a number'],
      [{ M: [] }, 'Cannot unmarshall x: M must be an object, got an array'],
      [{ L: {} }, 'Cannot unmarshall x: L must be an array, got an object'],
      [null, 'Cannot unmarshall x: an AttributeValue must be an object, got null'],
    ]
    for (const [value, message] of bad) {
      expect(thrown(() => unmarshall({ x: value as AttributeValue })).message).toBe(message)
    }
    expect(unmarshall({ x: { S: 'a', N: undefined } as never })).toEqual({ x: 'a' })
  })
})

// JSON with binaries as base64, as the wire carries them.
function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { $b64: Buffer.from(value).toString('base64') }
  return value
}
function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && '$b64' in value) {
    return new Uint8Array(Buffer.from((value as { $b64: string }).$b64, 'base64'))
  }
  return value
}
