/**
 * `createEmulator`: an in-memory AWS (STS, S3, DynamoDB, and a GitHub Actions OIDC issuer) as
 * one fetch handler, usable in-process or served on loopback by `serveEmulator`.
 */
import { systemClock } from '../clock.ts'
import { ConfigError } from '../errors.ts'
import { silentLogger } from '../logger.ts'
import type { Clock, Credentials, FetchLike, Logger } from '../types.ts'
import { createAdmin } from './admin.ts'
import type { EmulatorSettings } from './context.ts'
import { createDynamoDbService } from './dynamodb.ts'
import { createFaults, type EmulatorFaults } from './faults.ts'
import {
  type BaseKeyPair,
  createKeyStore,
  randomAccessKeyId,
  randomSecretAccessKey,
} from './keys.ts'
import { createOidcIssuer, type EmulatorOidc, type OidcOptions } from './oidc.ts'
import { isRegionName } from './regions.ts'
import { createRouter } from './router.ts'
import { createS3Service } from './s3.ts'
import { createStats, type EmulatorStats } from './stats.ts'
import { createStsService, type EmulatorRole } from './sts.ts'

/** Options of {@link createEmulator}; every one has a default. */
export interface EmulatorOptions {
  /** Time for signatures, expiry and tokens; default the system clock. */
  readonly clock?: Clock
  /** Every issued credential lives this many seconds, whatever DurationSeconds asked. */
  readonly lifetimeSeconds?: number
  /** Default `123456789012`. */
  readonly accountId?: string
  /** Default `us-east-1`. */
  readonly region?: string
  /** Long-term key pairs; default one random `AKIA...` pair for user `emulator`. */
  readonly baseKeys?: readonly BaseKeyPair[]
  /** Roles with requirements (ExternalId, MFA, max duration); others are assumable freely. */
  readonly roles?: readonly EmulatorRole[]
  /** Only the configured roles can be assumed (AccessDenied for others). Default false. */
  readonly strictRoles?: boolean
  /** Largest request body accepted; default 64 MiB. */
  readonly maxBodyBytes?: number
  /** Longest an injected hang lasts if the client does not abort first; default 30 s. */
  readonly maxHangMs?: number
  /** Allowed distance between a request's X-Amz-Date and the clock; default 5 min. */
  readonly maxSkewMs?: number
  /** The OIDC issuer (issuer URL, token lifetime, audiences, request token). */
  readonly oidc?: OidcOptions
  /** Initial service settings. */
  readonly settings?: Partial<EmulatorSettings>
  /** Random source for rate-based faults; default `Math.random`. */
  readonly random?: () => number
  /** Where unexpected internal errors are reported; default silent. */
  readonly logger?: Logger
}

/** A running in-memory emulator. */
export interface Emulator {
  /** The fetch handler: one request in, one AWS-shaped response out. */
  handler(request: Request): Promise<Response>
  /** The handler as a `fetch` (accepts `(input, init)`), for clients that take a fetch. */
  readonly fetch: FetchLike
  /** The first base key pair (long-term `AKIA...`), with the account id. */
  readonly baseCredentials: Credentials & { readonly accountId: string }
  readonly accountId: string
  readonly region: string
  /** A snapshot of the counters. */
  stats(): EmulatorStats
  resetStats(): void
  readonly faults: EmulatorFaults
  /** Shared service settings; change them at any time. */
  readonly settings: EmulatorSettings
  readonly oidc: EmulatorOidc
  /** The credential lifetime override in seconds (undefined: as DurationSeconds asks). */
  lifetimeSeconds: number | undefined
  /** Forget every issued temporary key, as a restarted emulator would. */
  forgetTemporaryCredentials(): void
}

/**
 * Create an emulator. In-process use needs no sockets:
 *
 * @example
 * ```ts
 * const emulator = createEmulator({ lifetimeSeconds: 20 })
 * const client = new AwsClient({ ...emulator.baseCredentials, service: 'sts', region: 'us-east-1' })
 * const response = await emulator.handler(await client.sign('http://aws.local/', {
 *   method: 'POST', body: 'Action=GetCallerIdentity&Version=2011-06-15',
 *   headers: { 'content-type': 'application/x-www-form-urlencoded' },
 * }))
 * ```
 */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const clock = options.clock ?? systemClock
  const accountId = options.accountId ?? '123456789012'
  const region = options.region ?? 'us-east-1'
  const logger = options.logger ?? silentLogger
  // Clients sign with this region and the emulator rejects scopes that are not region names.
  if (!isRegionName(region)) {
    throw new ConfigError(
      `Emulator region '${region}' is not an AWS region name (such as us-east-1, eu-west-1, ` +
        'cn-north-1 or us-gov-west-1)',
    )
  }
  if (
    options.lifetimeSeconds !== undefined &&
    !(Number.isInteger(options.lifetimeSeconds) && options.lifetimeSeconds >= 1)
  ) {
    throw new RangeError(
      `createEmulator: lifetimeSeconds must be a whole number >= 1, got ${options.lifetimeSeconds}`,
    )
  }
  let lifetimeSeconds = options.lifetimeSeconds
  const baseKeys = options.baseKeys?.length ? options.baseKeys : [{
    accessKeyId: randomAccessKeyId('AKIA'),
    secretAccessKey: randomSecretAccessKey(),
    userName: 'emulator',
  }]
  const keys = createKeyStore(accountId, baseKeys)
  const stats = createStats()
  const settings: EmulatorSettings = { dynamodbUnprocessedPerBatch: 0, ...options.settings }
  const oidc = createOidcIssuer(clock, options.oidc, () => stats.oidcTokenIssued())
  const env = { clock, settings, accountId }
  const services = {
    sts: createStsService({
      env,
      keys,
      oidc,
      roles: options.roles ?? [],
      strictRoles: options.strictRoles ?? false,
      lifetimeSeconds: () => lifetimeSeconds,
      onIssue: () => stats.credentialsIssued(),
    }),
    s3: createS3Service(env),
    dynamodb: createDynamoDbService(env),
  }
  const faults = createFaults(options.random, {
    sts: services.sts.operations ?? [],
    s3: services.s3.operations ?? [],
    dynamodb: services.dynamodb.operations ?? [],
  })
  const forgetTemporaryCredentials = (): void => keys.forgetTemporary()
  const handler = createRouter({
    clock,
    logger,
    keys,
    stats,
    faults,
    oidc,
    services,
    admin: createAdmin({
      stats,
      faults,
      settings,
      getLifetimeSeconds: () => lifetimeSeconds,
      setLifetimeSeconds: (seconds) => {
        lifetimeSeconds = seconds
      },
      forgetTemporaryCredentials,
      info: { accountId, region },
    }),
    region,
    maxBodyBytes: options.maxBodyBytes ?? 64 * 1024 * 1024,
    maxSkewMs: options.maxSkewMs ?? 5 * 60 * 1000,
    maxHangMs: options.maxHangMs ?? 30_000,
  })
  const first = baseKeys[0]!
  return {
    handler,
    fetch: (input, init) =>
      handler(input instanceof Request && init === undefined ? input : new Request(input, init)),
    baseCredentials: {
      accessKeyId: first.accessKeyId,
      secretAccessKey: first.secretAccessKey,
      accountId,
    },
    accountId,
    region,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    faults,
    settings,
    oidc,
    get lifetimeSeconds() {
      return lifetimeSeconds
    },
    set lifetimeSeconds(seconds: number | undefined) {
      lifetimeSeconds = seconds
    },
    forgetTemporaryCredentials,
  }
}
