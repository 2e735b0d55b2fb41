import { describe, expect, test } from 'bun:test'
import { DynamoDbFault } from '../../src/emulator/dynamodb-errors.ts'
import { evaluateCondition, project } from '../../src/emulator/dynamodb-evaluate.ts'
import {
  createScope,
  type ExpressionScope,
  parseCondition,
  parseProjection,
} from '../../src/emulator/dynamodb-expressions.ts'
import { parseUpdate } from '../../src/emulator/dynamodb-update-parser.ts'
import { applyUpdate, checkUpdateActions } from '../../src/emulator/dynamodb-update.ts'
import type { Item } from '../../src/emulator/dynamodb-values.ts'

const scope = (names: Record<string, string> = {}, values: Item = {}): ExpressionScope =>
  createScope(names, values)

function failure(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(DynamoDbFault)
    expect((error as DynamoDbFault).code).toBe('ValidationException')
    return (error as Error).message
  }
  throw new Error('expected a ValidationException')
}

const item: Item = {
  id: { S: 'a1' },
  n: { N: '5' },
  s: { S: 'hello world' },
  tags: { SS: ['x', 'y'] },
  nums: { NS: ['1', '2.5'] },
  arr: { L: [{ S: 'p' }, { N: '7' }] },
  mp: { M: { leaf: { S: 'deep' }, count: { N: '3' } } },
  flag: { BOOL: true },
  nothing: { NULL: true },
  bin: { B: 'AQID' },
}

const holds = (text: string, names: Record<string, string> = {}, values: Item = {}): boolean =>
  evaluateCondition(parseCondition(text, 'ConditionExpression', scope(names, values)), item)

