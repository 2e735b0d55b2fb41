/**
 * Error classes. One base with a string `code`; guards check `instanceof` or `name`, so errors
 * thrown by a second copy of this package (two versions in one dependency tree) still match.
 * Messages never contain a secret; access key ids appear masked (see credentials/redact.ts).
 */

/** Options shared by every error constructor. */
export interface StsRefreshErrorOptions {
  readonly cause?: unknown
}

/** Base class of every error this package throws on purpose. */
export class StsRefreshError extends Error {
  override name = 'StsRefreshError'
  /** A stable, machine-readable code. */
  readonly code: string

  constructor(code: string, message: string, options: StsRefreshErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
  }
}

/** Where a configuration problem was found. */
export interface ConfigErrorOptions extends StsRefreshErrorOptions {
  readonly file?: string
  readonly profile?: string
  readonly key?: string
}

/**
 * Bad configuration or input: a config file, a profile, an environment variable, a flag, a
 * parameter. The message names what was wrong and where; the CLI exits with 2.
 */
export class ConfigError extends StsRefreshError {
  override name = 'ConfigError'
  readonly file: string | undefined
  readonly profile: string | undefined
  readonly key: string | undefined

  constructor(message: string, options: ConfigErrorOptions = {}) {
    super('ConfigError', message, options)
    this.file = options.file
    this.profile = options.profile
    this.key = options.key
  }
}

/** Options of {@link CredentialsError}. */
export interface CredentialsErrorOptions extends StsRefreshErrorOptions {
  /** The source that failed, e.g. `assume-role` or `env`. */
  readonly source?: string
}

/** Credentials could not be obtained (and none valid are cached); the CLI exits with 3. */
export class CredentialsError extends StsRefreshError {
  override name = 'CredentialsError'
  readonly source: string | undefined

  constructor(message: string, options: CredentialsErrorOptions = {}) {
    super('CredentialsError', message, options)
    this.source = options.source
  }
}

/** What an AWS service (or the network on the way to it) answered. */
export interface AwsServiceErrorOptions extends StsRefreshErrorOptions {
  readonly service: string
  readonly operation: string
  /** The AWS error code, e.g. `ExpiredToken`, `NoSuchKey`, `ThrottlingException`. */
  readonly code: string
  /** The HTTP status; 0 when no response arrived (network error, timeout). */
  readonly status: number
  readonly requestId?: string
  /** Whether retrying the same call may succeed (throttling, 5xx, network). */
  readonly retryable?: boolean
  /** What the call was about, e.g. `s3://bucket/key` or `table users`: named in the message. */
  readonly resource?: string
}

/**
 * An AWS service answered with an error, or the call failed on the network. The message reads
 * `<service>.<Operation>[ on <resource>]: <code>: <message>`; the CLI exits with 4.
 */
export class AwsServiceError extends StsRefreshError {
  override name = 'AwsServiceError'
  readonly service: string
  readonly operation: string
  readonly status: number
  readonly requestId: string | undefined
  readonly retryable: boolean

  /** What the call was about, e.g. `s3://bucket/key` or `table users`, if known. */
  readonly resource: string | undefined
  /** The service's own message (or what happened on the network), without the prefix. */
  readonly serviceMessage: string

  constructor(message: string, options: AwsServiceErrorOptions) {
    // In a job that touches thousands of keys, which one failed is half of the message.
    const on = options.resource ? ` on ${options.resource}` : ''
    super(options.code, `${options.service}.${options.operation}${on}: ${options.code}: ${message}`, options)
    this.resource = options.resource
    this.serviceMessage = message
    this.service = options.service
    this.operation = options.operation
    this.status = options.status
    this.requestId = options.requestId
    this.retryable = options.retryable ?? false
  }
}

function hasName(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name
}

/** True for any error this package throws on purpose. */
export function isStsRefreshError(error: unknown): error is StsRefreshError {
  return (
    error instanceof StsRefreshError ||
    hasName(error, 'StsRefreshError') ||
    isConfigError(error) ||
    isCredentialsError(error) ||
    isAwsServiceError(error)
  )
}

/** True for a {@link ConfigError}. */
export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof ConfigError || hasName(error, 'ConfigError')
}

/** True for a {@link CredentialsError}. */
export function isCredentialsError(error: unknown): error is CredentialsError {
  return error instanceof CredentialsError || hasName(error, 'CredentialsError')
}

/** True for an {@link AwsServiceError}. */
export function isAwsServiceError(error: unknown): error is AwsServiceError {
  return error instanceof AwsServiceError || hasName(error, 'AwsServiceError')
}
