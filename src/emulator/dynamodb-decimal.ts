/**
 * Exact decimal arithmetic for DynamoDB numbers. DynamoDB stores numbers as decimals of up to 38
 * significant digits with magnitudes from 1E-130 to 9.99...E+125
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html),
 * so JS floats are wrong for them: `0.1 + 0.2` must be exactly `0.3`. A value here is an integer
 * coefficient (BigInt) times a power of ten.
 */

/** A DynamoDB number: `(negative ? -1 : 1) * coefficient * 10^exponent`, normalised. */
export interface Decimal {
  readonly negative: boolean
  /** Non-negative, without trailing zeros (zero is `0n` with exponent 0). */
  readonly coefficient: bigint
  readonly exponent: number
}

const NUMBER_PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/

/** The most significant digits a DynamoDB number may carry. */
export const MAX_SIGNIFICANT_DIGITS = 38

function normalise(negative: boolean, coefficient: bigint, exponent: number): Decimal {
  if (coefficient === 0n) return { negative: false, coefficient: 0n, exponent: 0 }
  let c = coefficient
  let e = exponent
  while (c % 10n === 0n) {
    c /= 10n
    e += 1
  }
  return { negative, coefficient: c, exponent: e }
}

/**
 * Parse a number string the way DynamoDB (Java BigDecimal) reads it. Returns undefined for
 * text that is not a number; range and precision are checked by {@link decimalProblem}.
 */
export function parseDecimal(text: string): Decimal | undefined {
  const match = NUMBER_PATTERN.exec(text)
  if (!match) return undefined
  const [, sign = '', whole = '', fraction = '', exp = '0'] = match
  if (whole.length === 0 && fraction.length === 0) return undefined
  if (exp.replace(/^[+-]/, '').length > 9) return undefined
  const digits = `${whole}${fraction}`.replace(/^0+/, '')
  const coefficient = digits.length === 0 ? 0n : BigInt(digits)
  return normalise(sign === '-', coefficient, Number(exp) - fraction.length)
}

/** How many significant digits a decimal has (1 for zero). */
export function significantDigits(d: Decimal): number {
  return d.coefficient === 0n ? 1 : d.coefficient.toString().length
}

/**
 * Why DynamoDB would refuse to store this number, in its own words, or undefined if it fits.
 */
export function decimalProblem(d: Decimal): string | undefined {
  if (d.coefficient === 0n) return undefined
  const digits = significantDigits(d)
  if (digits > MAX_SIGNIFICANT_DIGITS) {
    return 'Attempting to store more than 38 significant digits in a Number'
  }
  // The adjusted exponent is the power of ten of the leading digit.
  const adjusted = d.exponent + digits - 1
  if (adjusted > 125) {
    return 'Number overflow. Attempting to store a number with magnitude larger than supported range'
  }
  if (adjusted < -130) {
    return 'Number underflow. Attempting to store a number with magnitude smaller than supported range'
  }
  return undefined
}

/** The canonical text DynamoDB returns for a number: plain notation, no exponent. */
export function formatDecimal(d: Decimal): string {
  if (d.coefficient === 0n) return '0'
  const sign = d.negative ? '-' : ''
  const digits = d.coefficient.toString()
  if (d.exponent >= 0) return `${sign}${digits}${'0'.repeat(d.exponent)}`
  const point = digits.length + d.exponent
  if (point > 0) return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
  return `${sign}0.${'0'.repeat(-point)}${digits}`
}

function scaled(d: Decimal, exponent: number): bigint {
  const value = d.coefficient * 10n ** BigInt(d.exponent - exponent)
  return d.negative ? -value : value
}

/** Numeric comparison: negative, zero or positive as `a` is less than, equal to or above `b`. */
export function compareDecimal(a: Decimal, b: Decimal): number {
  const exponent = Math.min(a.exponent, b.exponent)
  const x = scaled(a, exponent)
  const y = scaled(b, exponent)
  return x < y ? -1 : x > y ? 1 : 0
}

/** Exact sum. */
export function addDecimal(a: Decimal, b: Decimal): Decimal {
  const exponent = Math.min(a.exponent, b.exponent)
  const sum = scaled(a, exponent) + scaled(b, exponent)
  return normalise(sum < 0n, sum < 0n ? -sum : sum, exponent)
}

/** Exact difference `a - b`. */
export function subtractDecimal(a: Decimal, b: Decimal): Decimal {
  return addDecimal(a, { ...b, negative: b.coefficient === 0n ? false : !b.negative })
}

/** Canonicalise number text; undefined if it is not a number. */
export function canonicalNumber(text: string): string | undefined {
  const d = parseDecimal(text)
  return d ? formatDecimal(d) : undefined
}
