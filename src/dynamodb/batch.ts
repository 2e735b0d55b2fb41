/**
 * BatchWriteItem and BatchGetItem over any number of items: sent in chunks of DynamoDB's limits
 * (25 writes, 100 keys per request: API Reference, BatchWriteItem and BatchGetItem), with the
 * `UnprocessedItems`/`UnprocessedKeys` DynamoDB hands back resent after a jittered exponential
 * backoff, as the API Reference asks ("we strongly recommend that you use an exponential backoff
 * algorithm"). When retries run out, a request fails, credentials cannot be obtained or the
 * caller's signal aborts, a BatchIncompleteError carries exactly the writes or keys not yet
 * confirmed (and the failure as `cause`), so nothing is dropped silently.
 */
import { sleep } from '../clock.ts'
import { isAwsServiceError, isStsRefreshError } from '../errors.ts'
import type { Clock } from '../types.ts'
import { BatchIncompleteError } from './batch-error.ts'
import type { BatchIncompleteErrorOptions } from './batch-error.ts'
import type { KeysAndAttributes, WriteRequest } from './shapes.ts'
import type { NativeItem } from './types.ts'

/** How unprocessed items are retried. */
export interface BatchRetryOptions {
  /**
   * Give up after this many calls in a row that processed nothing (every item handed back).
   * Calls that make progress reset the count. Default 10.
   */
  readonly maxAttempts?: number
  /**
   * The backoff ceiling after a call that made progress; it doubles with each call in a row
   * that processed nothing. Default 50 ms.
   */
  readonly baseDelayMs?: number
  /** The largest backoff ceiling. Default 5,000 ms. */
  readonly maxDelayMs?: number
}

type Wire = Record<string, unknown>

/** What the batch loops need from the client. */
export interface BatchContext {
  /** Send one request in wire form; resolves to the parsed wire output and the request id. */
  readonly call: (operation: string, input: Wire) => Promise<{ output: Wire; requestId?: string }>
  /** Convert wire-form members back to the caller's form (for results and errors). */
  readonly fromWire: (operation: string, output: Wire) => Wire
  readonly clock: Clock
  readonly signal?: AbortSignal
  readonly retry: BatchRetryOptions
  readonly random?: () => number
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = []
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size))
  return chunks
}

function count(
  groups: Record<string, unknown> | undefined,
  keysOf: (group: unknown) => unknown[],
): number {
  let total = 0
  for (const group of Object.values(groups ?? {})) total += keysOf(group).length
  return total
}

function mergeCapacity(target: Wire, output: Wire): void {
  if (Array.isArray(output.ConsumedCapacity)) {
    target.ConsumedCapacity = [
      ...((target.ConsumedCapacity as unknown[]) ?? []),
      ...output.ConsumedCapacity,
    ]
  }
}

/** Why a batch stopped, as the fields of its BatchIncompleteError (the cause kept whole). */
function describeStop(
  error: unknown,
  signal: AbortSignal | undefined,
): Omit<BatchIncompleteErrorOptions, 'operation'> & { why: string } {
  if (signal?.aborted) {
    // The caller's abort, whatever its reason (even a TimeoutError from AbortSignal.timeout()).
    const reason: unknown = signal.reason
    const text = reason instanceof Error ? reason.message : String(reason)
    return { why: `the call was aborted: ${text}`, code: 'AbortError', status: 0, retryable: false, cause: reason }
  }
  if (isAwsServiceError(error)) {
    return {
      why: error.serviceMessage,
      code: error.code,
      status: error.status,
      ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
      retryable: error.retryable,
      cause: error,
    }
  }
  // No answer from AWS: credentials that could not be obtained (our errors carry a code), or
  // anything else (its name).
  return {
    why: error instanceof Error ? error.message : String(error),
    code: isStsRefreshError(error) ? error.code : error instanceof Error ? error.name : 'Error',
    status: 0,
    retryable: false,
    cause: error,
  }
}

