/**
 * A recursive-descent parser for DynamoDB condition, filter, key-condition and projection
 * expressions (the UpdateExpression parser extends it in `dynamodb-update-parser.ts`), following
 * the grammar in the Developer Guide
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html).
 * Placeholders are resolved while parsing; bad input becomes a ValidationException with AWS's
 * wording (`Invalid ConditionExpression: Syntax error; token: ...`), never a crash.
 */
import { validation } from './dynamodb-errors.ts'
import { isReservedWord } from './dynamodb-reserved.ts'
import { syntaxError, type Token, tokenize } from './dynamodb-tokens.ts'
import type {
  Comparator,
  Condition,
  ConditionFunction,
  ExpressionScope,
  Operand,
  PathElement,
  PathNode,
} from './dynamodb-ast.ts'

export { createScope, describePath } from './dynamodb-ast.ts'
export type {
  Comparator,
  Condition,
  ConditionFunction,
  ExpressionScope,
  Operand,
  PathElement,
  PathNode,
  UpdateAction,
} from './dynamodb-ast.ts'
import type { AttributeValue } from './dynamodb-values.ts'

const COMPARATORS = new Set(['=', '<>', '<', '<=', '>', '>='])
const CONDITION_FUNCTIONS = new Set([
  'attribute_exists',
  'attribute_not_exists',
  'attribute_type',
  'begins_with',
  'contains',
])
const ALL_FUNCTIONS = new Set([...CONDITION_FUNCTIONS, 'size', 'if_not_exists', 'list_append'])
const FUNCTION_ARITY: Record<string, number> = {
  attribute_exists: 1,
  attribute_not_exists: 1,
  attribute_type: 2,
  begins_with: 2,
  contains: 2,
  size: 1,
  if_not_exists: 2,
  list_append: 2,
}

/** The shared recursive-descent machinery: tokens, conditions, operands and paths. */
export class ExpressionParser {
  private readonly tokens: Token[]
  private readonly source: string
  private readonly label: string
  private readonly scope: ExpressionScope
  private pos = 0

  constructor(source: string, label: string, scope: ExpressionScope) {
    this.source = source
    this.label = label
    this.scope = scope
    const tokens = tokenize(source)
    if (!Array.isArray(tokens)) {
      throw this.fail(
        `Syntax error; token: "${tokens.error}", near: "${
          source.slice(Math.max(0, tokens.start - 1), tokens.start + 1)
        }"`,
      )
    }
    if (tokens.length === 1) throw validation(`Invalid ${label}: The expression can not be empty;`)
    this.tokens = tokens
  }

