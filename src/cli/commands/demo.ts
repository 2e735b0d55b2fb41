/**
 * `stsrefresh demo` (what `npm start` runs): a long S3-to-DynamoDB job against the embedded
 * emulator with credentials that live seconds, with a refreshing session and with credentials
 * fetched once, side by side.
 */
import type { CAC } from 'cac'
import process from 'node:process'
import { UsageError } from '../output.ts'
import { textOption } from '../service-session.ts'

interface Bound {
  readonly flag: string
  readonly min: number
  readonly max: number
}

function whole(raw: Record<string, unknown>, key: string, bound: Bound): number | undefined {
  const text = textOption(raw, key)
  if (text === undefined) return undefined
  const n = Number(text)
  if (!/^\d+$/.test(text.trim()) || n < bound.min || n > bound.max) {
    throw new UsageError(
      `${bound.flag} must be a whole number from ${bound.min} to ${bound.max} (got ${text})`,
    )
  }
  return n
}

/** Register `demo`. */
export function registerDemo(cli: CAC): void {
  cli.command(
    'demo',
    'Show refreshing vs fetched-once credentials on a long job (the emulator, no AWS account)',
  )
    .option('--duration-seconds <s>', 'How long the job runs (default 60; 10 with --quick)')
    .option('--lifetime <s>', 'Lifetime of every issued credential (default 15; 4 with --quick)')
    .option(
      '--objects <n>',
      'Orders to migrate from S3 to DynamoDB (default 3000; 300 with --quick)',
    )
    .option('--file-size <MiB>', 'Size of the file uploaded in parts (default 48; 12 with --quick)')
    .option('--quick', 'A ten-second version (for tests and the impatient)')
    .option(
      '--endpoint-url <url>',
      'Use the stsrefresh emulator at this URL (its keys from AWS_ACCESS_KEY_ID/...)',
    )
    .option('--verbose', 'Debug lines on stderr (secrets are always redacted)')
    .example('  npm start                                  # the one-minute demo')
    .example('  stsrefresh demo --duration-seconds 300 --lifetime 30 --objects 20000')
    .example('  stsrefresh demo --quick')
    .action(async (raw: Record<string, unknown>) => {
      const quick = raw.quick === true
      const endpointUrl = textOption(raw, 'endpointUrl')
      if (endpointUrl !== undefined && !/^https?:\/\/[^/]/.test(endpointUrl)) {
        throw new UsageError(
          `--endpoint-url must be an http:// or https:// URL (got ${endpointUrl})`,
        )
      }
      const durationSeconds =
        whole(raw, 'durationSeconds', { flag: '--duration-seconds', min: 2, max: 86_400 }) ??
          (quick ? 10 : 60)
      const lifetimeSeconds = whole(raw, 'lifetime', { flag: '--lifetime', min: 1, max: 43_200 }) ??
        (endpointUrl !== undefined ? undefined : quick ? 4 : 15)
      const objects = whole(raw, 'objects', { flag: '--objects', min: 1, max: 1_000_000 }) ??
        (quick ? 300 : 3000)
      const fileMiB = whole(raw, 'fileSize', { flag: '--file-size', min: 1, max: 4096 }) ??
        (quick ? 12 : 48)
      // Loaded here so `--help` and bad flags never load the emulator.
      const { runDemo } = await import('../demo/run.ts')
      process.exitCode = await runDemo({
        durationSeconds,
        lifetimeSeconds,
        objects,
        fileMiB,
        ...(endpointUrl !== undefined ? { endpointUrl } : {}),
        verbose: raw.verbose === true,
      })
    })
}
