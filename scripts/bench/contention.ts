/**
 * Item 6: contention. 10,000 concurrent `get()` on a session whose credentials have just
 * expired (a manual clock shared with the emulator moves past the expiry; the refresh timer is
 * off so nothing refreshes early): how many AssumeRole calls reach STS, and the p50/p99 latency
 * of the callers. Then the cost of a fast-path `get()` on fresh credentials, next to a bare
 * `async () => credentials` (the floor). Runs in this process, emulator on 127.0.0.1.
 */
import type { Benchmark, Row } from './common.ts'
import { missing, pendingRows, REGION, ROLE_ARN } from './common.ts'
import { quantile, summarize } from './stats.ts'

const CALLERS = 10_000

export const contention: Benchmark = {
  name: 'contention',
  items: [6],
  title: 'Contention: 10,000 concurrent get() at expiry; fast-path get()',
  async run(context) {
    const why =
      (await missing('src/credentials/refreshable.ts', ['refreshable'])) ??
      (await missing('src/credentials/assume-role.ts', ['fromAssumeRole'])) ??
      (await missing('src/emulator/index.ts', ['createEmulator', 'serveEmulator']))
    if (why) return pendingRows(6, ['10,000 concurrent get() at expiry', 'fast-path get()'], ['stsrefresh'], '-', why)
    const { refreshable } = await import('../../src/credentials/refreshable.ts')
    const { fromAssumeRole } = await import('../../src/credentials/assume-role.ts')
    const { createEmulator, serveEmulator } = await import('../../src/emulator/index.ts')
    const { createManualClock } = await import('../../src/clock.ts')

    const runs = context.quick ? 3 : 7
    const stsCalls: number[] = []
    const p50: number[] = []
    const p99: number[] = []
    const max: number[] = []
    for (let i = 0; i < runs + 1; i++) {
      // Real time as the start: the signatures carry it and the emulator checks it.
      const clock = createManualClock(Math.floor(Date.now() / 1000) * 1000)
      const emulator = createEmulator({ clock, lifetimeSeconds: 900 })
      const served = await serveEmulator(emulator, { port: 0 })
      try {
        const session = refreshable(
          fromAssumeRole({
            roleArn: ROLE_ARN,
            roleSessionName: 'bench-contention',
            durationSeconds: 900,
            region: REGION,
            endpoint: served.url,
            source: emulator.baseCredentials,
            clock,
          }),
          { clock, autoStart: false },
        )
        const first = await session.get()
        await clock.set(first.expiration!.getTime())
        emulator.resetStats()
        const latencies = new Float64Array(CALLERS)
        const start = performance.now()
        await Promise.all(
          Array.from({ length: CALLERS }, async (_, k) => {
            await session.get()
            latencies[k] = performance.now() - start
          }),
        )
        const sorted = [...latencies].sort((a, b) => a - b)
        if (i > 0) {
          stsCalls.push(emulator.stats().stsCalls.AssumeRole ?? 0)
          p50.push(quantile(sorted, 0.5))
          p99.push(quantile(sorted, 0.99))
          max.push(sorted[sorted.length - 1]!)
        }
        await session.stop()
      } finally {
        await served.close()
      }
    }

    // Fast path: fresh credentials, timer off; one million awaited get() calls per sample.
    const clock = createManualClock(Math.floor(Date.now() / 1000) * 1000)
    const emulator = createEmulator({ clock, lifetimeSeconds: 3600 })
    const session = refreshable(
      fromAssumeRole({ roleArn: ROLE_ARN, roleSessionName: 'bench-fast', region: REGION, endpoint: 'http://aws.local', source: emulator.baseCredentials, clock, fetch: emulator.fetch }),
      { clock, autoStart: false },
    )
    const credentials = await session.get()
    const bare = async (): Promise<typeof credentials> => credentials
    const calls = context.quick ? 200_000 : 1_000_000
    const perCall = async (op: () => Promise<unknown>): Promise<number> => {
      const t0 = performance.now()
      for (let k = 0; k < calls; k++) await op()
      return ((performance.now() - t0) * 1e6) / calls
    }
    const fast: number[] = []
    const floor: number[] = []
    for (let i = 0; i < runs + 1; i++) {
      const a = await perCall(() => session.get())
      const b = await perCall(bare)
      if (i > 0) {
        fast.push(a)
        floor.push(b)
      }
    }
    await session.stop()
    const ratio = summarize(fast.map((v, k) => v / floor[k]!))
    const c = '10,000 concurrent get() at expiry'
    context.note(`${runs} runs after one warm-up, each with a fresh emulator and session; latency is from the start of the burst to each caller's answer, over loopback HTTP to the emulator.`)
    context.note(`Fast path: ${calls.toLocaleString('en-US')} awaited get() calls per sample on fresh credentials, alternated with a bare async function returning the same object.`)
    const rows: Row[] = [
      { item: 6, case: c, subject: 'stsrefresh', metric: 'AssumeRole calls (1 is ideal)', value: summarize(stsCalls), status: 'ok' },
      { item: 6, case: c, subject: 'stsrefresh', metric: 'p50 latency, ms', value: summarize(p50), status: 'ok' },
      { item: 6, case: c, subject: 'stsrefresh', metric: 'p99 latency, ms', value: summarize(p99), status: 'ok' },
      { item: 6, case: c, subject: 'stsrefresh', metric: 'max latency, ms', value: summarize(max), status: 'ok' },
      { item: 6, case: 'fast-path get() on fresh credentials', subject: 'stsrefresh', metric: 'ns per call', value: summarize(fast), ratio: { to: 'bare async fn', value: ratio }, status: 'ok' },
      { item: 6, case: 'fast-path get() on fresh credentials', subject: 'bare async () => credentials', metric: 'ns per call', value: summarize(floor), status: 'ok' },
    ]
    return rows
  },
}
