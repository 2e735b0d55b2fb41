/**
 * `stsrefresh exec`'s command line: options are read up to the command, and everything from the
 * command on is the command's own (as with `env`, `sudo`, `aws-vault exec`), `--` or not.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { type CliWorld, expectNoSecretInStderr, runCli, startWorld } from './harness.ts'

let world: CliWorld
beforeAll(async () => {
  world = await startWorld()
})
afterAll(() => world.close())

const ROLE = ['--role-arn', 'arn:aws:iam::123456789012:role/exec']
// Prints the region the child got, then its arguments.
const SHOW = ['sh', '-c', 'echo "$AWS_REGION" "$@"', 'sh']

const cases: [string, string[], string][] = [
  [
    "the command's flags after it are its own, even ones stsrefresh also has",
    ['exec', ...ROLE, ...SHOW, '--region', 'eu-west-1', '--foo'],
    'us-east-1 --region eu-west-1 --foo\n',
  ],
  [
    'options before the command are still ours',
    ['exec', '--region', 'eu-west-1', ...SHOW, '--verbose', '--help', '-', '007'],
    'eu-west-1 --verbose --help - 007\n',
  ],
  [
    'an explicit -- keeps working',
    ['exec', ...ROLE, '--', ...SHOW, '--flag', '--', 'x'],
    'us-east-1 --flag -- x\n',
  ],
]
test.each(cases)('%s', async (_name, args, stdout) => {
  expect(await runCli(args, { env: world.env() })).toEqual({ code: 0, stdout, stderr: '' })
})

test('an unknown option before the command is ours, named as typed: exit 2', async () => {
  expect(await runCli(['exec', '--bogus-flag', 'echo', 'hi'], { env: world.env() })).toEqual({
    code: 2,
    stdout: '',
    stderr: 'stsrefresh: Unknown option `--bogus-flag`\nstsrefresh: see `stsrefresh --help`\n',
  })
})

test('no secret the emulator issued appears in any stderr captured in this file', () => {
  expectNoSecretInStderr()
})
