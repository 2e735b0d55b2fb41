/**
 * Fault: the long-term base keys are rotated mid-run (the old pair deactivated), in the
 * environment or in the shared credentials file. The source is re-read at every refresh, so
 * the next AssumeRole is signed with the new pair; nothing the job does fails.
 */
import { afterEach, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fromProfile } from '../../src/credentials/profile.ts'
import { fromEnv } from '../../src/credentials/sources.ts'
import { createFaultWorld, runJob, serviceOf } from './fixture.ts'
import type { FaultWorld } from './fixture.ts'

const OLD = {
  accessKeyId: 'AKIAOLDOLDOLDOLD0001',
  secretAccessKey: 'old/secret/key/0123456789abcdefghijklmnop',
}
const NEW = {
  accessKeyId: 'AKIANEWNEWNEWNEW0002',
  secretAccessKey: 'new/secret/key/0123456789abcdefghijklmnop',
}

let world: FaultWorld | undefined
let home: string | undefined
afterEach(async () => {
  await world?.session.stop()
  world = undefined
  if (home) rmSync(home, { recursive: true, force: true })
  home = undefined
})

/** After rotation the old key is deactivated: STS refuses it as IAM does (InvalidClientTokenId). */
function deactivateOld(w: FaultWorld, rotated: { value: boolean }, signers: string[]): void {
  w.intercept = (request) => {
    if (serviceOf(request) !== 'sts') return undefined
    const key =
      /Credential=([A-Z0-9]+)\//.exec(request.headers.get('authorization') ?? '')?.[1] ?? ''
    signers.push(key)
    if (rotated.value && key === OLD.accessKeyId) {
      const body =
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
        '<Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message>' +
        '</Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>'
      return new Response(body, { status: 403, headers: { 'content-type': 'text/xml' } })
    }
    return undefined
  }
}

test('base keys rotated in the environment: the next refresh signs with the new pair', async () => {
  const env: Record<string, string> = {
    AWS_ACCESS_KEY_ID: OLD.accessKeyId,
    AWS_SECRET_ACCESS_KEY: OLD.secretAccessKey,
  }
  world = createFaultWorld({ source: fromEnv({ env }), emulator: { baseKeys: [OLD, NEW] } })
  const rotated = { value: false }
  const signers: string[] = []
  deactivateOld(world, rotated, signers)
  await world.prepare()
  expect((await runJob(world, 400_000, 30_000)).failures).toEqual([])
  env.AWS_ACCESS_KEY_ID = NEW.accessKeyId
  env.AWS_SECRET_ACCESS_KEY = NEW.secretAccessKey
  rotated.value = true
  expect((await runJob(world, 2 * 900_000, 30_000)).failures).toEqual([])
  expect(signers[0]).toBe(OLD.accessKeyId)
  expect(signers.at(-1)).toBe(NEW.accessKeyId)
  expect(world.refreshErrors).toEqual([])
  expect(world.emulator.stats().rejections).toEqual({})
})

test('base keys rotated in the shared credentials file: the next refresh reads the new pair', async () => {
  home = mkdtempSync(join(tmpdir(), 'stsrefresh-rotation-'))
  const file = join(home, 'credentials')
  const write = (pair: typeof OLD): void =>
    writeFileSync(
      file,
      `[base]\naws_access_key_id = ${pair.accessKeyId}\naws_secret_access_key = ${pair.secretAccessKey}\n`,
    )
  write(OLD)
  const source = fromProfile({
    profile: 'base',
    env: { AWS_SHARED_CREDENTIALS_FILE: file, AWS_CONFIG_FILE: join(home, 'config') },
    homeDir: home,
    readTextFile: (path) => readFile(path, 'utf8'),
  })
  world = createFaultWorld({ source, emulator: { baseKeys: [OLD, NEW] } })
  const rotated = { value: false }
  const signers: string[] = []
  deactivateOld(world, rotated, signers)
  await world.prepare()
  expect((await runJob(world, 400_000, 30_000)).failures).toEqual([])
  write(NEW)
  rotated.value = true
  expect((await runJob(world, 2 * 900_000, 30_000)).failures).toEqual([])
  expect(signers[0]).toBe(OLD.accessKeyId)
  expect(signers.at(-1)).toBe(NEW.accessKeyId)
  expect(world.refreshErrors).toEqual([])
})
