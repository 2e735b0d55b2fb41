/**
 * Fixed, documented exit codes (README "Exit codes"). `exec` returns its child's code instead,
 * 128 + n when the child died of signal n, as shells do.
 */
export const ExitCode = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  credentials: 3,
  service: 4,
  commandNotExecutable: 126,
  commandNotFound: 127,
} as const

/** One of the exit codes above. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]
