/**
 * The STS Query API wire format: form-encoded request bodies (`Action`, `Version=2011-06-15`,
 * `PolicyArns.member.N.arn`, `Tags.member.N.Key`) and the XML results, read into SDK v3-shaped
 * outputs with `Credentials` in this package's shape (`expiration` a Date, `accountId` filled in).
 */
import { encodeRfc3986 } from './aws/sign.ts'
import { xmlChild, xmlText } from './aws/xml.ts'
import type { XmlElement } from './aws/xml.ts'
import { AwsServiceError } from './errors.ts'
import type { StsPolicyDescriptor } from './sts-validate.ts'
import type { Credentials } from './types.ts'

/** The assumed role's identity. */
export interface AssumedRoleUser {
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  readonly Arn: string
  /** `AROA...:<session>`. */
  readonly AssumedRoleId: string
}

/** What AssumeRole returns. `Credentials.expiration` is a Date; `accountId` is filled in. */
export interface AssumeRoleOutput {
  readonly Credentials: Credentials & { readonly sessionToken: string; readonly expiration: Date }
  readonly AssumedRoleUser: AssumedRoleUser
  readonly PackedPolicySize?: number
  readonly SourceIdentity?: string
  readonly RequestId?: string
}

/** What AssumeRoleWithWebIdentity returns. */
export interface AssumeRoleWithWebIdentityOutput extends AssumeRoleOutput {
  readonly SubjectFromWebIdentityToken?: string
  readonly Audience?: string
  readonly Provider?: string
}

/** What GetCallerIdentity returns. */
export interface GetCallerIdentityOutput {
  readonly UserId: string
  readonly Account: string
  readonly Arn: string
  readonly RequestId?: string
}

/** Query parameters in order; undefined values are left out. */
export type Params = Array<[string, string | number | undefined]>

/** `Action=...&Version=2011-06-15&...` with RFC 3986 encoding; undefined values left out. */
export function formBody(action: string, params: Params): string {
  const all: Params = [['Action', action], ['Version', '2011-06-15'], ...params]
  return all
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeRfc3986(key)}=${encodeRfc3986(String(value))}`)
    .join('&')
}

/** `PolicyArns.member.N.arn` parameters. */
export function policyParams(policyArns: readonly StsPolicyDescriptor[] | undefined): Params {
  return (policyArns ?? []).map((policy, i) => [`PolicyArns.member.${i + 1}.arn`, policy.arn])
}

/** A 2xx response we could not read: reported as `MalformedResponse`, not retried. */
export function malformed(operation: string, what: string, cause?: unknown): AwsServiceError {
  return new AwsServiceError(`unexpected response: ${what}`, {
    service: 'STS',
    operation,
    code: 'MalformedResponse',
    status: 200,
    ...(cause === undefined ? {} : { cause }),
  })
}

/** The account id in an ARN (`arn:aws:sts::123456789012:...`), if it has one. */
export function accountIdFromArn(arn: string | undefined): string | undefined {
  return /^arn:[^:]*:[^:]*:[^:]*:(\d{12}):/.exec(arn ?? '')?.[1]
}

/** Read `Credentials`, `AssumedRoleUser` and the optional fields of an AssumeRole* result. */
export function readCredentials(
  operation: string,
  result: XmlElement | undefined,
): AssumeRoleOutput {
  const node = xmlChild(result, 'Credentials')
  const accessKeyId = xmlText(node, 'AccessKeyId')?.trim()
  const secretAccessKey = xmlText(node, 'SecretAccessKey')?.trim()
  const sessionToken = xmlText(node, 'SessionToken')?.trim()
  const expirationText = xmlText(node, 'Expiration')?.trim()
  if (!accessKeyId || !secretAccessKey || !sessionToken || !expirationText) {
    throw malformed(operation, `${operation}Result has no complete Credentials`)
  }
  const expiration = new Date(expirationText)
  if (Number.isNaN(expiration.getTime())) {
    throw malformed(operation, `Expiration '${expirationText}' is not a date`)
  }
  const user = xmlChild(result, 'AssumedRoleUser')
  const arn = xmlText(user, 'Arn')?.trim() ?? ''
  const accountId = accountIdFromArn(arn)
  const packed = xmlText(result, 'PackedPolicySize')
  const sourceIdentity = xmlText(result, 'SourceIdentity')
  return {
    Credentials: {
      accessKeyId,
      secretAccessKey,
      sessionToken,
      expiration,
      ...(accountId ? { accountId } : {}),
    },
    AssumedRoleUser: { Arn: arn, AssumedRoleId: xmlText(user, 'AssumedRoleId')?.trim() ?? '' },
    ...(packed ? { PackedPolicySize: Number(packed) } : {}),
    ...(sourceIdentity ? { SourceIdentity: sourceIdentity } : {}),
  }
}
