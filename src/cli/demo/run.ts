/**
 * `stsrefresh demo`: the same long job twice against an emulator whose credentials live seconds,
 * once with a refreshing session and once with credentials fetched once, then a side-by-side
 * summary. Exits 0 only if the refreshing run had no failure and all of its data verified.
 * SIGINT/SIGTERM stop it (exit 130/143) and a closed stdout ends it quietly (exit 0), after the
 * same cleanup: a shared emulator gets its settings back and loses the run's bucket and tables.
 */
import process from 'node:process'
import { fromAssumeRole } from '../../credentials/assume-role.ts'
import { maskKey } from '../../credentials/redact.ts'
import { refreshable } from '../../credentials/refreshable.ts'
import { silentLogger } from '../../logger.ts'
import type { Credentials, FetchLike, Logger } from '../../types.ts'
import { ExitCode } from '../exit-codes.ts'
import { createCliLogger, err } from '../output.ts'
import { createProgressBar, formatBytes } from '../progress.ts'
import { largeFileSha256, makeOrders } from './data.ts'
import {
  connectExternal,
  type DemoEnvironment,
  type DemoNames,
  removeRun,
  setUp,
  startEmbedded,
} from './environment.ts'
import { type JobProgress, type JobResult, type JobTarget, runJob } from './job.ts'
import { clockTime, refreshLine, resultLine, summaryTable } from './report.ts'
import { createDemoStdout, signalExitCode, watchSignals } from './stop.ts'
import { verifyRun } from './verify.ts'

/** Options of {@link runDemo}. */
export interface DemoOptions {
  readonly durationSeconds: number
  /** Credential lifetime; for `endpointUrl`, only applied when given. */
  readonly lifetimeSeconds: number | undefined
  readonly objects: number
  readonly fileMiB: number
  readonly endpointUrl?: string
  readonly verbose: boolean
}

/** Default credential lifetime of the embedded emulator, in seconds. */
export const DEFAULT_LIFETIME = 15

/** A progress bar for one run, redrawn by time (the job is paced by it) and by progress. */
function runProgress(
  label: string,
  durationMs: number,
  print: (line: string) => void,
): { update(p: JobProgress): void; log(line: string): void; done(): void } {
  const bar = createProgressBar({
    label,
    total: durationMs / 1000,
    format: (s) => `${Math.round(s)}s`,
    print,
  })
  const started = Date.now()
  let note = ''
  const draw = (): void =>
    bar.update(Math.min(durationMs, Date.now() - started) / 1000, undefined, note)
  const ticker = setInterval(draw, 250)
  return {
    update(p) {
      const what = p.phase === 'upload'
        ? `upload ${formatBytes(p.bytesUploaded)}`
        : `${p.phase} ${p.objectsDone}/${p.objectsTotal} objects`
      note = `${what}, ${p.operationsDone} ops, ${p.operationsFailed} failed`
      draw()
    },
    log: (line) => bar.log(line),
    done() {
      clearInterval(ticker)
      bar.done()
    },
  }
}

/** What the demo's steps share. */
interface Run {
  readonly environment: DemoEnvironment
  readonly logger: Logger
  readonly print: (line: string) => void
  /** Aborted when the demo must stop early (a signal, or stdout closed). */
  readonly stop: AbortSignal
  /** Called with the names as soon as they are chosen, so cleanup knows them. */
  readonly named: (names: DemoNames) => void
}

