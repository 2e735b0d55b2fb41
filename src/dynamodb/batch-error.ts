/**
 * The error of a batch call that stopped before every write or read was confirmed. Kept apart
 * from the batch loops (batch.ts, loaded on first use) so importing the class costs little.
 */
import { AwsServiceError, isAwsServiceError } from '../errors.ts'
import type { KeysAndAttributes, WriteRequest } from './shapes.ts'
import type { NativeItem } from './types.ts'

/** Options of {@link BatchIncompleteError}. */
export interface BatchIncompleteErrorOptions {
  readonly operation: 'BatchWriteItem' | 'BatchGetItem'
  readonly code: string
  readonly status: number
  readonly requestId?: string
  readonly retryable: boolean
  readonly cause?: unknown
  readonly unprocessedItems?: Record<string, WriteRequest[]>
  readonly unprocessedKeys?: Record<string, KeysAndAttributes>
  readonly responses?: Record<string, NativeItem[]>
}

/**
 * A batch call stopped before every write or read was confirmed: DynamoDB kept returning
 * unprocessed items until retries ran out (code `UnprocessedItems`/`UnprocessedKeys`), or a
 * request failed (the failure's code, status and request id, and the failure as `cause`).
 * Everything else succeeded. Pass `unprocessedItems` (or `unprocessedKeys`) back as
 * `RequestItems` to finish the job.
 */
export class BatchIncompleteError extends AwsServiceError {
  override name = 'BatchIncompleteError'
  /** BatchWriteItem: the writes not confirmed, per table, in the `RequestItems` shape. */
  readonly unprocessedItems: Record<string, WriteRequest[]> | undefined
  /** BatchGetItem: the keys not read, per table, in the `RequestItems` shape. */
  readonly unprocessedKeys: Record<string, KeysAndAttributes> | undefined
  /** BatchGetItem: the items read before the call stopped, per table. */
  readonly responses: Record<string, NativeItem[]> | undefined

  constructor(message: string, options: BatchIncompleteErrorOptions) {
    super(message, { ...options, service: 'DynamoDB' })
    this.unprocessedItems = options.unprocessedItems
    this.unprocessedKeys = options.unprocessedKeys
    this.responses = options.responses
  }
}

/** True for a {@link BatchIncompleteError}, also one from a second copy of this package. */
export function isBatchIncompleteError(error: unknown): error is BatchIncompleteError {
  return (
    error instanceof BatchIncompleteError ||
    (isAwsServiceError(error) && error.name === 'BatchIncompleteError')
  )
}
