/** The `emulator` command, spawned as users run it: export lines on stdout, clean exit on SIGTERM. */
import { expect, test } from 'bun:test'
import { join } from 'node:path'

const MAIN = join(import.meta.dir, '../../src/cli/main.ts')

async function readLines(stream: ReadableStream<Uint8Array>, count: number): Promise<string[]> {
  const reader = stream.getReader()
  let text = ''
  while (text.split('\n').length <= count) {
    const { done, value } = await reader.read()
    if (done) break
    text += new TextDecoder().decode(value)
  }
  reader.releaseLock()
  return text.split('\n').slice(0, count)
}

test(
  'emulator --port 0 --lifetime 20 prints the environment, serves, and exits 0 on SIGTERM',
  async () => {
    const child = Bun.spawn([
      process.execPath,
      MAIN,
      'emulator',
      '--port',
      '0',
      '--lifetime',
      '20',
      '--fail-next',
      'AssumeRole=1:throttle',
    ], {
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const lines = await readLines(child.stdout, 7)
    const vars = Object.fromEntries(
      lines.map((l) => /^export (\w+)='([^']*)'$/.exec(l)!.slice(1, 3)),
    )
    expect(Object.keys(vars)).toEqual([
      'AWS_ENDPOINT_URL',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_REGION',
      'AWS_DEFAULT_REGION',
      'ACTIONS_ID_TOKEN_REQUEST_URL',
      'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
    ])
    expect(vars.AWS_ENDPOINT_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(vars.AWS_ACCESS_KEY_ID).toMatch(/^AKIA/)
    const settings = await (await fetch(`${vars.AWS_ENDPOINT_URL}/_emulator/settings`)).json()
    expect(settings).toEqual({ dynamodbUnprocessedPerBatch: 0, lifetimeSeconds: 20 })
    const faults = await (await fetch(`${vars.AWS_ENDPOINT_URL}/_emulator/faults`)).json()
    expect(faults).toEqual({
      rules: [{ target: 'AssumeRole', kind: 'throttle', remaining: 1 }],
      latency: {},
    })
    child.kill('SIGTERM')
    expect(await child.exited).toBe(0)
    const stderr = await new Response(child.stderr).text()
    expect(stderr).toBe(
      `stsrefresh: emulator listening on ${vars.AWS_ENDPOINT_URL} until SIGINT/SIGTERM\n` +
        `stsrefresh: stats: curl ${vars.AWS_ENDPOINT_URL}/_emulator/stats\n`,
    )
  },
  20_000,
)

test('a bad flag is a usage error (exit 2) naming the flag', async () => {
  const child = Bun.spawn([process.execPath, MAIN, 'emulator', '--fail-next', 'AssumeRole=x'], {
    stdout: 'pipe',
    stderr: 'pipe',
  })
  expect(await child.exited).toBe(2)
  expect(await new Response(child.stdout).text()).toBe('')
  expect(await new Response(child.stderr).text()).toContain(
    'stsrefresh: --fail-next takes <target>=<number>[:<kind>]',
  )
})
