/**
 * `stsrefresh/emulator`: an in-memory AWS (STS, S3, DynamoDB, GitHub Actions OIDC) as a fetch
 * handler, and `serveEmulator` to put it on 127.0.0.1 for real AWS clients.
 *
 * @example
 * ```ts
 * import { createEmulator, serveEmulator } from 'stsrefresh/emulator'
 * const emulator = createEmulator({ lifetimeSeconds: 20 })
 * const served = await serveEmulator(emulator, { port: 0 })
 * console.log(served.env) // AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...
 * await served.close()
 * ```
 */
import { serve } from '../runtime/serve.ts'
import type { Emulator } from './emulator.ts'
import { markFramed } from './router.ts'

export { createEmulator } from './emulator.ts'
export type { Emulator, EmulatorOptions } from './emulator.ts'
export { EmulatorFault } from './context.ts'
export type {
  EmulatorIdentity,
  EmulatorService,
  EmulatorSettings,
  ServiceEnv,
  ServiceModule,
  ServiceRequest,
} from './context.ts'
export type { BaseKeyPair } from './keys.ts'
export type { EmulatorRole } from './sts.ts'
export type { EmulatorFaults, FaultKind, FaultRule, FaultsSnapshot } from './faults.ts'
export type { EmulatorStats } from './stats.ts'
export type { EmulatorOidc, MintOptions, OidcOptions, OidcVerification } from './oidc.ts'
// Deliberately not exported: the router, auth and SigV4 verifier internals (import paths may change).

/** A served emulator. */
export interface ServedEmulator {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string
  readonly port: number
  /**
   * The environment that points AWS CLIs and SDKs (and GitHub Actions OIDC clients) at it:
   * `AWS_ENDPOINT_URL`, the base keys, `AWS_REGION`/`AWS_DEFAULT_REGION`,
   * `ACTIONS_ID_TOKEN_REQUEST_URL`, `ACTIONS_ID_TOKEN_REQUEST_TOKEN`.
   */
  readonly env: Readonly<Record<string, string>>
  close(): Promise<void>
}

/** Serve `emulator` on 127.0.0.1:`port` (default 0: any free port). */
export async function serveEmulator(
  emulator: Emulator,
  options: { readonly port?: number } = {},
): Promise<ServedEmulator> {
  const served = await serve((request) => emulator.handler(markFramed(request)), { port: options.port ?? 0 })
  return {
    url: served.url,
    port: served.port,
    env: {
      AWS_ENDPOINT_URL: served.url,
      AWS_ACCESS_KEY_ID: emulator.baseCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: emulator.baseCredentials.secretAccessKey,
      AWS_REGION: emulator.region,
      AWS_DEFAULT_REGION: emulator.region,
      ...emulator.oidc.env(served.url),
    },
    close: () => served.close(),
  }
}
