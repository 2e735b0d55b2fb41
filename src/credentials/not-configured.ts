/**
 * How a credential source says "not configured here" (the chain moves on) as opposed to
 * "configured but broken" (any other error: the chain stops and surfaces it).
 */
import { CredentialsError } from '../errors.ts'
import type { CredentialProvider } from '../types.ts'

/**
 * Thrown by a source that has nothing to work with (no variables, no file, no metadata
 * service). A {@link CredentialsError}, so a source used on its own still fails with a clear
 * message; {@link isNotConfigured} tells the chain to try the next source.
 */
export class SourceNotConfiguredError extends CredentialsError {
  /** Marker that survives a second copy of this package, where `instanceof` does not. */
  readonly notConfigured = true as const
}

/** True for {@link SourceNotConfiguredError}. */
export function isNotConfigured(error: unknown): error is SourceNotConfiguredError {
  return (
    error instanceof SourceNotConfiguredError ||
    (typeof error === 'object' &&
      error !== null &&
      (error as { notConfigured?: unknown }).notConfigured === true)
  )
}

/** A {@link SourceNotConfiguredError} for `source` with `reason` (why it was skipped). */
export function notConfigured(source: string, reason: string): SourceNotConfiguredError {
  return new SourceNotConfiguredError(`${source}: ${reason}`, { source })
}

/**
 * Turn "not configured" from a nested source into "configured but broken": a profile that says
 * `credential_source = Environment` when the variables are missing must not fall through.
 */
export function requireConfigured(provider: CredentialProvider, explain: string): CredentialProvider {
  return async (options) => {
    try {
      return await provider(options)
    } catch (error) {
      if (!isNotConfigured(error)) throw error
      throw new CredentialsError(`${explain}: ${error.message}`, {
        source: error.source,
        cause: error,
      })
    }
  }
}