/** Run the demo; resolves to the exit code. */
export async function runDemo(options: DemoOptions): Promise<number> {
  const cliLogger = createCliLogger(options.verbose)
  // Clients log a warning for each expired-token retry; the static run makes many on purpose.
  const logger = options.verbose ? cliLogger : silentLogger
  const stdout = createDemoStdout()
  const signals = watchSignals((signal) =>
    err(`stsrefresh: ${signal}: stopping the demo and cleaning up (${signal} again to quit now)`)
  )
  const stop = AbortSignal.any([signals.signal, stdout.closed])
  try {
    const environment = options.endpointUrl
      ? await connectExternal(options.endpointUrl, options.lifetimeSeconds, process.env, cliLogger)
      : await startEmbedded(options.lifetimeSeconds ?? DEFAULT_LIFETIME)
    let names: DemoNames | undefined
    let code: number
    try {
      code = await demo(options, {
        environment,
        logger,
        print: stdout.line,
        stop,
        named: (n) => (names = n),
      })
    } finally {
      // Also after a failure or a signal: a shared emulator is left as it was found.
      const notes: string[] = []
      if (environment.shared && names) notes.push(await removeRun(environment, names, logger))
      const restored = await environment.close()
      if (restored) notes.push(restored)
      if (notes.length > 0) stdout.line(`Cleanup: ${notes.join('; ')}.`)
    }
    const signal = signals.received()
    if (signal) return signalExitCode(signal)
    // Nobody reads on: end as quietly as out() carries on elsewhere, with no verdict to give.
    if (stdout.closed.aborted) return ExitCode.ok
    return code
  } finally {
    signals.dispose()
  }
}