interface LoopOptions<Group> {
  readonly operation: 'BatchWriteItem' | 'BatchGetItem'
  readonly chunks: Record<string, Group>[]
  readonly others: Wire
  readonly requestKey: 'UnprocessedItems' | 'UnprocessedKeys'
  readonly sizeOf: (groups: Record<string, Group> | undefined) => number
  readonly merge: (
    left: Record<string, Group>,
    right: Record<string, Group>,
  ) => Record<string, Group>
  readonly onOutput: (output: Wire) => void
  readonly fail: (
    unprocessed: Record<string, Group>,
    options: Omit<BatchIncompleteErrorOptions, 'operation'>,
    message: string,
  ) => never
}

async function runChunks<Group>(ctx: BatchContext, loop: LoopOptions<Group>): Promise<void> {
  const maxAttempts = Math.max(1, ctx.retry.maxAttempts ?? 10)
  const baseDelayMs = ctx.retry.baseDelayMs ?? 50
  const maxDelayMs = ctx.retry.maxDelayMs ?? 5_000
  const random = ctx.random ?? Math.random
  const total = loop.chunks.reduce((sum, c) => sum + loop.sizeOf(c), 0)
  const what = loop.operation === 'BatchWriteItem' ? 'writes' : 'keys'
  const field = loop.operation === 'BatchWriteItem' ? 'unprocessedItems' : 'unprocessedKeys'
  const rest = (index: number, pending: Record<string, Group>): Record<string, Group> =>
    loop.chunks.slice(index + 1).reduce(loop.merge, pending)

  // Whatever stops the loop (an AWS error, credentials that cannot be obtained, an abort during
  // a request or a backoff), the error lists the writes or keys of this chunk not yet confirmed
  // and every later chunk, so nothing is dropped silently.
  const stop = (index: number, pending: Record<string, Group>, error: unknown): never => {
    const left = rest(index, pending)
    const { why, ...options } = describeStop(error, ctx.signal)
    return loop.fail(
      left,
      options,
      `${why} (${loop.sizeOf(left)} of ${total} ${what} not confirmed; see the error's ${field})`,
    )
  }

  for (let index = 0; index < loop.chunks.length; index++) {
    let pending = loop.chunks[index] as Record<string, Group>
    // Calls in a row that processed nothing; a throttled table that makes progress, however
    // slowly, is followed to the end.
    let stalled = 0
    for (;;) {
      let result: { output: Wire; requestId?: string }
      try {
        result = await ctx.call(loop.operation, { ...loop.others, RequestItems: pending })
      } catch (error) {
        return stop(index, pending, error)
      }
      loop.onOutput(result.output)
      const unprocessed = result.output[loop.requestKey] as Record<string, Group> | undefined
      const left = loop.sizeOf(unprocessed)
      if (left === 0) break
      stalled = left < loop.sizeOf(pending) ? 0 : stalled + 1
      pending = unprocessed as Record<string, Group>
      if (stalled >= maxAttempts) {
        const all = rest(index, pending)
        loop.fail(
          all,
          { code: loop.requestKey, status: 200, requestId: result.requestId, retryable: true },
          `${loop.sizeOf(all)} of ${total} ${what} were not processed: DynamoDB returned ` +
            `every one it was sent as ${loop.requestKey} ${maxAttempts} times in a row; ` +
            `they are in the error's ${field}, pass them as RequestItems to retry later`,
        )
      }
      // Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"); the ceiling
      // doubles with each call in a row that processed nothing.
      const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** stalled)
      try {
        await sleep(Math.floor(random() * ceiling), ctx.signal, ctx.clock)
      } catch (error) {
        return stop(index, pending, error)
      }
    }
  }
}

function mergeWrites(
  left: Record<string, Wire[]>,
  right: Record<string, Wire[]>,
): Record<string, Wire[]> {
  const out: Record<string, Wire[]> = { ...left }
  for (const [table, requests] of Object.entries(right)) {
    out[table] = [...(out[table] ?? []), ...requests]
  }
  return out
}

