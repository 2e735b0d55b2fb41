/**
 * The error of a DynamoDB call that succeeded but whose output could not be converted to plain
 * JavaScript: typically a number with more digits than a JavaScript number keeps (DynamoDB keeps
 * 38), read without `wrapNumbers`. The call's effect stands (an UpdateItem was applied, and
 * repeating it would apply it twice), so the error says so, names the operation, table and
 * attribute, and carries the output in AttributeValue form so nothing is lost.
 */
import { StsRefreshError } from '../errors.ts'
import { unmarshallValue } from './marshall.ts'
import type { AttributeValue } from './types.ts'
import { outputFromWire, UnconvertibleItem } from './wire.ts'
import type { Conversion, Location } from './wire.ts'

/** Options of {@link OutputConversionError}. */
export interface OutputConversionErrorOptions {
  readonly operation: string
  /** The table of the item that could not be converted, when known. */
  readonly tableName?: string | undefined
  /** Where the value sits in the output, e.g. `Attributes.price` or `Items[3].tags`. */
  readonly path?: string | undefined
  /** The item's attribute holding it, e.g. `price`. */
  readonly attribute?: string | undefined
  /** True when the operation wrote (PutItem, UpdateItem, DeleteItem, TransactWriteItems). */
  readonly applied: boolean
  /** The whole output, AttributeValues as `raw: true` returns them. */
  readonly output: Record<string, unknown>
  readonly requestId?: string | undefined
  /** The conversion's error (a `ConfigError` from `unmarshall`). */
  readonly cause?: unknown
}

/**
 * A DynamoDB call SUCCEEDED, but its output could not be converted to plain JavaScript (with the
 * default options, a number no JavaScript number holds exactly is refused rather than rounded).
 * Not a failure of the call: a write was applied (`applied`), so do not repeat it. `output`
 * holds the whole output as AttributeValues (what `raw: true` returns); pass `raw: true`, or
 * create the client with `unmarshallOptions: { wrapNumbers: true }` for exact `NumberValue`s,
 * to read such items. Code `OutputConversionError`.
 */
export class OutputConversionError extends StsRefreshError {
  override name = 'OutputConversionError'
  readonly service = 'DynamoDB'
  readonly operation: string
  readonly tableName: string | undefined
  readonly path: string | undefined
  readonly attribute: string | undefined
  readonly applied: boolean
  readonly output: Record<string, unknown>
  readonly requestId: string | undefined

  constructor(message: string, options: OutputConversionErrorOptions) {
    super('OutputConversionError', message, { cause: options.cause })
    this.operation = options.operation
    this.tableName = options.tableName
    this.path = options.path
    this.attribute = options.attribute
    this.applied = options.applied
    this.output = options.output
    this.requestId = options.requestId
  }
}

/** True for an {@link OutputConversionError}, also one from a second copy of this package. */
export function isOutputConversionError(error: unknown): error is OutputConversionError {
  return (
    error instanceof OutputConversionError ||
    (typeof error === 'object' &&
      error !== null &&
      (error as { name?: unknown }).name === 'OutputConversionError')
  )
}

// The operations whose success changed the table.
const WRITES = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'TransactWriteItems',
  'BatchWriteItem',
])

type Wire = Record<string, unknown>

function field(value: unknown, key: string | number): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string | number, unknown>)[key]
    : undefined
}

/** The table of the item at `location`: the input's TableName, or the table member it sits under. */
function tableOf(operation: string, input: unknown, location: Location): string | undefined {
  const direct = field(input, 'TableName')
  if (typeof direct === 'string') return direct
  const [top, second] = location
  // TransactGetItems: Responses[i] answers TransactItems[i].
  if (operation === 'TransactGetItems' && top === 'Responses' && typeof second === 'number') {
    const name = field(field(field(field(input, 'TransactItems'), second), 'Get'), 'TableName')
    return typeof name === 'string' ? name : undefined
  }
  // Batch responses, unprocessed requests and item collection metrics are keyed by table.
  return typeof second === 'string' ? second : undefined
}

/** The first attribute of `item` that does not convert on its own. */
function attributeOf(item: unknown, conversion: Conversion): string | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined
  for (const [name, value] of Object.entries(item)) {
    try {
      unmarshallValue(value as AttributeValue, conversion.unmarshallOptions)
    } catch {
      return name
    }
  }
  return undefined
}

/** What the caller gets instead of the converted output: AttributeValues, else the JSON as sent. */
function rawOutput(operation: string, wire: Wire, conversion: Conversion): Wire {
  try {
    return outputFromWire(operation, wire, { ...conversion, raw: true })
  } catch {
    return wire
  }
}

/** The facts of a successful call whose output could not be converted. */
export interface ConversionFailure {
  readonly operation: string
  /** The caller's input (for the table name). */
  readonly input: unknown
  /** The output as parsed from the wire. */
  readonly wire: Wire
  readonly conversion: Conversion
  readonly requestId?: string | undefined
  /** What `outputFromWire` threw. */
  readonly error: unknown
}

/**
 * The error to throw for a successful call whose output could not be converted: an
 * {@link OutputConversionError} when the conversion of an item failed; anything else unchanged.
 */
export function outputConversionError(failure: ConversionFailure): unknown {
  const { operation, error, conversion } = failure
  if (!(error instanceof UnconvertibleItem)) return error
  const tableName = tableOf(operation, failure.input, error.location)
  const applied = WRITES.has(operation)
  const cause = error.cause
  const path = (cause as { key?: unknown } | undefined)?.key
  const problem = cause instanceof Error ? cause.message : String(cause)
  const on = tableName === undefined ? '' : ` on table ${tableName}`
  const effect = applied ? ' (the write was applied: do not repeat it)' : ''
  // unmarshall's number message already suggests wrapNumbers; every failure can be read raw.
  const raw = conversion.raw
    ? ''
    : `${/wrapNumbers/.test(problem) ? ', or' : '; pass'} raw: true to get AttributeValues`
  const what = conversion.raw ? 'decoded' : 'converted to plain JavaScript'
  const message = `DynamoDB.${operation}${on}: SUCCEEDED${effect}, but its output cannot be ` +
    `${what}: ${problem}${raw}. The whole output is in the error's \`output\`` +
    (conversion.raw ? '' : ' (AttributeValues, as raw: true returns them)')
  return new OutputConversionError(message, {
    operation,
    tableName,
    path: typeof path === 'string' ? path : undefined,
    attribute: conversion.raw ? undefined : attributeOf(error.item, conversion),
    applied,
    output: rawOutput(operation, failure.wire, conversion),
    requestId: failure.requestId,
    cause,
  })
}
