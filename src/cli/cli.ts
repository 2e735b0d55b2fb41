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
import { cacKey, restoreOptionText, separateCommand, typedOptionName } from './raw-options.ts'
import { VERSION_LINE } from './version.ts'

type Register = (cli: CAC) => void

const STDIO = '\u0000stdio'

// Commands that run another command: their options end where that command begins.
const RUNS_A_COMMAND: ReadonlySet<string> = new Set(['exec'])

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
  '  3    credentials could not be obtained (an unreachable STS included)',
  "  4    the command's own AWS call failed (an error answer, or no answer)",
  "  exec returns the command's exit code (128 + n when it died of signal n)",
].join('\n')

/** Where the command word is in `args` (the first argument that is not an option), or -1. */
function commandIndex(args: readonly string[]): number {
  for (const [i, arg] of args.entries()) {
    if (arg === '--') return -1
    if (!arg.startsWith('-')) return i
  }
  return -1
}

/** Whether `--name` takes a value for `command` (unknown options are taken as flags). */
function takesValue(cli: CAC, command: string, name: string): boolean {
  const own = cli.commands.find((c) => c.name === command)?.options ?? []
  const options = [...cli.globalCommand.options, ...own]
  const key = cacKey(name)
  return options.some((option) => !option.isBoolean && option.names.includes(key))
}

/** cac names an unknown option by its camelCase key (`--bogusFlag`): name it as it was typed. */
function asTyped(error: unknown, args: readonly string[]): unknown {
  if (!(error instanceof Error) || error.name !== 'CACError') return error
  const key = /^Unknown option `-{1,2}(.+)`$/.exec(error.message)?.[1]
  const typed = key === undefined ? undefined : typedOptionName(key, args)
  if (typed !== undefined) error.message = `Unknown option \`${typed}\``
  return error
}

// cac shows a negated option's implied default (`--no-cache ... (default: true)`), which reads
// as if the option were on: drop it.
const withoutNegatedDefaults = (body: string): string =>
  body.replace(/^(\s+--no-\S+.*?) *\(default: true\)$/gm, '$1')

/** Run the CLI with `argv` (as `process.argv`); resolves to the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  // The core reaches files, env and processes only through the platform: give it Node's.
  setPlatform(nodePlatform)
  const cli = cac('stsrefresh')
  try {
    const given = argv.slice(2)
    const at = commandIndex(given)
    const word = at === -1 ? undefined : given[at]
    if (
      word === undefined && (given.includes('--version') || given.includes('-v')) &&
      !given.includes('--help')
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
      return sections.map((s) => (s.title === 'Options' ? { ...s, body: withoutNegatedDefaults(s.body) } : s))
    })
    // `exec --role-arn A echo hi --region x`: `--region x` is echo's, not ours.
    const args = word !== undefined && RUNS_A_COMMAND.has(word)
      ? separateCommand(given, at, (name) => takesValue(cli, word, name))
      : given
    // mri drops a lone `-` (stdin/stdout for `s3 cp`); carry it through as a placeholder.
    const end = args.indexOf('--')
    const masked = args.map((arg, i) => (arg === '-' && (end === -1 || i < end) ? STDIO : arg))
    cli.parse([...argv.slice(0, 2), ...masked], { run: false })
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
    try {
      await cli.runMatchedCommand()
    } catch (error) {
      throw asTyped(error, args)
    }
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (error) {
    return reportError(error, Boolean(cli.options?.verbose))
  }
}
