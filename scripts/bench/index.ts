/**
 * `npm run bench [-- --quick] [-- --only name[,name]] [-- --pattern-seconds N] [-- --out file]`:
 * stsrefresh measured side by side with the tools users would pick instead (issue 6). Writes
 * the results as JSON (default scripts/bench/results.json; with --only, the sections that ran
 * replace theirs in an existing file; every section records the run that produced it: date,
 * command, commit, dirty, versions, machine) and prints Markdown tables (see README.md).
 * Everything runs against the emulator on 127.0.0.1; nothing leaves the machine.
 */
import { compileCli } from '../compile-binary.ts'
import { spawnSync } from 'node:child_process'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { cpus, release, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import type { Benchmark, BenchContext, Row } from './common.ts'
import { ROOT } from './common.ts'
import { processBench } from './process.ts'
import { refreshPattern } from './refresh-pattern.ts'
import { throughput } from './throughput.ts'
import { signing } from './signing.ts'
import { contention } from './contention.ts'
import { size } from './size.ts'
import { memory } from './memory.ts'
import { renderTable } from './table.ts'

const BENCHMARKS: readonly Benchmark[] = [
  processBench,
  refreshPattern,
  throughput,
  signing,
  contention,
  size,
  memory,
]

interface Args {
  readonly quick: boolean
  readonly only: readonly string[]
  readonly patternSeconds: number | undefined
  readonly out: string
  readonly keepTmp: boolean
}

function usage(message: string): never {
  console.error(`bench: ${message}`)
  console.error(`usage: bun scripts/bench/index.ts [--quick] [--only ${BENCHMARKS.map((b) => b.name).join('|')}[,...]] [--pattern-seconds N] [--out file.json] [--keep-tmp]`)
  process.exit(2)
}

function parseArgs(argv: readonly string[]): Args {
  let quick = false
  let keepTmp = false
  const only: string[] = []
  let patternSeconds: number | undefined
  let out = join(ROOT, 'scripts/bench/results.json')
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const value = (): string => argv[++i] ?? usage(`${arg} needs a value`)
    if (arg === '--quick') quick = true
    else if (arg === '--keep-tmp') keepTmp = true
    else if (arg === '--only') only.push(...value().split(','))
    else if (arg.startsWith('--only=')) only.push(...arg.slice(7).split(','))
    else if (arg === '--pattern-seconds') patternSeconds = Number(value())
    else if (arg === '--out') out = value()
    else usage(`unknown argument '${arg}'`)
  }
  for (const name of only) {
    if (!BENCHMARKS.some((b) => b.name === name)) usage(`--only: no benchmark named '${name}'`)
  }
  if (patternSeconds !== undefined && !(patternSeconds > 0)) usage('--pattern-seconds must be a positive number')
  return { quick, only, patternSeconds, out, keepTmp }
}

function version(cmd: string[], pattern?: RegExp): string {
  const done = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8' })
  const text = `${done.stdout ?? ''}${done.stderr ?? ''}`.trim()
  if (done.status !== 0) return 'not found'
  return pattern ? (pattern.exec(text)?.[1] ?? text) : text.split('\n')[0]!
}

async function packageVersion(name: string): Promise<string> {
  try {
    const pkg = (await Bun.file(join(ROOT, 'node_modules', name, 'package.json')).json()) as { version: string }
    return pkg.version
  } catch {
    return 'not installed'
  }
}

/** `git` with the repository as cwd; undefined when git itself fails (not installed, not a repo). */
function git(args: readonly string[]): string | undefined {
  const done = spawnSync('git', ['-C', ROOT, ...args], { encoding: 'utf8' })
  return done.status === 0 && typeof done.stdout === 'string' ? done.stdout.trim() : undefined
}

/** The machine: the same for every section a results file holds (one machine per file). */
function machine(cpu: string): Record<string, unknown> {
  return { cpu, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), kernel: release() }
}

/** What one invocation ran on: stored with every section it wrote, so merged files stay true. */
interface RunInfo {
  readonly date: string
  readonly command: string
  readonly quick: boolean
  readonly commit: string
  /** Uncommitted changes under src/ or scripts/; 'unknown' when git could not tell. */
  readonly dirty: boolean | 'unknown'
  readonly versions: Record<string, string>
  readonly machine: Record<string, unknown>
}

async function runInfo(args: Args): Promise<RunInfo> {
  const cpu = /model name\s*:\s*(.+)/.exec(await Bun.file('/proc/cpuinfo').text())?.[1] ?? 'unknown'
  const status = git(['status', '--porcelain', '--', 'src', 'scripts'])
  return {
    date: new Date().toISOString(),
    command: `bun scripts/bench/index.ts ${process.argv.slice(2).join(' ')}`.trim(),
    quick: args.quick,
    commit: git(['rev-parse', '--short=12', 'HEAD']) ?? 'unknown',
    dirty: status === undefined ? 'unknown' : status !== '',
    versions: {
      bun: Bun.version,
      node: version(['node', '--version']),
      awsCli: version(['/usr/bin/aws', '--version']),
      python: version(['/usr/bin/python3', '--version']),
      boto3: version(['/usr/bin/python3', '-c', 'import boto3, botocore; print(boto3.__version__, botocore.__version__)']),
      aws4fetch: await packageVersion('aws4fetch'),
      '@smithy/signature-v4': await packageVersion('@smithy/signature-v4'),
      '@aws-sdk/client-s3': await packageVersion('@aws-sdk/client-s3'),
      '@aws-sdk/client-dynamodb': await packageVersion('@aws-sdk/client-dynamodb'),
      '@aws-sdk/client-sts': await packageVersion('@aws-sdk/client-sts'),
      '@aws-sdk/credential-providers': await packageVersion('@aws-sdk/credential-providers'),
    },
    machine: machine(cpu),
  }
}

