/**
 * The options and the observable state of a refreshable session (see refreshable.ts). Defaults
 * and the reasoning behind the window sizes are in refresh-windows.ts.
 */
import { ConfigError } from '../errors.ts'
import type { Clock, Logger } from '../types.ts'
import { DEFAULT_MIN_BACKOFF_MS } from './refresh-windows.ts'
import type { RefreshWindow } from './refresh-windows.ts'

/** Options of `refreshable()`. */
export interface RefreshableOptions {
  /** Time source; default `systemClock`. Its timers must not keep a process alive. */
  clock?: Clock
  /** Receives debug lines (refreshes) and warnings (failures); default `silentLogger`. */
  logger?: Logger
  /** Name in events, logs and errors; default the source's `sourceName`, `name`, or `custom`. */
  sourceName?: string
  /** Background-refresh window before expiry; default 10 % of the lifetime, at most 15 min. */
  advisoryWindowMs?: RefreshWindow
  /** Callers-wait window before expiry; default 5 % of the lifetime, at most 60 s. */
  mandatoryWindowMs?: RefreshWindow
  /** The scheduled refresh moves earlier by up to this fraction of the advisory window; 0.2. */
  jitter?: number
  /** Random numbers in [0, 1) for jitter and backoff; default `Math.random`. */
  random?: () => number
  /**
   * Run the refresh timer once the first credentials arrive (default true). The first fetch is
   * lazy either way: it happens on the first `get()`, or at once when `start()` is called.
   */
  autoStart?: boolean
  /** Which failures are transient; default `isTransientRefreshError` (refresh-windows.ts). */
  isRetryable?: (error: unknown) => boolean
  /** Largest retry delay, in ms; default 5 min (and never over half the time left). */
  maxBackoffMs?: number
  /** Smallest retry delay, in ms; default 1 s. */
  minBackoffMs?: number
  /** How long one source call may take before it is aborted, in ms; default 60 s; 0: no limit. */
  attemptTimeoutMs?: number
}

/** What a session can tell about itself; never a secret. */
export interface RefreshableState {
  /** The current access key id, masked. */
  readonly accessKeyId?: string
  /** When the current credentials expire. */
  readonly expiration?: Date
  /** When the timer fires next (a refresh or a retry); absent when no timer is set. */
  readonly nextRefreshAt?: Date
  /** Successful source calls so far (the first fetch included). */
  readonly refreshes: number
  /** Failed source calls so far. */
  readonly failures: number
}

/**
 * Refuse settings that would break the retry discipline: a `minBackoffMs` of 0 or less makes
 * every backoff 0, so a throttled STS would be called in a busy loop for the whole refresh
 * window, exactly while it asks callers to slow down.
 */
export function validateRefreshableOptions(options: RefreshableOptions): void {
  const check = (key: keyof RefreshableOptions, ok: (value: number) => boolean, rule: string): void => {
    const value = options[key]
    if (value === undefined) return
    if (typeof value !== 'number' || !ok(value)) {
      throw new ConfigError(`refreshable: ${key} must be ${rule} (got ${String(value)})`, { key })
    }
  }
  check('minBackoffMs', (v) => Number.isFinite(v) && v > 0, `a number of milliseconds above 0 (default ${DEFAULT_MIN_BACKOFF_MS})`)
  const min = options.minBackoffMs ?? DEFAULT_MIN_BACKOFF_MS
  check('maxBackoffMs', (v) => Number.isFinite(v) && v >= min, `a number of milliseconds of at least minBackoffMs (${min})`)
  check('jitter', (v) => v >= 0 && v <= 1, 'a fraction from 0 to 1 (default 0.2)')
  check('attemptTimeoutMs', (v) => Number.isFinite(v) && v >= 0, 'a number of milliseconds, or 0 for no limit')
}
