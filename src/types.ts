/**
 * Shared shapes of the public API. Credentials and providers follow the AWS SDK for JavaScript
 * v3 (`AwsCredentialIdentity`, `AwsCredentialIdentityProvider`), so a provider from this package
 * can be handed to an SDK v3 client as its `credentials` option and vice versa.
 */

/** A set of AWS credentials, in the AWS SDK for JavaScript v3 shape. */
export interface Credentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  /** Present for temporary (STS) credentials. */
  readonly sessionToken?: string
  /** When the credentials stop working; absent for long-term keys. */
  readonly expiration?: Date
  /** The account the credentials belong to, where the source knows it. */
  readonly accountId?: string
}

/** Options every credential lookup accepts. */
export interface CredentialRequestOptions {
  /** Abort waiting for credentials (never cancels a refresh shared with other callers). */
  readonly signal?: AbortSignal
  /** Bypass any cache and fetch new credentials. */
  readonly forceRefresh?: boolean
}

/**
 * A function that resolves credentials: the AWS SDK v3 `AwsCredentialIdentityProvider` shape.
 * The SDK calls it with `{ forceRefresh }`; extra fields are ignored.
 */
export type CredentialProvider = (options?: CredentialRequestOptions) => Promise<Credentials>

/**
 * Something that hands out credentials and can be told that a key was rejected. A refreshable
 * session is one; clients accept it wherever they accept a provider.
 */
export interface CredentialSession {
  /** Current credentials, refreshing first if they are expired or about to be. */
  get(options?: CredentialRequestOptions): Promise<Credentials>
  /**
   * A service rejected these credentials (ExpiredToken and friends): drop them and refresh, but
   * only if `rejected` is still the current key.
   */
  invalidate(rejected: Credentials | string): void
  /** The session as an AWS SDK v3 credentials provider. */
  readonly provider: CredentialProvider
}

/** What clients accept as `credentials`: a session, a provider function, or fixed credentials. */
export type CredentialsInput = CredentialSession | CredentialProvider | Credentials

/** The `fetch` signature clients use; defaults to `globalThis.fetch`. */
export type FetchLike = (input: Request | string | URL, init?: RequestInit) => Promise<Response>

/** A cancellable timer handle returned by {@link Clock.setTimer}. */
export interface Timer {
  cancel(): void
}

/**
 * Time, injected. `now()` is epoch milliseconds. Timers set through a clock never keep the
 * process alive (they are unref'd), so a finished job exits promptly.
 */
export interface Clock {
  now(): number
  setTimer(callback: () => void, delayMs: number): Timer
  /**
   * Tell the clock what time a server said it was (an HTTP `Date` header), so it can correct for
   * local clock skew. Clocks that do not track skew ignore it.
   */
  observeServerTime?(serverTimeMs: number, localTimeMs: number): void
}

/** Structured fields attached to a log line; values must never be secrets. */
export type LogFields = Readonly<Record<string, unknown>>

/** A minimal logger; the default discards everything. */
export interface Logger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}
