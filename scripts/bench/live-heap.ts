/**
 * Item 8, in process: the JavaScript heap that survives a full collection, across thousands of
 * refreshes of the stack `serve` keeps alive (refreshable + fromAssumeRole: SigV4 signing, the
 * STS call, the XML reader), against the in-process emulator on a manual clock, so 8,000
 * refreshes take seconds. RSS read from outside (memory.ts) also moves with the allocator and
 * with when the collector runs; objects that outlive `Bun.gc(true)` do not, so a leak shows here
 * as growth per refresh. The emulator's issued keys (its own state, kept by design) are dropped
 * before each sample.
 */
import { heapStats } from 'bun:jsc'
import { createManualClock } from '../../src/clock.ts'
import { fromAssumeRole } from '../../src/credentials/assume-role.ts'
import { refreshable } from '../../src/credentials/refreshable.ts'
import { createEmulator } from '../../src/emulator/index.ts'
import { REGION, ROLE_ARN } from './common.ts'

export interface HeapSample {
  readonly refreshes: number
  readonly objects: number
  readonly heapKiB: number
}

/** Refresh until each of `targets` AssumeRole calls, sampling the live heap after a full GC. */
export async function liveHeapAcrossRefreshes(targets: readonly number[]): Promise<HeapSample[]> {
  // A few real event-loop turns per fired timer: the emulator answers through in-process fetch.
  const clock = createManualClock(Date.UTC(2026, 0, 1), {
    settle: async () => {
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve))
    },
  })
  const emulator = createEmulator({ clock })
  const source = fromAssumeRole({
    roleArn: ROLE_ARN,
    roleSessionName: 'live-heap',
    durationSeconds: 900,
    source: emulator.baseCredentials,
    endpoint: `https://sts.${REGION}.amazonaws.com`,
    region: REGION,
    fetch: emulator.fetch,
    clock,
    env: {},
  })
  await using session = refreshable(source, { clock })
  await session.get()
  const refreshes = (): number => emulator.stats().stsCalls.AssumeRole ?? 0
  const samples: HeapSample[] = []
  for (const target of targets) {
    // 60 s steps against 900 s credentials: the timer refreshes every 10-15 steps.
    while (refreshes() < target) {
      await clock.advance(60_000)
      await session.get()
    }
    emulator.forgetTemporaryCredentials()
    Bun.gc(true)
    const stats = heapStats()
    samples.push({ refreshes: refreshes(), objects: stats.objectCount, heapKiB: stats.heapSize / 1024 })
  }
  return samples
}
