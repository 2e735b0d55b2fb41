/**
 * Which `stsrefresh` the soak runs: the compiled binary only when it is at least as new as every
 * file under `src/` (a stale binary would soak yesterday's code and say OK), else the sources
 * under Bun; `SOAK_CLI` (a command, split on spaces) overrides both, for tests of the soak itself.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

/** The command to run, what to call it, and the note to print on stderr (why this one). */
export interface CliChoice {
  readonly argv: string[]
  readonly label: string
  readonly note: string
}

/** The newest file under `dir` (recursively) and its mtime in ms; undefined for none. */
function newest(dir: string): { path: string; mtimeMs: number } | undefined {
  let best: { path: string; mtimeMs: number } | undefined
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    const { mtimeMs } = statSync(path)
    if (!best || mtimeMs > best.mtimeMs) best = { path, mtimeMs }
  }
  return best
}

/**
 * Choose the CLI under `root` (the repository). `bun` runs the sources; `override` is the
 * `SOAK_CLI` variable.
 */
export function chooseCli(root: string, bun: string, override?: string): CliChoice {
  if (override && override.trim()) {
    const argv = override.trim().split(/\s+/)
    return { argv, label: argv.join(' '), note: `soak: running SOAK_CLI=${override.trim()}` }
  }
  const name = process.platform === 'win32' ? 'stsrefresh.exe' : 'stsrefresh'
  const binary = join(root, 'dist', 'bin', name)
  const sources: Omit<CliChoice, 'note'> = {
    argv: [bun, join(root, 'src', 'cli', 'main.ts')],
    label: 'bun src/cli/main.ts (sources)',
  }
  const shown = relative(root, binary)
  if (!existsSync(binary)) {
    return {
      ...sources,
      note: `soak: running the sources (bun src/cli/main.ts): ${shown} is not built (npm run compile)`,
    }
  }
  const latest = newest(join(root, 'src'))
  const built = statSync(binary).mtimeMs
  if (latest && latest.mtimeMs > built) {
    return {
      ...sources,
      note: `soak: running the sources (bun src/cli/main.ts): ${shown} is older than ${
        relative(root, latest.path)
      } (npm run compile to soak the binary)`,
    }
  }
  return {
    argv: [binary],
    label: `compiled binary ${shown}`,
    note: `soak: running the compiled binary ${shown}: no file under src/ is newer`,
  }
}
