/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (pipes and CI logs get
 * no carriage-return noise). Lines printed through {@link ProgressBar.log} appear above the bar.
 */
import process from 'node:process'
import { err, out } from './output.ts'

/** A live progress line. */
export interface ProgressBar {
  /** Set the amount done (and the total, when it becomes known) and redraw (throttled). */
  update(done: number, total?: number, note?: string): void
  /** Print a whole line (to stdout by default) above the bar. */
  log(line: string, stream?: 'stdout' | 'stderr'): void
  /** Remove the bar. */
  done(): void
}

/** Options of {@link createProgressBar}. */
export interface ProgressOptions {
  /** Text before the bar, e.g. `upload`. */
  readonly label: string
  readonly total?: number
  /** How amounts are shown; default plain numbers. */
  readonly format?: (amount: number) => string
  /** Draw even when stderr is not a terminal (default: only on a TTY). */
  readonly enabled?: boolean
  /** Bar width in characters; default 24. */
  readonly width?: number
  /**
   * Where {@link ProgressBar.log} prints stdout lines; default `out()`, which (console.log)
   * drops a write to a closed stdout quietly instead of throwing EPIPE.
   */
  readonly print?: (line: string) => void
}

const REDRAW_MS = 80

/** Byte counts as people read them: `512 B`, `3.4 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`
}

/** Render one bar line (without control characters); exported for tests. */
export function renderBar(
  label: string,
  done: number,
  total: number | undefined,
  width: number,
  format: (amount: number) => string,
  note = '',
): string {
  const suffix = note ? `  ${note}` : ''
  if (total === undefined || total <= 0) return `${label} ${format(done)}${suffix}`
  const ratio = Math.min(1, Math.max(0, done / total))
  const filled = Math.round(ratio * width)
  const percent = `${Math.floor(ratio * 100)}`.padStart(3)
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}% ${
    format(done)
  }/${format(total)}${suffix}`
}

/** Create a progress bar; a no-op one (that still prints `log` lines) when stderr is not a TTY. */
export function createProgressBar(options: ProgressOptions): ProgressBar {
  const stderr = process.stderr
  const enabled = options.enabled ?? Boolean(stderr.isTTY)
  const format = options.format ?? ((n: number) => String(n))
  const width = options.width ?? 24
  let done = 0
  let total = options.total
  let note = ''
  let drawnAt = 0
  let visible = false
  const columns = (): number => (stderr.columns && stderr.columns > 20 ? stderr.columns : 100)
  const draw = (): void => {
    const text = renderBar(options.label, done, total, width, format, note).slice(0, columns() - 1)
    stderr.write(`\r\x1b[2K${text}`)
    visible = true
    drawnAt = Date.now()
  }
  const clear = (): void => {
    if (visible) stderr.write('\r\x1b[2K')
    visible = false
  }
  return {
    update(amount, newTotal, newNote) {
      done = amount
      if (newTotal !== undefined) total = newTotal
      if (newNote !== undefined) note = newNote
      if (enabled && Date.now() - drawnAt >= REDRAW_MS) draw()
    },
    log(line, stream = 'stdout') {
      if (enabled) clear()
      if (stream === 'stdout') (options.print ?? out)(line)
      else err(line)
      if (enabled) draw()
    },
    done() {
      if (enabled) clear()
    },
  }
}
