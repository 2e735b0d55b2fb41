/**
 * Item 8: memory of `stsrefresh serve` (the compiled binary) from /proc/<pid>/status: RSS when
 * idle, RSS along 1,000 accelerated refreshes (the emulator issues 1 s credentials, so the
 * credential server refreshes every fraction of a second; 100 with --quick), and RSS plus peak
 * (VmHWM) after 100 concurrent credential requests; then, in this process, the heap that survives
 * a full GC across 8,000 refreshes of the same credential stack (live-heap.ts; 800 with --quick),
 * which tells a leak from the allocator's and the collector's timing.
 *
 * Repeated where a run is cheap: idle RSS from 3 fresh `serve` processes, the live heap 3 times
 * over. The 1,000-refresh run is done once (about 2 minutes of wall clock, paced by the
 * emulator's 1 s credentials); its 11-point RSS trace is the measurement (README, Method).
 */
import type { Subprocess } from 'bun'
import type { Benchmark, Row } from './common.ts'
import { isolatedEnv, REGION, ROLE_ARN, rssOf, scratch, until } from './common.ts'
import { liveHeapAcrossRefreshes } from './live-heap.ts'
import { summarize } from './stats.ts'

const METRIC = 'MiB RSS (lower is better)'

/** Read the child's stdout until the two credential-server variables have been printed. */
async function serverVariables(child: Subprocess<'ignore', 'pipe', 'pipe'>): Promise<{ url: string; token: string }> {
  const reader = child.stdout.getReader()
  const decoder = new TextDecoder()
  let text = ''
  for (;;) {
    const url = /AWS_CONTAINER_CREDENTIALS_FULL_URI='?([^'\s]+)/.exec(text)?.[1]
    const token = /AWS_CONTAINER_AUTHORIZATION_TOKEN='?([^'\s]+)/.exec(text)?.[1]
    if (url && token) {
      reader.releaseLock()
      return { url, token }
    }
    const { value, done } = await reader.read()
    if (done) throw new Error(`serve exited before printing its variables: ${text}`)
    text += decoder.decode(value, { stream: true })
  }
}

