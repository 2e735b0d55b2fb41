/**
 * One call to a credential source on behalf of a refreshable session: bounded in time, and its
 * result validated before the session adopts it. Sources written by users (or SDK v3 providers)
 * can return anything or hang; both must fail with a message that names the source and never
 * echoes a secret.
 */
import { CredentialsError } from '../errors.ts'
import type { Clock, CredentialProvider, Credentials, Timer } from '../types.ts'
import { maskKey } from './redact.ts'

// setTimeout overflows past 2^31 - 1 ms (about 24.8 days) and fires at once.
const MAX_TIMER_MS = 2_147_483_647

/**
 * Call `source` once with `controller.signal` and validate what it returns (see
 * {@link validateSourceCredentials}). After `timeoutMs` (0 or Infinity: never) the controller
 * is aborted with a `TimeoutError` DOMException and the call rejects with it, even if the source
 * ignores the signal.
 */
export async function callSource(
  source: CredentialProvider,
  name: string,
  controller: AbortController,
  clock: Clock,
  timeoutMs: number,
): Promise<Credentials> {
  // Through a promise job, so a source that throws synchronously still rejects.
  const call = Promise.resolve().then(() => source({ signal: controller.signal }))
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    return validateSourceCredentials(await call, name, clock.now())
  }
  let timer: Timer | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = clock.setTimer(() => {
      const error = new DOMException(
        `${name} did not return credentials within ${timeoutMs} ms`,
        'TimeoutError',
      )
      controller.abort(error)
      reject(error)
    }, Math.min(timeoutMs, MAX_TIMER_MS))
  })
  try {
    // race() subscribes to both, so a late rejection of the loser is never unhandled.
    return validateSourceCredentials(await Promise.race([call, timeout]), name, clock.now())
  } finally {
    timer?.cancel()
  }
}

const SHAPE =
  'a credential source must resolve to { accessKeyId, secretAccessKey, sessionToken?, ' +
  'expiration?: Date }'

/**
 * Return `value` as credentials if it has a non-empty `accessKeyId` and `secretAccessKey` and an
 * `expiration` that is absent (long-term keys) or a valid Date after `nowMs`; otherwise throw a
 * `CredentialsError` naming `source`. Credentials that arrive already expired are rejected.
 */
export function validateSourceCredentials(
  value: unknown,
  source: string,
  nowMs: number,
): Credentials {
  if (typeof value !== 'object' || value === null) {
    const got = value === null ? 'null' : typeof value
    throw new CredentialsError(`${source} returned ${got}; ${SHAPE}`, { source })
  }
  const { accessKeyId, secretAccessKey, expiration } = value as Partial<Credentials>
  if (typeof accessKeyId !== 'string' || !accessKeyId) {
    throw new CredentialsError(`${source} returned credentials without an accessKeyId; ${SHAPE}`, {
      source,
    })
  }
  if (typeof secretAccessKey !== 'string' || !secretAccessKey) {
    throw new CredentialsError(
      `${source} returned credentials ${maskKey(accessKeyId)} without a secretAccessKey; ${SHAPE}`,
      { source },
    )
  }
  // `null` is read as "no expiration", like absent: some hand-written sources set it.
  if (expiration === undefined || expiration === null) return value as Credentials
  if (!(expiration instanceof Date) || !Number.isFinite(expiration.getTime())) {
    throw new CredentialsError(
      `${source} returned credentials ${maskKey(accessKeyId)} with an expiration that is not a ` +
        `valid Date; ${SHAPE}`,
      { source },
    )
  }
  if (expiration.getTime() <= nowMs) {
    throw new CredentialsError(
      `${source} returned credentials ${maskKey(accessKeyId)} that had already expired at ` +
        `${expiration.toISOString()} (local time ${new Date(nowMs).toISOString()}); check the ` +
        `source's own cache and this machine's clock`,
      { source },
    )
  }
  return value as Credentials
}