function createContext(args: Args, tmp: string, notes: string[]): BenchContext {
  const compiled = new Map<string, Promise<string>>()
  let bundle: Promise<string> | undefined
  return {
    quick: args.quick,
    patternSeconds: args.patternSeconds ?? (args.quick ? 10 : 60),
    tmp,
    log: (message) => console.error(`bench: ${message}`),
    note: (message) => void notes.push(message),
    compile(name, entry, extraFlags = []) {
      let pending = compiled.get(name)
      if (!pending) {
        pending = (async () => {
          await mkdir(join(tmp, 'bin'), { recursive: true })
          const outfile = join(tmp, 'bin', name)
          // The flags of scripts/compile.ts, so the binary measured is the one released.
          compileCli(outfile, { cwd: ROOT, entry, extraFlags })
          return outfile
        })()
        compiled.set(name, pending)
      }
      return pending
    },
    libBundle() {
      bundle ??= (async () => {
        const outdir = join(tmp, 'lib')
        const result = await Bun.build({
          entrypoints: [join(ROOT, 'scripts/bench/peers/lib-entry.ts')],
          outdir,
          naming: 'stsrefresh-lib.mjs',
          target: 'node',
          format: 'esm',
          minify: true,
        })
        if (!result.success) throw new Error(`bundling peers/lib-entry.ts failed: ${result.logs.join('\n')}`)
        return join(outdir, 'stsrefresh-lib.mjs')
      })()
      return bundle
    },
  }
}

interface Section {
  readonly name: string
  readonly items: readonly number[]
  readonly title: string
  readonly seconds: number
  readonly notes: string[]
  readonly rows: Row[]
  /** The invocation that produced this section (absent in files written before format 2). */
  readonly run?: RunInfo
}

/**
 * The results file (format 2). Each section carries its own `run` (date, command, commit, dirty,
 * versions): `--only` replaces sections of an existing file, so one file can hold sections of
 * several invocations, and nothing at the top level speaks for all of them.
 */
interface Report {
  readonly format: 2
  /** When this file was last written. */
  readonly written: string
  readonly results: Section[]
}

/** Format 1 (before per-section runs): one date/commit/dirty/versions for the whole file. */
interface ReportV1 {
  readonly date: string
  readonly command: string
  readonly quick: boolean
  readonly totalSeconds?: number
  readonly machine: Record<string, unknown>
  readonly versions: Record<string, string>
  readonly commit: string
  readonly dirty: boolean
  readonly results: Section[]
}

const args = parseArgs(process.argv.slice(2))
const tmp = await mkdtemp(join(tmpdir(), 'stsrefresh-bench-'))
const info = await runInfo(args)
const results: Section[] = []
try {
  for (const bench of BENCHMARKS) {
    if (args.only.length && !args.only.includes(bench.name)) continue
    const notes: string[] = []
    const context = createContext(args, tmp, notes)
    context.log(`${bench.name}: ${bench.title}`)
    const t0 = performance.now()
    let rows: Row[]
    try {
      rows = await bench.run(context)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      context.log(`${bench.name} failed: ${message}`)
      rows = [{ item: bench.items[0]!, case: bench.title, subject: '-', metric: '-', status: 'failed', note: message.split('\n')[0]! }]
    }
    const seconds = (performance.now() - t0) / 1000
    context.log(`${bench.name}: done in ${seconds.toFixed(1)} s`)
    const section: Section = { name: bench.name, items: bench.items, title: bench.title, seconds, notes, rows, run: info }
    results.push(section)
    console.log(renderTable([section]))
  }
} finally {
  if (!args.keepTmp) await rm(tmp, { recursive: true, force: true })
  else console.error(`bench: kept ${tmp}`)
}
const ranSeconds = results.reduce((t, r) => t + r.seconds, 0)
const report: Report = { format: 2, written: new Date().toISOString(), results: [...results] }
// `--only` refreshes those sections of an existing results file and keeps the others, each with
// the run that produced it (a format-1 file's sections get its top-level run).
if (args.only.length) {
  let previous: Report | ReportV1 | undefined
  try {
    previous = (await Bun.file(args.out).json()) as Report | ReportV1
  } catch {
    // No previous file (or not JSON): write this run alone.
  }
  if (previous && Array.isArray(previous.results)) {
    const old = previous
    const legacy: RunInfo | undefined = 'format' in old
      ? undefined
      : { date: old.date, command: old.command, quick: old.quick, commit: old.commit, dirty: old.dirty, versions: old.versions, machine: old.machine }
    const kept = old.results.map((r) => (r.run || !legacy ? r : { ...r, run: legacy }))
    const ran = new Set(results.map((r) => r.name))
    const merged = kept.map((r) => (ran.has(r.name) ? results.find((n) => n.name === r.name)! : r))
    for (const r of results) if (!kept.some((p) => p.name === r.name)) merged.push(r)
    report.results.splice(0, report.results.length, ...merged)
  }
}
await writeFile(args.out, `${JSON.stringify(report, null, 2)}\n`)
console.error(`bench: wrote ${args.out} (${ranSeconds.toFixed(0)} s of benchmarks in this run)`)
