/**
 * scripts/install.sh against a release layout served on loopback: it picks this platform's
 * asset, verifies the checksum, installs, and refuses a tampered download.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const os = process.platform === 'darwin' ? 'darwin' : 'linux'
const arch = process.arch === 'arm64' ? 'arm64' : 'x64'
const asset = `stsrefresh-${os}-${arch}`
const binary = '#!/bin/sh\necho "stsrefresh 9.9.9 (test)"\n'

let cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const fn of cleanup) await fn()
  cleanup = []
})

async function release(files: Record<string, string>): Promise<string> {
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch: (req) => {
      const name = new URL(req.url).pathname.slice('/download/'.length)
      const body = files[name]
      return body === undefined ? new Response('not found', { status: 404 }) : new Response(body)
    },
  })
  cleanup.push(async () => void server.stop(true))
  return `http://127.0.0.1:${server.port}/download`
}

async function install(base: string): Promise<{ code: number; stderr: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'stsrefresh-install-'))
  cleanup.push(() => rm(dir, { recursive: true, force: true }))
  const proc = Bun.spawn(['sh', 'scripts/install.sh'], {
    env: { PATH: process.env.PATH ?? '', HOME: dir, STSREFRESH_RELEASE_URL: base, STSREFRESH_INSTALL_DIR: join(dir, 'bin') },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const code = await proc.exited
  return { code, stderr: await new Response(proc.stderr).text(), dir }
}

const sha = (text: string): string => createHash('sha256').update(text).digest('hex')

describe('scripts/install.sh', () => {
  test('installs the platform binary after verifying its checksum', async () => {
    const base = await release({ [asset]: binary, SHA256SUMS: `${sha('other')}  stsrefresh-other\n${sha(binary)}  ${asset}\n` })
    const { code, stderr, dir } = await install(base)
    expect(stderr).toContain(`installed stsrefresh 9.9.9 (test) to ${join(dir, 'bin', 'stsrefresh')}`)
    expect(code).toBe(0)
    expect(await readFile(join(dir, 'bin', 'stsrefresh'), 'utf8')).toBe(binary)
    expect((await stat(join(dir, 'bin', 'stsrefresh'))).mode & 0o777).toBe(0o755)
  })

  test('refuses a download whose checksum does not match', async () => {
    const base = await release({ [asset]: `${binary}# tampered\n`, SHA256SUMS: `${sha(binary)}  ${asset}\n` })
    const { code, stderr, dir } = await install(base)
    expect(code).toBe(1)
    expect(stderr).toContain(`install.sh: checksum mismatch for ${asset}`)
    expect(await stat(join(dir, 'bin', 'stsrefresh')).catch(() => undefined)).toBeUndefined()
  })

  test('refuses when SHA256SUMS does not list the asset', async () => {
    const base = await release({ [asset]: binary, SHA256SUMS: `${sha(binary)}  stsrefresh-other\n` })
    const { code, stderr } = await install(base)
    expect(code).toBe(1)
    expect(stderr).toContain(`install.sh: SHA256SUMS has no entry for ${asset}`)
  })

  test('fails clearly when the release has no asset for this platform', async () => {
    const base = await release({ SHA256SUMS: '' })
    const { code, stderr } = await install(base)
    expect(code).toBe(1)
    expect(stderr).toContain(`install.sh: could not download ${base}/${asset}`)
  })
})
