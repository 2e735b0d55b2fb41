/**
 * `npm run bench [-- --quick] [-- --only name[,name]] [-- --pattern-seconds N] [-- --out file]`:
 * stsrefresh measured side by side with the tools users would pick instead (issue 6). Writes
 * the results as JSON (default scripts/bench/results.json; with --only, the sections that ran
 * replace theirs in an existing file) and prints Markdown tables (see README.md).
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

async function environment(): Promise<Record<string, unknown>> {
  const cpu = /model name\s*:\s*(.+)/.exec(await Bun.file('/proc/cpuinfo').text())?.[1] ?? 'unknown'
  return {
    machine: { cpu, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), kernel: release() },
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
    commit: version(['git', '-C', ROOT, 'rev-parse', '--short=12', 'HEAD']),
    dirty: version(['git', '-C', ROOT, 'status', '--porcelain', '--', 'src']) !== '',
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

const args = parseArgs(process.argv.slice(2))
const tmp = await mkdtemp(join(tmpdir(), 'stsrefresh-bench-'))
const started = performance.now()
const results: { name: string; items: readonly number[]; title: string; seconds: number; notes: string[]; rows: Row[] }[] = []
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
    results.push({ name: bench.name, items: bench.items, title: bench.title, seconds, notes, rows })
    console.log(renderTable([{ title: bench.title, notes, rows }]))
  }
} finally {
  if (!args.keepTmp) await rm(tmp, { recursive: true, force: true })
  else console.error(`bench: kept ${tmp}`)
}
const report = {
  date: new Date().toISOString(),
  command: `bun scripts/bench/index.ts ${process.argv.slice(2).join(' ')}`.trim(),
  quick: args.quick,
  totalSeconds: (performance.now() - started) / 1000,
  ...(await environment()),
  results,
}
// `--only` refreshes those sections of an existing results file and keeps the others.
if (args.only.length) {
  try {
    const previous = (await Bun.file(args.out).json()) as typeof report
    const ran = new Set(results.map((r) => r.name))
    const merged = previous.results.map((r) => (ran.has(r.name) ? results.find((n) => n.name === r.name)! : r))
    for (const r of results) if (!previous.results.some((p) => p.name === r.name)) merged.push(r)
    report.results = merged
    report.command = `${previous.command}; then ${report.command}`
  } catch {
    // No previous file (or not ours): write this run alone.
  }
}
await writeFile(args.out, `${JSON.stringify(report, null, 2)}\n`)
console.error(`bench: wrote ${args.out} (${report.totalSeconds.toFixed(0)} s in all)`)
