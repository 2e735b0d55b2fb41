/**
 * Applying a parsed UpdateExpression to an item. Every operand is evaluated against the item as
 * it was before the update (DynamoDB semantics), then SET, REMOVE, ADD and DELETE are applied.
 */
import { addDecimal, decimalProblem, formatDecimal, parseDecimal } from './dynamodb-decimal.ts'
import { validation } from './dynamodb-errors.ts'
import { evaluateOperand, resolvePath } from './dynamodb-evaluate.ts'
import { describePath, type PathNode, type UpdateAction } from './dynamodb-expressions.ts'
import { valuesEqual } from './dynamodb-compare.ts'
import { type AttributeValue, cloneItem, type Item, setAttribute } from './dynamodb-values.ts'

const INVALID_PATH = 'The document path provided in the update expression is invalid for update'
const WRONG_TYPE = 'An operand in the update expression has an incorrect data type'

function isPrefix(a: PathNode, b: PathNode): boolean {
  if (a.elements.length > b.elements.length) return false
  return a.elements.every((e, i) => {
    const other = b.elements[i] as object
    return 'name' in e
      ? 'name' in other && other.name === e.name
      : 'index' in other && other.index === e.index
  })
}

/**
 * Refuse update expressions DynamoDB refuses before touching data: overlapping paths and
 * actions on key attributes.
 */
export function checkUpdateActions(
  actions: readonly UpdateAction[],
  keyNames: readonly string[],
): void {
  for (const [i, a] of actions.entries()) {
    for (const b of actions.slice(0, i)) {
      if (isPrefix(a.path, b.path) || isPrefix(b.path, a.path)) {
        throw validation(
          `Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: ${
            describePath(b.path)
          }, path two: ${describePath(a.path)}`,
        )
      }
    }
  }
  for (const action of actions) {
    const first = action.path.elements[0]
    if (first && 'name' in first && keyNames.includes(first.name)) {
      throw validation(
        `One or more parameter values were invalid: Cannot update attribute ${first.name}. This attribute is part of the key`,
      )
    }
  }
}

function parentOf(item: Item, path: PathNode): AttributeValue | Item | undefined {
  if (path.elements.length === 1) return item
  return resolvePath(item, { kind: 'path', elements: path.elements.slice(0, -1) })
}

function setAt(item: Item, path: PathNode, value: AttributeValue): void {
  const parent = parentOf(item, path)
  const last = path.elements[path.elements.length - 1]
  if (!parent || !last) throw validation(INVALID_PATH)
  if (parent === item && 'name' in last) {
    setAttribute(item, last.name, value)
  } else if ('name' in last && 'M' in parent) {
    setAttribute(parent.M as Item, last.name, value)
  } else if ('index' in last && 'L' in parent) {
    const list = parent.L as AttributeValue[]
    // An index past the end appends, as DynamoDB does.
    if (last.index >= list.length) list.push(value)
    else list[last.index] = value
  } else {
    throw validation(INVALID_PATH)
  }
}

function removeAt(item: Item, path: PathNode): void {
  const parent = parentOf(item, path)
  const last = path.elements[path.elements.length - 1]
  if (!parent || !last) return
  if (parent === item && 'name' in last) delete item[last.name]
  else if ('name' in last && 'M' in parent) delete (parent.M as Item)[last.name]
  else if ('index' in last && 'L' in parent) (parent.L as AttributeValue[]).splice(last.index, 1)
}

function addTo(current: AttributeValue | undefined, value: AttributeValue): AttributeValue {
  if ('N' in value) {
    if (current === undefined) return value
    if (!('N' in current)) throw validation(WRONG_TYPE)
    const a = parseDecimal(current.N)
    const b = parseDecimal(value.N)
    if (!a || !b) throw validation(WRONG_TYPE)
    const sum = addDecimal(a, b)
    const problem = decimalProblem(sum)
    if (problem) throw validation(problem)
    return { N: formatDecimal(sum) }
  }
  if (current === undefined) return value
  if ('SS' in value && 'SS' in current) {
    return { SS: union(current.SS, value.SS, (m) => ({ S: m })) }
  }
  if ('NS' in value && 'NS' in current) {
    return { NS: union(current.NS, value.NS, (m) => ({ N: m })) }
  }
  if ('BS' in value && 'BS' in current) {
    return { BS: union(current.BS, value.BS, (m) => ({ B: m })) }
  }
  throw validation(WRONG_TYPE)
}

function union(a: string[], b: string[], wrap: (m: string) => AttributeValue): string[] {
  const out = [...a]
  for (const m of b) if (!out.some((x) => valuesEqual(wrap(x), wrap(m)))) out.push(m)
  return out
}

function deleteFrom(
  current: AttributeValue | undefined,
  value: AttributeValue,
): AttributeValue | undefined {
  if (current === undefined) return undefined
  const minus = (a: string[], b: string[], wrap: (m: string) => AttributeValue): string[] =>
    a.filter((x) => !b.some((m) => valuesEqual(wrap(x), wrap(m))))
  let rest: AttributeValue
  if ('SS' in value && 'SS' in current) {
    rest = { SS: minus(current.SS, value.SS, (m) => ({ S: m })) }
  } else if ('NS' in value && 'NS' in current) {
    rest = { NS: minus(current.NS, value.NS, (m) => ({ N: m })) }
  } else if ('BS' in value && 'BS' in current) {
    rest = { BS: minus(current.BS, value.BS, (m) => ({ B: m })) }
  } else throw validation(WRONG_TYPE)
  // A set emptied by DELETE disappears: DynamoDB has no empty sets.
  return (Object.values(rest)[0] as string[]).length === 0 ? undefined : rest
}

/** The updated copy of `original` (which stays untouched). */
export function applyUpdate(original: Item, actions: readonly UpdateAction[]): Item {
  const values = actions.map((action) => {
    if (action.kind === 'SET') {
      const value = evaluateOperand(action.value, original)
      if (value === undefined) {
        throw validation(
          'The provided expression refers to an attribute that does not exist in the item',
        )
      }
      return value
    }
    if (action.kind === 'ADD') return addTo(resolvePath(original, action.path), action.value)
    if (action.kind === 'DELETE') {
      return deleteFrom(resolvePath(original, action.path), action.value)
    }
    return undefined
  })
  const item = cloneItem(original)
  actions.forEach((action, i) => {
    if (action.kind === 'REMOVE') return
    const value = values[i]
    if (value === undefined) removeAt(item, action.path)
    else setAt(item, action.path, structuredClone(value))
  })
  // Remove list elements from the highest index down so earlier removals do not shift later ones.
  const removals = actions.filter((a) => a.kind === 'REMOVE')
  const indexOf = (a: UpdateAction): number => {
    const last = a.path.elements[a.path.elements.length - 1]
    return last && 'index' in last ? last.index : -1
  }
  for (const action of [...removals].sort((a, b) => indexOf(b) - indexOf(a))) {
    removeAt(item, action.path)
  }
  return item
}

/** The paths an update touched (for ReturnValues UPDATED_OLD / UPDATED_NEW). */
export function updatedPaths(actions: readonly UpdateAction[]): PathNode[] {
  return actions.map((a) => a.path)
}
