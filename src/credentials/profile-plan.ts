/**
 * Turn a profile into a plan: which source provides its credentials, through which roles. Pure
 * (no I/O), so the rules can be tested on their own and a plan can be compared with the last one
 * to decide whether the providers built from it are still valid.
 *
 * The rules follow botocore's AssumeRoleProvider (credentials.py) and the AWS SDK for JS v3
 * `resolveProfileData` (credential-provider-ini):
 * - a source profile with static keys is used for them, whatever else it sets;
 * - `role_arn` needs exactly one of `source_profile` and `credential_source` (or
 *   `web_identity_token_file`); neither or both is an error, not a fall-through;
 * - a profile may name itself as `source_profile` only if it has static keys (botocore's
 *   documented exception); any other repeat is a cycle;
 * - then static keys, `credential_process`, and (SDK v3) `credential_source` without a role.
 */
import { getProfile } from '../config/profiles.ts'
import type { LoadedProfiles, ProfileOrigins } from '../config/profiles.ts'
import { profileError, validateProfile } from '../config/schema.ts'
import type { ProfileConfig } from '../config/schema.ts'
import type { Credentials } from '../types.ts'

/** Where the credentials of a profile come from. */
export type ProfilePlan =
  | { readonly kind: 'static'; readonly profile: string; readonly credentials: Credentials }
  | {
      readonly kind: 'process'
      readonly profile: string
      readonly command: string
      readonly accountId?: string
    }
  | {
      readonly kind: 'web-identity'
      readonly profile: string
      readonly roleArn: string
      readonly webIdentityTokenFile: string
      readonly roleSessionName?: string
      readonly durationSeconds?: number
      readonly region?: string
    }
  | {
      readonly kind: 'credential-source'
      readonly profile: string
      readonly source: 'Environment' | 'Ec2InstanceMetadata' | 'EcsContainer'
    }
  | {
      readonly kind: 'assume-role'
      readonly profile: string
      readonly roleArn: string
      readonly roleSessionName?: string
      readonly externalId?: string
      readonly durationSeconds?: number
      readonly mfaSerial?: string
      readonly region?: string
      readonly source: ProfilePlan
    }

/** A profile with nothing that provides credentials: the chain moves on. */
export interface NoCredentials {
  readonly kind: 'none'
  readonly reason: string
}

/** Options of {@link planProfile}. */
export interface PlanOptions {
  /** The profile was named explicitly (option, `AWS_PROFILE`): missing is an error. */
  readonly explicit: boolean
  /** A `tokenCode` callback exists, so `mfa_serial` can be honoured. */
  readonly hasTokenCode: boolean
}

const CREDENTIAL_KEYS = [
  'aws_access_key_id',
  'role_arn',
  'web_identity_token_file',
  'credential_process',
  'credential_source',
]

function hasStaticKeys(config: ProfileConfig): boolean {
  return config.aws_access_key_id !== undefined && config.aws_secret_access_key !== undefined
}

