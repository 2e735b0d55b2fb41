/**
 * Where to send a service's requests, and in which region. Precedence follows the AWS SDKs'
 * "service-specific endpoints" feature: an explicit option, then `AWS_ENDPOINT_URL_<SERVICE>`,
 * then `AWS_ENDPOINT_URL`, then the regional endpoint of the region's partition.
 * (AWS SDKs and Tools Reference Guide, "Service-specific endpoints".)
 */
import { ConfigError } from '../errors.ts'

/** Environment variables, read at call time. */
export type Env = Readonly<Record<string, string | undefined>>

/** Options of {@link resolveEndpoint}. */
export interface ResolveEndpointOptions {
  /** An explicit endpoint; wins over the environment. */
  readonly endpoint?: string
  readonly env?: Env
}

// The service's env-variable suffix is its SDK service id, upper-cased with spaces as
// underscores: "STS" -> STS, "S3" -> S3, "DynamoDB" -> DYNAMODB.
const ENV_SUFFIX: Readonly<Record<string, string>> = { sts: 'STS', s3: 'S3', dynamodb: 'DYNAMODB' }

/**
 * DNS suffix of a region's partition (aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e,
 * aws-iso-f, aws-eusc).
 */
export function partitionDnsSuffix(region: string): string {
  if (region.startsWith('cn-')) return 'amazonaws.com.cn'
  if (region.startsWith('us-isob-')) return 'sc2s.sgov.gov'
  if (region.startsWith('us-isof-')) return 'csp.hci.ic.gov'
  if (region.startsWith('us-iso-')) return 'c2s.ic.gov'
  if (region.startsWith('eu-isoe-')) return 'cloud.adc-e.uk'
  if (region.startsWith('eusc-')) return 'amazonaws.eu'
  // aws and aws-us-gov (sts.us-gov-west-1.amazonaws.com) share the commercial suffix.
  return 'amazonaws.com'
}

/** The partition name used in ARNs for a region: `aws`, `aws-cn`, `aws-us-gov`, ... */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn'
  if (region.startsWith('us-gov-')) return 'aws-us-gov'
  if (region.startsWith('us-isob-')) return 'aws-iso-b'
  if (region.startsWith('us-isof-')) return 'aws-iso-f'
  if (region.startsWith('us-iso-')) return 'aws-iso'
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e'
  if (region.startsWith('eusc-')) return 'aws-eusc'
  return 'aws'
}

/** Check that `value` is an absolute http(s) URL; returns it without a trailing slash. */
export function validateEndpointUrl(value: string, source: string): string {
  let url: URL
  try {
    url = new URL(value.trim())
  } catch {
    throw new ConfigError(
      `${source} is not a valid URL: '${value}' (expected e.g. https://host:port)`,
      {
        key: source,
      },
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${source} must be an http:// or https:// URL, got '${url.protocol}'`, {
      key: source,
    })
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError(
      `${source} must not contain a query, fragment or credentials: '${url.origin}…'`,
      {
        key: source,
      },
    )
  }
  return url.href.replace(/\/+$/, '')
}

/** Check a region name before it goes into a host name. */
export function validateRegion(region: string, source = 'region'): string {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(region)) {
    throw new ConfigError(`${source} '${region}' is not a valid AWS region name (e.g. us-east-1)`, {
      key: source,
    })
  }
  return region
}

/**
 * The base URL for `service` (`sts`, `s3`, `dynamodb`, or any signing name) in `region`: option >
 * `AWS_ENDPOINT_URL_<SERVICE>` > `AWS_ENDPOINT_URL` > `https://<service>.<region>.<partition>`.
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` skips the two variables, as in the SDKs.
 * Throws ConfigError naming the option or variable whose URL is invalid.
 */
export function resolveEndpoint(
  service: string,
  region: string,
  options: ResolveEndpointOptions = {},
): string {
  if (options.endpoint !== undefined && options.endpoint !== '') {
    return validateEndpointUrl(options.endpoint, 'endpoint')
  }
  const env = options.env ?? {}
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() !== 'true') {
    const suffix = ENV_SUFFIX[service] ?? service.toUpperCase().replace(/[^A-Z0-9]+/g, '_')
    const specific = `AWS_ENDPOINT_URL_${suffix}`
    const fromSpecific = env[specific]
    if (fromSpecific) return validateEndpointUrl(fromSpecific, specific)
    const global = env.AWS_ENDPOINT_URL
    if (global) return validateEndpointUrl(global, 'AWS_ENDPOINT_URL')
  }
  validateRegion(region)
  return `https://${service}.${region}.${partitionDnsSuffix(region)}`
}

/** Options of {@link resolveRegion}. */
export interface ResolveRegionOptions {
  readonly region?: string
  readonly env?: Env
  /** The `region` of the active profile in the shared config file. */
  readonly profileRegion?: string
}

/** The region: option > `AWS_REGION` > `AWS_DEFAULT_REGION` > profile > undefined. */
export function resolveRegion(options: ResolveRegionOptions = {}): string | undefined {
  const env = options.env ?? {}
  const pick = (
    value: string | undefined,
  ): string | undefined => (value?.trim() ? value.trim() : undefined)
  return (
    pick(options.region) ??
      pick(env.AWS_REGION) ??
      pick(env.AWS_DEFAULT_REGION) ??
      pick(options.profileRegion)
  )
}
