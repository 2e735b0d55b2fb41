import type { Logger } from './types.ts'

/** A logger that discards everything: the default wherever a `logger` option is accepted. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
}
