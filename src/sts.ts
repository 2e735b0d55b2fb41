/**
 * The STS client: AssumeRole, AssumeRoleWithWebIdentity (unsigned) and GetCallerIdentity over
 * the Query API (form POST, `Version=2011-06-15`, XML responses), on the signed request layer.
 * Parameters are validated locally first (see sts-validate.ts).
 *
 * @example
 * const sts = createStsClient({ region: 'eu-west-1' })
 * const { Arn } = await sts.getCallerIdentity()
 */
import { resolveEndpoint, resolveRegion } from './aws/endpoints.ts'
import type { Env } from './aws/endpoints.ts'
import { createAwsClient, sharedClock } from './aws/request.ts'
import type { AwsClient } from './aws/request.ts'
import { parseXml, xmlChild, xmlPath, xmlText } from './aws/xml.ts'
import type { XmlElement } from './aws/xml.ts'
import { lazyDefaultCredentials } from './credentials/lazy-default.ts'
import { AwsServiceError } from './errors.ts'
import { getPlatform } from './platform.ts'
import {
  validateAssumeRoleExtras,
  validateDuration,
  validatePolicies,
  validateRoleArn,
  validateSessionName,
  validateTags,
  validateWebIdentityToken,
} from './sts-validate.ts'
import type { StsPolicyDescriptor, StsTag } from './sts-validate.ts'
import { formBody, malformed, policyParams, readCredentials } from './sts-wire.ts'
import type {
  AssumeRoleOutput,
  AssumeRoleWithWebIdentityOutput,
  GetCallerIdentityOutput,
  Params,
} from './sts-wire.ts'
import type { Clock, CredentialsInput, FetchLike, Logger, Timer } from './types.ts'

export type { StsPolicyDescriptor, StsTag } from './sts-validate.ts'
export { accountIdFromArn } from './sts-wire.ts'
export type {
  AssumedRoleUser,
  AssumeRoleOutput,
  AssumeRoleWithWebIdentityOutput,
  GetCallerIdentityOutput,
} from './sts-wire.ts'

/** Options of {@link createStsClient}. */
export interface StsClientOptions {
  /** Default: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1 (as SDK credential providers do). */
  readonly region?: string
  /** Default: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, else `https://sts.<region>.<partition>`. */
  readonly endpoint?: string
  /** Signs AssumeRole and GetCallerIdentity. Default: the default credential chain. */
  readonly credentials?: CredentialsInput
  readonly fetch?: FetchLike
  readonly clock?: Clock
  readonly logger?: Logger
  /** Default: the platform's environment. */
  readonly env?: Env
  /** Attempts per call (default 3). */
  readonly maxAttempts?: number
  /** Per-attempt timeout in ms (default 10000: a credential refresh must never hang). */
  readonly timeoutMs?: number
}

/** Options every STS call accepts. */
export interface StsCallOptions {
  readonly signal?: AbortSignal
}

/** AssumeRole parameters, named as in the STS API. */
export interface AssumeRoleInput extends StsCallOptions {
  readonly RoleArn: string
  readonly RoleSessionName: string
  readonly DurationSeconds?: number
  readonly ExternalId?: string
  readonly Policy?: string
  readonly PolicyArns?: readonly StsPolicyDescriptor[]
  readonly Tags?: readonly StsTag[]
  readonly TransitiveTagKeys?: readonly string[]
  readonly SourceIdentity?: string
  readonly SerialNumber?: string
  readonly TokenCode?: string
}

/** AssumeRoleWithWebIdentity parameters. */
export interface AssumeRoleWithWebIdentityInput extends StsCallOptions {
  readonly RoleArn: string
  readonly RoleSessionName: string
  readonly WebIdentityToken: string
  readonly DurationSeconds?: number
  readonly ProviderId?: string
  readonly Policy?: string
  readonly PolicyArns?: readonly StsPolicyDescriptor[]
}

/** An STS client. */
export interface StsClient {
  readonly region: string
  readonly endpoint: string
  assumeRole(input: AssumeRoleInput): Promise<AssumeRoleOutput>
  assumeRoleWithWebIdentity(
    input: AssumeRoleWithWebIdentityInput,
  ): Promise<AssumeRoleWithWebIdentityOutput>
  getCallerIdentity(options?: StsCallOptions): Promise<GetCallerIdentityOutput>
}

