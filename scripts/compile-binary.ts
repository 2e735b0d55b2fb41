/**
 * Compiling the stsrefresh binary, shared by scripts/compile.ts (releases) and the benchmarks (so
 * the binary measured is the one released, and the peers are built the same way):
 * `bun build --compile` with the flags of scripts/compile-flags.ts.
 *
 * No `--bytecode-order`: laying out the bytecode a cached `credential-process` touches (recorded
 * by a training run with BUN_BYTECODE_ORDER_OUT) made no difference once both binaries were
 * timed as fresh copies, 1.649x vs 1.587x an empty program (scripts/bench/README.md, Findings 13).
 */
import { COMPILE_FLAGS } from './compile-flags.ts'

const ENTRY = 'src/cli/main.ts'

/** Options of one `bun build --compile` (the CLI, or a benchmark peer). */
export interface CompileOptions {
  /** A Bun target such as bun-linux-arm64; the machine's own when absent. */
  readonly target?: string
  /** `--define` pairs. */
  readonly defines?: Readonly<Record<string, string>>
  /** Where to run bun build (the repository root). */
  readonly cwd?: string
  /** The program to compile; the CLI when absent. */
  readonly entry?: string
  /** Flags on top of the release flags. */
  readonly extraFlags?: readonly string[]
}

/** Build the CLI (or `entry`) into `outfile`; throws with bun's own message when the build fails. */
export function compileCli(outfile: string, options: CompileOptions = {}): void {
  const entry = options.entry ?? ENTRY
  const args = [
    'build',
    '--compile',
    ...COMPILE_FLAGS,
    ...(options.extraFlags ?? []),
    ...Object.entries(options.defines ?? {}).map(([name, value]) => `--define=${name}=${value}`),
    ...(options.target ? [`--target=${options.target}`] : []),
    entry,
    '--outfile',
    outfile,
  ]
  const done = Bun.spawnSync([process.execPath, ...args], { cwd: options.cwd, stdout: 'pipe', stderr: 'pipe' })
  if (done.exitCode !== 0) {
    throw new Error(`bun build --compile ${entry} failed for ${options.target ?? 'this machine'}: ${done.stderr.toString().trim()}`)
  }
}
