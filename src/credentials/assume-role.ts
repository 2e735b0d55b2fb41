/**
 * The AssumeRole credential source: source credentials (the default chain unless given) sign an
 * STS AssumeRole call; each call of the provider assumes the role anew. Role chaining (the source
 * is itself an assumed-role session) is capped by AWS at one hour, so a longer duration is
 * clamped with one warning instead of failing every refresh.
 */
import type { Env } from '../aws/endpoints.ts'
import { isAwsServiceError } from '../errors.ts'
import { ConfigError } from '../errors.ts'
import { silentLogger } from '../logger.ts'
import { getPlatform } from '../platform.ts'
import { createStsClient } from '../sts.ts'
import type { AssumeRoleInput, StsPolicyDescriptor, StsTag } from '../sts.ts'
import {
  ROLE_CHAINING_MAX_SECONDS,
  validateAssumeRoleExtras,
  validatePolicies,
  validateRoleSource,
  validateTags,
} from '../sts-validate.ts'
import type {
  Clock,
  Credentials,
  CredentialSession,
  CredentialsInput,
  FetchLike,
  Logger,
} from '../types.ts'
import { namedProvider, toCredentialSource } from './input.ts'
import type { CredentialSource, NamedCredentialProvider } from './input.ts'
import { lazyDefaultCredentials } from './lazy-default.ts'
import { maskKey } from './redact.ts'

/** Options of {@link fromAssumeRole}. */
export interface AssumeRoleSourceOptions {
  readonly roleArn: string
  /** Default: `AWS_ROLE_SESSION_NAME`, else `stsrefresh-<epoch ms>`. */
  readonly roleSessionName?: string
  /** 900-43200; default STS's (3600). Clamped to 3600 when role chaining. */
  readonly durationSeconds?: number
  readonly externalId?: string
  /** An inline session policy (JSON). */
  readonly policy?: string
  /** Managed session policy ARNs. */
  readonly policyArns?: readonly (string | StsPolicyDescriptor)[]
  /** Session tags, as `{ Key: Value }` or STS `Tag`s. */
  readonly tags?: Readonly<Record<string, string>> | readonly StsTag[]
  readonly transitiveTagKeys?: readonly string[]
  readonly sourceIdentity?: string
  /** The MFA device; `tokenCode` is then asked for at every AssumeRole. */
  readonly serialNumber?: string
  readonly tokenCode?: () => string | Promise<string>
  readonly region?: string
  readonly endpoint?: string
  /** The credentials that call AssumeRole. Default: `defaultCredentials()`. */
  readonly source?: CredentialsInput
  readonly fetch?: FetchLike
  readonly clock?: Clock
  readonly logger?: Logger
  readonly env?: Env
}

// Credentials that are assumed-role sessions, whoever holds them: AssumeRole with them as the
// source is role chaining.
const assumedRoleCredentials = new WeakSet<object>()

/** Record that `credentials` come from AssumeRole or AssumeRoleWithWebIdentity. */
export function markAssumedRole<T extends Credentials>(credentials: T): T {
  assumedRoleCredentials.add(credentials)
  return credentials
}

// Sources whose credentials are role sessions. EC2 instance profiles are not: AWS does not treat
// roles for applications on EC2 as role chaining (IAM User Guide, "Roles terms and concepts").
const ROLE_SESSION_SOURCES = new Set(['assume-role', 'web-identity', 'github-oidc', 'sso'])

/** True when AssumeRole with these source credentials is role chaining (capped at one hour). */
export function isRoleChainingSource(credentials: Credentials, sourceName?: string): boolean {
  if (!credentials.accessKeyId.startsWith('ASIA')) return false
  return assumedRoleCredentials.has(credentials) ||
    (sourceName !== undefined && ROLE_SESSION_SOURCES.has(sourceName))
}

function normaliseTags(tags: AssumeRoleSourceOptions['tags']): StsTag[] | undefined {
  if (tags === undefined) return undefined
  if (Array.isArray(tags)) return [...(tags as readonly StsTag[])]
  return Object.entries(tags as Record<string, string>).map(([Key, Value]) => ({ Key, Value }))
}

/**
 * A session over `source` for one AssumeRole: reuses the credentials already fetched to decide on
 * role chaining, and refetches only if STS rejects them as expired.
 */
function pinnedSession(source: CredentialSource, first: Credentials): CredentialSession {
  let current: Credentials | undefined = first
  const get = async (): Promise<Credentials> => (current ??= await source.get())
  return {
    get,
    invalidate(rejected) {
      const key = typeof rejected === 'string' ? rejected : rejected.accessKeyId
      if (current && current.accessKeyId !== key) return
      current = undefined
      source.invalidate(rejected)
    },
    provider: get,
  }
}