  fail(detail: string): Error {
    return validation(`Invalid ${this.label}: ${detail}`)
  }

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token
  }

  next(): Token {
    const token = this.peek()
    if (this.pos < this.tokens.length - 1) this.pos++
    return token
  }

  unexpected(): Error {
    return this.fail(
      syntaxError(this.source, this.tokens, Math.min(this.pos, this.tokens.length - 1)),
    )
  }

  isKeyword(word: string, offset = 0): boolean {
    const token = this.peek(offset)
    return token.kind === 'name' && token.text.toUpperCase() === word
  }

  expect(text: string): void {
    const token = this.peek()
    if (token.kind !== 'punct' || token.text !== text) throw this.unexpected()
    this.next()
  }

  end(): void {
    if (this.peek().kind !== 'eof') throw this.unexpected()
  }

  // condition ::= or
  condition(): Condition {
    let left = this.andCondition()
    while (this.isKeyword('OR')) {
      this.next()
      left = { kind: 'or', left, right: this.andCondition() }
    }
    return left
  }

  andCondition(): Condition {
    let left = this.notCondition()
    while (this.isKeyword('AND')) {
      this.next()
      left = { kind: 'and', left, right: this.notCondition() }
    }
    return left
  }

  notCondition(): Condition {
    if (this.isKeyword('NOT')) {
      this.next()
      return { kind: 'not', operand: this.notCondition() }
    }
    return this.primaryCondition()
  }

  primaryCondition(): Condition {
    const token = this.peek()
    if (token.kind === 'punct' && token.text === '(') {
      this.next()
      const inner = this.condition()
      this.expect(')')
      return inner
    }
    if (token.kind === 'name' && this.peek(1).text === '(' && CONDITION_FUNCTIONS.has(token.text)) {
      const { name, args } = this.call()
      this.checkConditionFunction(name, args)
      return { kind: 'function', name: name as ConditionFunction, args }
    }
    const subject = this.operand(false)
    const op = this.peek()
    if (op.kind === 'punct' && COMPARATORS.has(op.text)) {
      this.next()
      return {
        kind: 'compare',
        op: op.text as Comparator,
        left: subject,
        right: this.operand(false),
      }
    }
    if (this.isKeyword('BETWEEN')) {
      this.next()
      const low = this.operand(false)
      if (!this.isKeyword('AND')) throw this.unexpected()
      this.next()
      return { kind: 'between', subject, low, high: this.operand(false) }
    }
    if (this.isKeyword('IN')) {
      this.next()
      this.expect('(')
      const list = [this.operand(false)]
      while (this.peek().text === ',') {
        this.next()
        list.push(this.operand(false))
      }
      this.expect(')')
      return { kind: 'in', subject, list }
    }
    throw this.unexpected()
  }

  checkConditionFunction(name: string, args: readonly Operand[]): void {
    const first = args[0]
    if (first?.kind !== 'path') {
      throw this.fail(
        `Operator or function requires a document path; operator or function: ${name}`,
      )
    }
    if (name === 'attribute_type') {
      const type = args[1]
      const valid = ['S', 'SS', 'N', 'NS', 'B', 'BS', 'BOOL', 'NULL', 'L', 'M']
      if (type?.kind !== 'value' || !('S' in type.value) || !valid.includes(type.value.S)) {
        const shown = type?.kind === 'value' && 'S' in type.value
          ? type.value.S
          : String(type?.kind)
        throw this.fail(
          `Invalid attribute type name found; type: ${shown}, valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }`,
        )
      }
    }
    if (name === 'begins_with') {
      const prefix = args[1]
      if (prefix?.kind === 'value' && !('S' in prefix.value) && !('B' in prefix.value)) {
        throw this.fail(
          `Incorrect operand type for operator or function; operator or function: begins_with, operand type: ${
            Object.keys(prefix.value)[0]
          }`,
        )
      }
    }
  }

  // name ( args )
  call(): { name: string; args: Operand[] } {
    const name = this.next().text
    this.expect('(')
    const args: Operand[] = []
    if (this.peek().text !== ')') {
      args.push(this.operand(true))
      while (this.peek().text === ',') {
        this.next()
        args.push(this.operand(true))
      }
    }
    this.expect(')')
    const arity = FUNCTION_ARITY[name]
    if (arity !== undefined && args.length !== arity) {
      throw this.fail(
        `Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${args.length}`,
      )
    }
    return { name, args }
  }

  // operand ::= path | :value | size(path) [| if_not_exists(...) | list_append(...) in updates]
  operand(update: boolean): Operand {
    const token = this.peek()
    if (token.kind === 'attrValue') {
      this.next()
      return { kind: 'value', value: this.resolveValue(token.text) }
    }
    if (token.kind === 'name' && this.peek(1).text === '(') {
      if (!ALL_FUNCTIONS.has(token.text)) {
        throw this.fail(`Invalid function name; function: ${token.text}`)
      }
      const allowed = update ? ['if_not_exists', 'list_append'] : ['size']
      if (!allowed.includes(token.text)) {
        throw this.fail(
          `The function is not allowed to be used this way in an expression; function: ${token.text}`,
        )
      }
      const { name, args } = this.call()
      const [first, second] = args as [Operand, Operand]
      if (name === 'size' || name === 'if_not_exists') {
        if (first.kind !== 'path') {
          throw this.fail(
            `Operator or function requires a document path; operator or function: ${name}`,
          )
        }
        return name === 'size'
          ? { kind: 'size', path: first }
          : { kind: 'if_not_exists', path: first, fallback: second }
      }
      return { kind: 'list_append', left: first, right: second }
    }
    if (token.kind === 'name' || token.kind === 'attrName') return this.path()
    throw this.unexpected()
  }

  // path ::= segment ( '.' segment | '[' n ']' )*
  path(): PathNode {
    const elements: PathElement[] = [{ name: this.segment() }]
    for (;;) {
      const token = this.peek()
      if (token.kind === 'punct' && token.text === '.') {
        this.next()
        elements.push({ name: this.segment() })
      } else if (token.kind === 'punct' && token.text === '[') {
        this.next()
        const index = this.peek()
        if (index.kind !== 'number') throw this.unexpected()
        this.next()
        this.expect(']')
        elements.push({ index: Number(index.text) })
      } else {
        return { kind: 'path', elements }
      }
    }
  }

  segment(): string {
    const token = this.peek()
    if (token.kind === 'attrName') {
      this.next()
      const name = this.scope.names?.[token.text]
      if (name === undefined) {
        throw this.fail(
          `An expression attribute name used in the document path is not defined; attribute name: ${token.text}`,
        )
      }
      this.scope.usedNames.add(token.text)
      return name
    }
    if (token.kind !== 'name') throw this.unexpected()
    if (isReservedWord(token.text)) {
      throw this.fail(`Attribute name is a reserved keyword; reserved keyword: ${token.text}`)
    }
    this.next()
    return token.text
  }

  resolveValue(placeholder: string): AttributeValue {
    const value = this.scope.values?.[placeholder]
    if (value === undefined) {
      throw this.fail(
        `An expression attribute value used in expression is not defined; attribute value: ${placeholder}`,
      )
    }
    this.scope.usedValues.add(placeholder)
    return value
  }
}

/** Parse a ConditionExpression, FilterExpression or KeyConditionExpression. */
export function parseCondition(source: string, label: string, scope: ExpressionScope): Condition {
  const parser = new ExpressionParser(source, label, scope)
  const condition = parser.condition()
  parser.end()
  return condition
}

/** Parse a ProjectionExpression into its document paths. */
export function parseProjection(source: string, scope: ExpressionScope): PathNode[] {
  const parser = new ExpressionParser(source, 'ProjectionExpression', scope)
  const paths = [parser.path()]
  while (parser.peek().text === ',') {
    parser.next()
    paths.push(parser.path())
  }
  parser.end()
  return paths
}
