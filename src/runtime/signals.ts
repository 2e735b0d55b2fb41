import process from 'node:process'

/**
 * Resolve with the signal when the process gets SIGINT or SIGTERM. Call it before announcing
 * that you are ready: whoever reads the announcement may signal at once.
 */
export function untilStopped(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve(signal)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}