/**
 * A credential source that assumes `roleArn`. Parameters are validated now, so a bad ARN or
 * duration fails at startup, not at the first refresh.
 *
 * @example
 * const credentials = refreshable(fromAssumeRole({ roleArn, durationSeconds: 900 }))
 */
export function fromAssumeRole(options: AssumeRoleSourceOptions): NamedCredentialProvider {
  const op = 'fromAssumeRole'
  const env = options.env ?? getPlatform().env()
  const logger = options.logger ?? silentLogger
  const clock = options.clock
  const fixedName = validateRoleSource(op, options, env)
  const policyArns = options.policyArns?.map((arn) => (typeof arn === 'string' ? { arn } : arn))
  const tags = normaliseTags(options.tags)
  validatePolicies(op, options.policy, policyArns)
  validateTags(op, tags, options.transitiveTagKeys)
  if (options.serialNumber !== undefined && !options.tokenCode) {
    throw new ConfigError(
      `${op}: serialNumber ${options.serialNumber} needs a tokenCode callback ` +
        'that returns the current MFA code',
      { key: 'tokenCode' },
    )
  }
  validateAssumeRoleExtras(op, {
    ExternalId: options.externalId,
    SourceIdentity: options.sourceIdentity,
    SerialNumber: options.serialNumber,
    ...(options.serialNumber !== undefined ? { TokenCode: '000000' } : {}),
  })
  const deps = {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  }
  // Resolve (and validate) the STS endpoint now, so a bad AWS_ENDPOINT_URL fails at startup.
  const { region, endpoint } = createStsClient({
    env,
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
  })
  const source = toCredentialSource(options.source ?? lazyDefaultCredentials({ env, ...deps }))
  let warned = false
  // Set once STS itself reported role chaining for this source: clamp up front from then on.
  let stsSaysChained = false
  const clampWarning = (reason: string): void => {
    if (warned) return
    warned = true
    logger.warn(
      `durationSeconds ${options.durationSeconds} for ${options.roleArn} exceeds the 1-hour ` +
        `limit of role chaining (${reason}); using ${ROLE_CHAINING_MAX_SECONDS}`,
      { roleArn: options.roleArn, durationSeconds: options.durationSeconds },
    )
  }

  return namedProvider('assume-role', async (request = {}) => {
    const signal = request.signal
    const sourceCredentials = await source.get(signal ? { signal } : {})
    let duration = options.durationSeconds
    if (
      duration !== undefined &&
      duration > ROLE_CHAINING_MAX_SECONDS &&
      (stsSaysChained || isRoleChainingSource(sourceCredentials, source.sourceName))
    ) {
      clampWarning(
        `the source credentials ${
          maskKey(sourceCredentials.accessKeyId)
        } are an assumed-role session`,
      )
      duration = ROLE_CHAINING_MAX_SECONDS
    }
    const sts = createStsClient({
      ...deps,
      env,
      region,
      endpoint,
      credentials: pinnedSession(source, sourceCredentials),
    })
    const input: AssumeRoleInput = {
      RoleArn: options.roleArn,
      RoleSessionName: fixedName ?? `stsrefresh-${Math.floor((clock ?? { now: Date.now }).now())}`,
      ...(options.externalId !== undefined ? { ExternalId: options.externalId } : {}),
      ...(options.policy !== undefined ? { Policy: options.policy } : {}),
      ...(policyArns ? { PolicyArns: policyArns } : {}),
      ...(tags ? { Tags: tags } : {}),
      ...(options.transitiveTagKeys ? { TransitiveTagKeys: options.transitiveTagKeys } : {}),
      ...(options.sourceIdentity !== undefined ? { SourceIdentity: options.sourceIdentity } : {}),
      ...(options.serialNumber !== undefined && options.tokenCode
        ? {
          SerialNumber: options.serialNumber,
          TokenCode: String(await options.tokenCode()).trim(),
        }
        : {}),
      ...(signal ? { signal } : {}),
    }
    try {
      const output = await sts.assumeRole(
        duration === undefined ? input : { ...input, DurationSeconds: duration },
      )
      return markAssumedRole(output.Credentials)
    } catch (error) {
      // A source we could not recognise as a role session (e.g. role keys in env variables):
      // STS says so, and the same call with one hour succeeds (STS ValidationError text:
      // "exceeds the 1 hour session limit for roles assumed by role chaining").
      const chained = isAwsServiceError(error) && error.code === 'ValidationError' &&
        /role chaining/i.test(error.message)
      if (!chained || duration === undefined || duration <= ROLE_CHAINING_MAX_SECONDS) throw error
      stsSaysChained = true
      clampWarning('STS reports role chaining')
      const output = await sts.assumeRole({ ...input, DurationSeconds: ROLE_CHAINING_MAX_SECONDS })
      return markAssumedRole(output.Credentials)
    }
  })
}
