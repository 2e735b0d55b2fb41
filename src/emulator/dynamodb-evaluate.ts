/**
 * Evaluation of parsed DynamoDB expressions against items: conditions and filters, projections
 * and document-path lookup. Semantics follow the Developer Guide's comparison and function
 * reference: a comparison with a missing attribute or a value of another type is false (except
 * `<>`), and `size` counts characters, bytes or elements.
 */
import type { Condition, Operand, PathNode } from './dynamodb-expressions.ts'
import {
  addDecimal,
  decimalProblem,
  formatDecimal,
  parseDecimal,
  subtractDecimal,
} from './dynamodb-decimal.ts'
import { validation } from './dynamodb-errors.ts'
import { compareScalars, valuesEqual } from './dynamodb-compare.ts'
import {
  type AttributeValue,
  base64Bytes,
  getAttribute,
  type Item,
  setAttribute,
  typeOf,
} from './dynamodb-values.ts'

/** The value at a document path, or undefined where any step is missing or of another type. */
export function resolvePath(item: Item, path: PathNode): AttributeValue | undefined {
  let current: AttributeValue | undefined
  for (const [i, element] of path.elements.entries()) {
    if (i === 0) {
      current = 'name' in element ? getAttribute(item, element.name) : undefined
    } else if ('name' in element) {
      current = current && 'M' in current ? getAttribute(current.M, element.name) : undefined
    } else {
      current = current && 'L' in current ? current.L[element.index] : undefined
    }
    if (current === undefined) return undefined
  }
  return current
}

function sizeOf(value: AttributeValue): number | undefined {
  if ('S' in value) return [...value.S].length
  if ('B' in value) return base64Bytes(value.B).length
  if ('SS' in value) return value.SS.length
  if ('NS' in value) return value.NS.length
  if ('BS' in value) return value.BS.length
  if ('L' in value) return value.L.length
  if ('M' in value) return Object.keys(value.M).length
  return undefined
}

function numberOperand(value: AttributeValue | undefined, operand: Operand): string {
  if (value === undefined) {
    if (operand.kind === 'path' || operand.kind === 'if_not_exists') {
      throw validation(
        'The provided expression refers to an attribute that does not exist in the item',
      )
    }
  }
  if (!value || !('N' in value)) {
    throw validation('An operand in the update expression has an incorrect data type')
  }
  return value.N
}

/** Compute an operand's value against an item; undefined where it refers to nothing. */
export function evaluateOperand(operand: Operand, item: Item): AttributeValue | undefined {
  switch (operand.kind) {
    case 'value':
      return operand.value
    case 'path':
      return resolvePath(item, operand)
    case 'size': {
      const target = resolvePath(item, operand.path)
      const size = target === undefined ? undefined : sizeOf(target)
      return size === undefined ? undefined : { N: String(size) }
    }
    case 'if_not_exists':
      return resolvePath(item, operand.path) ?? evaluateOperand(operand.fallback, item)
    case 'list_append': {
      const left = evaluateOperand(operand.left, item)
      const right = evaluateOperand(operand.right, item)
      if (left === undefined || right === undefined) {
        throw validation(
          'The provided expression refers to an attribute that does not exist in the item',
        )
      }
      if (!('L' in left) || !('L' in right)) {
        throw validation('An operand in the update expression has an incorrect data type')
      }
      return { L: [...left.L, ...right.L] }
    }
    case 'arith': {
      const left = numberOperand(evaluateOperand(operand.left, item), operand.left)
      const right = numberOperand(evaluateOperand(operand.right, item), operand.right)
      const a = parseDecimal(left)
      const b = parseDecimal(right)
      if (!a || !b) {
        throw validation('An operand in the update expression has an incorrect data type')
      }
      const result = operand.op === '+' ? addDecimal(a, b) : subtractDecimal(a, b)
      const problem = decimalProblem(result)
      if (problem) throw validation(problem)
      return { N: formatDecimal(result) }
    }
  }
}

function compare(
  op: string,
  left: AttributeValue | undefined,
  right: AttributeValue | undefined,
): boolean {
  if (op === '=') return left !== undefined && right !== undefined && valuesEqual(left, right)
  if (op === '<>') return !(left !== undefined && right !== undefined && valuesEqual(left, right))
  if (left === undefined || right === undefined) return false
  const order = compareScalars(left, right)
  if (order === undefined) return false
  switch (op) {
    case '<':
      return order < 0
    case '<=':
      return order <= 0
    case '>':
      return order > 0
    default:
      return order >= 0
  }
}

