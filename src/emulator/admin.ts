/**
 * The emulator's HTTP admin API under `/_emulator/` (S3 bucket names cannot start with `_`, so
 * the prefix never shadows a bucket): stats, faults, settings and a simulated restart. JSON in,
 * JSON out; unauthenticated, as the emulator only listens on loopback.
 *
 * - `GET /_emulator/health`, `GET|DELETE /_emulator/stats`
 * - `GET|POST|DELETE /_emulator/faults` (POST `{target, kind?, count}` | `{target, kind?, rate}` |
 *   `{latencyMs, target?}`)
 * - `GET|PATCH /_emulator/settings` (`{dynamodbUnprocessedPerBatch?, lifetimeSeconds?}`)
 * - `POST /_emulator/forget-temporary-credentials`
 */
import * as z from 'zod/mini'
import { isConfigError } from '../errors.ts'
import type { EmulatorSettings } from './context.ts'
import { type EmulatorFaults, FAULT_KINDS } from './faults.ts'
import type { StatsRecorder } from './stats.ts'

/** What the admin API reads and changes. */
export interface AdminDeps {
  readonly stats: StatsRecorder
  readonly faults: EmulatorFaults
  readonly settings: EmulatorSettings
  getLifetimeSeconds(): number | undefined
  setLifetimeSeconds(seconds: number | undefined): void
  forgetTemporaryCredentials(): void
  readonly info: Readonly<Record<string, unknown>>
}

// zod/mini, as everywhere else (classic zod would add ~40 KB to the binary for these schemas);
// it has no default messages, so every schema and check says its own.
const kind = z.optional(z.enum(FAULT_KINDS as [string, ...string[]], { error: `kind must be one of ${FAULT_KINDS.join(', ')}` }))
const target = z.string({ error: 'target must be a string' }).check(z.minLength(1, { error: 'target must not be empty' }))
const faultInput = z.union([
  z.strictObject({ target, kind, count: z.int({ error: 'count must be a whole number' }).check(z.minimum(1, { error: 'count must be at least 1' })) }),
  z.strictObject({ target, kind, rate: z.number({ error: 'rate must be a number' }).check(z.minimum(0, { error: 'rate must be at least 0' }), z.maximum(1, { error: 'rate must be at most 1' })) }),
  z.strictObject({ target: z.optional(target), latencyMs: z.number({ error: 'latencyMs must be a number' }).check(z.minimum(0, { error: 'latencyMs must be at least 0' })) }),
], { error: 'expected {target, kind?, count}, {target, kind?, rate} or {target?, latencyMs}' })
const settingsInput = z.strictObject({
  dynamodbUnprocessedPerBatch: z.optional(z.int({ error: 'must be a whole number' }).check(z.minimum(0, { error: 'must be at least 0' }))),
  lifetimeSeconds: z.optional(z.nullable(z.int({ error: 'must be a whole number or null' }).check(z.minimum(1, { error: 'must be at least 1' })))),
}, { error: 'expected {dynamodbUnprocessedPerBatch?, lifetimeSeconds?}' })

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  })
}

async function readJson<T>(request: Request, schema: z.ZodMiniType<T>): Promise<T | Response> {
  let value: unknown
  try {
    value = JSON.parse(await request.text())
  } catch {
    return json({ error: 'The body must be JSON' }, 400)
  }
  const parsed = schema.safeParse(value)
  return parsed.success ? parsed.data : json({ error: z.prettifyError(parsed.error) }, 400)
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** The admin handler for `/_emulator/...` paths. */
export function createAdmin(deps: AdminDeps): (request: Request, url: URL) => Promise<Response> {
  const settingsView = (): Record<string, unknown> => ({
    ...deps.settings,
    lifetimeSeconds: deps.getLifetimeSeconds() ?? null,
  })
  return async (request, url) => {
    // Only local tools drive the emulator: a web page's request (browsers always send Origin on
    // a cross-origin request) or a rebound DNS name (a foreign Host) could change its settings,
    // inject faults or read its state.
    if (request.headers.has('origin')) {
      return json({ error: 'The admin API refuses requests from web pages (an Origin header was sent)' }, 403)
    }
    // In-process requests (emulator.handler) carry no Host header: their URL's host stands in.
    const host = (request.headers.get('host') ?? url.host).toLowerCase().replace(/:\d+$/, '')
    if (!LOCAL_HOSTS.has(host)) {
      return json({ error: `The admin API answers only on 127.0.0.1 or localhost, not Host ${JSON.stringify(host)}` }, 403)
    }
    const path = url.pathname.replace(/\/+$/, '')
    const method = request.method
    const route = `${method} ${path}`
    switch (route) {
      case 'GET /_emulator/health':
        return json({ ok: true, ...deps.info })
      case 'GET /_emulator/stats':
        return json(deps.stats.snapshot())
      case 'DELETE /_emulator/stats':
        deps.stats.reset()
        return json(deps.stats.snapshot())
      case 'GET /_emulator/faults':
        return json(deps.faults.snapshot())
      case 'DELETE /_emulator/faults':
        deps.faults.clear()
        return json(deps.faults.snapshot())
      case 'POST /_emulator/faults': {
        const input = await readJson(request, faultInput)
        if (input instanceof Response) return input
        const k = 'kind' in input
          ? (input.kind as (typeof FAULT_KINDS)[number] | undefined)
          : undefined
        try {
          if ('count' in input) deps.faults.failNext(input.target, input.count, k)
          else if ('rate' in input) deps.faults.setFailureRate(input.target, input.rate, k)
          else deps.faults.setLatency(input.latencyMs, input.target)
        } catch (error) {
          // A target that names no implemented action.
          if (isConfigError(error)) return json({ error: error.message }, 400)
          throw error
        }
        return json(deps.faults.snapshot())
      }
      case 'GET /_emulator/settings':
        return json(settingsView())
      case 'PATCH /_emulator/settings':
      case 'POST /_emulator/settings':
      case 'PUT /_emulator/settings': {
        const input = await readJson(request, settingsInput)
        if (input instanceof Response) return input
        if (input.dynamodbUnprocessedPerBatch !== undefined) {
          deps.settings.dynamodbUnprocessedPerBatch = input.dynamodbUnprocessedPerBatch
        }
        if (input.lifetimeSeconds !== undefined) {
          deps.setLifetimeSeconds(input.lifetimeSeconds ?? undefined)
        }
        return json(settingsView())
      }
      case 'POST /_emulator/forget-temporary-credentials':
        deps.forgetTemporaryCredentials()
        return json({ ok: true })
      default:
        return json({
          error:
            `No admin route ${route}: see GET /_emulator/health, /_emulator/stats, /_emulator/faults, /_emulator/settings`,
        }, 404)
    }
  }
}
