/**
 * One HTTP exchange of one attempt: fetch raced against the caller's abort signal and a
 * per-attempt timeout on the injected clock, so even a fetch that ignores its signal cannot
 * hang a call. Error bodies are read inside the same timed window.
 */
import type { Clock, FetchLike } from '../types.ts'

/** What to send, and the limits of this one attempt. */
export interface ExchangeInput {
  readonly fetch: FetchLike
  readonly clock: Clock
  readonly url: URL
  readonly init: RequestInit
  /** The caller's signal: its abort rejects the exchange with the abort reason. */
  readonly signal?: AbortSignal | undefined
  readonly timeoutMs?: number | undefined
  /** Names the call in the timeout's abort reason. */
  readonly what: string
  /** Statuses whose body is handed back unread; for the others the body is read as text. */
  readonly isSuccess: (status: number) => boolean
}

/** A response (with its error body read when it is not a success), or a transport failure. */
export type ExchangeResult =
  | { readonly response: Response; readonly errorBody?: string }
  | { readonly failure: 'timeout' | 'network'; readonly cause: unknown }

/** Run one exchange. Rejects only with the caller's abort reason. */
export async function exchange(input: ExchangeInput): Promise<ExchangeResult> {
  const { clock, signal: callerSignal, timeoutMs } = input
  const controller = new AbortController()
  const signal = callerSignal
    ? AbortSignal.any([callerSignal, controller.signal])
    : controller.signal
  let timedOut = false
  const timer = timeoutMs === undefined ? undefined : clock.setTimer(() => {
    timedOut = true
    controller.abort(new DOMException(`${input.what} timed out`, 'TimeoutError'))
  }, timeoutMs)
  let onAbort: () => void = () => {}
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason)
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  aborted.catch(() => {})
  const failed = (cause: unknown): ExchangeResult => {
    if (callerSignal?.aborted) throw callerSignal.reason
    return { failure: timedOut ? 'timeout' : 'network', cause }
  }
  try {
    let response: Response
    try {
      response = await Promise.race([
        input.fetch(input.url.toString(), { ...input.init, signal }),
        aborted,
      ])
    } catch (error) {
      return failed(error)
    }
    if (input.isSuccess(response.status)) return { response }
    let errorBody = ''
    try {
      errorBody = input.init.method === 'HEAD' ? '' : await Promise.race([response.text(), aborted])
    } catch (error) {
      // A body cut short is still an error response; only abort and timeout change the outcome.
      if (callerSignal?.aborted || timedOut) return failed(error)
    }
    return { response, errorBody }
  } finally {
    timer?.cancel()
    signal.removeEventListener('abort', onAbort)
  }
}
