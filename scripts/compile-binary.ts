/**
 * Compiling the stsrefresh binary, shared by scripts/compile.ts (releases) and the benchmarks (so
 * the binary measured is the one released): `bun build --compile` of src/cli/main.ts with the
 * flags of scripts/compile-flags.ts.
 *
 * No `--bytecode-order`: laying out the bytecode a cached `credential-process` touches (recorded
 * by a training run with BUN_BYTECODE_ORDER_OUT) made that run slower, 1.66x instead of 1.40x
 * an empty program, measured in alternating rounds (scripts/bench/README.md, Findings 13).
 */
import { COMPILE_FLAGS } from './compile-flags.ts'

const ENTRY = 'src/cli/main.ts'

/** Options of one `bun build --compile` of the CLI. */
export interface CompileOptions {
  /** A Bun target such as bun-linux-arm64; the machine's own when absent. */
  readonly target?: string
  /** `--define` pairs. */
  readonly defines?: Readonly<Record<string, string>>
  /** Where to run bun build (the repository root). */
  readonly cwd?: string
}

/** Build the CLI into `outfile`; throws with bun's own message when the build fails. */
export function compileCli(outfile: string, options: CompileOptions = {}): void {
  const args = [
    'build',
    '--compile',
    ...COMPILE_FLAGS,
    ...Object.entries(options.defines ?? {}).map(([name, value]) => `--define=${name}=${value}`),
    ...(options.target ? [`--target=${options.target}`] : []),
    ENTRY,
    '--outfile',
    outfile,
  ]
  const done = Bun.spawnSync([process.execPath, ...args], { cwd: options.cwd, stdout: 'pipe', stderr: 'pipe' })
  if (done.exitCode !== 0) {
    throw new Error(`bun build --compile ${ENTRY} failed for ${options.target ?? 'this machine'}: ${done.stderr.toString().trim()}`)
  }
}