describe('condition expressions', () => {
  test('comparisons, including numbers compared numerically', () => {
    expect(holds('n = :v', {}, { ':v': { N: '5.0' } })).toBe(true)
    expect(holds('n < :v', {}, { ':v': { N: '10' } })).toBe(true)
    expect(holds('n > :v', {}, { ':v': { N: '10' } })).toBe(false)
    expect(holds('n <> :v', {}, { ':v': { S: '5' } })).toBe(true)
    expect(holds('absent <> :v', {}, { ':v': { S: '5' } })).toBe(true)
    expect(holds('absent = :v', {}, { ':v': { S: '5' } })).toBe(false)
    expect(holds('s >= :v', {}, { ':v': { S: 'hello' } })).toBe(true)
    expect(holds('n < :v', {}, { ':v': { S: 'z' } })).toBe(false)
    expect(holds('tags = :v', {}, { ':v': { SS: ['y', 'x'] } })).toBe(true)
    expect(holds('mp.leaf = :v', {}, { ':v': { S: 'deep' } })).toBe(true)
    expect(holds('arr[1] = :v', {}, { ':v': { N: '7' } })).toBe(true)
  })

  test('BETWEEN, IN, AND/OR/NOT and parentheses with AWS precedence', () => {
    expect(holds('n BETWEEN :a AND :b', {}, { ':a': { N: '5' }, ':b': { N: '6' } })).toBe(true)
    expect(holds('n between :a and :b', {}, { ':a': { N: '6' }, ':b': { N: '9' } })).toBe(false)
    expect(holds('n IN (:a, :b)', {}, { ':a': { N: '1' }, ':b': { N: '5' } })).toBe(true)
    expect(holds('n IN (:a)', {}, { ':a': { N: '1' } })).toBe(false)
    // AND binds tighter than OR: true OR (false AND false).
    const v = { ':t': { N: '5' }, ':f': { N: '0' } }
    expect(holds('n = :t OR n = :f AND n = :f', {}, v)).toBe(true)
    expect(holds('(n = :t OR n = :f) AND n = :f', {}, v)).toBe(false)
    expect(holds('NOT n = :f', {}, { ':f': { N: '0' } })).toBe(true)
    expect(holds('NOT (n = :t)', {}, { ':t': { N: '5' } })).toBe(false)
  })

  test('functions', () => {
    expect(holds('attribute_exists(id)')).toBe(true)
    expect(holds('attribute_not_exists(id)')).toBe(false)
    expect(holds('attribute_not_exists(#k)', { '#k': 'extra' })).toBe(true)
    expect(holds('attribute_exists(mp.leaf)')).toBe(true)
    expect(holds('attribute_type(n, :t)', {}, { ':t': { S: 'N' } })).toBe(true)
    expect(holds('attribute_type(n, :t)', {}, { ':t': { S: 'S' } })).toBe(false)
    expect(holds('begins_with(s, :p)', {}, { ':p': { S: 'hell' } })).toBe(true)
    expect(holds('begins_with(bin, :p)', {}, { ':p': { B: 'AQ==' } })).toBe(true)
    expect(holds('contains(s, :p)', {}, { ':p': { S: 'o w' } })).toBe(true)
    expect(holds('contains(tags, :p)', {}, { ':p': { S: 'y' } })).toBe(true)
    expect(holds('contains(nums, :p)', {}, { ':p': { N: '2.50' } })).toBe(true)
    expect(holds('contains(arr, :p)', {}, { ':p': { S: 'p' } })).toBe(true)
    expect(holds('size(s) = :n', {}, { ':n': { N: '11' } })).toBe(true)
    expect(holds('size(tags) > :n', {}, { ':n': { N: '1' } })).toBe(true)
    expect(holds('size(mp) = :n', {}, { ':n': { N: '2' } })).toBe(true)
    expect(holds('size(absent) = :n', {}, { ':n': { N: '0' } })).toBe(false)
  })

  test('placeholders are resolved and their use recorded', () => {
    const s = scope({ '#a': 'n', '#b': 'unused' }, { ':v': { N: '5' }, ':w': { N: '1' } })
    parseCondition('#a = :v', 'ConditionExpression', s)
    expect([...s.usedNames]).toEqual(['#a'])
    expect([...s.usedValues]).toEqual([':v'])
  })

  test('bad syntax is a ValidationException quoting the token, never a crash', () => {
    const values = { ':v': { N: '1' } }
    expect(failure(() => parseCondition('a = ', 'ConditionExpression', scope({}, values)))).toBe(
      'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "="',
    )
    expect(failure(() => parseCondition('attribute_not_exists(', 'ConditionExpression', scope())))
      .toBe(
        'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "("',
      )
    expect(failure(() => parseCondition('a = = :v', 'FilterExpression', scope({}, values)))).toBe(
      'Invalid FilterExpression: Syntax error; token: "=", near: "= ="',
    )
    expect(failure(() => parseCondition('(a = :v', 'ConditionExpression', scope({}, values)))).toBe(
      'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: ":v"',
    )
    expect(failure(() => parseCondition('a = :v)', 'ConditionExpression', scope({}, values)))).toBe(
      'Invalid ConditionExpression: Syntax error; token: ")", near: ":v)"',
    )
    expect(failure(() => parseCondition('', 'ConditionExpression', scope()))).toBe(
      'Invalid ConditionExpression: The expression can not be empty;',
    )
    expect(failure(() => parseCondition('a $ b', 'ConditionExpression', scope()))).toStartWith(
      'Invalid ConditionExpression: Syntax error; token: "$"',
    )
  })

  test('semantic errors carry AWS wording', () => {
    expect(
      failure(() =>
        parseCondition('#x = :v', 'ConditionExpression', scope({}, { ':v': { N: '1' } }))
      ),
    ).toBe(
      'Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #x',
    )
    expect(failure(() => parseCondition('a = :nope', 'ConditionExpression', scope()))).toBe(
      'Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :nope',
    )
    expect(
      failure(() =>
        parseCondition('status = :v', 'ConditionExpression', scope({}, { ':v': { N: '1' } }))
      ),
    ).toBe(
      'Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status',
    )
    expect(failure(() => parseCondition('foo(a)', 'ConditionExpression', scope()))).toBe(
      'Invalid ConditionExpression: Invalid function name; function: foo',
    )
    expect(failure(() => parseCondition('attribute_exists(a, b)', 'ConditionExpression', scope())))
      .toBe(
        'Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2',
      )
    expect(
      failure(() =>
        parseCondition(
          'attribute_exists(:v)',
          'ConditionExpression',
          scope({}, { ':v': { N: '1' } }),
        )
      ),
    ).toBe(
      'Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists',
    )
    expect(
      failure(() =>
        parseCondition(
          'attribute_type(a, :t)',
          'ConditionExpression',
          scope({}, { ':t': { S: 'X' } }),
        )
      ),
    ).toBe(
      'Invalid ConditionExpression: Invalid attribute type name found; type: X, valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }',
    )
    expect(
      failure(() =>
        parseCondition(
          'if_not_exists(a, :v) = :v',
          'ConditionExpression',
          scope({}, { ':v': { N: '1' } }),
        )
      ),
    ).toBe(
      'Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: if_not_exists',
    )
  })
})

