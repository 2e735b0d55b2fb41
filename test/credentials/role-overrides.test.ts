/** Role settings from a command line applied over a profile's plan (profile.ts withRoleOverrides). */
import { describe, expect, test } from 'bun:test'
import type { ProfilePlan } from '../../src/credentials/profile-plan.ts'
import { describeOverrides, withRoleOverrides } from '../../src/credentials/profile.ts'
import { ConfigError } from '../../src/errors.ts'

const staticPlan: ProfilePlan = {
  kind: 'static',
  profile: 'base',
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
}
const rolePlan: ProfilePlan = {
  kind: 'assume-role',
  profile: 'deploy',
  roleArn: 'arn:aws:iam::123456789012:role/deploy',
  roleSessionName: 'mine',
  durationSeconds: 1800,
  source: staticPlan,
}
const webPlan: ProfilePlan = {
  kind: 'web-identity',
  profile: 'ci',
  roleArn: 'arn:aws:iam::123456789012:role/ci',
  webIdentityTokenFile: '/token',
}

describe('withRoleOverrides', () => {
  test('replaces only what is given, on the outermost role', () => {
    expect(withRoleOverrides(rolePlan, { durationSeconds: 7200, externalId: 'ext-1' })).toEqual({
      ...rolePlan,
      durationSeconds: 7200,
      externalId: 'ext-1',
    })
    expect(withRoleOverrides(rolePlan, {})).toBe(rolePlan)
    expect(withRoleOverrides(webPlan, { roleSessionName: 's' })).toEqual({ ...webPlan, roleSessionName: 's' })
  })

  test('no role to apply them to: a ConfigError naming the profile, what was given, and no secret', () => {
    let error: unknown
    try {
      withRoleOverrides(staticPlan, { durationSeconds: 7200, roleSessionName: 's' })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).profile).toBe('base')
    expect((error as Error).message).toBe(
      'profile "base" assumes no role (its credentials are the static keys of "base" (AKIA…MPLE)), so a duration ' +
        'and a session name given for its role cannot apply: drop it, or name a role (role_arn in the profile, or a role ARN option)',
    )
    expect(() => withRoleOverrides(webPlan, { externalId: 'ext-1' })).toThrow(
      'profile "ci" assumes arn:aws:iam::123456789012:role/ci with a web identity token, which takes no external ID: drop it',
    )
  })

  test('describeOverrides', () => {
    expect(describeOverrides({})).toBe('')
    expect(describeOverrides({ externalId: 'x', durationSeconds: 900 })).toBe('a duration and an external ID')
  })
})
