/**
 * Credentials from a profile of the shared config and credentials files: static keys, role
 * chains (`role_arn` with `source_profile` or `credential_source`), web identity,
 * `credential_process`. The files are re-read at every call; the providers built for a plan are
 * kept while the plan is unchanged, so the intermediate roles of a chain keep their own cached,
 * self-refreshing credentials, and an edited file (rotated keys, a new role) takes effect at the
 * next call.
 */
import { loadProfiles, profileFromEnv, resolveProfileName } from '../config/profiles.ts'
import { silentLogger } from '../logger.ts'
import { getPlatform } from '../platform.ts'
import type { Platform } from '../platform.ts'
import { ConfigError } from '../errors.ts'
import type { Clock, CredentialProvider, CredentialsInput, FetchLike, Logger } from '../types.ts'
import { fromAssumeRole } from './assume-role.ts'
import type { AssumeRoleSourceOptions } from './assume-role.ts'
import { namedProvider } from './input.ts'
import type { NamedCredentialProvider } from './input.ts'
import { notConfigured, requireConfigured } from './not-configured.ts'
import { planProfile, roleChainOf } from './profile-plan.ts'
import type { ProfilePlan } from './profile-plan.ts'
import { maskKey } from './redact.ts'
import { refreshable } from './refreshable.ts'
import { fromContainer, fromEnv, fromInstanceMetadata, fromProcess, fromStatic } from './sources.ts'
import { fromWebIdentityTokenFile } from './web-identity.ts'
import type { WebIdentityTokenFileOptions } from './web-identity.ts'

/**
 * Settings that replace the profile's own for the role it assumes (its outermost `role_arn`), as
 * aws-vault's `--duration` does: a command line that names them means them.
 */
export interface RoleOverrides {
  readonly durationSeconds?: number
  readonly externalId?: string
  readonly roleSessionName?: string
}

/** Options of {@link fromProfile}; host capabilities default to the platform at call time. */
export interface FromProfileOptions {
  /** The profile; default `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`, then `default`. */
  readonly profile?: string
  readonly env?: Record<string, string | undefined>
  readonly readTextFile?: (path: string) => Promise<string>
  readonly homeDir?: string
  readonly runCommand?: Platform['runCommand']
  readonly fetch?: FetchLike
  readonly clock?: Clock
  readonly logger?: Logger
  /** STS region when the profile sets none. */
  readonly region?: string
  /** Returns the current code of the MFA device `mfaSerial`, for profiles with `mfa_serial`. */
  readonly tokenCode?: (mfaSerial: string) => string | Promise<string>
  /** Builds the AssumeRole source of a `role_arn` layer; default `fromAssumeRole` (tests inject). */
  readonly assumeRole?: (options: AssumeRoleSourceOptions) => CredentialProvider
  /** Builds a web identity source; default `fromWebIdentityTokenFile` (tests inject). */
  readonly webIdentity?: (options: WebIdentityTokenFileOptions) => CredentialProvider
  /** Replace the profile's settings for its role; a profile that assumes none is a ConfigError. */
  readonly roleOverrides?: RoleOverrides
}

interface Built {
  readonly key: string
  readonly provider: CredentialProvider
  readonly sessions: readonly { stop(): Promise<void> }[]
}

function describe(plan: ProfilePlan): string {
  switch (plan.kind) {
    case 'static':
      return `static keys of "${plan.profile}" (${maskKey(plan.credentials.accessKeyId)})`
    case 'process':
      return `credential_process of "${plan.profile}"`
    case 'web-identity':
      return `web identity ${plan.roleArn}`
    case 'credential-source':
      return `credential_source ${plan.source}`
    case 'assume-role':
      return `${plan.roleArn} <- ${describe(plan.source)}`
  }
}

const OVERRIDE_NAMES: Readonly<Record<keyof RoleOverrides, string>> = {
  durationSeconds: 'a duration',
  externalId: 'an external ID',
  roleSessionName: 'a session name',
}

const givenOverrides = (overrides: RoleOverrides): (keyof RoleOverrides)[] =>
  (Object.keys(OVERRIDE_NAMES) as (keyof RoleOverrides)[]).filter((k) => overrides[k] !== undefined)

/** What `overrides` sets, for messages: "a duration and a session name"; empty when nothing. */
export function describeOverrides(overrides: RoleOverrides): string {
  return givenOverrides(overrides).map((k) => OVERRIDE_NAMES[k]).join(' and ')
}

/** The plan with `overrides` applied to its outermost role; throws when there is no role to apply them to. */
export function withRoleOverrides(plan: ProfilePlan, overrides: RoleOverrides): ProfilePlan {
  const given = givenOverrides(overrides)
  if (given.length === 0) return plan
  const what = describeOverrides(overrides)
  if (plan.kind === 'assume-role') return { ...plan, ...pick(overrides, given) }
  if (plan.kind === 'web-identity') {
    if (overrides.externalId !== undefined) {
      throw new ConfigError(
        `profile "${plan.profile}" assumes ${plan.roleArn} with a web identity token, which takes no external ID: drop it`,
        { profile: plan.profile, key: 'external_id' },
      )
    }
    return { ...plan, ...pick(overrides, given) }
  }
  throw new ConfigError(
    `profile "${plan.profile}" assumes no role (its credentials are the ${describe(plan)}), so ${what} ` +
      'given for its role cannot apply: drop it, or name a role (role_arn in the profile, or a role ARN option)',
    { profile: plan.profile },
  )
}

