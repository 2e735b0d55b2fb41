/**
 * The error of a batch call that stopped before every write or read was confirmed. Kept apart
 * from the batch loops (batch.ts, loaded on first use) so importing the class costs little.
 */
import { AwsServiceError } from '../errors.ts'
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
 * unprocessed items until retries ran out (code `UnprocessedItems`/`UnprocessedKeys`), a
 * request failed (the failure's code, status and request id, and the failure as `cause`), or
 * the call stopped without an answer from AWS: the caller's signal aborted (code `AbortError`,
 * the signal's reason as `cause`, even if that is a TimeoutError) or credentials could not be
 * obtained (code `CredentialsError`, status 0, the `CredentialsError` as `cause`).
 * Everything else succeeded. Pass `unprocessedItems` (or `unprocessedKeys`) back as
 * `RequestItems` to finish the job: a write in flight when the call stopped may or may not have
 * been applied, and is listed: sending it again puts the same item (or deletes the same key) once
 * more.
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
  // By name too: isAwsServiceError matches a second copy's errors by the name AwsServiceError,
  // which a BatchIncompleteError does not carry.
  return (
    error instanceof BatchIncompleteError ||
    (typeof error === 'object' &&
      error !== null &&
      (error as { name?: unknown }).name === 'BatchIncompleteError')
  )
}