export const memory: Benchmark = {
  name: 'memory',
  items: [8],
  title: 'Memory: stsrefresh serve (compiled binary)',
  async run(context) {
    const { createEmulator, serveEmulator } = await import('../../src/emulator/index.ts')
    const binary = await context.compile('stsrefresh', 'src/cli/main.ts')
    const emulator = createEmulator({ lifetimeSeconds: 1 })
    const served = await serveEmulator(emulator, { port: 0 })
    const env = isolatedEnv(await scratch(context, 'serve-home'), {
      AWS_ACCESS_KEY_ID: emulator.baseCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: emulator.baseCredentials.secretAccessKey,
    })
    const target = context.quick ? 100 : 1000
    const spawnServe = () => Bun.spawn(
      [binary, 'serve', '--role-arn', ROLE_ARN, '--endpoint-url', served.url, '--region', REGION, '--duration', '900'],
      { env, stdout: 'pipe', stderr: 'pipe', stdin: 'ignore' },
    )
    const askOf = (url: string, token: string) => async (): Promise<void> => {
      const response = await fetch(url, { headers: { authorization: token } })
      const body = (await response.json()) as { AccessKeyId?: string }
      if (response.status !== 200 || !body.AccessKeyId) throw new Error(`credential server answered ${response.status}`)
    }
    // Idle RSS of two more fresh processes (the long run's own is the third): cheap, repeated.
    const idleSamples: number[] = []
    for (let i = 0; i < 2; i++) {
      const extra = spawnServe()
      try {
        const { url, token } = await serverVariables(extra)
        await askOf(url, token)()
        await Bun.sleep(1000)
        idleSamples.push((await rssOf(extra.pid)).rss)
      } finally {
        extra.kill('SIGTERM')
        await extra.exited
      }
    }
    const child = spawnServe()
    const rows: Row[] = []
    try {
      const { url, token } = await serverVariables(child)
      const assumes = (): number => emulator.stats().stsCalls.AssumeRole ?? 0
      const ask = askOf(url, token)
      await ask()
      await Bun.sleep(1000)
      const idle = await rssOf(child.pid)
      idleSamples.push(idle.rss)
      const startRefreshes = assumes()
      const t0 = performance.now()
      const trace: { refreshes: number; rss: number }[] = [{ refreshes: 0, rss: idle.rss }]
      const step = target / 10
      // A client asking every 100 ms, as SDKs behind the server do. It also restarts refreshing
      // when a credential lands with no time left (1 s credentials issued at the end of a second
      // expire at once; after expiry the session refreshes on demand, not by timer).
      let polling = true
      const poller = (async () => {
        while (polling) {
          await ask().catch(() => undefined)
          await Bun.sleep(100)
        }
      })()
      try {
        for (let next = step; next <= target; next += step) {
          await until(() => assumes() - startRefreshes >= next, `${next} refreshes`, 120_000, 50)
          trace.push({ refreshes: assumes() - startRefreshes, rss: (await rssOf(child.pid)).rss })
        }
      } finally {
        polling = false
        await poller
      }
      const refreshSeconds = (performance.now() - t0) / 1000
      const after = trace[trace.length - 1]!
      const firstHalf = trace[Math.floor(trace.length / 2)]!
      await Promise.all(Array.from({ length: 100 }, ask))
      const burst = await rssOf(child.pid)
      rows.push({ item: 8, case: 'serve, idle (after the first request)', subject: 'stsrefresh serve', metric: METRIC, value: summarize(idleSamples), status: 'ok', note: `${idleSamples.length} fresh processes; the long run's own: ${idle.rss.toFixed(1)} MiB` })
      rows.push({
        item: 8,
        case: `serve, after ${after.refreshes} accelerated refreshes`,
        subject: 'stsrefresh serve',
        metric: METRIC,
        value: after.rss,
        status: 'ok',
        note: `one run (README, Method); ${(after.rss - idle.rss).toFixed(1)} MiB over its idle; ${(after.rss - firstHalf.rss).toFixed(1)} MiB over the second half (${firstHalf.refreshes} -> ${after.refreshes}); ${refreshSeconds.toFixed(0)} s; RSS trace: ${trace.map((t) => t.rss.toFixed(1)).join(' ')}`,
      })
      rows.push({ item: 8, case: 'serve, after 100 concurrent credential requests', subject: 'stsrefresh serve', metric: METRIC, value: burst.rss, status: 'ok', note: `peak (VmHWM) ${burst.peak.toFixed(1)} MiB over the whole run` })
      const refreshErrors = emulator.stats().rejections
      if (Object.keys(refreshErrors).length) context.note(`Emulator rejections during the run: ${JSON.stringify(refreshErrors)}.`)
    } catch (error) {
      const stderr = await new Response(child.stderr).text().catch(() => '')
      throw new Error(`${error instanceof Error ? error.message : String(error)}; serve stderr: ${stderr.slice(0, 500)}`)
    } finally {
      child.kill('SIGTERM')
      await child.exited
      await served.close()
    }
    context.note('The emulator issues credentials that expire on the next whole second (1 s lifetime, STS Expiration has whole seconds), so the credential server refreshes several times a second; a client asks for credentials every 100 ms meanwhile.')

    const scale = context.quick ? 100 : 1000
    // Three runs, each a fresh credential stack and emulator (seconds each on the manual clock).
    const heapRuns = []
    for (let i = 0; i < 3; i++) heapRuns.push(await liveHeapAcrossRefreshes([1, 2, 4, 8].map((n) => n * scale)))
    const perRefresh = heapRuns.map((samples) => {
      const first = samples[0]!
      const last = samples[samples.length - 1]!
      return (last.objects - first.objects) / (last.refreshes - first.refreshes)
    })
    const lastOf = heapRuns.map((samples) => samples[samples.length - 1]!)
    rows.push({
      item: 8,
      case: `in process: objects alive after a full GC, after ${lastOf[0]!.refreshes} refreshes (refreshable + fromAssumeRole)`,
      subject: 'stsrefresh',
      metric: 'live JS objects (flat is right)',
      value: summarize(lastOf.map((s) => s.objects)),
      status: 'ok',
      note: `3 runs; objects per refresh from ${heapRuns[0]![0]!.refreshes} to ${lastOf[0]!.refreshes}: ${perRefresh.map((v) => v.toFixed(3)).join(', ')}; first run's trace (refreshes: objects, heap KiB): ${heapRuns[0]!.map((s) => `${s.refreshes}: ${s.objects}, ${s.heapKiB.toFixed(0)}`).join('; ')}`,
    })
    context.note('In process: the same credential stack (SigV4, the STS call, the XML reader, the refresh timer) against the in-process emulator on a manual clock; Bun.gc(true) before each sample, the emulator\'s issued keys dropped first (its state, not ours).')
    return rows
  },
}
