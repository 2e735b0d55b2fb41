/**
 * The `stsrefresh` command line (entered through main.ts): wiring only. Each command lives in
 * `commands/<name>.ts` and is loaded only when it runs (all of them for `--help`), so
 * `credential-process` never loads the emulator or the S3 and DynamoDB clients. Errors become
 * one line on stderr and a fixed exit code (see `exit-codes.ts`).
 */
import { type CAC, cac } from 'cac'
import process from 'node:process'
import { setPlatform } from '../platform.ts'
import { nodePlatform } from '../runtime/platform.ts'
import { out, reportError, UsageError } from './output.ts'
import { restoreOptionText } from './raw-options.ts'
import { VERSION_LINE } from './version.ts'

type Register = (cli: CAC) => void

const STDIO = '\u0000stdio'

// Command name -> its module's register function, in the order `--help` lists them.
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  exec: async () => (await import('./commands/exec.ts')).registerExec,
  serve: async () => (await import('./commands/serve.ts')).registerServe,
  'credential-process': async () =>
    (await import('./commands/credential-process.ts')).registerCredentialProcess,
  env: async () => (await import('./commands/env.ts')).registerEnv,
  whoami: async () => (await import('./commands/whoami.ts')).registerWhoami,
  s3: async () => (await import('./commands/s3.ts')).registerS3,
  ddb: async () => (await import('./commands/ddb.ts')).registerDdb,
  emulator: async () => (await import('./commands/emulator.ts')).registerEmulator,
  demo: async () => (await import('./commands/demo.ts')).registerDemo,
}

const EXIT_CODES = [
  '  0    success',
  '  1    unexpected error',
  '  2    usage or configuration error (bad flag, file, profile)',
  '  3    credentials could not be obtained',
  '  4    AWS service error',
  "  exec returns the command's exit code (128 + n when it died of signal n)",
].join('\n')

/** The command word in `args` (the first argument that is not an option), if any. */
function commandWord(args: readonly string[]): string | undefined {
  for (const arg of args) {
    if (arg === '--') return undefined
    if (!arg.startsWith('-')) return arg
  }
  return undefined
}

/** Run the CLI with `argv` (as `process.argv`); resolves to the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  // The core reaches files, env and processes only through the platform: give it Node's.
  setPlatform(nodePlatform)
  const cli = cac('stsrefresh')
  try {
    const args = argv.slice(2)
    const word = commandWord(args)
    if (
      word === undefined && (args.includes('--version') || args.includes('-v')) &&
      !args.includes('--help')
    ) {
      // No command module is needed to say which version this is.
      out(VERSION_LINE)
      return 0
    }
    const wanted = word !== undefined && Object.hasOwn(COMMANDS, word)
      ? [word]
      : Object.keys(COMMANDS)
    for (const register of await Promise.all(wanted.map((name) => COMMANDS[name]!()))) register(cli)
    cli.option('-v, --version', 'Print the version and the commit it was built from')
    cli.help((sections) => {
      sections[0] = { body: VERSION_LINE }
      if (!cli.matchedCommand) sections.push({ title: 'Exit codes', body: EXIT_CODES })
      return sections
    })
    // mri drops a lone `-` (stdin/stdout for `s3 cp`); carry it through as a placeholder.
    const end = argv.indexOf('--')
    const masked = argv.map((arg, i) => (arg === '-' && (end === -1 || i < end) ? STDIO : arg))
    cli.parse(masked, { run: false })
    cli.args = cli.args.map((arg) => (arg === STDIO ? '-' : arg))
    restoreOptionText(cli.options, args)
    if (cli.options.help) return 0
    if (cli.options.version) {
      out(VERSION_LINE)
      return 0
    }
    if (!cli.matchedCommand && cli.args.length > 0) {
      throw new UsageError(`unknown command '${cli.args[0]}': see \`stsrefresh --help\``)
    }
    if (!cli.matchedCommand) {
      cli.outputHelp()
      return 2
    }
    await cli.runMatchedCommand()
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (error) {
    return reportError(error, Boolean(cli.options?.verbose))
  }
}
