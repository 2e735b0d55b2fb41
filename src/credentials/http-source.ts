/**
 * What the container and instance-metadata sources share: one short HTTP exchange with a
 * timeout, an immediate retry for transient failures, and the `{AccessKeyId, SecretAccessKey,
 * Token, Expiration}` JSON both endpoints answer with, validated with zod.
 */
import { printable } from './redact.ts'
import * as z from 'zod/mini'
import { CredentialsError } from '../errors.ts'
import type { Credentials, FetchLike } from '../types.ts'

/** A failure worth one more try: network error, timeout, HTTP 5xx. */
export class TransientHttpError extends Error {
  override name = 'TransientHttpError'
}

/** A status and body, read whole. */
export interface TextResponse {
  readonly status: number
  readonly text: string
}

/**
 * One request with a timeout (`AbortSignal.timeout`, whose timer never keeps a process alive).
 * A network error or timeout becomes a {@link TransientHttpError}; a caller's abort is rethrown.
 */
export async function fetchText(
  fetchImpl: FetchLike,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<TextResponse> {
  const timeout = AbortSignal.timeout(timeoutMs)
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout
  try {
    // Never follow a redirect: a credentials endpoint that points elsewhere would take its
    // token (and then its credentials) along; the SDKs' HTTP clients do not follow them either.
    const response = await fetchImpl(url, { ...init, redirect: 'manual', signal: combined })
    return { status: response.status, text: await response.text() }
  } catch (error) {
    if (signal?.aborted) throw signal.reason ?? error
    if (timeout.aborted) throw new TransientHttpError(`no answer within ${timeoutMs} ms`)
    const reason = error instanceof Error ? error.message : String(error)
    throw new TransientHttpError(`request failed: ${reason}`)
  }
}

/** Run `attempt` up to `attempts` times while it throws {@link TransientHttpError}. */
export async function retryTransient<T>(attempts: number, attempt: () => Promise<T>): Promise<T> {
  let last: unknown
  for (let i = 0; i < Math.max(1, attempts); i++) {
    try {
      return await attempt()
    } catch (error) {
      if (!(error instanceof TransientHttpError)) throw error
      last = error
    }
  }
  throw last
}

const isoDate = z.string().check(
  z.refine((value: string) => Number.isFinite(Date.parse(value)), {
    error: 'must be an ISO 8601 date-time',
  }),
)

const httpCredentialsSchema = z.object({
  Code: z.optional(z.string()),
  Message: z.optional(z.string()),
  AccessKeyId: z.string().check(z.minLength(1, { error: 'must be a non-empty string' })),
  SecretAccessKey: z.string().check(z.minLength(1, { error: 'must be a non-empty string' })),
  Token: z.string().check(z.minLength(1, { error: 'must be a non-empty string' })),
  Expiration: isoDate,
  AccountId: z.optional(z.string()),
})


/**
 * Parse and validate a credentials JSON body. `where` starts every error message (e.g.
 * `container (http://127.0.0.1:9911/creds)`); the body itself is never quoted, it holds secrets.
 */
export function parseHttpCredentials(text: string, where: string, source: string): Credentials {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new CredentialsError(
      `${where}: the response is not JSON (body withheld: it may hold secrets)`,
      { source },
    )
  }
  const code = (json as { Code?: unknown } | null)?.Code
  if (typeof code === 'string' && code !== 'Success') {
    const message = (json as { Message?: unknown }).Message
    const detail =
      typeof message === 'string' && message ? `: ${printable(message.slice(0, 200))}` : ''
    const shown = printable(code.slice(0, 64))
    throw new CredentialsError(`${where}: answered Code "${shown}"${detail}`, { source })
  }
  const result = httpCredentialsSchema.safeParse(json)
  if (!result.success) {
    const issue = result.error.issues[0]
    const field = issue?.path.join('.') || '(body)'
    const message = issue?.code === 'invalid_type' ? 'is missing or not a string' : issue?.message
    throw new CredentialsError(
      `${where}: the response is not {AccessKeyId, SecretAccessKey, Token, Expiration}: ` +
        `${field} ${message ?? 'is invalid'}`,
      { source },
    )
  }
  const data = result.data
  return {
    accessKeyId: data.AccessKeyId,
    secretAccessKey: data.SecretAccessKey,
    sessionToken: data.Token,
    expiration: new Date(Date.parse(data.Expiration)),
    ...(data.AccountId ? { accountId: data.AccountId } : {}),
  }
}

/** The `Message` (or `message`) of a JSON error body, trimmed to 200 characters, if any. */
export function errorMessageOf(text: string): string | undefined {
  try {
    const json = JSON.parse(text) as { Message?: unknown; message?: unknown; Code?: unknown }
    const message = json.Message ?? json.message
    if (typeof message === 'string') return printable(message.slice(0, 200))
  } catch {
    // Not JSON: fall through to the plain text below.
  }
  const plain = text.trim()
  return plain && plain.length <= 200 && !plain.includes('{') ? printable(plain) : undefined
}
