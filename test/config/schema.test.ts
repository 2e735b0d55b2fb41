import { describe, expect, test } from 'bun:test'
import type { ProfileOrigins } from '../../src/config/profiles.ts'
import { validateProfile } from '../../src/config/schema.ts'
import { ConfigError } from '../../src/errors.ts'

const origins: ProfileOrigins = {
  name: 'ci',
  keys: {
    duration_seconds: { file: '/h/.aws/config', line: 7 },
    aws_access_key_id: { file: '/h/.aws/credentials', line: 2 },
    aws_secret_access_key: { file: '/h/.aws/credentials', line: 3 },
  },
  definedIn: [{ file: '/h/.aws/config', line: 5 }],
}

function errorOf(settings: Record<string, string>): ConfigError {
  try {
    validateProfile(settings, origins)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}

describe('validateProfile', () => {
  test('types the credential settings and drops unknown keys', () => {
    expect(
      validateProfile(
        {
          role_arn: 'arn:aws:iam::123456789012:role/deploy',
          source_profile: 'base',
          duration_seconds: '43200',
          external_id: 'ext-123',
          role_session_name: 'ci@job',
          mfa_serial: 'arn:aws:iam::123456789012:mfa/me',
          region: 'us-gov-west-1',
          output: 'json',
        },
        origins,
      ),
    ).toEqual({
      role_arn: 'arn:aws:iam::123456789012:role/deploy',
      source_profile: 'base',
      duration_seconds: 43200,
      external_id: 'ext-123',
      role_session_name: 'ci@job',
      mfa_serial: 'arn:aws:iam::123456789012:mfa/me',
      region: 'us-gov-west-1',
    })
  })

  test('duration_seconds: bounds 900..43200, whole numbers only, message names file, line, profile, key', () => {
    expect(validateProfile({ duration_seconds: '900' }, origins).duration_seconds).toBe(900)
    for (const bad of ['899', '43201', '3600.5', '1e3', 'abc', '', ' 3600x']) {
      const error = errorOf({ duration_seconds: bad })
      expect(error.message).toBe(
        `/h/.aws/config line 7: profile "ci": duration_seconds: must be a whole number of seconds from 900 to 43200 (got "${bad}")`,
      )
      expect(error.profile).toBe('ci')
      expect(error.key).toBe('duration_seconds')
      expect(error.file).toBe('/h/.aws/config')
    }
  })

  test('role_arn, credential_source, role_session_name, region', () => {
    expect(errorOf({ role_arn: 'arn:aws:iam::12:role/x' }).message).toBe(
      '/h/.aws/config line 5: profile "ci": role_arn: must be an IAM role ARN such as arn:aws:iam::123456789012:role/name (got "arn:aws:iam::12:role/x")',
    )
    expect(errorOf({ credential_source: 'environment' }).message).toBe(
      '/h/.aws/config line 5: profile "ci": credential_source: must be one of Environment, Ec2InstanceMetadata, EcsContainer (case-sensitive) (got "environment")',
    )
    expect(errorOf({ role_session_name: 'has space' }).key).toBe('role_session_name')
    expect(errorOf({ region: 'US East' }).key).toBe('region')
    expect(validateProfile({ role_arn: 'arn:aws-cn:iam::123456789012:role/path/to/r' }, origins).role_arn).toBe(
      'arn:aws-cn:iam::123456789012:role/path/to/r',
    )
  })

  test('half a key pair is an error; secrets are never echoed', () => {
    expect(errorOf({ aws_access_key_id: 'AKIAONLY' }).message).toBe(
      '/h/.aws/credentials line 2: profile "ci": aws_access_key_id: aws_access_key_id is set but aws_secret_access_key is missing: add it or remove both',
    )
    const error = errorOf({ aws_secret_access_key: 'sUpErSeCrEt' })
    expect(error.message).toBe(
      '/h/.aws/credentials line 3: profile "ci": aws_secret_access_key: aws_secret_access_key is set but aws_access_key_id is missing: add it or remove both',
    )
    const empty = errorOf({ aws_access_key_id: 'AKIA', aws_secret_access_key: '  ' })
    expect(empty.message).toBe('/h/.aws/credentials line 3: profile "ci": aws_secret_access_key: the secret access key is empty')
    expect(errorOf({ aws_session_token: '' }).message).not.toContain('got')
  })
})
