/**
 * The `stsrefresh` entry point. It only picks a path: a `credential-process` start whose
 * credentials are cached is answered by a small module (cached-credential-process.ts) before
 * the command line parser and the commands are loaded (cli.ts); everything else goes to them.
 * With the binary built with `--splitting`, what is not imported is not even read.
 *
 * Top-level code only, and the global `process` rather than node:process: the binary is built
 * with `--bytecode-depth=0`, which precompiles module top levels but compiles functions from
 * source on their first call, and each `node:*` module costs start-up time (Findings 16).
 */
// A module (top-level await needs one) that exports nothing.
export {}

let answered = false
if (process.argv[2] === 'credential-process') {
  try {
    ;({ answered } = await import('./cached-credential-process.ts'))
  } catch {
    // Whatever went wrong, the full command reports it properly.
  }
}
if (!answered) {
  const { runCli } = await import('./cli.ts')
  process.exitCode = await runCli(process.argv)
}
