/**
 * DynamoDB puts details in some error bodies that the signed request layer does not keep:
 * `CancellationReasons` (TransactionCanceledException) and `Item` (ConditionalCheckFailedException
 * with ReturnValuesOnConditionCheckFailure). A fetch wrapper keeps the body of each failed
 * response for the call that sent it, found by the per-invocation id header the AWS SDKs send
 * (`amz-sdk-invocation-id`), and the details are attached to the error under the SDK v3 names.
 */
import { isAwsServiceError } from '../errors.ts'
import type { FetchLike } from '../types.ts'
import { outputFromWire } from './wire.ts'
import type { Conversion } from './wire.ts'

/** The header that ties each attempt to its call (constant across retries, like the SDKs'). */
export const INVOCATION_HEADER = 'amz-sdk-invocation-id'

type Wire = Record<string, unknown>

/** Keeps failed responses' bodies for the calls that are being tracked. */
export interface ErrorBodyCapture {
  /** The fetch to hand to the request layer. */
  readonly fetch: FetchLike
  /** Start keeping the error body of invocation `id`. */
  track(id: string): void
  /** The last error body of invocation `id` (if any), and stop tracking it. */
  take(id: string): string | undefined
}

function headerOf(
  input: Request | string | URL,
  init: RequestInit | undefined,
  name: string,
): string | null {
  if (init?.headers) return new Headers(init.headers).get(name)
  return input instanceof Request ? input.headers.get(name) : null
}

/** Wrap `baseFetch` so failed responses' bodies are kept for tracked invocations. */
export function createErrorBodyCapture(baseFetch: FetchLike): ErrorBodyCapture {
  const bodies = new Map<string, string | undefined>()
  return {
    fetch: async (input, init) => {
      const response = await baseFetch(input, init)
      if (response.status >= 400) {
        const id = headerOf(input, init, INVOCATION_HEADER)
        // A clone: the request layer still reads the original to build its error.
        if (id !== null && bodies.has(id)) bodies.set(id, await response.clone().text())
      }
      return response
    },
    track: (id) => void bodies.set(id, undefined),
    take(id) {
      const body = bodies.get(id)
      bodies.delete(id)
      return body
    },
  }
}

/** Attach `CancellationReasons` and `Item` from a DynamoDB error body to the layer's error. */
export function withDetails(
  error: unknown,
  operation: string,
  body: string | undefined,
  conv: Conversion,
): unknown {
  if (!isAwsServiceError(error) || body === undefined) return error
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return error
  }
  if (typeof parsed !== 'object' || parsed === null) return error
  const { CancellationReasons, Item } = parsed as Wire
  if (CancellationReasons === undefined && Item === undefined) return error
  const details = keepingDigits(operation, { CancellationReasons, Item }, conv, 'error')
  for (const key of ['CancellationReasons', 'Item'] as const) {
    if (details[key] !== undefined) {
      Object.defineProperty(error, key, {
        value: details[key],
        enumerable: true,
        configurable: true,
      })
    }
  }
  return error
}

/**
 * Convert wire-form items for an error: if one holds a number no JavaScript number holds
 * exactly, return NumberValues rather than lose the error (and the items) to a conversion error;
 * if one cannot be converted at all, AttributeValues (as `raw: true`), else the wire form.
 */
export function keepingDigits(
  operation: string,
  output: Wire,
  conv: Conversion,
  kind: 'output' | 'error',
): Wire {
  const attempts: Conversion[] = [
    conv,
    { ...conv, unmarshallOptions: { wrapNumbers: true } },
    { ...conv, raw: true },
  ]
  for (const attempt of attempts) {
    try {
      return outputFromWire(operation, output, attempt, kind)
    } catch {
      // The next, more literal, form.
    }
  }
  return output
}
