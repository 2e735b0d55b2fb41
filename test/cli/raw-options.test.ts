/** Option values keep the text given on the command line (cac/mri would make numbers of them). */
import { expect, test } from 'bun:test'
import { rawOptionText, restoreOptionText } from '../../src/cli/raw-options.ts'

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
