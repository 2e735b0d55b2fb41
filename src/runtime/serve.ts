/**
 * Serve a fetch handler on 127.0.0.1 with whatever runtime is running: `Bun.serve`,
 * `Deno.serve`, or `node:http`. Loopback only: the emulator and the credential server answer
 * to local clients, and SDKs accept plain-http container endpoints only on loopback IPs.
 */
// node:http and node:stream load only on Node: Bun and Deno serve natively, and a compiled
// binary would otherwise load them at every start.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Readable as ReadableType } from 'node:stream'
import { ConfigError } from '../errors.ts'

/** A handler served by {@link serve}. */
export type FetchHandler = (request: Request) => Promise<Response> | Response

/** A listening server. */
export interface ServedHandler {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string
  readonly port: number
  /** Stop listening and drop open connections. */
  close(): Promise<void>
}

/** Options of {@link serve}. */
export interface ServeOptions {
  /** 0 (default) picks any free port. */
  readonly port?: number
}

const HOST = '127.0.0.1'

interface DenoServer {
  readonly addr: { readonly port: number }
  shutdown(): Promise<void>
}
interface DenoLike {
  serve(
    options: { hostname: string; port: number; onListen?: () => void },
    handler: FetchHandler,
  ): DenoServer
}

function fail(error: unknown): Response {
  return new Response(`Internal error: ${String(error)}`, { status: 500 })
}

async function serveBun(handler: FetchHandler, port: number): Promise<ServedHandler> {
  const server = Bun.serve({
    hostname: HOST,
    port,
    // Injected hangs and slow clients must not be cut by Bun's 10 s idle default.
    idleTimeout: 0,
    fetch: async (request) => {
      try {
        return await handler(request)
      } catch (error) {
        return fail(error)
      }
    },
  })
  const bound = server.port ?? port
  return {
    url: `http://${HOST}:${bound}`,
    port: bound,
    close: async () => void (await server.stop(true)),
  }
}

async function serveDeno(
  deno: DenoLike,
  handler: FetchHandler,
  port: number,
): Promise<ServedHandler> {
  const server = deno.serve({ hostname: HOST, port, onListen: () => {} }, async (request) => {
    try {
      return await handler(request)
    } catch (error) {
      return fail(error)
    }
  })
  const bound = server.addr.port
  return { url: `http://${HOST}:${bound}`, port: bound, close: () => server.shutdown() }
}

function toRequest(req: IncomingMessage, port: number, Readable: typeof ReadableType): Request {
  const headers = new Headers()
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
  }
  const controller = new AbortController()
  req.on('close', () => {
    if (!req.complete || req.destroyed) controller.abort()
  })
  const method = req.method ?? 'GET'
  const hasBody = method !== 'GET' && method !== 'HEAD'
  return new Request(`http://${req.headers.host ?? `${HOST}:${port}`}${req.url ?? '/'}`, {
    method,
    headers,
    signal: controller.signal,
    ...(hasBody
      ? { body: Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>, duplex: 'half' }
      : {}),
  } as RequestInit)
}

async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {}
  response.headers.forEach((value, key) => {
    headers[key] = key === 'set-cookie' ? response.headers.getSetCookie() : value
  })
  res.writeHead(response.status, headers)
  if (response.body) {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      res.write(chunk)
    }
  }
  res.end()
}

/** Serve with `node:http` (what Node uses; exported so Bun can test this path too). */
export async function serveWithNodeHttp(
  handler: FetchHandler,
  port: number,
): Promise<ServedHandler> {
  const [{ createServer }, { Readable }] = await Promise.all([import('node:http'), import('node:stream')])
  let bound = port
  const server = createServer((req, res) => {
    void (async () => {
      let response: Response
      try {
        response = await handler(toRequest(req, bound, Readable))
      } catch (error) {
        response = fail(error)
      }
      await writeResponse(response, res).catch(() => res.destroy())
    })()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, HOST, () => resolve())
  })
  bound = (server.address() as AddressInfo).port
  return {
    url: `http://${HOST}:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/**
 * A port that cannot be listened on is the caller's configuration to fix, not a crash: a
 * ConfigError (key `port`) naming it. Bun and Node report `code`, Deno an error `name`.
 */
function listenError(error: unknown, port: number): unknown {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown }
  const where = `cannot listen on ${HOST}:${port}`
  if (code === 'EADDRINUSE' || name === 'AddrInUse') {
    return new ConfigError(`${where}: the port is already in use`, { key: 'port', cause: error })
  }
  if (code === 'EACCES' || name === 'PermissionDenied') {
    const why = port < 1024 ? ' (ports below 1024 need privileges)' : ''
    return new ConfigError(`${where}: permission denied${why}`, { key: 'port', cause: error })
  }
  return error
}

/**
 * Serve `handler` on 127.0.0.1:`port` (0 = any free port) until `close()`. A port in use or
 * not allowed is a ConfigError with key `port`.
 */
export async function serve(
  handler: FetchHandler,
  options: ServeOptions = {},
): Promise<ServedHandler> {
  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`serve: port must be a whole number from 0 to 65535, got ${port}`)
  }
  const deno = (globalThis as { Deno?: DenoLike }).Deno
  try {
    if (typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined') return await serveBun(handler, port)
    if (deno && typeof deno.serve === 'function') return await serveDeno(deno, handler, port)
    return await serveWithNodeHttp(handler, port)
  } catch (error) {
    throw listenError(error, port)
  }
}
