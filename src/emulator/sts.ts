/**
 * The emulator's STS: the Query API 2011-06-15 (form POST or GET) with AssumeRole,
 * AssumeRoleWithWebIdentity and GetCallerIdentity, answering XML in AWS's shape (namespace
 * `https://sts.amazonaws.com/doc/2011-06-15/`, ResponseMetadata/RequestId) or, when the client
 * sends `Accept: application/json`, the JSON shape STS serves (`{"<Op>Response": {"<Op>Result":
 * {...}, "ResponseMetadata": {...}}}`, timestamps as epoch seconds).
 */
import {
  EmulatorFault,
  type EmulatorIdentity,
  type ServiceEnv,
  type ServiceModule,
  type ServiceRequest,
} from './context.ts'
import type { KeyStore } from './keys.ts'
import type { EmulatorOidc } from './oidc.ts'
import {
  checkSessionSemantics,
  createValidator,
  listMembers,
  parseRoleArn,
  type SessionTag,
  STS_PATTERNS,
  validateSessionInputs,
  type Validator,
} from './sts-validate.ts'
import { renderStsError, renderStsResult, type StsValue } from './sts-render.ts'

export { renderStsError }

/** A role the emulator knows; unconfigured roles with a valid ARN can be assumed too. */
export interface EmulatorRole {
  readonly arn: string
  /** When set, AssumeRole must pass exactly this ExternalId (else AccessDenied). */
  readonly externalId?: string
  /** The role's MaxSessionDuration in seconds (3600-43200); default 43200. */
  readonly maxSessionDuration?: number
  /** When set, AssumeRole must pass SerialNumber and this TokenCode (else AccessDenied). */
  readonly mfaTokenCode?: string
  /** AssumeRoleWithWebIdentity: the `sub` claims allowed (`*` wildcards); default any. */
  readonly webIdentitySubjects?: readonly string[]
}

/** What the STS module needs beyond the shared service env. */
export interface StsServiceOptions {
  readonly env: ServiceEnv
  readonly keys: KeyStore
  readonly oidc: EmulatorOidc
  readonly roles: readonly EmulatorRole[]
  /** Only configured roles can be assumed (default false: any well-formed role ARN). */
  readonly strictRoles?: boolean
  /** The credential lifetime override in seconds, read at each call. */
  readonly lifetimeSeconds: () => number | undefined
  /** Called for each credential set issued (stats). */
  readonly onIssue?: () => void
}

const STS_VERSION = '2011-06-15'

/** The STS actions the emulator implements. */
export const STS_ACTIONS = ['AssumeRole', 'AssumeRoleWithWebIdentity', 'GetCallerIdentity'] as const

const CHAINED_MAX_SECONDS = 3600

/** The STS parameters of a request: query string plus, for form posts, the body. */
export function stsParams(url: URL, body: Uint8Array, contentType: string | null): URLSearchParams {
  const params = new URLSearchParams(url.search)
  if (
    body.length > 0 &&
    (contentType === null ||
      contentType.toLowerCase().startsWith('application/x-www-form-urlencoded'))
  ) {
    for (const [k, v] of new URLSearchParams(new TextDecoder().decode(body))) params.append(k, v)
  }
  return params
}