function staticPlan(name: string, config: ProfileConfig): ProfilePlan {
  return {
    kind: 'static',
    profile: name,
    credentials: {
      accessKeyId: config.aws_access_key_id as string,
      secretAccessKey: config.aws_secret_access_key as string,
      ...(config.aws_session_token ? { sessionToken: config.aws_session_token } : {}),
      ...(config.aws_account_id ? { accountId: config.aws_account_id } : {}),
    },
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}

class Planner {
  readonly #loaded: LoadedProfiles
  readonly #options: PlanOptions
  readonly #topRegion: string | undefined

  constructor(loaded: LoadedProfiles, options: PlanOptions, topRegion: string | undefined) {
    this.#loaded = loaded
    this.#options = options
    this.#topRegion = topRegion
  }

  #origins(name: string): ProfileOrigins {
    return this.#loaded.origins.get(name) ?? { name, keys: {}, definedIn: [] }
  }

  files(): string {
    return `${this.#loaded.configFile} or ${this.#loaded.credentialsFile}`
  }

  /** Plan `name`; `visited` is the path of profiles that led here (source_profile hops). */
  plan(name: string, visited: readonly string[]): ProfilePlan | NoCredentials {
    const profile = this.#origins(name)
    const config = validateProfile(this.#loaded.profiles.get(name) ?? {}, profile)
    const asSource = visited.length > 1
    // A source profile with keys is used for its keys (botocore, SDK v3), even with a role_arn.
    if (asSource && hasStaticKeys(config)) return staticPlan(name, config)
    if (config.role_arn !== undefined && config.web_identity_token_file === undefined) {
      return this.#assumeRole(profile, config, visited)
    }
    if (config.web_identity_token_file !== undefined) {
      if (config.role_arn === undefined) {
        throw profileError(
          profile,
          'web_identity_token_file',
          'web_identity_token_file is set but role_arn is not: add the ARN of the role to assume with the token',
        )
      }
      return {
        kind: 'web-identity',
        profile: name,
        roleArn: config.role_arn,
        webIdentityTokenFile: config.web_identity_token_file,
        ...optional('roleSessionName', config.role_session_name),
        ...optional('durationSeconds', config.duration_seconds),
        ...optional('region', config.region ?? this.#topRegion),
      }
    }
    if (hasStaticKeys(config)) return staticPlan(name, config)
    if (config.credential_process !== undefined) {
      return {
        kind: 'process',
        profile: name,
        // A value continued on indented lines is joined with newlines (ini.ts), which a shell
        // would run as separate commands; botocore shell-splits it, a newline being whitespace.
        command: config.credential_process.replace(/\s*\n\s*/g, ' '),
        ...optional('accountId', config.aws_account_id),
      }
    }
    if (config.credential_source !== undefined) {
      // SDK v3 (isCredentialSourceWithoutRoleArn): the named source's own credentials.
      return { kind: 'credential-source', profile: name, source: config.credential_source }
    }
    if (config.sso_session !== undefined || config.sso_start_url !== undefined) {
      throw profileError(
        profile,
        config.sso_session !== undefined ? 'sso_session' : 'sso_start_url',
        'IAM Identity Center (SSO) profiles are not supported: add credential_process = ' +
          `aws configure export-credentials --profile ${name} --format process ` +
          'to a profile and use that one',
      )
    }
    return {
      kind: 'none',
      reason: `profile "${name}" has no credentials (none of ${CREDENTIAL_KEYS.join(', ')})`,
    }
  }

  #assumeRole(
    profile: ProfileOrigins,
    config: ProfileConfig,
    visited: readonly string[],
  ): ProfilePlan {
    const name = profile.name
    const roleArn = config.role_arn as string
    if (config.source_profile !== undefined && config.credential_source !== undefined) {
      throw profileError(
        profile,
        'credential_source',
        'sets both source_profile and credential_source: keep exactly one',
      )
    }
    if (config.source_profile === undefined && config.credential_source === undefined) {
      throw profileError(
        profile,
        'role_arn',
        'role_arn is set but the profile says nowhere to get credentials to assume it with: ' +
          'add source_profile = <a profile with credentials>, or credential_source = ' +
          'Environment, Ec2InstanceMetadata or EcsContainer',
      )
    }
    if (config.mfa_serial !== undefined && !this.#options.hasTokenCode) {
      throw profileError(
        profile,
        'mfa_serial',
        'needs an MFA code, but no tokenCode callback was given: pass tokenCode: (mfaSerial) => code',
      )
    }
    let source: ProfilePlan
    if (config.credential_source !== undefined) {
      source = { kind: 'credential-source', profile: name, source: config.credential_source }
    } else {
      source = this.#sourceProfile(profile, config, config.source_profile as string, visited)
    }
    return {
      kind: 'assume-role',
      profile: name,
      roleArn,
      ...optional('roleSessionName', config.role_session_name),
      ...optional('externalId', config.external_id),
      ...optional('durationSeconds', config.duration_seconds),
      ...optional('mfaSerial', config.mfa_serial),
      ...optional('region', config.region ?? this.#topRegion),
      source,
    }
  }

  #sourceProfile(
    profile: ProfileOrigins,
    config: ProfileConfig,
    sourceName: string,
    visited: readonly string[],
  ): ProfilePlan {
    const name = profile.name
    if (visited.includes(sourceName)) {
      // botocore _validate_source_profile: a profile may source itself only for its own keys.
      if (sourceName === name && hasStaticKeys(config)) return staticPlan(name, config)
      const path = [...visited, sourceName].map((item) => `"${item}"`).join(' -> ')
      throw profileError(
        profile,
        'source_profile',
        `source_profile loops back to a profile already visited: ${path}; ` +
          'one profile in the chain must have credentials of its own',
      )
    }
    if (!this.#loaded.profiles.has(sourceName)) {
      throw profileError(
        profile,
        'source_profile',
        `source_profile "${sourceName}" does not exist in ${this.files()}`,
      )
    }
    const plan = this.plan(sourceName, [...visited, sourceName])
    if (plan.kind === 'none') {
      throw profileError(
        profile,
        'source_profile',
        `source_profile "${sourceName}" has no credentials: give it aws_access_key_id and ` +
          'aws_secret_access_key, role_arn with a source, credential_process or credential_source',
      )
    }
    return plan
  }
}

/**
 * Plan the credentials of profile `name`. Returns `{ kind: 'none' }` when the profile does not
 * exist (and was not named explicitly) or sets nothing that provides credentials; throws a
 * `ConfigError` naming file, line, profile and key for any broken configuration.
 */
export function planProfile(
  loaded: LoadedProfiles,
  name: string,
  options: PlanOptions,
): ProfilePlan | NoCredentials {
  const profile = loaded.profiles.get(name)
  if (profile === undefined) {
    if (options.explicit) getProfile(loaded, name)
    const reason = `no profile "${name}" in ${loaded.configFile} or ${loaded.credentialsFile}`
    return { kind: 'none', reason }
  }
  return new Planner(loaded, options, profile.region).plan(name, [name])
}

/** The role ARNs of a plan, outermost first (for logs and tests). */
export function roleChainOf(plan: ProfilePlan): string[] {
  const roles: string[] = []
  let step: ProfilePlan | undefined = plan
  while (step) {
    if (step.kind === 'assume-role') {
      roles.push(step.roleArn)
      step = step.source
    } else {
      if (step.kind === 'web-identity') roles.push(step.roleArn)
      step = undefined
    }
  }
  return roles
}
