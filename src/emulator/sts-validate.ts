/**
 * STS input validation with AWS's wording. STS (a Coral service) reports constraint failures
 * as one `ValidationError` listing them all: "2 validation errors detected: Value 'x' at
 * 'roleSessionName' failed to satisfy constraint: Member must ...; Value ...". Field names are
 * the camel-cased member names; limits come from the STS API reference (2011-06-15).
 */
import { EmulatorFault } from './context.ts'

/** Collects constraint failures and throws them as one `ValidationError`. */
export interface Validator {
  /** A required member is absent. */
  required(field: string, value: string | undefined): value is string
  length(field: string, value: string | undefined, min: number, max: number): void
  pattern(field: string, value: string | undefined, pattern: RegExp, source: string): void
  range(field: string, value: number | undefined, min: number, max: number, shown: string): void
  listLength(field: string, count: number, max: number, shown: string): void
  /** Throw the collected failures, if any. */
  done(): void
}

/** A fresh {@link Validator}. */
export function createValidator(): Validator {
  const errors: string[] = []
  const fail = (shown: string | null, field: string, constraint: string): void => {
    errors.push(
      `Value ${
        shown === null ? 'null' : `'${shown}'`
      } at '${field}' failed to satisfy constraint: Member must ${constraint}`,
    )
  }
  return {
    required(field, value): value is string {
      if (value === undefined) {
        fail(null, field, 'not be null')
        return false
      }
      return true
    },
    length(field, value, min, max) {
      if (value === undefined) return
      const n = [...value].length
      if (n < min) fail(value, field, `have length greater than or equal to ${min}`)
      else if (n > max) fail(value, field, `have length less than or equal to ${max}`)
    },
    pattern(field, value, pattern, source) {
      if (value !== undefined && !pattern.test(value)) {
        fail(value, field, `satisfy regular expression pattern: ${source}`)
      }
    },
    range(field, value, min, max, shown) {
      if (value === undefined) return
      if (value < min) fail(shown, field, `have value greater than or equal to ${min}`)
      else if (value > max) fail(shown, field, `have value less than or equal to ${max}`)
    },
    listLength(field, count, max, shown) {
      if (count > max) fail(shown, field, `have length less than or equal to ${max}`)
    },
    done() {
      if (errors.length === 0) return
      const n = errors.length
      throw new EmulatorFault(
        'ValidationError',
        `${n} validation error${n === 1 ? '' : 's'} detected: ${errors.join('; ')}`,
        400,
      )
    },
  }
}

/** A member pattern and the text AWS prints for it. */
export interface StsPattern {
  readonly re: RegExp
  readonly source: string
}

/** Patterns from the STS API reference, with the text AWS prints for each. */
export const STS_PATTERNS: Readonly<
  Record<
    'sessionName' | 'externalId' | 'serialNumber' | 'tokenCode' | 'tagKey' | 'tagValue',
    StsPattern
  >
> = {
  sessionName: { re: /^[\w+=,.@-]*$/, source: '[\\w+=,.@-]*' },
  externalId: { re: /^[\w+=,.@:/-]*$/, source: '[\\w+=,.@:\\/-]*' },
  serialNumber: { re: /^[\w+=/:,.@-]*$/, source: '[\\w+=/:,.@-]*' },
  tokenCode: { re: /^\d*$/, source: '[\\d]*' },
  tagKey: { re: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u, source: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+' },
  tagValue: { re: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, source: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*' },
}

/** A role ARN split into the parts the emulator uses, or undefined when malformed. */
export function parseRoleArn(
  arn: string,
): { readonly accountId: string; readonly roleName: string } | undefined {
  // arn:<partition>:iam::<12 digits>:role/<optional path/><name> (IAM identifiers reference).
  const m = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):role\/((?:[\x21-\x7e]+\/)*)([\w+=,.@-]{1,64})$/
    .exec(arn)
  return m ? { accountId: m[1]!, roleName: m[3]! } : undefined
}

/** One session tag from `Tags.member.N.Key` / `.Value`. */
export interface SessionTag {
  readonly key: string
  readonly value: string
}

/** Read `Name.member.N[.suffix]` list members, in N order, stopping at the first gap. */
export function listMembers(params: URLSearchParams, name: string, suffix = ''): string[] {
  const out: string[] = []
  for (let i = 1;; i++) {
    const value = params.get(`${name}.member.${i}${suffix}`)
    if (value === null) return out
    out.push(value)
  }
}

/** Validate the session-policy, tag and MFA members shared by AssumeRole variants. */
export function validateSessionInputs(
  v: Validator,
  params: URLSearchParams,
  tags: readonly SessionTag[],
): void {
  const policy = params.get('Policy') ?? undefined
  v.length('policy', policy, 1, 2048)
  const policyArns = listMembers(params, 'PolicyArns', '.arn')
  v.listLength('policyArns', policyArns.length, 10, `[${policyArns.join(', ')}]`)
  policyArns.forEach((arn, i) => v.length(`policyArns.${i + 1}.member.arn`, arn, 20, 2048))
  v.listLength('tags', tags.length, 50, `[${tags.map((t) => `${t.key}=${t.value}`).join(', ')}]`)
  tags.forEach((tag, i) => {
    v.length(`tags.${i + 1}.member.key`, tag.key, 1, 128)
    v.pattern(
      `tags.${i + 1}.member.key`,
      tag.key,
      STS_PATTERNS.tagKey.re,
      STS_PATTERNS.tagKey.source,
    )
    v.length(`tags.${i + 1}.member.value`, tag.value, 0, 256)
    v.pattern(
      `tags.${i + 1}.member.value`,
      tag.value,
      STS_PATTERNS.tagValue.re,
      STS_PATTERNS.tagValue.source,
    )
  })
  const transitive = listMembers(params, 'TransitiveTagKeys')
  v.listLength('transitiveTagKeys', transitive.length, 50, `[${transitive.join(', ')}]`)
}

/** Checks that need the whole picture: policy JSON, duplicate and transitive tag keys. */
export function checkSessionSemantics(params: URLSearchParams, tags: readonly SessionTag[]): void {
  const policy = params.get('Policy')
  if (policy !== null) {
    try {
      JSON.parse(policy)
    } catch {
      throw new EmulatorFault(
        'MalformedPolicyDocument',
        'The policy is not in the valid JSON format.',
        400,
      )
    }
  }
  const keys = new Set<string>()
  for (const tag of tags) {
    const lower = tag.key.toLowerCase()
    if (keys.has(lower)) {
      throw new EmulatorFault(
        'ValidationError',
        'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
        400,
      )
    }
    keys.add(lower)
  }
  for (const key of listMembers(params, 'TransitiveTagKeys')) {
    if (!keys.has(key.toLowerCase())) {
      throw new EmulatorFault(
        'ValidationError',
        `The specified transitive tag key must be included in the requested tags. Key: ${key}`,
        400,
      )
    }
  }
}
