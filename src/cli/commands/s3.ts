/**
 * `stsrefresh s3 ls|cp|rm`: everyday S3 transfers with credentials that refresh for as long as
 * the command runs (a multi-hour upload outlives many one-hour sessions).
 */
import type { CAC } from 'cac'
import { createS3Client } from '../../s3/index.ts'
import { addCredentialOptions } from '../credential-options.ts'
import { profileChecksumSettings } from '../credential-session.ts'
import { err, out, UsageError } from '../output.ts'
import { textOption, withServiceSession } from '../service-session.ts'
import { copy } from './s3-cp.ts'
import { listObjects } from './s3-ls.ts'
import { removeObjects } from './s3-rm.ts'
import { parseS3Url } from './s3-url.ts'

const ACTIONS = ['ls', 'cp', 'rm'] as const
type Action = (typeof ACTIONS)[number]

// Options that only make sense for some actions: naming the wrong one is a usage error.
const ONLY_FOR: Readonly<Record<string, readonly Action[]>> = {
  recursive: ['ls', 'rm'],
  partSize: ['cp'],
  contentType: ['cp'],
}
const FLAG_NAMES: Readonly<Record<string, string>> = {
  recursive: '--recursive',
  partSize: '--part-size',
  contentType: '--content-type',
}
const ARITY: Readonly<Record<Action, { n: number; usage: string }>> = {
  ls: { n: 1, usage: 's3 ls s3://bucket[/prefix]' },
  cp: {
    n: 2,
    usage: 's3 cp <source> <destination>   (local path, - for stdin/stdout, or s3://bucket/key)',
  },
  rm: { n: 1, usage: 's3 rm s3://bucket/key' },
}

function partSizeBytes(raw: Record<string, unknown>): number | undefined {
  const text = textOption(raw, 'partSize')
  if (text === undefined) return undefined
  const mib = Number(text)
  // S3 multipart limits (S3 User Guide, "Amazon S3 multipart upload limits"): 5 MiB to 5 GiB.
  if (!Number.isInteger(mib) || mib < 5 || mib > 5120) {
    throw new UsageError(`--part-size is in MiB, a whole number from 5 to 5120 (got ${text})`)
  }
  return mib * 1024 * 1024
}

/** Validate the action, its arguments and which options it accepts. */
function checkUsage(action: string, args: readonly string[], raw: Record<string, unknown>): Action {
  if (!(ACTIONS as readonly string[]).includes(action)) {
    throw new UsageError(
      `unknown s3 action '${action}': use one of ${
        ACTIONS.join(', ')
      } (see \`stsrefresh s3 --help\`)`,
    )
  }
  const a = action as Action
  if (args.length !== ARITY[a].n) {
    throw new UsageError(
      `s3 ${a} takes ${ARITY[a].n === 1 ? 'one argument' : 'two arguments'}: stsrefresh ${
        ARITY[a].usage
      }`,
    )
  }
  for (const [key, actions] of Object.entries(ONLY_FOR)) {
    if (raw[key] !== undefined && raw[key] !== false && !actions.includes(a)) {
      throw new UsageError(
        `${FLAG_NAMES[key]} does not apply to s3 ${a} (only to s3 ${actions.join(', ')})`,
      )
    }
  }
  return a
}

/** Register `s3`. */
export function registerS3(cli: CAC): void {
  addCredentialOptions(
    cli.command('s3 <action> [...args]', 'S3: ls, cp, rm with always-fresh credentials'),
  )
    .option('--recursive', 'ls: every key under the prefix; rm: every key under prefix/')
    .option('--part-size <MiB>', 'cp: bytes per multipart part, in MiB (5-5120; default 8)')
    .option(
      '--content-type <type>',
      'cp: Content-Type of an upload (default: guessed from the file extension)',
    )
    .option('--json', 'Print results as JSON (one object per line for ls)')
    .option('--quiet', 'cp, rm: no report line on stderr')
    .example('  stsrefresh s3 ls s3://my-bucket/logs/ --recursive')
    .example('  stsrefresh s3 cp ./backup.tar s3://my-bucket/backups/   # multipart when large')
    .example('  pg_dump db | stsrefresh s3 cp - s3://my-bucket/db.sql')
    .example('  stsrefresh s3 cp s3://my-bucket/db.sql - | head')
    .example('  stsrefresh s3 rm s3://my-bucket/old/ --recursive')
    .action(async (action: string, args: string[], raw: Record<string, unknown>) => {
      const a = checkUsage(action, args, raw)
      const partSize = partSizeBytes(raw)
      const contentType = textOption(raw, 'contentType')
      const json = raw.json === true
      const quiet = raw.quiet === true
      // Validate URLs before any credentials are fetched.
      if (a === 'ls' || a === 'rm') parseS3Url(args[0]!, `s3 ${a}`)
      await withServiceSession(raw, async ({ session, region, env, logger }) => {
        const checksums = await profileChecksumSettings(env)
        const s3 = createS3Client({ region, env, credentials: session, logger, ...checksums })
        if (a === 'ls') {
          await listObjects(s3, parseS3Url(args[0]!, 's3 ls'), {
            recursive: raw.recursive === true,
            json,
          })
        } else if (a === 'rm') {
          const deleted: string[] = []
          const location = parseS3Url(args[0]!, 's3 rm')
          await removeObjects(s3, location, raw.recursive === true, (key) => {
            if (json) deleted.push(key)
            else if (!quiet) err(`delete: s3://${location.bucket}/${key}`)
          })
          if (json) out(JSON.stringify({ Deleted: deleted }))
        } else {
          if (json && args[1] === '-') {
            throw new UsageError('--json cannot be used when the object goes to stdout (-)')
          }
          const result = await copy(s3, args[0]!, args[1]!, {
            progress: !quiet,
            ...(partSize ? { partSize } : {}),
            ...(contentType ? { contentType } : {}),
          })
          if (json) out(JSON.stringify(result))
          // Nothing but the object's bytes when it goes to stdout, as the AWS CLI does.
          else if (!quiet && result.to !== '-') {
            err(`${result.operation}: ${result.from} to ${result.to}`)
          }
        }
      })
    })
}
