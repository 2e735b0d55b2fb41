/**
 * `env > creds.env` and `serve > creds.env`: the shell creates the file with the umask (0644 for
 * 022), readable by every local user; stsrefresh makes it 0600 before writing secrets into it.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BUN, type CliWorld, MAIN, startWorld } from './harness.ts'

let world: CliWorld
beforeAll(async () => {
  world = await startWorld()
})
afterAll(() => world.close())

const ROLE = ['--role-arn', 'arn:aws:iam::123456789012:role/private']
const quoted = (args: string[]): string => args.map((a) => `'${a}'`).join(' ')

test('env > file: the file is 0600 before the secret key goes in', async () => {
  const file = join(world.home, 'creds.env')
  const shell = Bun.spawn(['sh', '-c', `umask 022; exec ${quoted([BUN, MAIN, 'env', ...ROLE])} > '${file}'`], {
    env: world.env(),
    stderr: 'pipe',
  })
  expect(await shell.exited).toBe(0)
  expect(statSync(file).mode & 0o777).toBe(0o600)
  expect(readFileSync(file, 'utf8')).toContain('AWS_SECRET_ACCESS_KEY=')
})

test('serve > file: the token file is 0600; a pipe or a file already private is left alone', async () => {
  const file = join(world.home, 'serve.env')
  const shell = Bun.spawn(['sh', '-c', `umask 022; exec ${quoted([BUN, MAIN, 'serve', ...ROLE])} > '${file}'`], {
    env: world.env(),
    stderr: 'pipe',
  })
  const deadline = Date.now() + 20_000
  const written = (): string => (existsSync(file) ? readFileSync(file, 'utf8') : '')
  while (!written().includes('AWS_CONTAINER_AUTHORIZATION_TOKEN') && Date.now() < deadline) {
    await Bun.sleep(50)
  }
  expect(statSync(file).mode & 0o777).toBe(0o600)
  shell.kill('SIGTERM')
  expect(await shell.exited).toBe(0)

  const already = join(world.home, 'private.env')
  writeFileSync(already, '', { mode: 0o600 })
  const again = Bun.spawn(['sh', '-c', `exec ${quoted([BUN, MAIN, 'env', ...ROLE])} >> '${already}'`], {
    env: world.env(),
    stderr: 'pipe',
  })
  expect(await again.exited).toBe(0)
  expect(statSync(already).mode & 0o777).toBe(0o600)
})
