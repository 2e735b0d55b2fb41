import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getProfile, loadProfiles, resolveProfileName, sharedFilePaths } from '../../src/config/profiles.ts'
import { ConfigError } from '../../src/errors.ts'
import { getPlatform, setPlatform, webPlatform } from '../../src/platform.ts'

let home: string
const read = (path: string): Promise<string> => readFile(path, 'utf8')

function writeAws(name: 'config' | 'credentials', text: string): string {
  mkdirSync(join(home, '.aws'), { recursive: true })
  const path = join(home, '.aws', name)
  writeFileSync(path, text)
  return path
}

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'stsrefresh-profiles-'))
})
afterEach(() => {
  rmSync(home, { recursive: true, force: true })
})

describe('resolveProfileName', () => {
  test('AWS_PROFILE, then AWS_DEFAULT_PROFILE, then default', () => {
    expect(resolveProfileName({})).toBe('default')
    expect(resolveProfileName({ AWS_PROFILE: '' })).toBe('default')
    expect(resolveProfileName({ AWS_DEFAULT_PROFILE: 'legacy' })).toBe('legacy')
    expect(resolveProfileName({ AWS_PROFILE: 'dev', AWS_DEFAULT_PROFILE: 'legacy' })).toBe('dev')
  })
})

describe('sharedFilePaths', () => {
  test('defaults under the home directory; env overrides with ~ expanded', () => {
    expect(sharedFilePaths({}, '/home/u')).toEqual({
      configFile: '/home/u/.aws/config',
      credentialsFile: '/home/u/.aws/credentials',
    })
    expect(
      sharedFilePaths({ AWS_CONFIG_FILE: '~/cfg', AWS_SHARED_CREDENTIALS_FILE: '/etc/creds' }, '/home/u/'),
    ).toEqual({ configFile: '/home/u/cfg', credentialsFile: '/etc/creds' })
    expect(sharedFilePaths({}, undefined)).toEqual({ configFile: undefined, credentialsFile: undefined })
  })

  test('~ with no home directory is a ConfigError', () => {
    expect(() => sharedFilePaths({ AWS_CONFIG_FILE: '~/cfg' }, undefined)).toThrow(
      'cannot expand "~" in ~/cfg: the home directory is unknown; set HOME or give an absolute path',
    )
  })
})

