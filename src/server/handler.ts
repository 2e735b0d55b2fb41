/**
 * The local credential server's request handler: the container-credentials protocol that every
 * AWS SDK and the AWS CLI speak (`AWS_CONTAINER_CREDENTIALS_FULL_URI` +
 * `AWS_CONTAINER_AUTHORIZATION_TOKEN`), as aws-vault's ECS server does, with a constant-time
 * token check and a Host check against DNS rebinding.
 */
import { isAwsServiceError, isConfigError, isCredentialsError } from '../errors.ts'
import type { CredentialSession, Logger } from '../types.ts'
import { silentLogger } from '../logger.ts'
import { constantTimeEqual } from './constant-time.ts'

/** Options of {@link createCredentialServerHandler}. */
export interface CredentialServerOptions {
  /** Where the credentials come from; usually a refreshable session. */
  readonly credentials: Pick<CredentialSession, 'get'>
  /** The token clients must send in `Authorization` (the SDKs send it verbatim). */
  readonly token: string
  /** The only path served (default `/`). */
  readonly path?: string
  /**
   * Accepted `Host` header values, e.g. `127.0.0.1:43123`. A browser tricked by DNS rebinding
   * sends its attacker's host name, so anything else is refused.
   */
  readonly allowedHosts: readonly string[]
  readonly logger?: Logger
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  })
}

const refuse = (status: number, message: string): Response => json(status, { Message: message })

/**
 * A `(Request) => Promise<Response>` serving fresh credentials as
 * `{ AccessKeyId, SecretAccessKey, Token, Expiration }` on GET, `{ Message }` with 403 for a
 * missing or wrong token, a foreign Host or a browser `Origin`, and 500 when credentials
 * cannot be obtained. No CORS headers are ever sent.
 */
export function createCredentialServerHandler(
  options: CredentialServerOptions,
): (request: Request) => Promise<Response> {
  const { credentials, token, path = '/', allowedHosts, logger = silentLogger } = options
  const hosts = new Set(allowedHosts.map((host) => host.toLowerCase()))
  return async (request) => {
    const url = new URL(request.url)
    const host = (request.headers.get('host') ?? url.host).toLowerCase()
    if (!hosts.has(host)) return refuse(403, 'Host not allowed')
    // A browser always sends Origin on cross-origin requests; no legitimate SDK does.
    if (request.headers.has('origin')) return refuse(403, 'Browser requests are not allowed')
    if (request.method !== 'GET') return refuse(405, 'Only GET is supported')
    if (url.pathname !== path) return refuse(404, 'Not found')
    const presented = request.headers.get('authorization') ?? ''
    if (!(await constantTimeEqual(presented, token))) {
      logger.warn('credential server: refused a request with a missing or wrong token')
      return refuse(403, 'Missing or invalid authorization token')
    }
    try {
      const creds = await credentials.get({ signal: request.signal })
      return json(200, {
        AccessKeyId: creds.accessKeyId,
        SecretAccessKey: creds.secretAccessKey,
        Token: creds.sessionToken,
        Expiration: creds.expiration?.toISOString(),
      })
    } catch (error) {
      const known = isCredentialsError(error) || isAwsServiceError(error) || isConfigError(error)
      const message = known ? (error as Error).message : 'Could not obtain credentials'
      logger.error('credential server: could not obtain credentials', { error: message })
      return refuse(500, message)
    }
  }
}
