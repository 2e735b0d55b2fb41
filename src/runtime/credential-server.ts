/**
 * Start the credential server on 127.0.0.1: a random port (unless one is given) and a random
 * token, as aws-vault's ECS server. SDKs accept plain-http container endpoints only on loopback,
 * so the URL uses the IP, not "localhost".
 */
import { createCredentialServerHandler } from '../server/handler.ts'
import { randomToken } from '../server/constant-time.ts'
import type { CredentialSession, Logger } from '../types.ts'
import { serve } from './serve.ts'

/** A running credential server. */
export interface RunningCredentialServer {
  /** The value for `AWS_CONTAINER_CREDENTIALS_FULL_URI`. */
  readonly url: string
  /** The value for `AWS_CONTAINER_AUTHORIZATION_TOKEN`. */
  readonly token: string
  readonly port: number
  close(): Promise<void>
}

/** Start serving `session` on 127.0.0.1. */
export async function startCredentialServer(options: {
  readonly session: Pick<CredentialSession, 'get'>
  readonly logger?: Logger
  readonly port?: number
}): Promise<RunningCredentialServer> {
  const token = randomToken()
  // The allowed Host values name the port, known only once listening: refuse until then.
  let handler: (request: Request) => Promise<Response> = async () => new Response(null, { status: 503 })
  const server = await serve((request) => handler(request), { port: options.port ?? 0 })
  handler = createCredentialServerHandler({
    credentials: options.session,
    token,
    allowedHosts: [`127.0.0.1:${server.port}`, `localhost:${server.port}`],
    ...(options.logger ? { logger: options.logger } : {}),
  })
  return { url: `http://127.0.0.1:${server.port}/`, token, port: server.port, close: () => server.close() }
}
