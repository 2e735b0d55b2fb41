/**
 * Building an {@link OutputConversionError} from a failed conversion: which table, attribute and
 * effect to name, and the raw output to carry. Loaded only when a conversion fails (client.ts).
 */
import { unmarshallValue } from './marshall.ts'
import { OutputConversionError } from './output-error.ts'
import type { AttributeValue } from './types.ts'
import { outputFromWire, UnconvertibleItem } from './wire.ts'
import type { Conversion, Location } from './wire.ts'

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
