/** Option values keep the text given on the command line (cac/mri would make numbers of them). */
import { describe, expect, test } from 'bun:test'
import {
  cacKey,
  rawOptionText,
  restoreOptionText,
  separateCommand,
  typedOptionName,
} from '../../src/cli/raw-options.ts'

test('rawOptionText: --name value and --name=value, by camelCase key, up to --', () => {
  const raw = rawOptionText([
    'ddb',
    'get',
    't',
    '--external-id',
    '0012',
    '--max-items=05',
    '--verbose',
    '--',
    '--x',
    '1',
  ])
  expect([...raw.entries()]).toEqual([['externalId', ['0012']], ['maxItems', ['05']]])
})

test('restoreOptionText: numbers become the given text; booleans, defaults and strings stay', () => {
  const options: Record<string, unknown> = {
    externalId: 12,
    duration: 3600,
    verbose: true,
    table: 'x',
    '--': [],
  }
  restoreOptionText(options, ['--external-id', '0012', '--verbose', '--table', 'x'])
  expect(options).toEqual({
    externalId: '0012',
    duration: 3600,
    verbose: true,
    table: 'x',
    '--': [],
  })
  const repeated: Record<string, unknown> = { failNext: [7, 'a=1'] }
  restoreOptionText(repeated, ['--fail-next', '007', '--fail-next', 'a=1'])
  expect(repeated).toEqual({ failNext: ['007', 'a=1'] })
})

test('cacKey: the key cac files an option under', () => {
  expect(['role-arn', 'web-identity-token-file', 'x', 'bogus-flag'].map(cacKey)).toEqual([
    'roleArn',
    'webIdentityTokenFile',
    'x',
    'bogusFlag',
  ])
})

test('typedOptionName: the option as typed, for the key cac reports', () => {
  const args = ['whoami', '--bogus-flag', '--no-other-thing', '--x-y=1', '-qz', '--', '--later']
  expect(typedOptionName('bogusFlag', args)).toBe('--bogus-flag')
  expect(typedOptionName('otherThing', args)).toBe('--no-other-thing')
  expect(typedOptionName('xY', args)).toBe('--x-y')
  expect(typedOptionName('z', args)).toBe('-z')
  expect(typedOptionName('later', args)).toBeUndefined()
})

describe('separateCommand: options end at the command', () => {
  const takesValue = (name: string): boolean => ['role-arn', 'region', 'profile'].includes(name)
  const cases: [string, string[], string[]][] = [
    [
      "the command's flags are its own",
      ['exec', '--role-arn', 'A', 'echo', 'hi', '--region', 'x'],
      ['exec', '--role-arn', 'A', '--', 'echo', 'hi', '--region', 'x'],
    ],
    [
      'a value that looks like a command is still a value',
      ['exec', '--profile', 'echo', '--verbose', 'ls', '-l'],
      ['exec', '--profile', 'echo', '--verbose', '--', 'ls', '-l'],
    ],
    ['--name=value is one argument', ['exec', '--region=x', 'env'], ['exec', '--region=x', '--', 'env']],
    ['an explicit -- stays', ['exec', '--region', 'x', '--', 'echo', '--a'], ['exec', '--region', 'x', '--', 'echo', '--a']],
    ['the command\'s own -- is its own', ['exec', 'sh', '--', '-c'], ['exec', '--', 'sh', '--', '-c']],
    ['no command', ['exec', '--verbose'], ['exec', '--verbose']],
    ['an unknown option is taken as a flag', ['exec', '--bogus', 'echo'], ['exec', '--bogus', '--', 'echo']],
  ]
  test.each(cases)('%s', (_name, args, expected) => {
    expect(separateCommand(args, 0, takesValue)).toEqual(expected)
  })
})
