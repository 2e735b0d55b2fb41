/**
 * Fault injection: fail the next N calls of an action or service, fail a fraction of them, or
 * add latency. A target is an action (`AssumeRole`, `GetObject`, `PutItem`), a service (`sts`,
 * `s3`, `dynamodb`), `service:Action`, or `*`; the emulator's faults reject a target that names
 * no action it implements.
 */
import { ConfigError } from '../errors.ts'
import { EmulatorFault, type EmulatorService } from './context.ts'

/** How an injected failure shows: the service's throttling error, a 5xx, or a hang. */
export type FaultKind = 'throttle' | 'error' | 'hang'

/** The fault kinds, for validating flags and admin input. */
export const FAULT_KINDS: readonly FaultKind[] = ['throttle', 'error', 'hang']

/** One configured fault. */
export interface FaultRule {
  readonly target: string
  readonly kind: FaultKind
  /** Fail this many more matching calls (countdown), or */
  readonly remaining?: number
  /** fail each matching call with this probability (0..1). */
  readonly rate?: number
}

/** What is configured right now. */
export interface FaultsSnapshot {
  readonly rules: readonly FaultRule[]
  /** Added latency in ms by target. */
  readonly latency: Readonly<Record<string, number>>
}

/** The fault controls exposed as `emulator.faults`. */
export interface EmulatorFaults {
  /**
   * Fail the next `count` calls matching `target` (default kind `throttle`). Like the setters
   * below, throws a ConfigError for a target that names no action the emulator implements.
   */
  failNext(target: string, count: number, kind?: FaultKind): void
  /** Fail each call matching `target` with probability `rate` (0 removes the rule). */
  setFailureRate(target: string, rate: number, kind?: FaultKind): void
  /** Delay each call matching `target` (default `*`) by `ms` before answering (0 removes). */
  setLatency(ms: number, target?: string): void
  /** Remove every rule and latency. */
  clear(): void
  snapshot(): FaultsSnapshot
  /** Router use: the fault to inject for this call, if any (consumes countdowns). */
  pick(service: EmulatorService, action: string | undefined): FaultKind | undefined
  /** Router use: the total added latency for this call in ms. */
  latencyFor(service: EmulatorService, action: string | undefined): number
}

function matches(target: string, service: string, action: string | undefined): boolean {
  return target === '*' || target === service ||
    (action !== undefined && (target === action || target === `${service}:${action}`))
}

/** The operations each service implements, for checking targets. */
export type ServiceOperations = Readonly<Record<EmulatorService, readonly string[]>>

const TARGET_FORMS =
  'a target is an action (AssumeRole, GetObject, PutItem), a service (sts, s3, dynamodb), ' +
  'service:Action (s3:GetObject) or *'

/**
 * Why `target` can never match a call, or undefined when it can. A typo would otherwise be a
 * rule that silently never fires.
 */
export function targetProblem(target: string, operations: ServiceOperations): string | undefined {
  if (target === '*' || Object.hasOwn(operations, target)) return undefined
  const services = Object.keys(operations) as EmulatorService[]
  const colon = target.indexOf(':')
  if (colon >= 0) {
    const service = target.slice(0, colon) as EmulatorService
    if (!Object.hasOwn(operations, service)) return `no service is named '${service}'`
    const action = target.slice(colon + 1)
    return operations[service].includes(action)
      ? undefined
      : `${service} has no action '${action}' (it has ${operations[service].join(', ')})`
  }
  if (services.some((service) => operations[service].includes(target))) return undefined
  const lower = target.toLowerCase()
  const near = [...services, ...services.flatMap((service) => operations[service])]
    .find((name) => name.toLowerCase() === lower)
  return `no emulated service implements an action named '${target}'` +
    (near === undefined ? '' : ` (did you mean '${near}'?)`)
}

/**
 * Fault controls; `random` (default `Math.random`) decides rate-based failures. With
 * `operations`, a target no call can match is a ConfigError (the CLI's usage error).
 */
