/**
 * Events of a refreshable session: what they carry and a tiny emitter whose listeners can never
 * break the refresh loop. Events carry masked access key ids and never a secret.
 */
import type { Logger } from '../types.ts'

/**
 * Why a refresh ran: `initial` (first credentials), `scheduled` (the timer, including retries),
 * `advisory` (a `get()` in the advisory window started it in the background), `mandatory` (a
 * `get()` in the mandatory window waited for it), `expired` (a `get()` after expiry, e.g. after
 * the machine slept), `invalidated` (after {@link RefreshableCredentials.invalidate}), `forced`
 * (`get({ forceRefresh: true })`).
 */
export type RefreshReason =
  | 'initial'
  | 'scheduled'
  | 'advisory'
  | 'mandatory'
  | 'expired'
  | 'invalidated'
  | 'forced'

/** Emitted after new credentials were obtained. */
export interface RefreshEvent {
  /** The source's name, e.g. `assume-role`. */
  readonly source: string
  /** The new access key id, masked (`ASIA…WXYZ`). */
  readonly accessKeyId: string
  /** When the new credentials expire; absent for long-term (static) keys. */
  readonly expiration: Date | undefined
  /** How long the source call took, in ms. */
  readonly durationMs: number
  readonly reason: RefreshReason
}

/** Emitted after a refresh failed. */
export interface RefreshErrorEvent {
  /** The source's name, e.g. `assume-role`. */
  readonly source: string
  /** What the source threw (or a `CredentialsError` for unusable credentials). */
  readonly error: unknown
  /** Whether the timer will try again by itself. */
  readonly willRetry: boolean
  /** When `willRetry`, how long until the next attempt, in ms. */
  readonly retryInMs?: number
  /** How much longer the credentials being served stay valid, in ms; absent if there are none. */
  readonly credentialsValidForMs?: number
  readonly reason: RefreshReason
}

/** Event name to payload. */
export interface RefreshEventMap {
  refresh: RefreshEvent
  error: RefreshErrorEvent
}

/** A minimal emitter: `on` returns an unsubscribe function, `emit` never throws. */
export interface RefreshEmitter {
  on<K extends keyof RefreshEventMap>(
    event: K,
    listener: (payload: RefreshEventMap[K]) => void,
  ): () => void
  emit<K extends keyof RefreshEventMap>(event: K, payload: RefreshEventMap[K]): void
}

/**
 * Create a {@link RefreshEmitter}. A listener that throws is logged through `logger.warn` and
 * skipped; the other listeners and the refresh loop carry on.
 */
export function createRefreshEmitter(logger: Logger): RefreshEmitter {
  const listeners: { [K in keyof RefreshEventMap]: Set<(payload: RefreshEventMap[K]) => void> } =
    { refresh: new Set(), error: new Set() }
  return {
    on(event, listener) {
      // Wrap, so the same function registered twice gets two independent subscriptions.
      const entry = (payload: RefreshEventMap[typeof event]): void => listener(payload)
      listeners[event].add(entry)
      return () => void listeners[event].delete(entry)
    },
    emit(event, payload) {
      for (const listener of [...listeners[event]]) {
        try {
          listener(payload)
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error)
          logger.warn(`refreshable: a '${event}' listener threw; ignored`, { error: message })
        }
      }
    },
  }
}