/** The demo itself; returns early (any code) once `run.stop` is aborted. */
async function demo(options: DemoOptions, run: Run): Promise<number> {
  const { environment, logger, print: out, stop } = run
  // Every AssumeRole this run's sessions send, counted here: the emulator's own counters would
  // include any other client's calls.
  let stsCalls = 0
  const countingFetch: FetchLike = (input, init) => {
    stsCalls++
    return globalThis.fetch(input, init)
  }
  const durationMs = options.durationSeconds * 1000
  const fileSize = options.fileMiB * 1024 * 1024
  const lifetime = options.endpointUrl && options.lifetimeSeconds === undefined
    ? 'as the emulator is set'
    : `${options.lifetimeSeconds ?? DEFAULT_LIFETIME} s`
  out(
    `stsrefresh demo: AWS emulator on ${environment.endpoint}; every credential it issues lives ${lifetime}.`,
  )
  out(
    `The job: migrate ${options.objects} orders from S3 into DynamoDB (25 per BatchWriteItem), then upload a ${
      formatBytes(fileSize)
    } file in 5 MiB parts; paced to take about ${options.durationSeconds} s.`,
  )
  const orders = makeOrders(options.objects)
  const fileSha256 = largeFileSha256(fileSize)
  const id = Date.now().toString(36)
  const names = {
    bucket: `stsrefresh-demo-${id}`,
    tables: { refreshing: `demo-${id}-refreshing`, static: `demo-${id}-static` },
  }
  run.named(names)
  const setupStarted = Date.now()
  await setUp(environment, names, orders, logger, stop)
  if (stop.aborted) return ExitCode.unexpected
  out(
    `Setup: ${orders.length} orders written to s3://${names.bucket}/orders/ with the base keys (${
      ((Date.now() - setupStarted) / 1000).toFixed(1)
    } s)\n`,
  )

  const roleArn = `arn:aws:iam::${environment.accountId}:role/stsrefresh-demo-migration`
  const assumeRole = (): ReturnType<typeof fromAssumeRole> =>
    fromAssumeRole({
      roleArn,
      roleSessionName: 'stsrefresh-demo',
      durationSeconds: 900,
      source: environment.base,
      endpoint: environment.endpoint,
      region: environment.region,
      env: {},
      logger,
      fetch: countingFetch,
    })
  const target = (table: string, file: string): JobTarget => ({
    endpoint: environment.endpoint,
    region: environment.region,
    bucket: names.bucket,
    table,
    fileKey: `exports/${file}.bin`,
    fileSize,
  })

  // Run 1: a refreshing session.
  out(`Run 1 of 2: refreshable(fromAssumeRole({ roleArn: '${roleArn}' }))`)
  const before1 = stsCalls
  const session = refreshable(assumeRole(), { logger })
  const progress1 = runProgress('run 1', durationMs, out)
  const started1 = Date.now()
  let refreshes = 0
  session.on(
    'refresh',
    (event) => progress1.log(refreshLine(event, ++refreshes, Date.now() - started1)),
  )
  session.on(
    'error',
    (event) =>
      progress1.log(
        `  refresh failed (${
          event.willRetry ? `retrying in ${event.retryInMs} ms` : 'will retry on use'
        }): ${event.error instanceof Error ? event.error.message : String(event.error)}`,
      ),
  )
  let result1: JobResult
  try {
    await session.get()
    result1 = await runJob({
      credentials: session,
      target: target(names.tables.refreshing, 'refreshing'),
      durationMs,
      stopOnFailure: false,
      logger,
      onProgress: progress1.update,
      signal: stop,
    })
  } finally {
    progress1.done()
    await session.stop()
  }
  const sts1 = stsCalls - before1
  if (stop.aborted) return ExitCode.unexpected
  out(resultLine(result1, fileSize))

  // Run 2: the static pattern, credentials fetched once.
  out(
    '\nRun 2 of 2: the static pattern: const credentials = await session.get(), then used as they are',
  )
  const before2 = stsCalls
  const once = refreshable(assumeRole(), { autoStart: false, logger })
  const fetched = await once.get()
  await once.stop()
  const fixed: Credentials = { ...fetched }
  out(
    `  fetched once: ${maskKey(fixed.accessKeyId)}${
      fixed.expiration ? `, expires ${clockTime(fixed.expiration)} UTC` : ''
    }; never refreshed`,
  )
  const progress2 = runProgress('run 2', durationMs, out)
  let result2: JobResult
  try {
    result2 = await runJob({
      credentials: fixed,
      target: target(names.tables.static, 'static'),
      durationMs,
      stopOnFailure: true,
      logger,
      onProgress: progress2.update,
      signal: stop,
    })
  } finally {
    progress2.done()
  }
  const sts2 = stsCalls - before2
  if (stop.aborted) return ExitCode.unexpected
  out(resultLine(result2, fileSize))

  out('\nVerifying: reading every item and the file back with the base keys')
  const verify = (table: string, file: string): ReturnType<typeof verifyRun> =>
    verifyRun(environment, names.bucket, table, `exports/${file}.bin`, fileSha256, orders, logger)
  const [v1, v2] = [
    await verify(names.tables.refreshing, 'refreshing'),
    await verify(names.tables.static, 'static'),
  ]
  out(`\n${
    summaryTable([
      {
        title: 'refreshing session',
        result: result1,
        verification: v1,
        stsCalls: sts1,
        refreshes: Math.max(0, refreshes - 1),
      },
      {
        title: 'fetched once (static)',
        result: result2,
        verification: v2,
        stsCalls: sts2,
        refreshes: 0,
      },
    ], fileSize)
  }\n`)

  const problems: string[] = []
  if (result1.operationsFailed > 0) problems.push(`${result1.operationsFailed} operations failed`)
  if (v1.itemsVerified !== orders.length || v1.itemsWrong > 0) {
    problems.push(`${v1.itemsVerified}/${orders.length} items verified`)
  }
  if (v1.fileVerified !== true) {
    problems.push(
      v1.fileVerified === undefined ? 'the large file is missing' : 'the large file differs',
    )
  }
  if (problems.length > 0) {
    out(
      `FAILED: the refreshing run should have no failures and verify everything: ${
        problems.join('; ')
      }`,
    )
    return ExitCode.unexpected
  }
  const staticNote = result2.firstFailure
    ? `the static run stopped at its first expiry (${result2.firstFailure.code} after ${
      (result2.firstFailure.atMs / 1000).toFixed(1)
    } s)`
    : 'the static run finished too: the job was shorter than one credential lifetime'
  out(`OK: the refreshing run did every operation and verified all data; ${staticNote}.`)
  return ExitCode.ok
}
