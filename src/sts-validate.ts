/**
 * Local validation of STS parameters, so a typo fails at once with a message that says what is
 * wrong instead of a round trip and an opaque ValidationError. Limits and patterns are from the
 * STS API Reference (AssumeRole, AssumeRoleWithWebIdentity, Tag, PolicyDescriptorType).
 */
import { ConfigError } from './errors.ts'

/** A session tag (STS `Tag`). */
export interface StsTag {
  readonly Key: string
  readonly Value: string
}

/** A managed session policy (STS `PolicyDescriptorType`). */
export interface StsPolicyDescriptor {
  readonly arn: string
}

// arn:<partition>:iam::<account>:role/<path/><name>; names and paths use [\w+=,.@-]
// (IAM API Reference, Role: RoleName and Path patterns).
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/
const ANY_ARN = /^arn:aws[a-z-]*:[\w-]+:[\w-]*:(\d{12}|aws)?:.+$/
const SESSION_NAME = /^[\w+=,.@-]*$/
const EXTERNAL_ID = /^[\w+=,.@:/-]*$/
const SERIAL_NUMBER = /^[\w+=/:,.@-]*$/
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u

/** Duration limits: 15 min to 12 h (the role's MaxSessionDuration may be lower). */
export const MIN_DURATION_SECONDS = 900
/** The longest session STS ever grants. */
export const MAX_DURATION_SECONDS = 43_200
/** Role chaining is capped at one hour (IAM User Guide, "Role chaining"). */
export const ROLE_CHAINING_MAX_SECONDS = 3600

function bad(operation: string, key: string, problem: string): never {
  throw new ConfigError(`${operation}: ${key} ${problem}`, { key })
}

function checkLength(
  operation: string,
  key: string,
  value: string,
  min: number,
  max: number,
): void {
  if (value.length < min || value.length > max) {
    bad(operation, key, `must be ${min}-${max} characters long, got ${value.length}`)
  }
}

/** Check a role ARN: `arn:<partition>:iam::<12-digit account>:role/<path/name>`. */
export function validateRoleArn(operation: string, value: unknown, key = 'RoleArn'): string {
  if (typeof value !== 'string' || value === '') {
    bad(operation, key, 'is required (the ARN of the role to assume)')
  }
  if (!ROLE_ARN.test(value) || value.length > 2048) {
    bad(
      operation,
      key,
      `'${value}' is not a role ARN (expected arn:aws:iam::<12-digit account id>:role/<path/name>)`,
    )
  }
  return value
}

/** Check a role session name: 2-64 characters of letters, digits and `+=,.@_-`. */
export function validateSessionName(
  operation: string,
  value: unknown,
  key = 'RoleSessionName',
): string {
  if (typeof value !== 'string') return bad(operation, key, 'is required')
  checkLength(operation, key, value, 2, 64)
  if (!SESSION_NAME.test(value)) {
    bad(operation, key, `'${value}' may contain only letters, digits and +=,.@_- (no spaces)`)
  }
  return value
}

/** Check DurationSeconds: an integer from 900 to 43200. */
export function validateDuration(
  operation: string,
  value: unknown,
  key = 'DurationSeconds',
): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return bad(operation, key, `must be a whole number of seconds, got ${String(value)}`)
  }
  if (value < MIN_DURATION_SECONDS || value > MAX_DURATION_SECONDS) {
    bad(
      operation,
      key,
      `must be from ${MIN_DURATION_SECONDS} (15 min) to ${MAX_DURATION_SECONDS} (12 h), ` +
        `got ${value}`,
    )
  }
  return value
}

/** Check the session policy parameters shared by both AssumeRole operations. */
export function validatePolicies(
  operation: string,
  policy: string | undefined,
  policyArns: readonly StsPolicyDescriptor[] | undefined,
): void {
  if (policy !== undefined) {
    // The plain-text session policy limit is 2,048 characters (IAM and STS quotas).
    checkLength(operation, 'Policy', policy, 1, 2048)
  }
  if (policyArns !== undefined) {
    if (policyArns.length > 10) {
      bad(operation, 'PolicyArns', `may list at most 10 managed policies, got ${policyArns.length}`)
    }
    policyArns.forEach((descriptor, index) => {
      const arn = descriptor?.arn
      if (typeof arn !== 'string' || arn.length < 20 || arn.length > 2048 || !ANY_ARN.test(arn)) {
        bad(
          operation,
          `PolicyArns[${index}].arn`,
          `'${String(arn)}' is not a policy ARN (e.g. arn:aws:iam::aws:policy/ReadOnlyAccess)`,
        )
      }
    })
  }
}

