/**
 * Compiling the stsrefresh binary, shared by scripts/compile.ts (releases) and the benchmarks
 * (so the binary measured is the one released). Two passes: a training binary answers one cached
 * `credential-process` call with BUN_BYTECODE_ORDER_OUT set, which records the bytecode that call
 * touches; the real binaries are then built with `--bytecode-order` so that bytecode is laid out
 * together and first in the file. A cached credential_process runs on every AWS CLI call, and
 * this layout took it from 1.64x to 1.43x an empty program (scripts/bench/README.md, Findings 10).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { plainCredentialArgs } from '../src/cli/cached-credential-process.ts'
import { parseCredentialFlags } from '../src/cli/credential-options.ts'
import { credentialProcessKey } from '../src/cli/process-credentials.ts'
import { openCredentialCache } from '../src/runtime/credential-cache.ts'
import { COMPILE_FLAGS } from './compile-flags.ts'

const ENTRY = 'src/cli/main.ts'
// Not credentials: a well-formed cache entry for the training run to find.
const TRAINING_KEY_ID = 'ASIATRAININGBYTECODE'

/** Options of one `bun build --compile` of the CLI. */
export interface CompileOptions {
  /** A Bun target such as bun-linux-arm64; the machine's own when absent. */
  readonly target?: string
  /** `--define` pairs. */
  readonly defines?: Readonly<Record<string, string>>
  /** An order file from {@link trainBytecodeOrder}. */
  readonly bytecodeOrder?: string
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
    ...(options.bytecodeOrder ? [`--bytecode-order=${options.bytecodeOrder}`] : []),
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

/**
 * Build a training binary for this machine, let it answer one cached `credential-process` call
 * while recording its bytecode order, and return the order file (inside `dir`). Throws when the
 * training run does not answer from the cache: the order would then describe another path.
 */
export async function trainBytecodeOrder(dir: string, options: Omit<CompileOptions, 'target' | 'bytecodeOrder'> = {}): Promise<string> {
  const work = await mkdtemp(join(dir, 'bytecode-order-'))
  const binary = join(work, 'stsrefresh-training')
  const order = join(dir, 'bytecode-order.txt')
  compileCli(binary, options)

  const args = ['--role-arn', 'arn:aws:iam::123456789012:role/bytecode-order']
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: join(work, 'home'), STSREFRESH_CACHE_DIR: join(work, 'cache') }
  const cache = await openCredentialCache(env.STSREFRESH_CACHE_DIR, (note) => {
    throw new Error(`bytecode-order training: ${note}`)
  })
  if (!cache) throw new Error('bytecode-order training: could not open a cache directory')
  await cache.write(await credentialProcessKey(parseCredentialFlags(plainCredentialArgs(args)!), env), {
    accessKeyId: TRAINING_KEY_ID,
    secretAccessKey: 'training-run-not-a-secret',
    expiration: new Date(Date.now() + 3_600_000),
  })

  const run = Bun.spawnSync([binary, 'credential-process', ...args], {
    env: { ...env, BUN_BYTECODE_ORDER_OUT: order },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const printed = run.stdout.toString()
  await rm(work, { recursive: true, force: true })
  if (run.exitCode !== 0 || !printed.includes(TRAINING_KEY_ID)) {
    throw new Error(`bytecode-order training: the cached credential-process run exited ${run.exitCode} without answering from the cache: ${run.stderr.toString().trim()}`)
  }
  if ((await stat(order).catch(() => undefined))?.size === undefined) {
    throw new Error(`bytecode-order training: bun wrote no order file at ${order}`)
  }
  return order
}

/** A scratch directory for {@link trainBytecodeOrder}. */
export const scratchDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'stsrefresh-compile-'))
