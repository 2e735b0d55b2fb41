/**
 * DynamoDB numbers: decimal strings of up to 38 significant digits, magnitude between 1E-130 and
 * 9.9999999999999999999999999999999999999E+125 (Amazon DynamoDB Developer Guide, "Supported
 * data types", Number). JavaScript numbers are doubles, so conversion in either direction is
 * checked: a value that would change is an error, never a silent rounding.
 */

/** A decimal split into sign, significant digits and a power of ten. */
interface Decimal {
  readonly negative: boolean
  /** Significant digits without leading or trailing zeros; '' for zero. */
  readonly digits: string
  /** value = digits * 10^exponent */
  readonly exponent: number
}

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/

/** Parse a decimal string (the forms DynamoDB and `Number#toString` use), or undefined. */
function parseDecimal(text: string): Decimal | undefined {
  const match = DECIMAL.exec(text.trim())
  if (!match) return undefined
  const whole = match[2] ?? ''
  const fraction = match[3] ?? ''
  if (whole === '' && fraction === '') return undefined
  let digits = whole + fraction
  let exponent = Number(match[4] ?? '0') - fraction.length
  const leading = /^0*/.exec(digits)?.[0].length ?? 0
  digits = digits.slice(leading)
  const trailing = /0*$/.exec(digits)?.[0].length ?? 0
  digits = digits.slice(0, digits.length - trailing)
  exponent += trailing
  if (digits === '') return { negative: false, digits: '', exponent: 0 }
  return { negative: match[1] === '-', digits, exponent }
}

/**
 * Why a decimal is outside what DynamoDB stores, or undefined if it fits: at most 38
 * significant digits, and 1E-130 <= |value| < 1E+126.
 */
function rangeProblem(value: Decimal): string | undefined {
  if (value.digits === '') return undefined
  if (value.digits.length > 38) {
    return `it has ${value.digits.length} significant digits and DynamoDB stores at most 38`
  }
  // The decimal exponent of the leading digit: d.ddd x 10^magnitude.
  const magnitude = value.exponent + value.digits.length - 1
  if (magnitude > 125) return 'it is larger than DynamoDB allows (magnitude 1E+126 or more)'
  if (magnitude < -130) return 'it is smaller than DynamoDB allows (magnitude below 1E-130)'
  return undefined
}

/**
 * A DynamoDB number kept as its exact decimal string, for values a JavaScript number cannot
 * hold exactly (like the AWS SDK v3's `NumberValue`). `unmarshall` returns these with
 * `wrapNumbers: true`; `marshall` sends them as `N` unchanged.
 */
export class NumberValue {
  /** The decimal string, exactly as DynamoDB returned it or as given. */
  readonly value: string

  /** Wrap a decimal string, a bigint or an exact number; throws on anything else. */
  constructor(value: string | bigint | number) {
    const text = String(value)
    const parsed = parseDecimal(text)
    if (typeof value === 'number' && 'problem' in numberToN(value)) {
      throw new TypeError(
        `NumberValue: ${text} is not an exactly representable number; pass its digits as a string`,
      )
    }
    if (!parsed) throw new TypeError(`NumberValue: "${text}" is not a decimal number`)
    this.value = text.trim()
  }

  /** The decimal string. */
  toString(): string {
    return this.value
  }

  /** The decimal string (so `JSON.stringify` and template literals see the digits). */
  toJSON(): string {
    return this.value
  }
}

/** True for a {@link NumberValue}, also one from a second copy of this package. */
export function isNumberValue(value: unknown): value is NumberValue {
  return (
    value instanceof NumberValue ||
    (typeof value === 'object' &&
      value !== null &&
      value.constructor?.name === 'NumberValue' &&
      typeof (value as { value?: unknown }).value === 'string')
  )
}

/** The `N` string for a JavaScript number, or the reason it cannot be stored exactly. */
export function numberToN(value: number): { n: string } | { problem: string } {
  if (!Number.isFinite(value)) return { problem: `${value} is not a finite number` }
  // Integers past 2^53 have already been rounded; the AWS SDK v3 rejects them the same way
  // (util-dynamodb convertToAttr: "greater than Number.MAX_SAFE_INTEGER. Use BigInt.").
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
    return {
      problem: `${value} is beyond Number.MAX_SAFE_INTEGER and may have lost precision; ` +
        'use a BigInt or a NumberValue',
    }
  }
  const n = String(value)
  const problem = rangeProblem(parseDecimal(n) as Decimal)
  return problem === undefined ? { n } : { problem: `${n}: ${problem}` }
}

/** The `N` string for a bigint, or the reason DynamoDB cannot store it. */
export function bigintToN(value: bigint): { n: string } | { problem: string } {
  const n = value.toString()
  const problem = rangeProblem(parseDecimal(n) as Decimal)
  return problem === undefined ? { n } : { problem: `${n}: ${problem}` }
}

/** The `N` string for a NumberValue, or the reason DynamoDB cannot store it. */
export function numberValueToN(value: NumberValue): { n: string } | { problem: string } {
  const parsed = parseDecimal(value.value)
  if (!parsed) return { problem: `"${value.value}" is not a decimal number` }
  const problem = rangeProblem(parsed)
  return problem === undefined ? { n: value.value } : { problem: `${value.value}: ${problem}` }
}

/** A canonical key for a number, so `1`, `1.0` and `1n` count as the same set member. */
export function canonicalNumber(n: string): string {
  const parsed = parseDecimal(n)
  if (!parsed) return n
  return `${parsed.negative ? '-' : ''}${parsed.digits}e${parsed.exponent}`
}

/**
 * Convert an `N` string to a JavaScript value without losing anything: a number when the
 * number prints back as the same decimal, a bigint for integers beyond the safe range, and
 * otherwise the reason it cannot be converted (the caller suggests `wrapNumbers`).
 */
export function nToNative(n: string): { value: number | bigint } | { problem: string } {
  const parsed = parseDecimal(n)
  if (!parsed) return { problem: `"${n}" is not a decimal number` }
  if (parsed.digits === '') return { value: 0 }
  const asNumber = Number(n)
  if (parsed.exponent >= 0) {
    if (Number.isSafeInteger(asNumber)) return { value: asNumber }
    const magnitude = BigInt(parsed.digits + '0'.repeat(parsed.exponent))
    return { value: parsed.negative ? -magnitude : magnitude }
  }
  const back = parseDecimal(String(asNumber))
  if (
    back &&
    back.negative === parsed.negative &&
    back.digits === parsed.digits &&
    back.exponent === parsed.exponent
  ) {
    return { value: asNumber }
  }
  return { problem: `${n} cannot be represented exactly as a JavaScript number` }
}
