/**
 * The syntax tree of DynamoDB expressions (condition, filter, key condition, update, projection)
 * and the placeholder scope a request's expressions share.
 */
import type { AttributeValue, Item } from './dynamodb-values.ts'

/** One step of a document path: a map key or a list index. */
export type PathElement = { readonly name: string } | { readonly index: number }

/** A resolved document path such as `a.b[2]`. */
export interface PathNode {
  readonly kind: 'path'
  readonly elements: readonly PathElement[]
}

/** A value an expression computes. */
export type Operand =
  | PathNode
  | { readonly kind: 'value'; readonly value: AttributeValue }
  | { readonly kind: 'size'; readonly path: PathNode }
  | { readonly kind: 'if_not_exists'; readonly path: PathNode; readonly fallback: Operand }
  | { readonly kind: 'list_append'; readonly left: Operand; readonly right: Operand }
  | {
    readonly kind: 'arith'
    readonly op: '+' | '-'
    readonly left: Operand
    readonly right: Operand
  }

/** Comparison operators. */
export type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>='

/** A boolean condition. */
export type Condition =
  | {
    readonly kind: 'compare'
    readonly op: Comparator
    readonly left: Operand
    readonly right: Operand
  }
  | {
    readonly kind: 'between'
    readonly subject: Operand
    readonly low: Operand
    readonly high: Operand
  }
  | { readonly kind: 'in'; readonly subject: Operand; readonly list: readonly Operand[] }
  | { readonly kind: 'and' | 'or'; readonly left: Condition; readonly right: Condition }
  | { readonly kind: 'not'; readonly operand: Condition }
  | {
    readonly kind: 'function'
    readonly name: ConditionFunction
    readonly args: readonly Operand[]
  }

/** Functions that are conditions by themselves. */
export type ConditionFunction =
  | 'attribute_exists'
  | 'attribute_not_exists'
  | 'attribute_type'
  | 'begins_with'
  | 'contains'

/** One action of an update expression. */
export type UpdateAction =
  | { readonly kind: 'SET'; readonly path: PathNode; readonly value: Operand }
  | { readonly kind: 'REMOVE'; readonly path: PathNode }
  | { readonly kind: 'ADD' | 'DELETE'; readonly path: PathNode; readonly value: AttributeValue }

/**
 * Placeholder maps of one request and which entries its expressions used, so the request can be
 * refused for unused ones as AWS does.
 */
export interface ExpressionScope {
  readonly names: Readonly<Record<string, string>> | undefined
  readonly values: Item | undefined
  readonly usedNames: Set<string>
  readonly usedValues: Set<string>
}

/** A scope over a request's ExpressionAttributeNames/Values (already validated). */
export function createScope(names?: Record<string, string>, values?: Item): ExpressionScope {
  return { names, values, usedNames: new Set(), usedValues: new Set() }
}

/** Render a path as AWS quotes it in messages: `[a, b, [2]]`. */
export function describePath(path: PathNode): string {
  return `[${path.elements.map((e) => ('name' in e ? e.name : `[${e.index}]`)).join(', ')}]`
}