export function createFaults(
  random: () => number = Math.random,
  operations?: ServiceOperations,
): EmulatorFaults {
  const check = (target: string): void => {
    const problem = operations && targetProblem(target, operations)
    if (problem !== undefined) {
      throw new ConfigError(`Unknown fault target '${target}': ${problem}; ${TARGET_FORMS}`)
    }
  }
  let countdowns: Array<{ target: string; kind: FaultKind; remaining: number }> = []
  const rates = new Map<string, { kind: FaultKind; rate: number }>()
  const latency = new Map<string, number>()
  return {
    failNext(target, count, kind = 'throttle') {
      if (!Number.isInteger(count) || count < 0) {
        throw new RangeError(`failNext: count must be a whole number >= 0, got ${count}`)
      }
      check(target)
      if (count > 0) countdowns.push({ target, kind, remaining: count })
    },
    setFailureRate(target, rate, kind = 'error') {
      if (!(rate >= 0 && rate <= 1)) {
        throw new RangeError(`setFailureRate: rate must be between 0 and 1, got ${rate}`)
      }
      check(target)
      if (rate === 0) rates.delete(target)
      else rates.set(target, { kind, rate })
    },
    setLatency(ms, target = '*') {
      if (!(ms >= 0) || !Number.isFinite(ms)) {
        throw new RangeError(`setLatency: ms must be >= 0, got ${ms}`)
      }
      check(target)
      if (ms === 0) latency.delete(target)
      else latency.set(target, ms)
    },
    clear() {
      countdowns = []
      rates.clear()
      latency.clear()
    },
    snapshot: () => ({
      rules: [
        ...countdowns.map((c) => ({ target: c.target, kind: c.kind, remaining: c.remaining })),
        ...[...rates].map(([target, r]) => ({ target, kind: r.kind, rate: r.rate })),
      ],
      latency: Object.fromEntries(latency),
    }),
    pick(service, action) {
      const countdown = countdowns.find((c) => matches(c.target, service, action))
      if (countdown) {
        countdown.remaining--
        if (countdown.remaining <= 0) countdowns = countdowns.filter((c) => c !== countdown)
        return countdown.kind
      }
      for (const [target, rule] of rates) {
        if (matches(target, service, action) && random() < rule.rate) return rule.kind
      }
      return undefined
    },
    latencyFor(service, action) {
      let total = 0
      for (const [target, ms] of latency) if (matches(target, service, action)) total += ms
      return total
    },
  }
}

/**
 * The error an injected fault answers with, in the service's own terms: STS `Throttling`
 * (400, "Rate exceeded"), DynamoDB `ThrottlingException` (400), S3 `SlowDown` (503); 5xx as
 * `InternalFailure` / `InternalServerError` / `InternalError`. A hang that reaches its bound
 * answers `ServiceUnavailable` 503. All of these are retryable in the AWS SDKs' tables.
 */
export function faultError(service: EmulatorService, kind: FaultKind): EmulatorFault {
  if (kind === 'throttle') {
    if (service === 'sts') return new EmulatorFault('Throttling', 'Rate exceeded', 400)
    if (service === 'dynamodb') {
      return new EmulatorFault(
        'ThrottlingException',
        'Rate of requests exceeds the allowed throughput.',
        400,
      )
    }
    return new EmulatorFault('SlowDown', 'Please reduce your request rate.', 503)
  }
  if (kind === 'hang') {
    if (service === 's3') {
      return new EmulatorFault('ServiceUnavailable', 'Service is unable to handle request.', 503)
    }
    return new EmulatorFault(
      'ServiceUnavailable',
      'Service unavailable (the emulator ended an injected hang).',
      503,
    )
  }
  return internalError(service)
}

/** Each service's own answer for an internal failure (HTTP 500). */
export function internalError(service: EmulatorService): EmulatorFault {
  if (service === 'sts') {
    return new EmulatorFault(
      'InternalFailure',
      'The request processing has failed because of an unknown error, exception or failure.',
      500,
    )
  }
  if (service === 'dynamodb') {
    return new EmulatorFault('InternalServerError', 'Internal server error', 500)
  }
  return new EmulatorFault(
    'InternalError',
    'We encountered an internal error. Please try again.',
    500,
  )
}
