/**
 * The same CLI on the other runtimes users run it with: from the npm package under Node
 * (`npm pack`, installed offline into a temporary project, run with `npx stsrefresh`), and from
 * source under Deno with the permissions the README lists. Each runs `--version` and `whoami`
 * against the emulator served here.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createEmulator, type Emulator, type ServedEmulator, serveEmulator } from '../../src/emulator/index.ts'
import { run as spawnRun } from '../helpers/spawn.ts'
import { removeDirs, tempDir } from './harness.ts'

const ROOT = join(import.meta.dir, '../..')
const DENO = join(ROOT, 'node_modules/.bin/deno')
const built = existsSync(join(ROOT, 'dist/cli.js'))
if (!built) console.warn('skipping the npx test: dist/ is not built (npm run build; npm test builds it)')

let emulator: Emulator
let served: ServedEmulator
let dirs: string[] = []
beforeAll(async () => {
  emulator = createEmulator()
  served = await serveEmulator(emulator)
})
afterAll(async () => {
  await served.close()
  removeDirs(...dirs)
})

const run = (cmd: string[], options: { cwd?: string; env: Record<string, string> }) =>
  spawnRun(cmd, { env: options.env, cwd: options.cwd ?? ROOT })

function awsEnv(home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    AWS_ACCESS_KEY_ID: emulator.baseCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emulator.baseCredentials.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
  }
}

const expectedIdentity = (): unknown => ({
  UserId: expect.stringMatching(/^AIDA/),
  Account: emulator.accountId,
  Arn: `arn:aws:iam::${emulator.accountId}:user/emulator`,
})

describe.skipIf(!built)('npx stsrefresh (the npm package on Node)', () => {
  test('installs from the packed tarball and runs --version and whoami', async () => {
    const work = tempDir('stsrefresh-npx-')
    dirs.push(work)
    const env = { ...awsEnv(work), npm_config_cache: process.env.npm_config_cache ?? join(process.env.HOME ?? '', '.npm') }
    const packed = await run(['npm', 'pack', '--silent', '--pack-destination', work], { env })
    expect(packed.code).toBe(0)
    const tarball = join(work, packed.stdout.trim().split('\n').pop()!)
    const project = join(work, 'project')
    await Bun.write(join(project, 'package.json'), '{"name":"npx-smoke","private":true}\n')
    const installed = await run(['npm', 'install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: project, env })
    expect(installed.stderr).not.toContain('ERR!')
    expect(installed.code).toBe(0)
    const version = await run(['npx', '--no-install', 'stsrefresh', '--version'], { cwd: project, env })
    expect(version).toEqual({ code: 0, stdout: expect.stringMatching(/^stsrefresh\/\d+\.\d+\.\d+ \(/), stderr: '' })
    const whoami = await run(['npx', '--no-install', 'stsrefresh', 'whoami', '--endpoint-url', served.url, '--region', 'us-east-1'], { cwd: project, env })
    expect(whoami.stderr).toBe('')
    expect(whoami.code).toBe(0)
    expect(JSON.parse(whoami.stdout)).toEqual(expectedIdentity())
  }, 120_000)
})

describe('deno run src/cli/main.ts (from source on Deno)', () => {
  const permissions = ['--allow-env', '--allow-read', '--allow-write', '--allow-net', '--allow-run', '--allow-sys']
  test('--version and whoami with the permissions the README lists', async () => {
    const home = tempDir('stsrefresh-deno-')
    dirs.push(home)
    const env = { ...awsEnv(home), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }
    await writeFile(join(home, '.keep'), '')
    const version = await run([DENO, 'run', '--quiet', ...permissions, 'src/cli/main.ts', '--version'], { env })
    expect(version).toEqual({ code: 0, stdout: expect.stringMatching(/^stsrefresh\/\d+\.\d+\.\d+ \(dev\)\n$/), stderr: '' })
    const whoami = await run([DENO, 'run', '--quiet', ...permissions, 'src/cli/main.ts', 'whoami', '--endpoint-url', served.url, '--region', 'us-east-1'], { env })
    expect(whoami.stderr).toBe('')
    expect(whoami.code).toBe(0)
    expect(JSON.parse(whoami.stdout)).toEqual(expectedIdentity())
  }, 120_000)
})