function contains(haystack: AttributeValue, needle: AttributeValue): boolean {
  if ('S' in haystack) return 'S' in needle && haystack.S.includes(needle.S)
  if ('B' in haystack) {
    if (!('B' in needle)) return false
    const h = base64Bytes(haystack.B)
    const n = base64Bytes(needle.B)
    outer: for (let i = 0; i + n.length <= h.length; i++) {
      for (let j = 0; j < n.length; j++) if (h[i + j] !== n[j]) continue outer
      return true
    }
    return false
  }
  if ('SS' in haystack) return 'S' in needle && haystack.SS.includes(needle.S)
  if ('NS' in haystack) {
    return 'N' in needle && haystack.NS.some((m) => valuesEqual({ N: m }, needle))
  }
  if ('BS' in haystack) {
    return 'B' in needle && haystack.BS.some((m) => valuesEqual({ B: m }, needle))
  }
  if ('L' in haystack) return haystack.L.some((m) => valuesEqual(m, needle))
  return false
}

function beginsWith(value: AttributeValue, prefix: AttributeValue): boolean {
  if ('S' in value && 'S' in prefix) return value.S.startsWith(prefix.S)
  if ('B' in value && 'B' in prefix) {
    const v = base64Bytes(value.B)
    const p = base64Bytes(prefix.B)
    return p.length <= v.length && p.every((byte, i) => v[i] === byte)
  }
  return false
}

/** Whether an item satisfies a condition; an absent item is evaluated as an empty one. */
export function evaluateCondition(condition: Condition, item: Item): boolean {
  switch (condition.kind) {
    case 'and':
      return evaluateCondition(condition.left, item) && evaluateCondition(condition.right, item)
    case 'or':
      return evaluateCondition(condition.left, item) || evaluateCondition(condition.right, item)
    case 'not':
      return !evaluateCondition(condition.operand, item)
    case 'compare':
      return compare(
        condition.op,
        evaluateOperand(condition.left, item),
        evaluateOperand(condition.right, item),
      )
    case 'between': {
      const subject = evaluateOperand(condition.subject, item)
      return (
        compare('>=', subject, evaluateOperand(condition.low, item)) &&
        compare('<=', subject, evaluateOperand(condition.high, item))
      )
    }
    case 'in': {
      const subject = evaluateOperand(condition.subject, item)
      return condition.list.some((candidate) =>
        compare('=', subject, evaluateOperand(candidate, item))
      )
    }
    case 'function': {
      const [first, second] = condition.args
      const target = first ? evaluateOperand(first, item) : undefined
      const argument = second ? evaluateOperand(second, item) : undefined
      switch (condition.name) {
        case 'attribute_exists':
          return target !== undefined
        case 'attribute_not_exists':
          return target === undefined
        case 'attribute_type':
          return target !== undefined && argument !== undefined && 'S' in argument &&
            typeOf(target) === argument.S
        case 'begins_with':
          return target !== undefined && argument !== undefined && beginsWith(target, argument)
        case 'contains':
          return target !== undefined && argument !== undefined && contains(target, argument)
      }
    }
  }
}

/**
 * Copy only the projected paths of an item (ProjectionExpression semantics: nested paths keep
 * their enclosing maps; list elements keep their relative order).
 */
export function project(item: Item, paths: readonly PathNode[]): Item {
  const out: Item = {}
  for (const path of paths) {
    const value = resolvePath(item, path)
    if (value === undefined) continue
    setProjected(out, path, value)
  }
  return out
}

function setProjected(out: Item, path: PathNode, value: AttributeValue): void {
  const [first, ...rest] = path.elements
  if (!first || !('name' in first)) return
  if (rest.length === 0) {
    setAttribute(out, first.name, structuredClone(value))
    return
  }
  let container: AttributeValue = getAttribute(out, first.name) ??
    (('name' in (rest[0] as object)) ? { M: {} } : { L: [] })
  setAttribute(out, first.name, container)
  for (const [i, element] of rest.entries()) {
    const last = i === rest.length - 1
    const nextIsName = !last && 'name' in (rest[i + 1] as object)
    const fresh =
      (): AttributeValue => (last ? structuredClone(value) : nextIsName ? { M: {} } : { L: [] })
    if ('name' in element && 'M' in container) {
      const child: AttributeValue = last
        ? fresh()
        : (getAttribute(container.M, element.name) ?? fresh())
      setAttribute(container.M, element.name, child)
      container = child
    } else if ('index' in element && 'L' in container) {
      // Projected list elements are compacted in index order, as DynamoDB returns them.
      const child = fresh()
      container.L.push(child)
      container = child
    } else {
      return
    }
  }
}
