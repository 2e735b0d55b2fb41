import { describe, expect, test } from 'bun:test'
import { partitionOf, resolveEndpoint, resolveRegion } from '../../src/aws/endpoints.ts'
import { ConfigError } from '../../src/errors.ts'

describe('resolveEndpoint', () => {
  const table: Array<[string, string, Record<string, string>, string | undefined, string]> = [
    ['sts', 'us-east-1', {}, undefined, 'https://sts.us-east-1.amazonaws.com'],
    ['sts', 'eu-west-2', {}, undefined, 'https://sts.eu-west-2.amazonaws.com'],
    ['sts', 'cn-north-1', {}, undefined, 'https://sts.cn-north-1.amazonaws.com.cn'],
    ['sts', 'us-gov-west-1', {}, undefined, 'https://sts.us-gov-west-1.amazonaws.com'],
    ['sts', 'us-iso-east-1', {}, undefined, 'https://sts.us-iso-east-1.c2s.ic.gov'],
    ['s3', 'ap-southeast-2', {}, undefined, 'https://s3.ap-southeast-2.amazonaws.com'],
    ['s3', 'cn-northwest-1', {}, undefined, 'https://s3.cn-northwest-1.amazonaws.com.cn'],
    ['dynamodb', 'us-west-2', {}, undefined, 'https://dynamodb.us-west-2.amazonaws.com'],
    [
      'sts',
      'us-east-1',
      { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' },
      undefined,
      'http://127.0.0.1:4566',
    ],
    [
      'sts',
      'us-east-1',
      { AWS_ENDPOINT_URL: 'http://g:1', AWS_ENDPOINT_URL_STS: 'http://sts:2/' },
      undefined,
      'http://sts:2',
    ],
    [
      's3',
      'us-east-1',
      { AWS_ENDPOINT_URL: 'http://g:1', AWS_ENDPOINT_URL_STS: 'http://sts:2' },
      undefined,
      'http://g:1',
    ],
    [
      's3',
      'us-east-1',
      { AWS_ENDPOINT_URL_S3: 'http://s3:3/base/' },
      undefined,
      'http://s3:3/base',
    ],
    [
      'dynamodb',
      'us-east-1',
      { AWS_ENDPOINT_URL_DYNAMODB: 'http://ddb:4' },
      undefined,
      'http://ddb:4',
    ],
    [
      'sts',
      'us-east-1',
      { AWS_ENDPOINT_URL_STS: 'http://sts:2' },
      'https://explicit:5',
      'https://explicit:5',
    ],
    [
      'sts',
      'us-east-1',
      { AWS_ENDPOINT_URL_STS: 'http://sts:2', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' },
      undefined,
      'https://sts.us-east-1.amazonaws.com',
    ],
  ]
  for (const [service, region, env, endpoint, expected] of table) {
    test(`${service} ${region} ${JSON.stringify(env)} ${endpoint ?? ''} -> ${expected}`, () => {
      expect(resolveEndpoint(service, region, { env, ...(endpoint ? { endpoint } : {}) })).toBe(
        expected,
      )
    })
  }

  test('invalid URLs are ConfigErrors naming the variable', () => {
    const attempt = (fn: () => unknown): ConfigError => {
      try {
        fn()
      } catch (error) {
        return error as ConfigError
      }
      throw new Error('expected a throw')
    }
    const a = attempt(() =>
      resolveEndpoint('sts', 'us-east-1', { env: { AWS_ENDPOINT_URL_STS: 'not a url' } })
    )
    expect(a).toBeInstanceOf(ConfigError)
    expect(a.message).toBe(
      "AWS_ENDPOINT_URL_STS is not a valid URL: 'not a url' (expected e.g. https://host:port)",
    )
    expect(a.key).toBe('AWS_ENDPOINT_URL_STS')
    const b = attempt(() =>
      resolveEndpoint('s3', 'us-east-1', { env: { AWS_ENDPOINT_URL: 'ftp://x' } })
    )
    expect(b.message).toBe("AWS_ENDPOINT_URL must be an http:// or https:// URL, got 'ftp:'")
    const c = attempt(() => resolveEndpoint('s3', 'us-east-1', { endpoint: 'http://h/?a=1' }))
    expect(c.message).toBe(
      "endpoint must not contain a query, fragment or credentials: 'http://h…'",
    )
    const d = attempt(() => resolveEndpoint('sts', 'us east 1'))
    expect(d.message).toBe("region 'us east 1' is not a valid AWS region name (e.g. us-east-1)")
  })

  test('partitions', () => {
    expect(partitionOf('us-east-1')).toBe('aws')
    expect(partitionOf('cn-north-1')).toBe('aws-cn')
    expect(partitionOf('us-gov-east-1')).toBe('aws-us-gov')
  })
})

describe('resolveRegion', () => {
  test('option > AWS_REGION > AWS_DEFAULT_REGION > profile > undefined', () => {
    const env = { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-2' }
    expect(resolveRegion({ region: 'ap-south-1', env, profileRegion: 'x' })).toBe('ap-south-1')
    expect(resolveRegion({ env, profileRegion: 'x' })).toBe('eu-west-1')
    expect(resolveRegion({ env: { AWS_DEFAULT_REGION: 'eu-west-2' }, profileRegion: 'x' })).toBe(
      'eu-west-2',
    )
    expect(resolveRegion({ env: { AWS_REGION: '' }, profileRegion: 'sa-east-1' })).toBe('sa-east-1')
    expect(resolveRegion({ env: {} })).toBeUndefined()
    expect(resolveRegion()).toBeUndefined()
  })
})