describe('loadProfiles', () => {
  test('missing files are fine', async () => {
    const loaded = await loadProfiles({ env: {}, homeDir: home, readTextFile: read })
    expect(loaded.profiles.size).toBe(0)
    expect(loaded.configFile).toBe(join(home, '.aws', 'config'))
    expect(loaded.credentialsFile).toBe(join(home, '.aws', 'credentials'))
  })

  test('config rules, credentials file wins key by key, origins recorded', async () => {
    const config = writeAws(
      'config',
      [
        '[default]',
        'region = us-east-1',
        '[profile dev]',
        'region = eu-west-1',
        'aws_access_key_id = AKIACONFIG',
        'output = json',
        's3 =',
        '  addressing_style = path',
        '[dev]',
        'ignored = yes',
        '[sso-session corp]',
        'sso_region = us-east-1',
        '[services local]',
        'sts =',
        '  endpoint_url = http://127.0.0.1:4566',
      ].join('\n'),
    )
    const credentials = writeAws(
      'credentials',
      ['[dev]', 'aws_access_key_id = AKIACREDS', 'aws_secret_access_key = secret', '[profile odd]', 'x = 1'].join('\n'),
    )
    const loaded = await loadProfiles({ env: {}, homeDir: home, readTextFile: read })
    expect([...loaded.profiles.keys()].sort()).toEqual(['default', 'dev', 'profile odd'])
    expect({ ...loaded.profiles.get('dev') }).toEqual({
      region: 'eu-west-1',
      aws_access_key_id: 'AKIACREDS',
      aws_secret_access_key: 'secret',
      output: 'json',
      's3.addressing_style': 'path',
    })
    const origins = loaded.origins.get('dev')
    expect(origins?.keys.aws_access_key_id).toEqual({ file: credentials, line: 2 })
    expect(origins?.keys.region).toEqual({ file: config, line: 4 })
    expect(origins?.definedIn).toEqual([
      { file: config, line: 3 },
      { file: credentials, line: 1 },
    ])
    expect(loaded.ssoSessions.get('corp')?.settings).toEqual({ sso_region: 'us-east-1' } as never)
    expect({ ...loaded.services.get('local')?.subsections.sts }).toEqual({ endpoint_url: 'http://127.0.0.1:4566' })
  })

  test('[profile default] replaces [default] in the config file, in either order', async () => {
    writeAws('config', '[profile default]\nregion = from-profile-default\n[default]\nregion = plain\nextra = 1\n')
    const loaded = await loadProfiles({ env: {}, homeDir: home, readTextFile: read })
    expect({ ...loaded.profiles.get('default') }).toEqual({ region: 'from-profile-default' })
  })

  test('AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE', async () => {
    const cfg = join(home, 'my-config')
    const creds = join(home, 'my-creds')
    writeFileSync(cfg, '[profile a]\nregion = r1\n')
    writeFileSync(creds, '[b]\nregion = r2\n')
    writeAws('config', '[profile ignored]\n')
    const loaded = await loadProfiles({
      env: { AWS_CONFIG_FILE: cfg, AWS_SHARED_CREDENTIALS_FILE: creds },
      homeDir: home,
      readTextFile: read,
    })
    expect([...loaded.profiles.keys()].sort()).toEqual(['a', 'b'])
    expect(loaded.configFile).toBe(cfg)
    expect(loaded.credentialsFile).toBe(creds)
  })

  test('a malformed file is a ConfigError naming the file and line', async () => {
    const config = writeAws('config', '[default]\nregion = a\nregion = b\n')
    const error = await loadProfiles({ env: {}, homeDir: home, readTextFile: read }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).message).toBe(
      `${config} line 3: duplicate key "region" in [default] (first set on line 2)`,
    )
    expect((error as ConfigError).file).toBe(config)
  })

  test('an unreadable file (not missing) is a ConfigError naming it', async () => {
    mkdirSync(join(home, '.aws', 'config'), { recursive: true })
    const error = (await loadProfiles({ env: {}, homeDir: home, readTextFile: read }).catch((e: unknown) => e)) as ConfigError
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.message.startsWith(`cannot read ${join(home, '.aws', 'config')}: `)).toBe(true)
  })

  // Root reads any file whatever its mode, so this only means something for other users.
  test.skipIf(process.platform !== 'win32' && process.getuid?.() === 0)('permission denied is reported, not ignored', async () => {
    const config = writeAws('config', '[default]\n')
    chmodSync(config, 0o000)
    const error = (await loadProfiles({ env: {}, homeDir: home, readTextFile: read }).catch((e: unknown) => e)) as ConfigError
    expect(error.message.startsWith(`cannot read ${config}: `)).toBe(true)
  })

  test('files are re-read at every call', async () => {
    writeAws('credentials', '[default]\naws_access_key_id = AKIAONE\n')
    const first = await loadProfiles({ env: {}, homeDir: home, readTextFile: read })
    writeAws('credentials', '[default]\naws_access_key_id = AKIATWO\n')
    const second = await loadProfiles({ env: {}, homeDir: home, readTextFile: read })
    expect(first.profiles.get('default')?.aws_access_key_id).toBe('AKIAONE')
    expect(second.profiles.get('default')?.aws_access_key_id).toBe('AKIATWO')
  })

  test('defaults come from the installed platform at call time', async () => {
    writeAws('config', '[profile fromplatform]\nregion = r\n')
    const previous = getPlatform()
    try {
      setPlatform({ ...webPlatform, env: () => ({ AWS_PROFILE: 'x' }), homeDir: () => home, readTextFile: read })
      const loaded = await loadProfiles()
      expect([...loaded.profiles.keys()]).toEqual(['fromplatform'])
    } finally {
      setPlatform(previous)
    }
  })
})

describe('getProfile', () => {
  test('a missing profile names itself, both files and the profiles that exist', async () => {
    writeAws('config', '[profile a]\n[default]\n')
    const loaded = await loadProfiles({ env: {}, homeDir: home, readTextFile: read })
    expect(() => getProfile(loaded, 'nope')).toThrow(
      `profile "nope" not found in ${home}/.aws/config ([profile nope]) or ${home}/.aws/credentials ([nope]); profiles found: a, default`,
    )
    expect(getProfile(loaded, 'a')).toEqual({})
  })
})
