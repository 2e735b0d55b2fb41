/**
 * Where things are printed: data on stdout, diagnostics on stderr. Errors become one clear line
 * and a fixed exit code; stack traces only with `--verbose` and only for unexpected errors.
 */
import { redact } from '../credentials/redact.ts'
import { type AwsServiceError, isAwsServiceError, isConfigError, isCredentialsError } from '../errors.ts'
import type { LogFields, Logger } from '../types.ts'
import { ExitCode, type ExitCodeValue } from './exit-codes.ts'
import { UsageError } from './usage-error.ts'

const withoutNewline = (text: string): string => (text.endsWith('\n') ? text.slice(0, -1) : text)

// Lines go through console.log/console.error, not process.stdout/stderr.write: in a compiled
// Bun binary the first touch of process.stdout builds a Node stream and costs ~10 ms, twice the
// whole run of an empty program, which a credential_process pays on every AWS CLI call
// (scripts/bench/README.md, Findings 10). One string argument is printed verbatim (no `%`
// formatting) by Bun, Node and Deno alike, and on Node console.log writes through process.stdout,
// so the order with streamed output (s3 cp to `-`) is kept.

/** Write data to stdout. */
export function out(text: string): void {
  console.log(withoutNewline(text))
}

/** Write a diagnostic line to stderr. */
export function err(text: string): void {
  console.error(withoutNewline(text))
}

function line(level: string, message: string, fields?: LogFields): string {
  const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(redact(fields))}` : ''
  return `stsrefresh: ${level}${message}${extra}`
}

/** A stderr logger: warnings and errors always, debug/info lines with `--verbose`. Fields are redacted. */
export function createCliLogger(verbose: boolean): Logger {
  return {
    debug: (message, fields) => verbose && err(line('debug: ', message, fields)),
    info: (message, fields) => verbose && err(line('', message, fields)),
    warn: (message, fields) => err(line('warning: ', message, fields)),
    error: (message, fields) => err(line('error: ', message, fields)),
  }
}

export { UsageError }

/**
 * A command's own AWS call that got no answer (network error, timeout). Exit 4 as when the
 * service answers with an error: the exit code says which step failed (3: obtaining
 * credentials, whatever the cause; 4: the command's AWS call), the message says how.
 */
export class UnreachableError extends Error {
  override name = 'UnreachableError'
}

// The codes request.ts gives a call that no response came back for (status 0).
const NO_ANSWER: ReadonlySet<string> = new Set(['NetworkError', 'TimeoutError'])

const isUnanswered = (e: unknown): e is AwsServiceError =>
  isAwsServiceError(e) && e.status === 0 && NO_ANSWER.has(e.code)

/** The AWS call behind an error that got no answer from its service, if any. */
function unanswered(error: unknown): AwsServiceError | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (isUnanswered(e)) return e
  }
  return undefined
}

/**
 * Say what happened when the command's AWS call at `endpoint` got no answer: "could not reach
 * STS at <endpoint> (GetCallerIdentity): <reason>" rather than an error code that reads as if
 * the service had answered. Any other error is returned as it is.
 */
export function explainUnreachable(error: unknown, endpoint: string): unknown {
  if (!isUnanswered(error)) return error
  const reason = error.serviceMessage.replace(/^request to \S+ failed: /, '')
  return new UnreachableError(
    `could not reach ${error.service} at ${endpoint} (${error.operation}): ${reason}`,
    { cause: error },
  )
}

/**
 * The configuration mistake behind an error, if any: a session wraps its source's failure (a
 * missing profile, a broken config file) in a CredentialsError, but the fix is in the config.
 */
function configCause(error: unknown): Error | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (isConfigError(e)) return e
  }
  return undefined
}

/** The exit code for an error, per the table in the README. */
export function exitCodeFor(error: unknown): ExitCodeValue {
  if (error instanceof UsageError || configCause(error)) return ExitCode.usage
  if (error instanceof UnreachableError) return ExitCode.service
  if (isCredentialsError(error)) return ExitCode.credentials
  if (isAwsServiceError(error)) return ExitCode.service
  // cac reports unknown options and missing arguments as a CACError.
  if (error instanceof Error && error.name === 'CACError') return ExitCode.usage
  return ExitCode.unexpected
}

/** Print an error as one line (plus a hint), and return the exit code to use. */
export function reportError(error: unknown, verbose: boolean): ExitCodeValue {
  const code = exitCodeFor(error)
  const shown = configCause(error) ?? error
  const message = shown instanceof Error ? shown.message : String(shown)
  if (code === ExitCode.unexpected) {
    err(`stsrefresh: unexpected error: ${message}`)
    if (verbose && error instanceof Error && error.stack) err(error.stack)
    else err('stsrefresh: run again with --verbose for details')
  } else {
    err(`stsrefresh: ${message}`)
    if (code === ExitCode.usage && error instanceof Error && error.name === 'CACError') {
      err('stsrefresh: see `stsrefresh --help`')
    }
    const silent = unanswered(error)
    if (silent) {
      const variable = `AWS_ENDPOINT_URL_${silent.service.toUpperCase()}`
      const where = `--endpoint-url, ${variable} / AWS_ENDPOINT_URL`
      err(`stsrefresh: nothing answered: check ${where} and the network`)
    }
  }
  return code
}
