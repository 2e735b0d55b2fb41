/**
 * When the demo must stop before its end: SIGINT or SIGTERM (it then cleans up what it changed
 * on a shared emulator and exits 128 + n), or a stdout nobody reads any more
 * (`stsrefresh demo | head -2`: it stops quietly, as `out()` carries on quietly elsewhere).
 */
import process from 'node:process'

/** The demo's stdout: one writer for every line, which notices when the reader has gone. */
export interface DemoStdout {
  /** Print a line; nothing once stdout is closed. */
  line(text: string): void
  /** Aborted when a write found stdout closed (EPIPE). */
  readonly closed: AbortSignal
}

/**
 * Write through `process.stdout` with an error listener: console.log (`out()`) drops a failed
 * write without a word, so nothing would tell the demo to stop, and a bare write to a closed
 * pipe is an unhandled 'error' event (a stack trace). Node reports it as an event; a write may
 * also throw.
 */
export function createDemoStdout(stream: NodeJS.WriteStream = process.stdout): DemoStdout {
  const controller = new AbortController()
  // EPIPE mostly; whatever the error, nothing more can be printed.
  const onError = (error: unknown): void => controller.abort(error)
  stream.on('error', onError)
  return {
    line(text) {
      if (controller.signal.aborted) return
      try {
        stream.write(text.endsWith('\n') ? text : `${text}\n`)
      } catch (error) {
        onError(error)
      }
    },
    // The listener stays for good: a write still queued when the demo returns may fail later.
    closed: controller.signal,
  }
}

/** SIGINT/SIGTERM, watched while the demo runs. */
export interface DemoSignals {
  /** Aborted at the first signal; its reason is the signal's name. */
  readonly signal: AbortSignal
  /** The signal received, if any. */
  readonly received: () => NodeJS.Signals | undefined
  /** Stop watching (the default handling comes back). */
  dispose(): void
}

const EXIT_BASE: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 }

/** The exit code for a signal, as shells report it (128 + n). */
export const signalExitCode = (signal: NodeJS.Signals): number => EXIT_BASE[signal] ?? 1

/**
 * Watch SIGINT and SIGTERM: the first aborts `signal` (the demo stops, cleans up and returns);
 * a second exits at once, cleanup or not, as a second Ctrl-C does everywhere.
 */
export function watchSignals(onFirst: (signal: NodeJS.Signals) => void): DemoSignals {
  const controller = new AbortController()
  let received: NodeJS.Signals | undefined
  const handler = (signal: NodeJS.Signals): void => {
    if (received !== undefined) process.exit(signalExitCode(received))
    received = signal
    onFirst(signal)
    controller.abort(signal)
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return {
    signal: controller.signal,
    received: () => received,
    dispose() {
      process.off('SIGINT', handler)
      process.off('SIGTERM', handler)
    },
  }
}
