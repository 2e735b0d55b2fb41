/**
 * When S3 calls carry checksums, as the AWS SDKs decide it since their 2025 "default integrity
 * protections": `WHEN_SUPPORTED` (the default) computes a CRC32 for every upload that does not
 * name an algorithm and asks for (`x-amz-checksum-mode: ENABLED`) and verifies the stored
 * checksum of every download; `WHEN_REQUIRED` does so only when the call asks. The settings and
 * their environment variables are the SDKs' (AWS SDKs and Tools Reference Guide, "Data integrity
 * protections for Amazon S3"; AWS SDK for JavaScript v3 `requestChecksumCalculation` and
 * `responseChecksumValidation`, read case-insensitively from the environment).
 */
import type { Env } from '../aws/endpoints.ts'
import { ConfigError } from '../errors.ts'

export type ChecksumSetting = 'WHEN_SUPPORTED' | 'WHEN_REQUIRED'

const SETTINGS: readonly string[] = ['WHEN_SUPPORTED', 'WHEN_REQUIRED']

/** `value` as a setting, any case (as the SDKs read it); undefined when it is not one. */
export function parseChecksumSetting(value: string): ChecksumSetting | undefined {
  const upper = value.toUpperCase()
  return SETTINGS.includes(upper) ? (upper as ChecksumSetting) : undefined
}

function setting(given: string | undefined, name: string, what: string): ChecksumSetting | undefined {
  if (given === undefined || given === '') return undefined
  const parsed = parseChecksumSetting(given)
  if (parsed) return parsed
  throw new ConfigError(`${what} ${name} is '${given}': use WHEN_SUPPORTED (the default) or WHEN_REQUIRED`, {
    key: name,
  })
}

/** The option if given, else the environment variable, else WHEN_SUPPORTED. */
export function checksumSetting(
  option: string | undefined,
  optionName: string,
  env: Env,
  variable: string,
): ChecksumSetting {
  return (
    setting(option, optionName, 'S3 client option') ??
    setting(env[variable], variable, 'environment variable') ??
    'WHEN_SUPPORTED'
  )
}