/** Whether the client asked for STS's JSON rendering. */
export function wantsJson(request: Request): boolean {
  return (request.headers.get('accept') ?? '').toLowerCase().includes('application/json')
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function glob(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`,
  )
  return re.test(value)
}

function notAuthorized(
  caller: EmulatorIdentity | undefined,
  action: string,
  roleArn: string,
): EmulatorFault {
  const who = caller?.arn ?? 'anonymous'
  return new EmulatorFault(
    'AccessDenied',
    `User: ${who} is not authorized to perform: sts:${action} on resource: ${roleArn}`,
    403,
  )
}

/** A role's MaxSessionDuration (default 12 h) caps DurationSeconds for every way to assume it. */
function checkMaxSessionDuration(role: EmulatorRole, duration: number | undefined): void {
  if (duration !== undefined && duration > (role.maxSessionDuration ?? 43200)) {
    throw new EmulatorFault(
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      400,
    )
  }
}

/** The STS service module. */
export function createStsService(options: StsServiceOptions): ServiceModule {
  const { keys, oidc } = options
  const roles = new Map(options.roles.map((r) => [r.arn, r]))

  const readDuration = (v: Validator, params: URLSearchParams): number | undefined => {
    const text = params.get('DurationSeconds')
    if (text === null) return undefined
    const n = /^-?\d+$/.test(text) ? Number(text) : NaN
    if (!Number.isFinite(n)) {
      throw new EmulatorFault(
        'ValidationError',
        `Value '${text}' for parameter DurationSeconds is invalid. Expected an integer.`,
        400,
      )
    }
    v.range('durationSeconds', n, 900, 43200, text)
    return n
  }

  const readTags = (params: URLSearchParams): SessionTag[] => {
    const tags: SessionTag[] = []
    for (let i = 1;; i++) {
      const key = params.get(`Tags.member.${i}.Key`)
      if (key === null) return tags
      tags.push({ key, value: params.get(`Tags.member.${i}.Value`) ?? '' })
    }
  }

  const lookupRole = (
    caller: EmulatorIdentity | undefined,
    action: string,
    roleArn: string,
  ): EmulatorRole => {
    const role = roles.get(roleArn)
    if (!role && options.strictRoles) throw notAuthorized(caller, action, roleArn)
    return role ?? { arn: roleArn }
  }

  const issue = (
    roleArn: string,
    sessionName: string,
    requested: number | undefined,
    now: number,
    sourceIdentity: string | undefined,
  ): { record: ReturnType<KeyStore['issueTemporary']>; expiration: number } => {
    const parsed = parseRoleArn(roleArn)!
    const lifetime = options.lifetimeSeconds() ?? requested ?? 3600
    // Whole seconds, so the Expiration a client reads is the exact instant the key stops working.
    const expiration = Math.floor(now / 1000) * 1000 + lifetime * 1000
    const record = keys.issueTemporary({
      roleArn,
      roleName: parsed.roleName,
      roleAccountId: parsed.accountId,
      sessionName,
      expiration,
      ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
    })
    options.onIssue?.()
    return { record, expiration }
  }

  const credentialsValue = (
    record: ReturnType<KeyStore['issueTemporary']>,
    expiration: number,
  ): StsValue => ({
    AccessKeyId: record.accessKeyId,
    SecretAccessKey: record.secretAccessKey,
    SessionToken: record.sessionToken!,
    Expiration: { iso: isoSeconds(expiration), epochSeconds: expiration / 1000 },
  })

  const validateCommon = (
    v: Validator,
    params: URLSearchParams,
  ): { roleArn?: string; sessionName?: string } => {
    const roleArn = params.get('RoleArn') ?? undefined
    const sessionName = params.get('RoleSessionName') ?? undefined
    if (v.required('roleArn', roleArn)) v.length('roleArn', roleArn, 20, 2048)
    if (v.required('roleSessionName', sessionName)) {
      v.length('roleSessionName', sessionName, 2, 64)
      v.pattern(
        'roleSessionName',
        sessionName,
        STS_PATTERNS.sessionName.re,
        STS_PATTERNS.sessionName.source,
      )
    }
    return {
      ...(roleArn !== undefined ? { roleArn } : {}),
      ...(sessionName !== undefined ? { sessionName } : {}),
    }
  }

  const assumeRole = (req: ServiceRequest, params: URLSearchParams): Record<string, StsValue> => {
    const caller = req.identity!
    const v = createValidator()
    const { roleArn, sessionName } = validateCommon(v, params)
    const tags = readTags(params)
    validateSessionInputs(v, params, tags)
    const duration = readDuration(v, params)
    const externalId = params.get('ExternalId') ?? undefined
    v.length('externalId', externalId, 2, 1224)
    v.pattern('externalId', externalId, STS_PATTERNS.externalId.re, STS_PATTERNS.externalId.source)
    const serial = params.get('SerialNumber') ?? undefined
    v.length('serialNumber', serial, 9, 256)
    v.pattern(
      'serialNumber',
      serial,
      STS_PATTERNS.serialNumber.re,
      STS_PATTERNS.serialNumber.source,
    )
    const tokenCode = params.get('TokenCode') ?? undefined
    v.length('tokenCode', tokenCode, 6, 6)
    v.pattern('tokenCode', tokenCode, STS_PATTERNS.tokenCode.re, STS_PATTERNS.tokenCode.source)
    const sourceIdentity = params.get('SourceIdentity') ?? undefined
    v.length('sourceIdentity', sourceIdentity, 2, 64)
    v.pattern(
      'sourceIdentity',
      sourceIdentity,
      STS_PATTERNS.sessionName.re,
      STS_PATTERNS.sessionName.source,
    )
    v.done()
    if (!parseRoleArn(roleArn!)) {
      throw new EmulatorFault('ValidationError', 'Request ARN is invalid', 400)
    }
    checkSessionSemantics(params, tags)
    const role = lookupRole(caller, 'AssumeRole', roleArn!)
    // Role chaining caps the session at one hour (IAM User Guide, "Role chaining").
    if (
      caller.kind === 'assumed-role' && duration !== undefined && duration > CHAINED_MAX_SECONDS
    ) {
      throw new EmulatorFault(
        'ValidationError',
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
        400,
      )
    }
    checkMaxSessionDuration(role, duration)
    if (role.externalId !== undefined && externalId !== role.externalId) {
      throw notAuthorized(caller, 'AssumeRole', roleArn!)
    }
    if (role.mfaTokenCode !== undefined) {
      if (serial === undefined || tokenCode === undefined) {
        throw notAuthorized(caller, 'AssumeRole', roleArn!)
      }
      if (tokenCode !== role.mfaTokenCode) {
        throw new EmulatorFault(
          'AccessDenied',
          'MultiFactorAuthentication failed with invalid MFA one time pass code. ',
          403,
        )
      }
    }
    const inherited = keys.lookup(caller.accessKeyId)?.sourceIdentity
    if (inherited !== undefined && sourceIdentity !== undefined && sourceIdentity !== inherited) {
      throw new EmulatorFault(
        'AccessDenied',
        `User: ${caller.arn} is not authorized to set SourceIdentity to ${sourceIdentity}: the source identity of a role chain cannot change`,
        403,
      )
    }
    const source = sourceIdentity ?? inherited
    const { record, expiration } = issue(roleArn!, sessionName!, duration, req.now, source)
    const packed = params.has('Policy') || params.has('PolicyArns.member.1') || tags.length > 0
    return {
      ...(source !== undefined ? { SourceIdentity: source } : {}),
      AssumedRoleUser: { Arn: record.identity.arn, AssumedRoleId: record.identity.userId },
      Credentials: credentialsValue(record, expiration),
      ...(packed ? { PackedPolicySize: String(Math.min(100, 5 + tags.length * 2)) } : {}),
    }
  }

  const assumeRoleWithWebIdentity = async (
    req: ServiceRequest,
    params: URLSearchParams,
  ): Promise<Record<string, StsValue>> => {
    const v = createValidator()
    const { roleArn, sessionName } = validateCommon(v, params)
    const token = params.get('WebIdentityToken') ?? undefined
    if (v.required('webIdentityToken', token)) v.length('webIdentityToken', token, 4, 20000)
    validateSessionInputs(v, params, [])
    const duration = readDuration(v, params)
    v.done()
    if (!parseRoleArn(roleArn!)) {
      throw new EmulatorFault('ValidationError', 'Request ARN is invalid', 400)
    }
    checkSessionSemantics(params, [])
    const verified = await oidc.verify(token!, req.now)
    if (!verified.ok) throw new EmulatorFault(verified.code, verified.message, 400)
    const role = lookupRole(undefined, 'AssumeRoleWithWebIdentity', roleArn!)
    if (
      role.webIdentitySubjects && !role.webIdentitySubjects.some((p) => glob(p, verified.subject))
    ) {
      throw new EmulatorFault(
        'AccessDenied',
        'Not authorized to perform sts:AssumeRoleWithWebIdentity',
        403,
      )
    }
    checkMaxSessionDuration(role, duration)
    const { record, expiration } = issue(roleArn!, sessionName!, duration, req.now, undefined)
    const host = verified.issuer.replace(/^https:\/\//, '')
    return {
      SubjectFromWebIdentityToken: verified.subject,
      Audience: verified.audience,
      AssumedRoleUser: { Arn: record.identity.arn, AssumedRoleId: record.identity.userId },
      Credentials: credentialsValue(record, expiration),
      Provider: `arn:aws:iam::${parseRoleArn(roleArn!)!.accountId}:oidc-provider/${host}`,
    }
  }

  const handle = async (req: ServiceRequest): Promise<Response> => {
    const params = stsParams(req.url, req.body, req.request.headers.get('content-type'))
    const action = params.get('Action')
    if (!action) throw new EmulatorFault('MissingAction', 'Missing Action', 400)
    const version = params.get('Version')
    if (version !== null && version !== STS_VERSION) {
      throw new EmulatorFault(
        'InvalidAction',
        `Could not find operation ${action} for version ${version}`,
        400,
      )
    }
    let result: Record<string, StsValue>
    switch (action) {
      case 'AssumeRole':
        result = assumeRole(req, params)
        break
      case 'AssumeRoleWithWebIdentity':
        result = await assumeRoleWithWebIdentity(req, params)
        break
      case 'GetCallerIdentity': {
        const who = req.identity!
        result = { Arn: who.arn, UserId: who.userId, Account: who.accountId }
        break
      }
      default:
        throw new EmulatorFault(
          'InvalidAction',
          `Could not find operation ${action} for version ${STS_VERSION}`,
          400,
        )
    }
    return renderStsResult(action, result, req.requestId, wantsJson(req.request))
  }

  return {
    handle,
    // Named even when unknown, so stats show what clients asked for (InvalidAction follows).
    operation: (request, url, body) =>
      stsParams(url, body, request.headers.get('content-type')).get('Action') || undefined,
    operations: STS_ACTIONS,
    renderError: (fault, requestId) => renderStsError(fault, requestId, false),
  }
}
