/**
 * The `stsrefresh` command line: wiring only. Each command lives in `commands/<name>.ts`;
 * errors become one line on stderr and a fixed exit code (see `exit-codes.ts`).
 */
import { cac } from 'cac'
import process from 'node:process'
import { registerDemo, registerEmulator } from './commands/emulator.ts'
import { reportError, UsageError } from './output.ts'

/** Run the CLI with `argv` (as `process.argv`); resolves to the exit code. */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const cli = cac('stsrefresh')
  registerEmulator(cli)
  registerDemo(cli)
  cli.help()
  try {
    cli.parse([...argv], { run: false })
    if (!cli.matchedCommand && cli.args.length > 0) {
      throw new UsageError(`Unknown command '${cli.args[0]}': see \`stsrefresh --help\``)
    }
    if (!cli.matchedCommand && !cli.options.help) {
      cli.outputHelp()
      return 2
    }
    await cli.runMatchedCommand()
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (error) {
    return reportError(error, Boolean(cli.options.verbose))
  }
}

// Run when executed (Bun and Deno set import.meta.main; Node 20 leaves it undefined), not when
// imported by a test.
if ((import.meta as { main?: boolean }).main !== false) process.exitCode = await main()
