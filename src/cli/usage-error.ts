/** A user-facing usage mistake (bad flag, missing argument): exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}
