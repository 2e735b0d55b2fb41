import { describe, expect, test } from 'bun:test'
import {
  addDecimal,
  canonicalNumber,
  compareDecimal,
  type Decimal,
  decimalProblem,
  formatDecimal,
  parseDecimal,
  subtractDecimal,
} from '../../src/emulator/dynamodb-decimal.ts'

const d = (text: string): Decimal => {
  const value = parseDecimal(text)
  if (!value) throw new Error(`not a number: ${text}`)
  return value
}
const sum = (a: string, b: string): string => formatDecimal(addDecimal(d(a), d(b)))

describe('DynamoDB decimals', () => {
  test('canonical text is plain notation without redundant zeros', () => {
    expect(canonicalNumber('1.50')).toBe('1.5')
    expect(canonicalNumber('-0.000')).toBe('0')
    expect(canonicalNumber('1e3')).toBe('1000')
    expect(canonicalNumber('1E-3')).toBe('0.001')
    expect(canonicalNumber('+007.25')).toBe('7.25')
    expect(canonicalNumber('.5')).toBe('0.5')
    expect(canonicalNumber('5.')).toBe('5')
    expect(canonicalNumber('1e38')).toBe(`1${'0'.repeat(38)}`)
    expect(canonicalNumber('-12.3400e-2')).toBe('-0.1234')
  })

  test('text that is not a number is refused', () => {
    for (const bad of ['', 'abc', '1.2.3', '--1', '1e', 'e5', ' 1', '0x10', 'NaN', 'Infinity']) {
      expect(parseDecimal(bad)).toBeUndefined()
    }
  })

  test('0.1 + 0.2 is exactly 0.3, and other exact sums', () => {
    expect(sum('0.1', '0.2')).toBe('0.3')
    expect(sum('-5', '5')).toBe('0')
    expect(sum('1e38', '-1')).toBe('9'.repeat(38))
    expect(sum('99999999999999999999999999999999999999', '1')).toBe(`1${'0'.repeat(38)}`)
    expect(sum('-0.5', '0.25')).toBe('-0.25')
    expect(formatDecimal(subtractDecimal(d('10'), d('0.001')))).toBe('9.999')
    expect(formatDecimal(subtractDecimal(d('0'), d('0')))).toBe('0')
  })

  test('comparison is numeric and exact where floats are not', () => {
    expect(compareDecimal(d('10'), d('9'))).toBe(1)
    expect(compareDecimal(d('-10'), d('-9'))).toBe(-1)
    expect(compareDecimal(d('1.0'), d('1'))).toBe(0)
    // These two differ in the 38th digit and are equal as doubles.
    const a = '1234567890123456789012345678901234567.8'
    const b = '1234567890123456789012345678901234567.9'
    expect(Number(a)).toBe(Number(b))
    expect(compareDecimal(d(a), d(b))).toBe(-1)
    expect(compareDecimal(d('1e-130'), d('0'))).toBe(1)
    expect(compareDecimal(d('-1e125'), d('1e-130'))).toBe(-1)
  })

  test('range and precision limits use DynamoDB messages', () => {
    expect(decimalProblem(d('9.9999999999999999999999999999999999999e125'))).toBeUndefined()
    expect(decimalProblem(d('1e-130'))).toBeUndefined()
    expect(decimalProblem(d('1e126'))).toBe(
      'Number overflow. Attempting to store a number with magnitude larger than supported range',
    )
    expect(decimalProblem(d('-1e126'))).toBe(
      'Number overflow. Attempting to store a number with magnitude larger than supported range',
    )
    expect(decimalProblem(d('1e-131'))).toBe(
      'Number underflow. Attempting to store a number with magnitude smaller than supported range',
    )
    expect(decimalProblem(d('1.' + '1'.repeat(38)))).toBe(
      'Attempting to store more than 38 significant digits in a Number',
    )
    // Trailing zeros are not significant.
    expect(decimalProblem(d('1' + '0'.repeat(60)))).toBeUndefined()
  })
})
