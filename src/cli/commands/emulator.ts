/**
 * `stsrefresh emulator`: the embedded AWS emulator in the foreground on 127.0.0.1 until
 * SIGINT/SIGTERM. Stdout gets the `export NAME=value` lines that point AWS CLIs and SDKs at it;
 * everything else goes to stderr.
 */
import type { CAC, Command } from 'cac'
import process from 'node:process'
import { untilStopped } from '../../runtime/signals.ts'
import * as z from 'zod/mini'
import {
  createEmulator,
  type EmulatorOptions,
  type ServedEmulator,
  serveEmulator,
} from '../../emulator/index.ts'
import { FAULT_KINDS, type FaultKind } from '../../emulator/faults.ts'
import { formatEnv } from '../env-format.ts'
import { createCliLogger, err, out, UsageError } from '../output.ts'

/** Validated flags of the emulator command. */
export interface EmulatorFlags {
  readonly port: number
  readonly lifetime?: number
  readonly accountId?: string
  readonly region?: string
  readonly accessKeyId?: string
  readonly secretAccessKey?: string
  readonly failNext: ReadonlyArray<{ target: string; count: number; kind: FaultKind }>
  readonly failureRate: ReadonlyArray<{ target: string; rate: number; kind: FaultKind }>
  readonly latency?: number
  readonly maxHang?: number
  readonly verbose: boolean
}

const list = (value: unknown): string[] =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((v) => String(v))

function faultSpec(
  flag: string,
  spec: string,
  numberRe: RegExp,
): { target: string; amount: number; kind?: FaultKind } {
  const m = /^([^=]+)=([^:]+)(?::(\w+))?$/.exec(spec)
  const kind = m?.[3]
  if (
    !m || !numberRe.test(m[2]!) ||
    (kind !== undefined && !(FAULT_KINDS as readonly string[]).includes(kind))
  ) {
    throw new UsageError(
      `${flag} takes <target>=<number>[:<kind>] with kind one of ${
        FAULT_KINDS.join(', ')
      } (got '${spec}'), e.g. ${flag} AssumeRole=${
        flag === '--fail-next' ? '2:throttle' : '0.1:error'
      }`,
    )
  }
  return { target: m[1]!, amount: Number(m[2]), ...(kind ? { kind: kind as FaultKind } : {}) }
}

// zod/mini has no default messages (its English locale is not loaded): every check says its own.
const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number({ error: 'must be a number' }).check(
    z.int({ error: 'must be a whole number' }),
    z.minimum(min, { error: `must be at least ${min}` }),
    z.maximum(max, { error: `must be at most ${max}` }),
  )
const matching = (pattern: RegExp, message: string) => z.optional(z.string().check(z.regex(pattern, message)))
const flagsSchema = z.object({
  port: wholeNumber(0, 65535),
  lifetime: z.optional(wholeNumber(1)),
  accountId: matching(/^\d{12}$/, 'must be 12 digits'),
  region: matching(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must look like us-east-1'),
  accessKeyId: matching(/^AKIA[A-Z2-7]{16}$/, 'must be AKIA followed by 16 of A-Z and 2-7'),
  secretAccessKey: z.optional(z.string().check(z.minLength(16, { error: 'must be at least 16 characters' }))),
  latency: z.optional(wholeNumber(0)),
  maxHang: z.optional(wholeNumber(1)),
})

const flagNames: Record<string, string> = {
  port: '--port',
  lifetime: '--lifetime',
  accountId: '--account-id',
  region: '--region',
  accessKeyId: '--access-key-id',
  secretAccessKey: '--secret-access-key',
  latency: '--latency',
  maxHang: '--max-hang',
}

/** Validate raw cac flags; mistakes name the flag. */
export function parseEmulatorFlags(raw: Record<string, unknown>): EmulatorFlags {
  const picked = Object.fromEntries(
    Object.keys(flagNames)
      .filter((k) => raw[k] !== undefined && raw[k] !== '')
      .map((k) => [k, Array.isArray(raw[k]) ? (raw[k] as unknown[]).at(-1) : raw[k]]),
  )
  const parsed = flagsSchema.safeParse({ port: 0, ...picked })
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const key = String(issue.path[0] ?? '')
    // Never echo a secret key back.
    const got = key === 'secretAccessKey' ? '' : ` (got ${String(picked[key])})`
    throw new UsageError(`${flagNames[key] ?? key} ${issue.message}${got}`)
  }
  if ((parsed.data.accessKeyId === undefined) !== (parsed.data.secretAccessKey === undefined)) {
    throw new UsageError(
      '--access-key-id and --secret-access-key go together: give both or neither',
    )
  }
  return {
    ...parsed.data,
    failNext: list(raw.failNext).map((spec) => {
      const f = faultSpec('--fail-next', spec, /^\d+$/)
      return { target: f.target, count: f.amount, kind: f.kind ?? 'throttle' }
    }),
    failureRate: list(raw.failureRate).map((spec) => {
      const f = faultSpec('--failure-rate', spec, /^(0(\.\d+)?|1(\.0+)?)$/)
      return { target: f.target, rate: f.amount, kind: f.kind ?? 'error' }
    }),
    verbose: Boolean(raw.verbose),
  }
}

