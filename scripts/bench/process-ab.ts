/**
 * Whole-process A/B of programs, for work on start-up time (Findings 13):
 *
 *   bun scripts/bench/process-ab.ts [--runs N] [--env NAME=VALUE]... 'name=/path/prog args' ...
 *
 * The first subject is the baseline; every ratio is taken pair by pair within a round, the order
 * rotating (stats.ts). Each program file is first copied into one fresh temp dir, so that all of
 * them are in the same page-cache state: on the machine these benchmarks run on, a freshly
 * written copy of the empty program runs ~20% faster than the same bytes written minutes earlier,
 * and that alone once passed for a 1.64× → 1.43× speed-up of a cached credential-process.
 * Arguments are split on spaces (no quoting). The children get only the `--env` variables plus
 * PATH and AWS_EC2_METADATA_DISABLED=true.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { run } from './common.ts'
import { alternate } from './stats.ts'

function usage(message: string): never {
  console.error(`process-ab: ${message}`)
  console.error("usage: bun scripts/bench/process-ab.ts [--runs N] [--env NAME=VALUE]... 'name=/path/prog args' ...")
  process.exit(2)
}

// Options first, then the subjects (a `--` between them is allowed; bun itself may drop it).
const argv = process.argv.slice(2)
let runs = 100
const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', AWS_EC2_METADATA_DISABLED: 'true' }
let first = 0
for (; first < argv.length && argv[first]!.startsWith('--'); first++) {
  const value = argv[first + 1]
  if (argv[first] === '--') {
    first++
    break
  }
  if (argv[first] === '--runs' && value && /^\d+$/.test(value)) runs = Number(argv[++first])
  else if (argv[first] === '--env' && value?.includes('=')) {
    const at = value.indexOf('=')
    env[value.slice(0, at)] = value.slice(at + 1)
    first++
  } else usage(`unknown or incomplete option ${argv[first]}`)
}
const subjects = argv.slice(first).map((spec) => {
  const at = spec.indexOf('=')
  const command = spec.slice(at + 1).split(' ').filter(Boolean)
  if (at < 1 || command.length === 0) usage(`a subject is name=/path/program [args]; got ${JSON.stringify(spec)}`)
  return { name: spec.slice(0, at), command }
})
if (subjects.length < 2) usage('give a baseline and at least one more subject')

const fresh = mkdtempSync(join(tmpdir(), 'process-ab-'))
try {
  const copies = new Map<string, string>()
  for (const { command } of subjects) {
    const program = command[0]!
    if (!copies.has(program)) {
      const copy = join(fresh, `${copies.size}-${basename(program)}`)
      copyFileSync(program, copy)
      copies.set(program, copy)
    }
  }
  const variants = Object.fromEntries(
    subjects.map(({ name, command }) => [
      name,
      async () => {
        const done = await run([copies.get(command[0]!)!, ...command.slice(1)], { env })
        if (done.code !== 0) throw new Error(`${name} exited ${done.code}: ${done.stderr.trim().split('\n').slice(-2).join(' | ')}`)
        return done.ms
      },
    ]),
  )
  const result = await alternate(variants, { warmup: 5, runs, baseline: subjects[0]!.name })
  for (const { name } of subjects) {
    const each = result.each[name]!
    const ratio = result.ratios[name]!
    console.log(
      `${name.padEnd(24)} ${each.median.toFixed(2)} ms (${each.min.toFixed(2)}–${each.max.toFixed(2)})  ` +
        `${ratio.median.toFixed(3)}× ${subjects[0]!.name} (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})`,
    )
  }
} catch (error) {
  console.error(`process-ab: ${(error as Error).message}`)
  process.exitCode = 1
} finally {
  rmSync(fresh, { recursive: true, force: true })
}