/** Check session tags and transitive tag keys: at most 50, keys 1-128, values 0-256 characters. */
export function validateTags(
  operation: string,
  tags: readonly StsTag[] | undefined,
  transitiveTagKeys: readonly string[] | undefined,
): void {
  if (tags !== undefined) {
    if (tags.length > 50) {
      bad(operation, 'Tags', `may hold at most 50 session tags, got ${tags.length}`)
    }
    tags.forEach((tag, index) => {
      const key = tag?.Key
      const value = tag?.Value
      if (typeof key !== 'string' || key.length < 1 || key.length > 128 || !TAG_KEY.test(key)) {
        bad(
          operation,
          `Tags[${index}].Key`,
          `'${String(key)}' must be 1-128 letters, digits, spaces or _.:/=+-@`,
        )
      }
      if (typeof value !== 'string' || value.length > 256 || !TAG_VALUE.test(value)) {
        bad(
          operation,
          `Tags[${index}].Value`,
          `for '${key}' must be 0-256 letters, digits, spaces or _.:/=+-@`,
        )
      }
    })
  }
  if (transitiveTagKeys !== undefined) {
    if (transitiveTagKeys.length > 50) {
      bad(
        operation,
        'TransitiveTagKeys',
        `may hold at most 50 keys, got ${transitiveTagKeys.length}`,
      )
    }
    transitiveTagKeys.forEach((key, index) => {
      if (typeof key !== 'string' || key.length < 1 || key.length > 128 || !TAG_KEY.test(key)) {
        bad(operation, `TransitiveTagKeys[${index}]`, `'${String(key)}' is not a valid tag key`)
      }
    })
  }
}

/** Check the optional AssumeRole strings: ExternalId, SourceIdentity, SerialNumber, TokenCode. */
export function validateAssumeRoleExtras(
  operation: string,
  input: {
    readonly ExternalId?: string | undefined
    readonly SourceIdentity?: string | undefined
    readonly SerialNumber?: string | undefined
    readonly TokenCode?: string | undefined
  },
): void {
  const { ExternalId, SourceIdentity, SerialNumber, TokenCode } = input
  if (ExternalId !== undefined) {
    checkLength(operation, 'ExternalId', ExternalId, 2, 1224)
    if (!EXTERNAL_ID.test(ExternalId)) {
      bad(operation, 'ExternalId', 'may contain only letters, digits and +=,.@:/_- (no spaces)')
    }
  }
  if (SourceIdentity !== undefined) {
    checkLength(operation, 'SourceIdentity', SourceIdentity, 2, 64)
    if (!SESSION_NAME.test(SourceIdentity)) {
      bad(operation, 'SourceIdentity', 'may contain only letters, digits and +=,.@_-')
    }
  }
  if (SerialNumber !== undefined) {
    checkLength(operation, 'SerialNumber', SerialNumber, 9, 256)
    if (!SERIAL_NUMBER.test(SerialNumber)) {
      bad(operation, 'SerialNumber', `'${SerialNumber}' is not an MFA device serial number or ARN`)
    }
    if (TokenCode === undefined) {
      bad(
        operation,
        'TokenCode',
        `is required with SerialNumber (the current code of ${SerialNumber})`,
      )
    }
  }
  if (TokenCode !== undefined) {
    if (SerialNumber === undefined) {
      bad(operation, 'SerialNumber', 'is required with TokenCode (the MFA device the code is from)')
    }
    // Never echo the code itself: it is a credential for the next 30 seconds.
    if (!/^\d{6}$/.test(TokenCode)) {
      bad(operation, 'TokenCode', 'must be the 6-digit code shown by the MFA device')
    }
  }
}

/** Check a web identity token: 4-20000 characters (AssumeRoleWithWebIdentity). */
export function validateWebIdentityToken(operation: string, token: unknown): string {
  if (typeof token !== 'string' || token.length < 4) {
    bad(operation, 'WebIdentityToken', 'is empty or too short (an OIDC ID token is expected)')
  }
  if (token.length > 20_000) {
    bad(operation, 'WebIdentityToken', `is ${token.length} characters long; the limit is 20000`)
  }
  return token
}

/**
 * Check what every role source takes up front: the role ARN, a fixed session name (the option,
 * else `AWS_ROLE_SESSION_NAME`) and the duration. Returns the fixed session name, if any.
 */
export function validateRoleSource(
  operation: string,
  options: { readonly roleArn: string; readonly roleSessionName?: string; readonly durationSeconds?: number },
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  validateRoleArn(operation, options.roleArn, 'roleArn')
  const fixedName = options.roleSessionName ?? (env.AWS_ROLE_SESSION_NAME || undefined)
  if (fixedName !== undefined) {
    validateSessionName(
      operation,
      fixedName,
      options.roleSessionName ? 'roleSessionName' : 'AWS_ROLE_SESSION_NAME',
    )
  }
  if (options.durationSeconds !== undefined) {
    validateDuration(operation, options.durationSeconds, 'durationSeconds')
  }
  return fixedName
}