/** BatchWriteItem over any number of writes; `input` is already in wire form. */
export async function batchWrite(ctx: BatchContext, input: Wire): Promise<Wire> {
  const { RequestItems, ...others } = input
  const flat: [string, Wire][] = []
  for (const [table, requests] of Object.entries((RequestItems ?? {}) as Record<string, Wire[]>)) {
    for (const request of requests) flat.push([table, request])
  }
  // DynamoDB accepts at most 25 put or delete requests per call (API Reference, BatchWriteItem).
  const chunks = chunk(flat, 25).map((part) => mergeWrites({}, groupWrites(part)))
  const result: Wire = { UnprocessedItems: {} }
  await runChunks<Wire[]>(ctx, {
    operation: 'BatchWriteItem',
    chunks,
    others,
    requestKey: 'UnprocessedItems',
    sizeOf: (groups) => count(groups, (g) => g as unknown[]),
    merge: mergeWrites,
    onOutput: (output) => mergeCapacity(result, output),
    fail: (unprocessed, options, message) => {
      const converted = ctx.fromWire('BatchWriteItem', { UnprocessedItems: unprocessed })
      throw new BatchIncompleteError(message, {
        ...options,
        operation: 'BatchWriteItem',
        unprocessedItems: converted.UnprocessedItems as Record<string, WriteRequest[]>,
      })
    },
  })
  return result
}

function groupWrites(part: [string, Wire][]): Record<string, Wire[]> {
  const groups: Record<string, Wire[]> = {}
  for (const [table, request] of part) (groups[table] ??= []).push(request)
  return groups
}

function mergeKeys(left: Record<string, Wire>, right: Record<string, Wire>): Record<string, Wire> {
  const out: Record<string, Wire> = { ...left }
  for (const [table, group] of Object.entries(right)) {
    const existing = out[table]
    out[table] = existing
      ? { ...existing, Keys: [...(existing.Keys as unknown[]), ...(group.Keys as unknown[])] }
      : group
  }
  return out
}

/** BatchGetItem over any number of keys; `input` is already in wire form. */
export async function batchGet(ctx: BatchContext, input: Wire): Promise<Wire> {
  const { RequestItems, ...others } = input
  const flat: [string, Wire, unknown][] = []
  for (const [table, group] of Object.entries((RequestItems ?? {}) as Record<string, Wire>)) {
    const { Keys, ...projection } = group
    for (const key of (Keys ?? []) as unknown[]) flat.push([table, projection, key])
  }
  // At most 100 keys per call (API Reference, BatchGetItem); each chunk keeps each table's
  // projection and consistency settings.
  const chunks = chunk(flat, 100).map((part) => {
    const groups: Record<string, Wire> = {}
    for (const [table, projection, key] of part) {
      const group = (groups[table] ??= { ...projection, Keys: [] })
      ;(group.Keys as unknown[]).push(key)
    }
    return groups
  })
  const responses: Record<string, unknown[]> = {}
  const result: Wire = { UnprocessedKeys: {} }
  const sizeOf = (groups: Record<string, Wire> | undefined): number =>
    count(groups, (g) => ((g as Wire).Keys ?? []) as unknown[])
  await runChunks<Wire>(ctx, {
    operation: 'BatchGetItem',
    chunks,
    others,
    requestKey: 'UnprocessedKeys',
    sizeOf,
    merge: mergeKeys,
    onOutput: (output) => {
      mergeCapacity(result, output)
      for (
        const [table, items] of Object.entries(
          (output.Responses ?? {}) as Record<string, unknown[]>,
        )
      ) {
        ;(responses[table] ??= []).push(...items)
      }
    },
    fail: (unprocessed, options, message) => {
      const converted = ctx.fromWire('BatchGetItem', {
        Responses: responses,
        UnprocessedKeys: unprocessed,
      })
      throw new BatchIncompleteError(message, {
        ...options,
        operation: 'BatchGetItem',
        unprocessedKeys: converted.UnprocessedKeys as Record<string, KeysAndAttributes>,
        responses: converted.Responses as Record<string, NativeItem[]>,
      })
    },
  })
  for (const table of Object.keys((RequestItems ?? {}) as Wire)) responses[table] ??= []
  return { ...result, Responses: responses }
}
