/**
 * The error of a DynamoDB call that succeeded but whose output could not be converted to plain
 * JavaScript: typically a number with more digits than a JavaScript number keeps (DynamoDB keeps
 * 38), read without `wrapNumbers`. The call's effect stands (an UpdateItem was applied, and
 * repeating it would apply it twice), so the error says so, names the operation, table and
 * attribute, and carries the output in AttributeValue form so nothing is lost. The class is
 * exported with the client; what builds it (output-conversion.ts) loads only when a conversion
 * fails, so it costs the client's bundle nothing up front.
 */
import { StsRefreshError } from '../errors.ts'

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
