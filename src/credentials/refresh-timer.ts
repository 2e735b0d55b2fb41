/**
 * The single timer of a refreshable session. It is armed for an absolute time on the session's
 * clock, so a clock that moved while it waited is handled where it fires: if it fires early (the
 * clock was set back, or the wait exceeded what one timer can span) it re-arms for the same time.
 * Timers come from `clock.setTimer`, which unrefs them: a pending refresh never keeps a process
 * alive.
 */
import type { Clock, Timer } from '../types.ts'

// setTimeout overflows past 2^31 - 1 ms (about 24.8 days) and fires at once; longer waits are
// covered by re-arming.
const MAX_TIMER_MS = 2_147_483_647

/** A re-armable one-shot timer for absolute times. */
export interface RefreshTimer {
  /** When it is due (epoch ms on the clock); undefined when not armed. */
  readonly dueAt: number | undefined
  /** Arm for `at`, replacing any earlier arming. */
  arm(at: number): void
  /** Disarm. */
  cancel(): void
}

/** Create a {@link RefreshTimer} on `clock` that calls `onDue` once the clock reaches `dueAt`. */
export function createRefreshTimer(clock: Clock, onDue: () => void): RefreshTimer {
  let timer: Timer | undefined
  let dueAt: number | undefined
  const cancel = (): void => {
    timer?.cancel()
    timer = undefined
    dueAt = undefined
  }
  const arm = (at: number): void => {
    cancel()
    dueAt = at
    timer = clock.setTimer(
      () => {
        timer = undefined
        dueAt = undefined
        if (clock.now() < at) arm(at)
        else onDue()
      },
      Math.min(Math.max(0, at - clock.now()), MAX_TIMER_MS),
    )
  }
  return {
    get dueAt() {
      return dueAt
    },
    arm,
    cancel,
  }
}