/** Create an STS client. Nothing is sent until a method is called. */
export function createStsClient(options: StsClientOptions = {}): StsClient {
  const env = options.env ?? getPlatform().env()
  const region = resolveRegion({ ...(options.region ? { region: options.region } : {}), env }) ??
    'us-east-1'
  const endpoint = resolveEndpoint('sts', region, {
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    env,
  })
  const base = {
    service: 'sts',
    serviceLabel: 'STS',
    region,
    endpoint,
    protocol: 'query',
    timeoutMs: options.timeoutMs ?? 10_000,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  } as const
  let client: AwsClient | undefined
  const signedClient = (): AwsClient => (client ??= createAwsClient({
    ...base,
    credentials: options.credentials ??
      lazyDefaultCredentials({
        env,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
      }),
  }))
  // AssumeRoleWithWebIdentity is sent unsigned (the token is the proof), so it needs no
  // credentials; these placeholders are never used to sign.
  const unsignedClient = createAwsClient({
    ...base,
    credentials: { accessKeyId: 'unsigned', secretAccessKey: 'unsigned' },
  })

  // The body of a 2xx answer is read under the same per-attempt limit, so a response that
  // stalls mid-body cannot hang a credential refresh.
  const clock = options.clock ?? sharedClock
  const readBody = async (response: Response, action: string): Promise<string> => {
    let timer: Timer | undefined
    const timedOut = new Promise<never>((_, reject) => {
      timer = clock.setTimer(() => {
        void response.body?.cancel().catch(() => {})
        reject(
          new AwsServiceError(`response body not received within ${base.timeoutMs} ms`, {
            service: 'STS',
            operation: action,
            code: 'TimeoutError',
            status: 0,
            retryable: true,
          }),
        )
      }, base.timeoutMs)
    })
    try {
      return await Promise.race([response.text(), timedOut])
    } finally {
      timer?.cancel()
    }
  }

  const call = async (
    aws: AwsClient,
    action: string,
    params: Params,
    signal: AbortSignal | undefined,
    unsigned = false,
  ): Promise<{ result: XmlElement | undefined; requestId: string | undefined }> => {
    const response = await aws.send({
      operation: action,
      body: formBody(action, params),
      ...(signal ? { signal } : {}),
      ...(unsigned ? { unsigned: true } : {}),
    })
    const text = await readBody(response, action)
    let root: XmlElement
    try {
      root = parseXml(text)
    } catch (error) {
      throw malformed(action, (error as Error).message, error)
    }
    const requestId = xmlPath(root, 'ResponseMetadata', 'RequestId')?.text.trim() ??
      response.headers.get('x-amzn-requestid') ?? undefined
    return { result: xmlChild(root, `${action}Result`), requestId }
  }

  return {
    region,
    endpoint,
    async assumeRole(input) {
      const op = 'AssumeRole'
      validateRoleArn(op, input.RoleArn)
      validateSessionName(op, input.RoleSessionName)
      if (input.DurationSeconds !== undefined) validateDuration(op, input.DurationSeconds)
      validatePolicies(op, input.Policy, input.PolicyArns)
      validateTags(op, input.Tags, input.TransitiveTagKeys)
      validateAssumeRoleExtras(op, input)
      const params: Params = [
        ['RoleArn', input.RoleArn],
        ['RoleSessionName', input.RoleSessionName],
        ['DurationSeconds', input.DurationSeconds],
        ['ExternalId', input.ExternalId],
        ['Policy', input.Policy],
        ...policyParams(input.PolicyArns),
        ...(input.Tags ?? []).flatMap((tag, i): Params => [
          [`Tags.member.${i + 1}.Key`, tag.Key],
          [`Tags.member.${i + 1}.Value`, tag.Value],
        ]),
        ...(input.TransitiveTagKeys ?? []).map((
          key,
          i,
        ): [string, string] => [`TransitiveTagKeys.member.${i + 1}`, key]),
        ['SourceIdentity', input.SourceIdentity],
        ['SerialNumber', input.SerialNumber],
        ['TokenCode', input.TokenCode],
      ]
      const { result, requestId } = await call(signedClient(), op, params, input.signal)
      return { ...readCredentials(op, result), ...(requestId ? { RequestId: requestId } : {}) }
    },
    async assumeRoleWithWebIdentity(input) {
      const op = 'AssumeRoleWithWebIdentity'
      validateRoleArn(op, input.RoleArn)
      validateSessionName(op, input.RoleSessionName)
      validateWebIdentityToken(op, input.WebIdentityToken)
      if (input.DurationSeconds !== undefined) validateDuration(op, input.DurationSeconds)
      validatePolicies(op, input.Policy, input.PolicyArns)
      const params: Params = [
        ['RoleArn', input.RoleArn],
        ['RoleSessionName', input.RoleSessionName],
        ['WebIdentityToken', input.WebIdentityToken],
        ['DurationSeconds', input.DurationSeconds],
        ['ProviderId', input.ProviderId],
        ['Policy', input.Policy],
        ...policyParams(input.PolicyArns),
      ]
      const { result, requestId } = await call(unsignedClient, op, params, input.signal, true)
      const subject = xmlText(result, 'SubjectFromWebIdentityToken')
      const audience = xmlText(result, 'Audience')
      const provider = xmlText(result, 'Provider')
      return {
        ...readCredentials(op, result),
        ...(subject ? { SubjectFromWebIdentityToken: subject } : {}),
        ...(audience ? { Audience: audience } : {}),
        ...(provider ? { Provider: provider } : {}),
        ...(requestId ? { RequestId: requestId } : {}),
      }
    },
    async getCallerIdentity(callOptions = {}) {
      const op = 'GetCallerIdentity'
      const { result, requestId } = await call(signedClient(), op, [], callOptions.signal)
      const arn = xmlText(result, 'Arn')?.trim()
      const account = xmlText(result, 'Account')?.trim()
      const userId = xmlText(result, 'UserId')?.trim()
      if (!arn || !account || !userId) {
        throw malformed(op, 'GetCallerIdentityResult lacks Arn, Account or UserId')
      }
      return {
        UserId: userId,
        Account: account,
        Arn: arn,
        ...(requestId ? { RequestId: requestId } : {}),
      }
    },
  }
}
