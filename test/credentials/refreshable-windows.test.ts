import { describe, expect, test } from 'bun:test'
import { TransientHttpError } from '../../src/credentials/http-source.ts'
import { AwsServiceError, ConfigError, CredentialsError } from '../../src/errors.ts'
import {
  backoffDelay,
  isTransientRefreshError,
  planRefresh,
  planRetry,
} from '../../src/credentials/refresh-windows.ts'

const S = 1000
const MIN = 60 * S
const H = 60 * MIN

describe('planRefresh', () => {
  test.each([
    // lifetime, advisory, mandatory
    [10 * S, 1 * S, 0.5 * S],
    [900 * S, 90 * S, 45 * S],
    [H, 6 * MIN, MIN],
    [12 * H, 15 * MIN, MIN],
  ])('lifetime %p ms: advisory %p, mandatory %p', (lifetime, advisory, mandatory) => {
    const early = planRefresh(0, lifetime, { random: () => 0 })
    expect(early).toEqual({
      fetchedAt: 0,
      expiresAt: lifetime,
      lifetimeMs: lifetime,
      advisoryMs: advisory,
      mandatoryMs: mandatory,
      jitterMs: 0,
      refreshAt: lifetime - advisory,
      mandatoryAt: lifetime - mandatory,
    })
    // Full jitter moves the refresh earlier by 20 % of the advisory window, never more.
    const late = planRefresh(0, lifetime, { random: () => 1 })
    expect(late.refreshAt).toBe(lifetime - advisory * 1.2)
  })

  test('windows come from the actual lifetime, not the time since epoch', () => {
    const plan = planRefresh(5_000_000, 5_900_000, { random: () => 0 })
    expect(plan.refreshAt).toBe(5_810_000)
    expect(plan.mandatoryAt).toBe(5_855_000)
  })

  test('overrides: fixed numbers and functions of the lifetime', () => {
    const fixed = planRefresh(0, H, {
      advisoryWindowMs: 5 * MIN,
      mandatoryWindowMs: 30 * S,
      jitter: 0,
    })
    expect([fixed.refreshAt, fixed.mandatoryAt]).toEqual([55 * MIN, H - 30 * S])
    const fn = planRefresh(0, H, {
      advisoryWindowMs: (l) => l / 4,
      mandatoryWindowMs: (l) => l / 8,
      jitter: 0,
    })
    expect([fn.advisoryMs, fn.mandatoryMs]).toEqual([15 * MIN, 7.5 * MIN])
  })

  test("botocore's 15/10 min windows on 900 s credentials: clamped to half", () => {
    const plan = planRefresh(0, 900 * S, {
      advisoryWindowMs: 15 * MIN,
      mandatoryWindowMs: 10 * MIN,
      random: () => 1,
    })
    expect(plan).toMatchObject({
      advisoryMs: 450 * S,
      mandatoryMs: 450 * S,
      jitterMs: 0,
      refreshAt: 450 * S,
    })
  })

  test('mandatory is cut to advisory; garbage sizes become 0', () => {
    const opts = { advisoryWindowMs: MIN, mandatoryWindowMs: 10 * MIN, jitter: 0 }
    const plan = planRefresh(0, H, opts)
    expect(plan.mandatoryMs).toBe(MIN)
    const junk = { advisoryWindowMs: Number.NaN, mandatoryWindowMs: -5, jitter: 0 }
    const bad = planRefresh(0, H, junk)
    expect([bad.advisoryMs, bad.mandatoryMs, bad.refreshAt]).toEqual([0, 0, H])
  })
})

describe('backoffDelay', () => {
  test('full jitter up to min * 2^(n-1), capped, never under the minimum', () => {
    expect(backoffDelay(1, 1000, 300_000, () => 0.999)).toBeCloseTo(1000, 5)
    expect(backoffDelay(4, 1000, 300_000, () => 0.5)).toBe(4000)
    expect(backoffDelay(4, 1000, 300_000, () => 0)).toBe(1000)
    expect(backoffDelay(20, 1000, 300_000, () => 0.5)).toBe(150_000)
    expect(backoffDelay(5000, 1000, 300_000, () => 1)).toBe(300_000)
  })
})

describe('planRetry', () => {
  const plan = planRefresh(0, 900 * S, { random: () => 0.5 }) // refresh 801 s, mandatory 855 s

  test('transient: backoff bounded by half the time left; none under the minimum', () => {
    expect(planRetry(plan, 801 * S, 1, true, { random: () => 0.5 })).toEqual({
      nextAt: 802 * S,
      notBefore: 802 * S,
    })
    expect(planRetry(plan, 865 * S, 8, true, { random: () => 0.5 })).toEqual({
      nextAt: 882.5 * S,
      notBefore: 882.5 * S,
    })
    expect(planRetry(plan, 899 * S, 20, true, { random: () => 0.5 })).toEqual({
      nextAt: undefined,
      notBefore: 900 * S,
    })
  })

  test('permanent: once more at the mandatory window, then not before expiry', () => {
    expect(planRetry(plan, 801 * S, 1, false)).toEqual({ nextAt: 855 * S, notBefore: 855 * S })
    expect(planRetry(plan, 855 * S, 2, false)).toEqual({ nextAt: undefined, notBefore: 900 * S })
  })

  test('a failure before the planned refresh keeps the plan', () => {
    expect(planRetry(plan, 100 * S, 1, false)).toEqual({ nextAt: 801 * S, notBefore: 0 })
  })
})

describe('isTransientRefreshError', () => {
  const sts = (code: string, retryable: boolean, status = 400): AwsServiceError =>
    new AwsServiceError('x', { service: 'sts', operation: 'AssumeRole', code, status, retryable })
  const wrapped = (cause: unknown): CredentialsError => new CredentialsError('x', { cause })

  test.each([
    ['Throttling (retryable)', true, sts('Throttling', true)],
    ['a 503 (retryable)', true, sts('ServiceUnavailable', true, 503)],
    ['a network failure from fetch', true, new TypeError('fetch failed')],
    ['a TimeoutError', true, new DOMException('timed out', 'TimeoutError')],
    ['CredentialsError caused by throttling', true, wrapped(sts('Throttling', true))],
    ['a container/IMDS endpoint down or 5xx', true, wrapped(new TransientHttpError('HTTP 503'))],
    ['AccessDenied', false, sts('AccessDenied', false, 403)],
    ['ValidationError', false, sts('ValidationError', false)],
    ['InvalidIdentityToken', false, sts('InvalidIdentityToken', false)],
    ['ConfigError', false, new ConfigError('bad profile', { profile: 'dev' })],
    ['CredentialsError without cause', false, new CredentialsError('no creds')],
    ['CredentialsError caused by AccessDenied', false, wrapped(sts('AccessDenied', false))],
    ['an unknown Error', false, new Error('boom')],
    ['a string', false, 'boom'],
    ['an AbortError', false, new DOMException('aborted', 'AbortError')],
  ])('%s -> %p', (_name, expected, error) => {
    expect(isTransientRefreshError(error)).toBe(expected)
  })

  test('errors from another copy of the package match by name', () => {
    const foreign = Object.assign(new Error('x'), { name: 'AwsServiceError', retryable: true })
    expect(isTransientRefreshError(foreign)).toBe(true)
  })
})
