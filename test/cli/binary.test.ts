/**
 * The compiled single binary (`npm run compile` -> dist/bin/stsrefresh), when it has been built:
 * --version names the commit, credential-process and exec work as from source.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import pkg from '../../package.json' with { type: 'json' }
import { type CliWorld, expectNoSecretInStderr, runCli, startWorld } from './harness.ts'

const BINARY = join(import.meta.dir, '../../dist/bin/stsrefresh')
const built = existsSync(BINARY)
if (!built) {
  console.warn(`skipping the compiled-binary tests: ${BINARY} is not built (npm run compile)`)
}

let world: CliWorld
beforeAll(async () => {
  world = await startWorld()
})
afterAll(() => world.close())

const binary = (args: string[], env: Record<string, string>) =>
  runCli(args, { env, command: [BINARY] })
const ROLE = ['--role-arn', 'arn:aws:iam::123456789012:role/binary']

test.skipIf(!built)('--version names the version and the commit it was built from', async () => {
  const { code, stdout, stderr } = await binary(['--version'], world.env())
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
  expect(stdout).toMatch(
    new RegExp(
      `^stsrefresh/${pkg.version.replace(/\./g, '\\.')} \\(([0-9a-f]{7,40}|unknown)\\)\\n$`,
    ),
  )
  expect(stdout).not.toContain('(dev)')
})

test.skipIf(!built)('credential-process prints Version 1 JSON and caches', async () => {
  const first = await binary(['credential-process', ...ROLE], world.env())
  expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' })
  const json = JSON.parse(first.stdout)
  expect(json.Version).toBe(1)
  expect(json.AccessKeyId).toMatch(/^ASIA/)
  const calls = world.emulator.stats().stsCalls.AssumeRole
  const second = await binary(['credential-process', ...ROLE], world.env())
  expect(second.stdout).toBe(first.stdout)
  expect(world.emulator.stats().stsCalls.AssumeRole).toBe(calls)
})

test.skipIf(!built)('exec serves the child and passes its exit code back', async () => {
  const script =
    'test -n "$AWS_CONTAINER_CREDENTIALS_FULL_URI" && test -z "$AWS_ACCESS_KEY_ID" && exit 5'
  expect(await binary(['exec', ...ROLE, '--', 'sh', '-c', script], world.env())).toEqual({
    code: 5,
    stdout: '',
    stderr: '',
  })
  const whoami = await binary(['whoami', ...ROLE, '--role-session-name', 'bin'], world.env())
  expect(JSON.parse(whoami.stdout).Arn).toBe('arn:aws:sts::123456789012:assumed-role/binary/bin')
})

test.skipIf(!built)(
  'no secret the emulator issued appears in any stderr captured in this file',
  () => {
    expectNoSecretInStderr()
  },
)