describe('update expressions', () => {
  const base: Item = {
    id: { S: 'k' },
    n: { N: '0.1' },
    tags: { SS: ['a', 'b'] },
    arr: { L: [{ N: '1' }] },
  }
  const run = (
    text: string,
    values: Item = {},
    names: Record<string, string> = {},
    from: Item = base,
  ): Item => {
    const actions = parseUpdate(text, scope(names, values))
    checkUpdateActions(actions, ['id'])
    return applyUpdate(from, actions)
  }

  test('SET with arithmetic is exact, and operands read the item before the update', () => {
    const out = run('SET n = n + :d, m = n', { ':d': { N: '0.2' } })
    expect(out.n).toEqual({ N: '0.3' })
    expect(out.m).toEqual({ N: '0.1' })
    expect(base.n).toEqual({ N: '0.1' })
    expect(run('SET n = :a - n', { ':a': { N: '1' } }).n).toEqual({ N: '0.9' })
  })

  test('if_not_exists, list_append, nested paths and arr indexes', () => {
    expect(run('SET c = if_not_exists(c, :z)', { ':z': { N: '0' } }).c).toEqual({ N: '0' })
    expect(run('SET n = if_not_exists(n, :z)', { ':z': { N: '0' } }).n).toEqual({ N: '0.1' })
    expect(run('SET arr = list_append(arr, :l)', { ':l': { L: [{ N: '2' }] } }).arr).toEqual({
      L: [{ N: '1' }, { N: '2' }],
    })
    expect(run('SET arr[5] = :v', { ':v': { S: 'end' } }).arr).toEqual({
      L: [{ N: '1' }, { S: 'end' }],
    })
    expect(run('SET m = :m, extra = :v', { ':m': { M: {} }, ':v': { S: 'x' } }).m).toEqual({
      M: {},
    })
    const nested = run('SET m.a = :v', { ':v': { S: 'x' } }, {}, { ...base, m: { M: {} } })
    expect(nested.m).toEqual({ M: { a: { S: 'x' } } })
  })

  test('REMOVE, ADD and DELETE', () => {
    const from: Item = { ...base, gone: { NS: ['1', '2'] } }
    const out = run(
      'REMOVE n, arr[0] ADD tags :t, c :one DELETE gone :g',
      { ':t': { SS: ['c', 'a'] }, ':one': { N: '1' }, ':g': { NS: ['2.0'] } },
      {},
      from,
    )
    expect(out.n).toBeUndefined()
    expect(out.arr).toEqual({ L: [] })
    expect(out.c).toEqual({ N: '1' })
    expect(out.tags).toEqual({ SS: ['a', 'b', 'c'] })
    expect(out.gone).toEqual({ NS: ['1'] })
    expect(run('DELETE tags :all', { ':all': { SS: ['a', 'b'] } }).tags).toBeUndefined()
    expect(run('ADD n :d', { ':d': { N: '-0.1' } }).n).toEqual({ N: '0' })
  })

  test('runtime and static errors use AWS messages', () => {
    expect(failure(() => run('SET x = y + :d', { ':d': { N: '1' } }))).toBe(
      'The provided expression refers to an attribute that does not exist in the item',
    )
    expect(failure(() => run('SET x = tags + :d', { ':d': { N: '1' } }))).toBe(
      'An operand in the update expression has an incorrect data type',
    )
    expect(failure(() => run('ADD tags :d', { ':d': { N: '1' } }))).toBe(
      'An operand in the update expression has an incorrect data type',
    )
    expect(failure(() => run('ADD x :s', { ':s': { S: 'str' } }))).toBe(
      'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING',
    )
    expect(failure(() => run('DELETE tags :n', { ':n': { N: '1' } }))).toBe(
      'Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER',
    )
    expect(failure(() => run('SET a = :v, a = :v', { ':v': { N: '1' } }))).toBe(
      'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]',
    )
    expect(failure(() => run('SET m = :v REMOVE m.x', { ':v': { N: '1' } }))).toBe(
      'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [m], path two: [m, x]',
    )
    expect(failure(() => run('SET id = :v', { ':v': { S: 'x' } }))).toBe(
      'One or more parameter values were invalid: Cannot update attribute id. This attribute is part of the key',
    )
    expect(failure(() => run('SET a = :v SET b = :v', { ':v': { N: '1' } }))).toBe(
      'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;',
    )
    expect(failure(() => run('SET a = :v,', { ':v': { N: '1' } }))).toBe(
      'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: ","',
    )
    expect(failure(() => run('UPSERT a = :v', { ':v': { N: '1' } }))).toBe(
      'Invalid UpdateExpression: Syntax error; token: "UPSERT", near: "UPSERT"',
    )
    expect(failure(() => run('SET absent.x = :v', { ':v': { N: '1' } }))).toBe(
      'The document path provided in the update expression is invalid for update',
    )
    expect(
      failure(() =>
        run('SET n = n + :d', { ':d': { N: '1e125' } }, {}, { id: { S: 'k' }, n: { N: '9.9e125' } })
      ),
    ).toBe(
      'Number overflow. Attempting to store a number with magnitude larger than supported range',
    )
  })
})

describe('projection expressions', () => {
  test('top-level, nested and arr element paths', () => {
    const paths = parseProjection('id, #m.leaf, arr[1], absent', scope({ '#m': 'mp' }))
    expect(project(item, paths)).toEqual({
      id: { S: 'a1' },
      mp: { M: { leaf: { S: 'deep' } } },
      arr: { L: [{ N: '7' }] },
    })
  })
})
