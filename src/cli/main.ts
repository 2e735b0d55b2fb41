/**
 * The `stsrefresh` entry point. It only picks a path: a `credential-process` start whose
 * credentials are cached is answered by a small module (cached-credential-process.ts) before
 * the command line parser and the commands are loaded (cli.ts); everything else goes to them.
 * With the binary built with `--splitting`, what is not imported is not even read.
 */
import process from 'node:process'

/** Run the CLI with `argv` (as `process.argv`); resolves to the exit code. */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  if (argv[2] === 'credential-process') {
    try {
      const { answerFromCache } = await import('./cached-credential-process.ts')
      if (await answerFromCache(argv.slice(3))) return 0
    } catch {
      // Whatever went wrong, the full command reports it properly.
    }
  }
  const { runCli } = await import('./cli.ts')
  return runCli(argv)
}

// Run when executed (Bun and Deno set import.meta.main; Node 20 leaves it undefined), not when
// imported by a test.
if ((import.meta as { main?: boolean }).main !== false) process.exitCode = await main()
