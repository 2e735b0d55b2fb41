/**
 * Turning a parsed KeyConditionExpression into a partition value and a sort-key predicate, with
 * the restrictions DynamoDB enforces: `=` on the partition key, and on the sort key one of
 * `= < <= > >= BETWEEN begins_with`, joined only by AND
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.KeyConditionExpressions.html).
 */
import { validation } from './dynamodb-errors.ts'
import { evaluateCondition } from './dynamodb-evaluate.ts'
import type { Comparator, Condition, Operand } from './dynamodb-expressions.ts'
import type { Table } from './dynamodb-table.ts'
import { compareScalars } from './dynamodb-compare.ts'
import { type AttributeValue, type Item, typeOf } from './dynamodb-values.ts'

/** The partition to read and the test for its items' sort keys. */
export interface KeyCondition {
  readonly hash: AttributeValue
  readonly range: ((item: Item) => boolean) | undefined
}

const FLIPPED: Record<Comparator, Comparator> = {
  '=': '=',
  '<>': '<>',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
}

function fail(detail: string): never {
  throw validation(`Invalid KeyConditionExpression: ${detail}`)
}

function flatten(condition: Condition): Condition[] {
  if (condition.kind === 'and') return [...flatten(condition.left), ...flatten(condition.right)]
  if (condition.kind === 'or' || condition.kind === 'not') {
    fail(`Invalid operator used in KeyConditionExpression: ${condition.kind.toUpperCase()}`)
  }
  if (condition.kind === 'in') fail('Invalid operator used in KeyConditionExpression: IN')
  return [condition]
}

function attributeOf(operand: Operand): string | undefined {
  if (operand.kind !== 'path' || operand.elements.length !== 1) return undefined
  const first = operand.elements[0]
  return first && 'name' in first ? first.name : undefined
}

function literal(operand: Operand): AttributeValue {
  if (operand.kind !== 'value') {
    fail('Operands of a key condition must be an attribute name and a value')
  }
  return operand.value
}

interface Part {
  readonly attribute: string
  readonly op: string
  readonly values: readonly AttributeValue[]
  readonly condition: Condition
}

function part(condition: Condition): Part {
  if (condition.kind === 'compare') {
    if (condition.op === '<>') fail('Invalid operator used in KeyConditionExpression: <>')
    let { left, right } = condition
    let op: Comparator = condition.op
    if (attributeOf(left) === undefined && attributeOf(right) !== undefined) {
      ;[left, right] = [right, left]
      op = FLIPPED[op]
    }
    const attribute = attributeOf(left)
    if (attribute === undefined) {
      fail('Operands of a key condition must be an attribute name and a value')
    }
    const normalised: Condition = { kind: 'compare', op, left, right }
    return { attribute, op, values: [literal(right)], condition: normalised }
  }
  if (condition.kind === 'between') {
    const attribute = attributeOf(condition.subject)
    if (attribute === undefined) {
      fail('Operands of a key condition must be an attribute name and a value')
    }
    const low = literal(condition.low)
    const high = literal(condition.high)
    const order = compareScalars(low, high)
    if (order !== undefined && order > 0) {
      fail(
        `The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {${
          typeOf(low)
        }:${Object.values(low)[0]}}, upper bound operand: AttributeValue: {${typeOf(high)}:${
          Object.values(high)[0]
        }}`,
      )
    }
    return { attribute, op: 'BETWEEN', values: [low, high], condition }
  }
  if (condition.kind === 'function' && condition.name === 'begins_with') {
    const [subject, prefix] = condition.args as [Operand, Operand]
    const attribute = attributeOf(subject)
    if (attribute === undefined) {
      fail('Operands of a key condition must be an attribute name and a value')
    }
    return { attribute, op: 'begins_with', values: [literal(prefix)], condition }
  }
  if (condition.kind === 'function') {
    fail(`Invalid operator used in KeyConditionExpression: ${condition.name}`)
  }
  return fail('Invalid operator used in KeyConditionExpression')
}

/** Check a key condition against the table's key schema and compile it. */
export function keyCondition(table: Table, condition: Condition): KeyCondition {
  const parts = flatten(condition).map(part)
  const { hashKey, rangeKey } = table.definition
  if (parts.length > 2) fail('The expression has redundant parentheses or too many conditions;')
  const seen = new Set<string>()
  for (const p of parts) {
    if (seen.has(p.attribute)) {
      throw validation('KeyConditionExpressions must only contain one condition per key')
    }
    seen.add(p.attribute)
  }
  const hashPart = parts.find((p) => p.attribute === hashKey.name)
  if (!hashPart) throw validation(`Query condition missed key schema element: ${hashKey.name}`)
  const rangePart = parts.find((p) => p !== hashPart)
  if (hashPart.op !== '=') throw validation('Query key condition not supported')
  if (rangePart && (!rangeKey || rangePart.attribute !== rangeKey.name)) {
    throw validation(
      'Query condition missed key schema element' + (rangeKey ? `: ${rangeKey.name}` : ''),
    )
  }
  const hash = hashPart.values[0] as AttributeValue
  if (typeOf(hash) !== hashKey.type) {
    throw validation(
      'One or more parameter values were invalid: Condition parameter type does not match schema type',
    )
  }
  if (rangePart && rangeKey) {
    for (const value of rangePart.values) {
      if (typeOf(value) !== rangeKey.type) {
        if (rangePart.op === 'begins_with') {
          fail(
            `Incorrect operand type for operator or function; operator or function: begins_with, operand type: ${
              typeOf(value)
            }`,
          )
        }
        throw validation(
          'One or more parameter values were invalid: Condition parameter type does not match schema type',
        )
      }
    }
    if (rangePart.op === 'begins_with' && rangeKey.type === 'N') {
      fail(
        'Incorrect operand type for operator or function; operator or function: begins_with, operand type: N',
      )
    }
  }
  const rangeCondition = rangePart?.condition
  return {
    hash,
    range: rangeCondition ? (item) => evaluateCondition(rangeCondition, item) : undefined,
  }
}
