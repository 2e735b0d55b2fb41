/**
 * A job that creates a refreshable session with the real system clock, gets credentials and
 * finishes must exit by itself: the refresh timer (due ~54 min later) is unref'd. The spawn's
 * 20 s timeout is a liveness guard (a hang kills the child and fails the exit-code check), not a
 * performance threshold.
 */
import { expect, test } from 'bun:test'
import { join } from 'node:path'

test('a process with a live refreshable session exits promptly after its work', async () => {
  const modulePath = join(import.meta.dir, '../../src/credentials/refreshable.ts')
  const script = `
    import { refreshable } from ${JSON.stringify(modulePath)}
    const source = async () => ({
      accessKeyId: 'ASIAPROCESSTEST1',
      secretAccessKey: 'not-a-real-secret',
      sessionToken: 'not-a-real-token',
      expiration: new Date(Date.now() + 3_600_000),
    })
    const session = refreshable(source, { sourceName: 'fake' })
    const creds = await session.get()
    const timerArmed = session.state.nextRefreshAt !== undefined
    console.log(JSON.stringify({ key: creds.accessKeyId, timerArmed }))
  `
  const child = Bun.spawn([process.execPath, '-e', script], {
    stdout: 'pipe',
    stderr: 'pipe',
    timeout: 20_000,
  })
  const [code, stdout, stderr] = await Promise.all([
    child.exited,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ])
  expect(stderr).toBe('')
  expect(stdout).toBe('{"key":"ASIAPROCESSTEST1","timerArmed":true}\n')
  expect(child.signalCode).toBeNull()
  expect(code).toBe(0)
})
