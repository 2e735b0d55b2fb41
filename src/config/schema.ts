/**
 * Validation of the profile settings the credential sources read, with `zod/mini` (the small
 * build, to keep the core bundle light). Errors name the file, line, profile and key, and never
 * echo a secret value.
 */
import * as z from 'zod/mini'
import { ConfigError } from '../errors.ts'
import type { ProfileData, ProfileOrigins } from './profiles.ts'

/** The `credential_source` values the AWS SDKs accept (case-sensitive in botocore and SDK v3). */
export const CREDENTIAL_SOURCES: readonly ['Environment', 'Ec2InstanceMetadata', 'EcsContainer'] = [
  'Environment',
  'Ec2InstanceMetadata',
  'EcsContainer',
]

/** A validated profile: the credential-related settings, typed. Unknown keys are left out. */
export interface ProfileConfig {
  readonly aws_access_key_id?: string
  readonly aws_secret_access_key?: string
  readonly aws_session_token?: string
  readonly aws_account_id?: string
  readonly role_arn?: string
  readonly source_profile?: string
  readonly credential_source?: 'Environment' | 'Ec2InstanceMetadata' | 'EcsContainer'
  readonly external_id?: string
  readonly role_session_name?: string
  /** Seconds, 900 to 43200. */
  readonly duration_seconds?: number
  readonly mfa_serial?: string
  readonly web_identity_token_file?: string
  readonly credential_process?: string
  readonly region?: string
  readonly sso_session?: string
  readonly sso_start_url?: string
  readonly sso_account_id?: string
  readonly sso_role_name?: string
}

const nonEmpty = (what: string) =>
  z.string().check(z.refine((value: string) => value.trim() !== '', { error: `${what} is empty` }))

const matching = (pattern: RegExp, what: string) =>
  z.string().check(z.refine((value: string) => pattern.test(value), { error: what }))

// Limits from the STS AssumeRole API reference: RoleSessionName 2-64 of [\w+=,.@-],
// ExternalId 2-1224 of [\w+=,.@:/-], SerialNumber 9-256, DurationSeconds 900-43200.
const profileSchema = z.object({
  aws_access_key_id: z.optional(nonEmpty('the access key id')),
  aws_secret_access_key: z.optional(nonEmpty('the secret access key')),
  aws_session_token: z.optional(nonEmpty('the session token')),
  aws_account_id: z.optional(matching(/^\d{12}$/, 'must be a 12-digit AWS account id')),
  role_arn: z.optional(
    matching(
      /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
      'must be an IAM role ARN such as arn:aws:iam::123456789012:role/name',
    ),
  ),
  source_profile: z.optional(nonEmpty('source_profile')),
  credential_source: z.optional(
    z.enum(CREDENTIAL_SOURCES, {
      error: `must be one of ${CREDENTIAL_SOURCES.join(', ')} (case-sensitive)`,
    }),
  ),
  external_id: z.optional(
    matching(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2-1224 characters of letters, digits and +=,.@:/-'),
  ),
  role_session_name: z.optional(
    matching(/^[\w+=,.@-]{2,64}$/, 'must be 2-64 characters of letters, digits and +=,.@-'),
  ),
  duration_seconds: z.optional(
    z.pipe(
      matching(
        /^(?:9\d\d|[1-9]\d{3}|[1-3]\d{4}|4[0-2]\d{3}|43[01]\d\d|43200)$/,
        'must be a whole number of seconds from 900 to 43200',
      ),
      z.transform((value: string) => Number(value)),
    ),
  ),
  mfa_serial: z.optional(
    matching(/^[\w+=/:,.@-]{9,256}$/, 'must be an MFA device ARN or serial number (9-256 characters)'),
  ),
  web_identity_token_file: z.optional(nonEmpty('web_identity_token_file')),
  credential_process: z.optional(nonEmpty('credential_process')),
  region: z.optional(matching(/^[a-z0-9-]{1,64}$/, 'must be a region name such as us-east-1')),
  sso_session: z.optional(z.string()),
  sso_start_url: z.optional(z.string()),
  sso_account_id: z.optional(z.string()),
  sso_role_name: z.optional(z.string()),
})

/** Keys whose values may appear in an error message (never credentials or tokens). */
const ECHOABLE = new Set([
  'role_arn',
  'source_profile',
  'credential_source',
  'role_session_name',
  'duration_seconds',
  'mfa_serial',
  'region',
  'aws_account_id',
])

/** `~/.aws/config line 12: profile "dev": duration_seconds`, the start of a message. */
export function where(origins: ProfileOrigins, key?: string): string {
  const place = (key === undefined ? undefined : origins.keys[key]) ?? origins.definedIn[0]
  const at = place ? `${place.file} line ${place.line}: ` : ''
  return `${at}profile "${origins.name}"${key === undefined ? '' : `: ${key}`}`
}

/** A {@link ConfigError} about `key` of a profile, with file and line filled in. */
export function profileError(
  origins: ProfileOrigins,
  key: string | undefined,
  message: string,
): ConfigError {
  const place = (key === undefined ? undefined : origins.keys[key]) ?? origins.definedIn[0]
  return new ConfigError(`${where(origins, key)}: ${message}`, {
    profile: origins.name,
    ...(key === undefined ? {} : { key }),
    ...(place ? { file: place.file } : {}),
  })
}

/**
 * Validate the credential-related settings of a profile. Throws a {@link ConfigError} for the
 * first bad key, e.g. `~/.aws/config line 7: profile "ci": duration_seconds: must be a whole
 * number of seconds from 900 to 43200 (got "90")`, or for half a static key pair.
 */
export function validateProfile(profile: ProfileData, origins: ProfileOrigins): ProfileConfig {
  const result = profileSchema.safeParse(profile)
  if (!result.success) {
    const issue = result.error.issues[0]
    const key = typeof issue?.path[0] === 'string' ? issue.path[0] : undefined
    const raw = key === undefined ? undefined : profile[key]
    // JSON quoting keeps a value continued over several lines on the one line of the message.
    const echo = key !== undefined && ECHOABLE.has(key) && raw !== undefined
    const got = echo ? ` (got ${JSON.stringify(raw)})` : ''
    throw profileError(origins, key, `${issue?.message ?? 'invalid value'}${got}`)
  }
  const config = result.data as ProfileConfig
  // botocore raises PartialCredentialsError for half a key pair rather than skipping it.
  if (config.aws_access_key_id !== undefined && config.aws_secret_access_key === undefined) {
    throw profileError(
      origins,
      'aws_access_key_id',
      'aws_access_key_id is set but aws_secret_access_key is missing: add it or remove both',
    )
  }
  if (config.aws_secret_access_key !== undefined && config.aws_access_key_id === undefined) {
    throw profileError(
      origins,
      'aws_secret_access_key',
      'aws_secret_access_key is set but aws_access_key_id is missing: add it or remove both',
    )
  }
  return config
}
