/**
 * The container credentials endpoint (ECS task roles, EKS Pod Identity, Greengrass, and local
 * credential servers such as aws-vault's and ours): `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`
 * (on `http://169.254.170.2`) or `AWS_CONTAINER_CREDENTIALS_FULL_URI`, with an optional
 * `Authorization` token from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (re-read at every call, as
 * EKS rotates it) or `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
 */
import { ConfigError, CredentialsError } from '../errors.ts'
import { silentLogger } from '../logger.ts'
import { getPlatform } from '../platform.ts'
import type { FetchLike, Logger } from '../types.ts'
import {
  errorMessageOf,
  fetchText,
  parseHttpCredentials,
  retryTransient,
  TransientHttpError,
} from './http-source.ts'
import { namedProvider } from './input.ts'
import type { NamedCredentialProvider } from './input.ts'
import { notConfigured } from './not-configured.ts'
import { maskKey } from './redact.ts'

/** Options of {@link fromContainer}; each defaults to the installed platform at call time. */
export interface FromContainerOptions {
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly fetch?: FetchLike
  readonly readTextFile?: (path: string) => Promise<string>
  readonly logger?: Logger
  /** Per-attempt timeout; default 1000 ms (the AWS SDK for JS v3 `fromHttp` default). */
  readonly timeoutMs?: number
  /** Attempts for network errors, timeouts and 5xx; default 2 (one retry). */
  readonly maxAttempts?: number
}

// ECS's link-local credentials host, used with AWS_CONTAINER_CREDENTIALS_RELATIVE_URI.
const ECS_HOST = 'http://169.254.170.2'

// Hosts the AWS SDK for JS v3 accepts over plain http (credential-provider-http checkUrl.ts,
// same list as botocore's ContainerMetadataFetcher): the ECS and EKS link-local hosts and
// loopback. Any other host must use https, so a token never crosses a network in clear text.
const HTTP_HOSTS = new Set([
  '169.254.170.2',
  '169.254.170.23',
  '[fd00:ec2::23]',
  '[::1]',
  'localhost',
])

function allowedOverHttp(hostname: string): boolean {
  if (HTTP_HOSTS.has(hostname)) return true
  // WHATWG URL parsing already normalised IPv4 forms (127.1 -> 127.0.0.1).
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
}

function resolveUrl(env: Readonly<Record<string, string | undefined>>): URL {
  const relative = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
  const full = env.AWS_CONTAINER_CREDENTIALS_FULL_URI
  // RELATIVE_URI wins when both are set, as in the AWS SDK for JS v3 and botocore.
  const variable = relative
    ? 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'
    : 'AWS_CONTAINER_CREDENTIALS_FULL_URI'
  const slash = relative?.startsWith('/') ? '' : '/'
  const text = relative ? `${ECS_HOST}${slash}${relative}` : (full ?? '')
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new ConfigError(`container: ${variable} is not a valid URL`, { key: variable })
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(
      `container: ${variable} must be an http:// or https:// URL (got ${url.protocol})`,
      { key: variable },
    )
  }
  if (url.protocol === 'http:' && !allowedOverHttp(url.hostname)) {
    throw new ConfigError(
      `container: ${variable} uses http:// with host ${url.hostname}; plain http is allowed only ` +
        'for loopback (127.0.0.0/8, [::1], localhost), 169.254.170.2, 169.254.170.23 and ' +
        '[fd00:ec2::23]: use https://',
      { key: variable },
    )
  }
  return url
}

async function readToken(
  env: Readonly<Record<string, string | undefined>>,
  read: (path: string) => Promise<string>,
): Promise<string | undefined> {
  const file = env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
  let token = env.AWS_CONTAINER_AUTHORIZATION_TOKEN
  let variable = 'AWS_CONTAINER_AUTHORIZATION_TOKEN'
  // The token file wins over the token, as in the AWS SDK for JS v3 fromHttp.
  if (file) {
    variable = 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE'
    try {
      token = await read(file)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new ConfigError(
        `container: cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ${file}: ${reason}`,
        { file, key: variable, cause: error },
      )
    }
  }
  if (token === undefined) return undefined
  token = token.trim()
  // A CR or LF would split the header (the SDKs reject it too).
  if (/[\r\n]/.test(token)) {
    throw new ConfigError(`container: the token in ${variable} contains a line break`, {
      key: variable,
    })
  }
  return token === '' ? undefined : token
}

/**
 * Credentials from the container credentials endpoint. Neither URI variable set: not
 * configured. An http URL on a host other than loopback or the ECS/EKS hosts, an unreadable
 * token file, a 4xx answer or a malformed body: a clear error. Network errors, timeouts and 5xx
 * are retried once (`maxAttempts`).
 */
export function fromContainer(options: FromContainerOptions = {}): NamedCredentialProvider {
  const { logger = silentLogger, timeoutMs = 1000, maxAttempts = 2 } = options
  return namedProvider('container', async (request) => {
    const platform = getPlatform()
    const env = options.env ?? platform.env()
    if (!env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI && !env.AWS_CONTAINER_CREDENTIALS_FULL_URI) {
      throw notConfigured(
        'container',
        'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set',
      )
    }
    const url = resolveUrl(env)
    const fetchImpl = options.fetch ?? globalThis.fetch
    const read = options.readTextFile ?? ((path: string) => platform.readTextFile(path))
    // Never print the query string: it is the endpoint's business and may carry a secret.
    const where = `container (${url.origin}${url.pathname})`
    const text = await retryTransient(maxAttempts, async () => {
      const token = await readToken(env, read)
      const headers: Record<string, string> = { Accept: 'application/json' }
      if (token) headers.Authorization = token
      let response
      try {
        const init = { method: 'GET', headers }
        response = await fetchText(fetchImpl, url.href, init, timeoutMs, request?.signal)
      } catch (error) {
        if (error instanceof TransientHttpError) {
          logger.debug('credentials: container endpoint attempt failed', {
            url: where,
            reason: error.message,
          })
        }
        throw error
      }
      if (response.status >= 500) throw new TransientHttpError(`HTTP ${response.status}`)
      if (response.status !== 200) {
        const message = errorMessageOf(response.text)
        const hint =
          response.status === 401 || response.status === 403
            ? ' (check AWS_CONTAINER_AUTHORIZATION_TOKEN / _FILE)'
            : ''
        throw new CredentialsError(
          `${where}: HTTP ${response.status}${message ? `: ${message}` : ''}${hint}`,
          { source: 'container' },
        )
      }
      return response.text
    }).catch((error: unknown) => {
      if (error instanceof TransientHttpError) {
        throw new CredentialsError(`${where}: ${error.message} (after ${maxAttempts} attempts)`, {
          source: 'container',
          cause: error,
        })
      }
      throw error
    })
    const credentials = parseHttpCredentials(text, where, 'container')
    logger.debug('credentials: from the container endpoint', {
      accessKeyId: maskKey(credentials.accessKeyId),
      expiration: credentials.expiration?.toISOString(),
    })
    return credentials
  })
}
