/**
 * What the benchmarks share: the result rows, the run context (quick or full, a temp dir,
 * cached compiled programs and bundles), timed child processes, an isolated AWS environment and
 * the emulator on 127.0.0.1.
 */
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Summary } from './stats.ts'

/** The repository root. */
export const ROOT: string = resolve(import.meta.dir, '../..')
/** The role every benchmark assumes (the emulator lets any role be assumed). */
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/bench'
export const REGION = 'us-east-1'

/** One line of the results table. */
export interface Row {
  /** The issue-6 item number (1-8). */
  readonly item: number
  /** What was measured, e.g. `cached`, `S3 put+get 1 KB, sequential`. */
  readonly case: string
  /** Who: `stsrefresh`, `aws-cli`, `sdk-v3`, `boto3`, `floor`, ... */
  readonly subject: string
  /** Unit and direction, e.g. `ms (lower is better)`. */
  readonly metric: string
  readonly value?: Summary | number
  /** `subject / to`, pair by pair where alternated. */
  readonly ratio?: { readonly to: string; readonly value: Summary | number }
  readonly status: 'ok' | 'pending' | 'skipped' | 'failed'
  readonly note?: string
}

/** What a benchmark gets. */
export interface BenchContext {
  readonly quick: boolean
  /** Seconds of S3 calls for item 3 (default 60, `--quick` 10). */
  readonly patternSeconds: number
  /** A scratch directory, removed at the end. */
  readonly tmp: string
  log(message: string): void
  /** Add a sentence to the benchmark's notes (shown under its table). */
  note(message: string): void
  /** A Bun-compiled program (cached per name for this run). */
  compile(name: string, entry: string, extraFlags?: readonly string[]): Promise<string>
  /**
   * peers/lib-entry.ts bundled for Node and Bun (Bun.build, target node, minified, as
   * scripts/build.ts builds dist/), cached for the run; its path.
   */
  libBundle(): Promise<string>
}

/** One benchmark module. */
export interface Benchmark {
  /** The `--only` name. */
  readonly name: string
  readonly items: readonly number[]
  readonly title: string
  run(context: BenchContext): Promise<Row[]>
}

/** A finished child process. */
export interface Finished {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  /** Spawn to exit, wall clock. */
  readonly ms: number
}

/**
 * Run a command to completion, timing spawn to exit. Async on purpose: the emulator answering
 * the child lives on this event loop, so a blocking spawn would deadlock.
 */
export async function run(
  cmd: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; stdin?: string } = {},
): Promise<Finished> {
  const start = performance.now()
  const child = Bun.spawn([...cmd], {
    env: options.env ?? (process.env as Record<string, string>),
    cwd: options.cwd ?? ROOT,
    stdout: 'pipe',
    stderr: 'pipe',
    stdin: options.stdin === undefined ? 'ignore' : new Blob([options.stdin]),
  })
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ])
  return { code, stdout, stderr, ms: performance.now() - start }
}

/** Like {@link run}, but a non-zero exit (or `check` failing) throws with the output. */
export async function runOk(
  cmd: readonly string[],
  options: Parameters<typeof run>[1] & { check?: (stdout: string) => boolean } = {},
): Promise<Finished> {
  const done = await run(cmd, options)
  if (done.code !== 0 || (options.check && !options.check(done.stdout))) {
    throw new Error(
      `${cmd.join(' ')} exited ${done.code}\nstdout: ${done.stdout.slice(0, 400)}\n` +
        `stderr: ${done.stderr.slice(0, 800)}`,
    )
  }
  return done
}

/** True when stdout is credential_process JSON (Version 1 with an access key). */
export function isProcessCredentials(stdout: string): boolean {
  try {
    const parsed = JSON.parse(stdout) as { Version?: number; AccessKeyId?: string }
    return parsed.Version === 1 && typeof parsed.AccessKeyId === 'string'
  } catch {
    return false
  }
}

/**
 * Variables never passed to a peer: they would point a tool at this machine's caches instead of
 * the fresh HOME's (stsrefresh's cache lives under $XDG_CACHE_HOME or $STSREFRESH_CACHE_DIR).
 */
const NOT_INHERITED = new Set(['XDG_CACHE_HOME', 'STSREFRESH_CACHE_DIR'])

/**
 * The environment of a peer process: this one's minus every AWS_* variable (a stray
 * AWS_MAX_ATTEMPTS or AWS_REQUEST_CHECKSUM_CALCULATION would change what the SDK does) and the
 * cache locations, with a fresh HOME (so no ~/.aws or ~/.cache of this machine leaks in), no
 * instance-metadata lookups, plus `extra`.
 */
export function isolatedEnv(home: string, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('AWS_') && !NOT_INHERITED.has(key)) env[key] = value
  }
  return {
    ...env,
    HOME: home,
    AWS_CONFIG_FILE: join(home, '.aws/config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws/credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    ...extra,
  }
}

/** A fresh directory under the run's scratch space. */
export async function scratch(context: BenchContext, name: string): Promise<string> {
  const dir = join(context.tmp, `${name}-${Math.random().toString(36).slice(2, 8)}`)
  await mkdir(dir, { recursive: true })
  return dir
}

/**
 * Why a module cannot be used yet (missing file, import error, missing export), or undefined
 * when it can. Benchmarks over unfinished pieces report `pending` instead of numbers.
 */
export async function missing(path: string, exports: readonly string[] = []): Promise<string | undefined> {
  const file = join(ROOT, path)
  if (!existsSync(file)) return `${path} does not exist yet`
  try {
    const module = (await import(file)) as Record<string, unknown>
    const absent = exports.filter((name) => module[name] === undefined)
    return absent.length ? `${path} does not export ${absent.join(', ')} yet` : undefined
  } catch (error) {
    return `${path} does not load: ${error instanceof Error ? error.message : String(error)}`
  }
}

/** Rows marking every subject of a case as pending, with the reason. */
export function pendingRows(
  item: number,
  cases: readonly string[],
  subjects: readonly string[],
  metric: string,
  reason: string,
): Row[] {
  return cases.flatMap((c) =>
    subjects.map((subject): Row => ({ item, case: c, subject, metric, status: 'pending', note: reason }))
  )
}

/** `/proc/<pid>/status` VmRSS and VmHWM in MiB (Linux). */
export async function rssOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await Bun.file(`/proc/${pid}/status`).text()
  const kb = (name: string): number => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN)
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 }
}

/** Wait until `predicate` holds, polling every `everyMs`; throws after `timeoutMs`. */
export async function until(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
  everyMs = 20,
): Promise<void> {
  const start = performance.now()
  while (!(await predicate())) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(everyMs)
  }
}
