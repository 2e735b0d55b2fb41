/**
 * The UpdateExpression parser: `SET`, `REMOVE`, `ADD` and `DELETE` clauses, each at most once
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html).
 */
import type { ExpressionScope, UpdateAction } from './dynamodb-ast.ts'
import { ExpressionParser } from './dynamodb-expressions.ts'

const TYPE_NAMES: Record<string, string> = {
  S: 'STRING',
  N: 'NUMBER',
  B: 'BINARY',
  BOOL: 'BOOLEAN',
  NULL: 'NULL',
  L: 'LIST',
  M: 'MAP',
}

class UpdateParser extends ExpressionParser {
  // update ::= ( SET action, ... | REMOVE path, ... | ADD path :v, ... | DELETE path :v, ... )+
  update(): UpdateAction[] {
    const actions: UpdateAction[] = []
    const seen = new Set<string>()
    do {
      const token = this.peek()
      const clause = token.kind === 'name' ? token.text.toUpperCase() : ''
      if (!['SET', 'REMOVE', 'ADD', 'DELETE'].includes(clause)) throw this.unexpected()
      if (seen.has(clause)) {
        throw this.fail(`The "${clause}" section can only be used once in an update expression;`)
      }
      seen.add(clause)
      this.next()
      for (;;) {
        actions.push(this.updateAction(clause as UpdateAction['kind']))
        if (this.peek().text !== ',') break
        this.next()
      }
    } while (this.peek().kind !== 'eof')
    return actions
  }

  updateAction(clause: UpdateAction['kind']): UpdateAction {
    const path = this.path()
    if (clause === 'REMOVE') return { kind: 'REMOVE', path }
    if (clause === 'SET') {
      this.expect('=')
      const left = this.operand(true)
      const op = this.peek()
      if (op.kind === 'punct' && (op.text === '+' || op.text === '-')) {
        this.next()
        return {
          kind: 'SET',
          path,
          value: { kind: 'arith', op: op.text, left, right: this.operand(true) },
        }
      }
      return { kind: 'SET', path, value: left }
    }
    const token = this.peek()
    if (token.kind !== 'attrValue') throw this.unexpected()
    this.next()
    const value = this.resolveValue(token.text)
    const type = Object.keys(value)[0] as string
    const allowed = clause === 'ADD' ? ['N', 'SS', 'NS', 'BS'] : ['SS', 'NS', 'BS']
    if (!allowed.includes(type)) {
      throw this.fail(
        `Incorrect operand type for operator or function; operator: ${clause}, operand type: ${
          TYPE_NAMES[type] ?? type
        }`,
      )
    }
    return { kind: clause, path, value }
  }
}

/** Parse an UpdateExpression into its actions, in order. */
export function parseUpdate(source: string, scope: ExpressionScope): UpdateAction[] {
  const parser = new UpdateParser(source, 'UpdateExpression', scope)
  const actions = parser.update()
  parser.end()
  return actions
}