function pick(overrides: RoleOverrides, keys: readonly (keyof RoleOverrides)[]): RoleOverrides {
  return Object.fromEntries(keys.map((k) => [k, overrides[k]]))
}

/** Build the providers for a plan; intermediate layers become lazily refreshed sessions. */
function build(
  plan: ProfilePlan,
  options: FromProfileOptions,
  env: Record<string, string | undefined>,
): Omit<Built, 'key'> {
  const sessions: { stop(): Promise<void> }[] = []
  const { clock, logger = silentLogger, fetch } = options
  const deps = {
    ...(fetch ? { fetch } : {}),
    ...(clock ? { clock } : {}),
    logger,
  }
  const assumeRole = options.assumeRole ?? fromAssumeRole
  const webIdentity = options.webIdentity ?? fromWebIdentityTokenFile

  const layer = (step: ProfilePlan): CredentialProvider => {
    switch (step.kind) {
      case 'static':
        return fromStatic(step.credentials, 'profile')
      case 'process':
        return fromProcess({
          command: step.command,
          profile: step.profile,
          ...(step.accountId ? { accountId: step.accountId } : {}),
          ...(options.runCommand ? { runCommand: options.runCommand } : {}),
          ...(options.env ? { env: options.env } : {}),
          ...deps,
        })
      case 'web-identity':
        return webIdentity({
          roleArn: step.roleArn,
          webIdentityTokenFile: step.webIdentityTokenFile,
          ...(step.roleSessionName ? { roleSessionName: step.roleSessionName } : {}),
          ...(step.durationSeconds ? { durationSeconds: step.durationSeconds } : {}),
          ...(step.region ?? options.region ? { region: step.region ?? options.region } : {}),
          ...(options.readTextFile ? { readTextFile: options.readTextFile } : {}),
          env,
          ...deps,
        })
      case 'credential-source': {
        const explain = `profile "${step.profile}": credential_source = ${step.source} found nothing`
        if (step.source === 'Environment') return requireConfigured(fromEnv({ env, ...deps }), explain)
        if (step.source === 'EcsContainer') {
          const reader = options.readTextFile ? { readTextFile: options.readTextFile } : {}
          return requireConfigured(fromContainer({ env, ...reader, ...deps }), explain)
        }
        return requireConfigured(fromInstanceMetadata({ env, ...deps }), explain)
      }
      case 'assume-role': {
        let source: CredentialsInput = layer(step.source)
        const cheap = step.source.kind === 'static' ||
          (step.source.kind === 'credential-source' && step.source.source === 'Environment')
        if (!cheap) {
          // Each layer keeps and refreshes its own credentials, lazily (no timer of its own: a
          // stopped outer session must not leave inner ones calling STS forever).
          // The session keeps the source's own name (assume-role, web-identity, ...): the
          // AssumeRole source reads it to detect role chaining.
          const session = refreshable(source as CredentialProvider, { ...deps, autoStart: false })
          sessions.push(session)
          source = session
        }
        const mfaSerial = step.mfaSerial
        const tokenCode = options.tokenCode
        return assumeRole({
          roleArn: step.roleArn,
          ...(step.roleSessionName ? { roleSessionName: step.roleSessionName } : {}),
          ...(step.durationSeconds ? { durationSeconds: step.durationSeconds } : {}),
          ...(step.externalId ? { externalId: step.externalId } : {}),
          ...(mfaSerial && tokenCode
            ? { serialNumber: mfaSerial, tokenCode: () => tokenCode(mfaSerial) }
            : {}),
          ...(step.region ?? options.region ? { region: step.region ?? options.region } : {}),
          source,
          env,
          ...deps,
        })
      }
    }
  }
  return { provider: layer(plan), sessions }
}

/**
 * Credentials of a profile. Not configured (the chain moves on) when the profile was not named
 * explicitly and does not exist, or sets nothing that provides credentials. A profile named
 * through the `profile` option or `AWS_PROFILE` that does not exist, and any broken setting,
 * is a `ConfigError` naming the file, line, profile and key.
 */
export function fromProfile(options: FromProfileOptions = {}): NamedCredentialProvider {
  const logger = options.logger ?? silentLogger
  let built: Built | undefined
  return namedProvider('profile', async (request) => {
    const platform = getPlatform()
    const env = (options.env ?? platform.env()) as Record<string, string | undefined>
    const name = options.profile ?? resolveProfileName(env)
    const explicit = options.profile !== undefined || profileFromEnv(env)
    const loaded = await loadProfiles({
      env,
      ...(options.readTextFile ? { readTextFile: options.readTextFile } : {}),
      ...(options.homeDir !== undefined ? { homeDir: options.homeDir } : {}),
    })
    const hasTokenCode = options.tokenCode !== undefined
    const planned = planProfile(loaded, name, { explicit, hasTokenCode })
    if (planned.kind === 'none') throw notConfigured('profile', planned.reason)
    const plan = options.roleOverrides ? withRoleOverrides(planned, options.roleOverrides) : planned
    // The plan holds secrets (static keys): the key stays in memory, never in a log line.
    const key = JSON.stringify(plan)
    if (built?.key !== key) {
      for (const session of built?.sessions ?? []) void session.stop().catch(() => {})
      built = { key, ...build(plan, options, env) }
      logger.debug(`credentials: profile "${name}" resolves to ${describe(plan)}`, {
        profile: name,
        roles: roleChainOf(plan),
      })
    }
    return built.provider(request)
  })
}