function addEmulatorOptions(command: Command): Command {
  return command
    .option('--port <port>', 'Port on 127.0.0.1 (0 = any free port)', { default: 0 })
    .option(
      '--lifetime <seconds>',
      'Every issued credential lives this long, whatever DurationSeconds asked',
    )
    .option('--account-id <id>', 'Account id of the base identity (default 123456789012)')
    .option('--region <region>', 'Region to advertise (default us-east-1)')
    .option('--access-key-id <id>', 'Fixed base access key id (default random AKIA...)')
    .option('--secret-access-key <key>', 'Fixed base secret key (with --access-key-id)')
    .option(
      '--fail-next <spec>',
      'Fail the next N calls: <target>=<N>[:throttle|error|hang] (repeatable)',
    )
    .option(
      '--failure-rate <spec>',
      'Fail a fraction of calls: <target>=<0..1>[:throttle|error|hang] (repeatable)',
    )
    .option('--latency <ms>', 'Add this much latency to every call')
    .option('--max-hang <ms>', 'Longest an injected hang lasts (default 30000)')
    .option('--verbose', 'Debug lines on stderr')
}

async function start(
  raw: Record<string, unknown>,
): Promise<{ served: ServedEmulator; flags: EmulatorFlags }> {
  const flags = parseEmulatorFlags(raw)
  const options: EmulatorOptions = {
    logger: createCliLogger(flags.verbose),
    ...(flags.lifetime !== undefined ? { lifetimeSeconds: flags.lifetime } : {}),
    ...(flags.accountId !== undefined ? { accountId: flags.accountId } : {}),
    ...(flags.region !== undefined ? { region: flags.region } : {}),
    ...(flags.maxHang !== undefined ? { maxHangMs: flags.maxHang } : {}),
    ...(flags.accessKeyId !== undefined && flags.secretAccessKey !== undefined
      ? { baseKeys: [{ accessKeyId: flags.accessKeyId, secretAccessKey: flags.secretAccessKey }] }
      : {}),
  }
  const emulator = createEmulator(options)
  for (const f of flags.failNext) emulator.faults.failNext(f.target, f.count, f.kind)
  for (const f of flags.failureRate) emulator.faults.setFailureRate(f.target, f.rate, f.kind)
  if (flags.latency) emulator.faults.setLatency(flags.latency)
  const served = await serveEmulator(emulator, { port: flags.port })
  return { served, flags }
}

async function runForeground(raw: Record<string, unknown>): Promise<void> {
  const { served, flags } = await start(raw)
  // Listen before printing: whoever reads the export lines may signal us at once.
  const stopped = untilStopped()
  out(formatEnv(served.env, 'sh'))
  err(`stsrefresh: emulator listening on ${served.url} until SIGINT/SIGTERM`)
  err(`stsrefresh: stats: curl ${served.url}/_emulator/stats`)
  const signal = await stopped
  if (flags.verbose) err(`stsrefresh: received ${signal}, stopping`)
  await served.close()
  process.exitCode = 0
}

/** Register `emulator`. */
export function registerEmulator(cli: CAC): void {
  addEmulatorOptions(
    cli.command('emulator', 'Run the AWS emulator on 127.0.0.1 until stopped; prints export lines'),
  )
    .example(
      '  stsrefresh emulator --port 4566 --lifetime 20 > emulator.env &  sleep 1; . ./emulator.env',
    )
    .example('  stsrefresh emulator --fail-next AssumeRole=2:throttle --failure-rate s3=0.05:error')
    .action((raw: Record<string, unknown>) => runForeground(raw))
}
