/**
 * Reading DynamoDB request members: type checks (SerializationException), AWS's constraint
 * messages (`1 validation error detected: Value ... at 'tableName' failed to satisfy
 * constraint: ...`), and the ExpressionAttributeNames/Values checks every expression-taking
 * operation shares.
 */
import { serialization, validation } from './dynamodb-errors.ts'
import { createScope, type ExpressionScope } from './dynamodb-expressions.ts'
import { isObject, type Item, parseAttributeValue, parseItem } from './dynamodb-values.ts'

/** A decoded request body. */
export type Body = Record<string, unknown>

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1)
}

/** An optional string member. */
export function optionalString(body: Body, name: string): string | undefined {
  const value = body[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') {
    throw serialization(
      typeof value === 'object'
        ? `Start of ${
          Array.isArray(value) ? 'list' : 'structure or map'
        } found where not expected at ${name}`
        : `Unexpected ${typeof value} where a string was expected at ${name}`,
    )
  }
  return value
}

/** An optional boolean member. */
export function optionalBoolean(body: Body, name: string): boolean | undefined {
  const value = body[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') {
    throw serialization(`Unexpected ${typeof value} where a boolean was expected at ${name}`)
  }
  return value
}

/** An optional integer member with AWS's range constraint messages. */
export function optionalInteger(
  body: Body,
  name: string,
  min: number,
  max?: number,
): number | undefined {
  const value = body[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw serialization(`Unexpected ${typeof value} where a number was expected at ${name}`)
  }
  const n = Math.trunc(value)
  if (n < min) constraint(n, name, `Member must have value greater than or equal to ${min}`)
  if (max !== undefined && n > max) {
    constraint(n, name, `Member must have value less than or equal to ${max}`)
  }
  return n
}

/** An optional enum member. */
export function optionalEnum<T extends string>(
  body: Body,
  name: string,
  values: readonly T[],
  label: string = name,
): T | undefined {
  const value = optionalString(body, name)
  if (value === undefined) return undefined
  if (!values.includes(value as T)) {
    constraint(value, label, `Member must satisfy enum value set: [${values.join(', ')}]`)
  }
  return value as T
}

/** An optional JSON object member. */
export function optionalObject(body: Body, name: string): Body | undefined {
  const value = body[name]
  if (value === undefined || value === null) return undefined
  if (!isObject(value)) throw serialization(`Expected map or structure at ${name}`)
  return value
}

/** An optional JSON array member. */
export function optionalArray(body: Body, name: string): unknown[] | undefined {
  const value = body[name]
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value)) throw serialization(`Expected list or null at ${name}`)
  return value
}

/** Throw AWS's single-constraint validation message. */
export function constraint(value: unknown, name: string, rule: string): never {
  const shown = value === null || value === undefined ? 'null' : `'${String(value)}'`
  throw validation(
    `1 validation error detected: Value ${shown} at '${
      lowerFirst(name)
    }' failed to satisfy constraint: ${rule}`,
  )
}

/** A required member that must be present. */
export function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) constraint(undefined, name, 'Member must not be null')
  return value
}

/** A table name checked against DynamoDB's naming rules (3-255 of `[a-zA-Z0-9_.-]`). */
export function checkTableName(value: string, name = 'TableName'): string {
  if (value.length < 3 || value.length > 255) {
    constraint(
      value,
      name,
      value.length < 3
        ? 'Member must have length greater than or equal to 3'
        : 'Member must have length less than or equal to 255',
    )
  }
  if (!/^[a-zA-Z0-9_.-]+$/.test(value)) {
    constraint(value, name, 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+')
  }
  return value
}

/** The request's TableName, required and well-formed. */
export function tableNameOf(body: Body): string {
  return checkTableName(required(optionalString(body, 'TableName'), 'TableName'))
}

/** A required map of AttributeValues (Item, Key). */
export function requiredItem(body: Body, name: string): Item {
  const value = body[name]
  if (value === undefined || value === null) constraint(undefined, name, 'Member must not be null')
  return parseItem(value, name)
}

/** The expression-related members of one request, parsed into a scope. */
export interface ExpressionInput {
  readonly scope: ExpressionScope
  readonly names: Record<string, string> | undefined
  readonly values: Item | undefined
}

/** Read and validate ExpressionAttributeNames and ExpressionAttributeValues. */
export function expressionInput(body: Body): ExpressionInput {
  const rawNames = optionalObject(body, 'ExpressionAttributeNames')
  const rawValues = optionalObject(body, 'ExpressionAttributeValues')
  let names: Record<string, string> | undefined
  let values: Item | undefined
  if (rawNames) {
    if (Object.keys(rawNames).length === 0) {
      throw validation('ExpressionAttributeNames must not be empty')
    }
    names = {}
    for (const [key, name] of Object.entries(rawNames)) {
      if (!/^#[A-Za-z0-9_]+$/.test(key)) {
        throw validation(
          `ExpressionAttributeNames contains invalid key: Syntax error; key: "${key}"`,
        )
      }
      if (typeof name !== 'string') {
        throw serialization(`Unexpected value type at ExpressionAttributeNames.${key}`)
      }
      if (name === '') {
        throw validation(
          `ExpressionAttributeNames contains invalid value: Empty attribute name for key ${key}`,
        )
      }
      names[key] = name
    }
  }
  if (rawValues) {
    if (Object.keys(rawValues).length === 0) {
      throw validation('ExpressionAttributeValues must not be empty')
    }
    values = {}
    for (const [key, raw] of Object.entries(rawValues)) {
      if (!/^:[A-Za-z0-9_]+$/.test(key)) {
        throw validation(
          `ExpressionAttributeValues contains invalid key: Syntax error; key: "${key}"`,
        )
      }
      try {
        values[key] = parseAttributeValue(raw, `ExpressionAttributeValues.${key}`)
      } catch (error) {
        if (error instanceof Error && 'code' in error && error.code === 'ValidationException') {
          throw validation(
            `ExpressionAttributeValues contains invalid value: ${error.message} for key ${key}`,
          )
        }
        throw error
      }
    }
  }
  return { scope: createScope(names, values), names, values }
}

/**
 * After every expression of a request is parsed: refuse placeholders nothing used, and
 * placeholders given to a request that has no expressions, as DynamoDB does.
 */
export function checkUnused(input: ExpressionInput, anyExpression: boolean): void {
  if (!anyExpression) {
    if (input.names) {
      throw validation('ExpressionAttributeNames can only be specified when using expressions')
    }
    if (input.values) {
      throw validation('ExpressionAttributeValues can only be specified when using expressions')
    }
    return
  }
  const unusedNames = Object.keys(input.names ?? {}).filter((k) => !input.scope.usedNames.has(k))
  if (unusedNames.length > 0) {
    throw validation(
      `Value provided in ExpressionAttributeNames unused in expressions: keys: {${
        unusedNames.join(', ')
      }}`,
    )
  }
  const unusedValues = Object.keys(input.values ?? {}).filter((k) => !input.scope.usedValues.has(k))
  if (unusedValues.length > 0) {
    throw validation(
      `Value provided in ExpressionAttributeValues unused in expressions: keys: {${
        unusedValues.join(', ')
      }}`,
    )
  }
}

/** Refuse legacy (pre-expression) parameters the emulator does not implement, naming them. */
export function refuseLegacy(body: Body, members: readonly string[]): void {
  for (const member of members) {
    if (body[member] !== undefined && body[member] !== null) {
      throw validation(
        `The emulator supports only expression parameters; replace the legacy parameter ${member} with its expression equivalent`,
      )
    }
  }
}
