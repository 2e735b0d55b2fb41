/**
 * Normalise what clients accept as `credentials` (a refreshable session, an SDK-style provider
 * function, or fixed credentials) into one `{ get, invalidate }` shape the request layer uses.
 */
import { ConfigError, CredentialsError } from '../errors.ts'
import type {
  CredentialProvider,
  CredentialRequestOptions,
  Credentials,
  CredentialSession,
  CredentialsInput,
} from '../types.ts'

/** A provider that says which source it is (`assume-role`, `web-identity`, `github-oidc`, ...). */
export type NamedCredentialProvider = CredentialProvider & { readonly sourceName: string }

/** The normalised form of a {@link CredentialsInput}. */
export interface CredentialSource {
  get(options?: CredentialRequestOptions): Promise<Credentials>
  /** A key was rejected as expired: sessions refresh; providers are asked with `forceRefresh`. */
  invalidate(rejected: Credentials | string): void
  /** The `sourceName` of the provider or session, when it has one. */
  readonly sourceName: string | undefined
}

/** Attach a `sourceName` to a provider function. */
export function namedProvider(
  sourceName: string,
  provider: CredentialProvider,
): NamedCredentialProvider {
  return Object.assign(provider, { sourceName })
}

function isSession(input: unknown): input is CredentialSession {
  const value = input as Partial<CredentialSession> | null
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof value.get === 'function' &&
    typeof value.invalidate === 'function'
  )
}

function sourceNameOf(input: unknown): string | undefined {
  const name = (input as { sourceName?: unknown } | null)?.sourceName
  return typeof name === 'string' ? name : undefined
}

/** Reject a provider answer that is not credentials, before aws4fetch fails obscurely. */
export function checkCredentials(value: unknown, source: string | undefined): Credentials {
  const creds = value as Partial<Credentials> | null
  if (
    typeof creds !== 'object' ||
    creds === null ||
    typeof creds.accessKeyId !== 'string' ||
    creds.accessKeyId === '' ||
    typeof creds.secretAccessKey !== 'string' ||
    creds.secretAccessKey === ''
  ) {
    throw new CredentialsError(
      `The credentials provider${
        source ? ` '${source}'` : ''
      } returned no accessKeyId/secretAccessKey`,
      source === undefined ? {} : { source },
    )
  }
  return creds as Credentials
}

/**
 * Normalise `input`. A plain provider cannot be told which key failed, so after `invalidate` the
 * next `get` passes `forceRefresh: true` (SDK v3 providers built with memoize honour it).
 */
export function toCredentialSource(input: CredentialsInput): CredentialSource {
  const sourceName = sourceNameOf(input)
  if (isSession(input)) {
    return {
      get: async (options) => checkCredentials(await input.get(options), sourceName),
      invalidate: (rejected) => input.invalidate(rejected),
      sourceName,
    }
  }
  if (typeof input === 'function') {
    let current: string | undefined
    let force = false
    return {
      async get(options) {
        const forceRefresh = force
        force = false
        const creds = checkCredentials(
          await input(forceRefresh ? { ...options, forceRefresh: true } : options),
          sourceName,
        )
        current = creds.accessKeyId
        return creds
      },
      invalidate(rejected) {
        const key = typeof rejected === 'string' ? rejected : rejected.accessKeyId
        if (key === current) force = true
      },
      sourceName,
    }
  }
  if (typeof input === 'object' && input !== null && 'accessKeyId' in input) {
    const creds = checkCredentials(input, 'static')
    return { get: async () => creds, invalidate: () => {}, sourceName: 'static' }
  }
  throw new ConfigError(
    'credentials must be a credentials session, a provider function, ' +
      'or { accessKeyId, secretAccessKey }',
    { key: 'credentials' },
  )
}
