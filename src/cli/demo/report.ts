/** The demo's printed lines: one per credential refresh, and the side-by-side summary. */
import type { RefreshEvent } from '../../credentials/refreshable.ts'
import { formatBytes } from '../progress.ts'
import type { JobResult } from './job.ts'
import type { Verification } from './verify.ts'

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

/** `HH:MM:SS` UTC. */
export const clockTime = (date: Date): string => date.toISOString().slice(11, 19)

/** One line per refresh: masked key, expiry, why. Never a secret. */
export function refreshLine(event: RefreshEvent, count: number, elapsedMs: number): string {
  const expires = event.expiration
    ? `expires ${clockTime(event.expiration)} UTC (in ${
      seconds(event.expiration.getTime() - Date.now())
    })`
    : 'no expiry'
  return `  refresh #${count} at ${
    seconds(elapsedMs).padStart(7)
  }: ${event.accessKeyId}, ${expires}, ${event.reason}, AssumeRole took ${event.durationMs} ms`
}

/** One line describing how a run ended. */
export function resultLine(result: JobResult, fileSize: number): string {
  const file = result.fileUploaded ? `, ${formatBytes(fileSize)} file uploaded` : ''
  const base = `${result.objectsMigrated}/${result.objectsTotal} objects migrated${file}; ` +
    `${result.operationsDone} operations done, ${result.operationsFailed} failed, in ${
      seconds(result.elapsedMs)
    }`
  const failure = result.firstFailure
  return failure
    ? `  ${result.stopped ? 'stopped' : 'finished'}: ${base}\n  first failure at ${
      seconds(failure.atMs)
    }: ${failure.message}`
    : `  finished: ${base}`
}

/** One run's column of the summary. */
export interface SummaryColumn {
  readonly title: string
  readonly result: JobResult
  readonly verification: Verification
  readonly stsCalls: number
  readonly refreshes: number
}

function verifiedText(column: SummaryColumn): [string, string] {
  const v = column.verification
  const items = `${v.itemsVerified}/${column.result.objectsTotal} items${
    v.itemsWrong ? `, ${v.itemsWrong} wrong` : ''
  }`
  const file = v.fileVerified === undefined
    ? 'file not there'
    : v.fileVerified
    ? 'file SHA-256 matches'
    : 'file SHA-256 DIFFERS'
  return [items, file]
}

/** The side-by-side summary table. */
export function summaryTable(
  columns: readonly [SummaryColumn, SummaryColumn],
  fileSize: number,
): string {
  const [a, b] = columns
  const failures = (c: SummaryColumn): string => {
    const f = c.result.firstFailure
    return f
      ? `${c.result.operationsFailed} (${f.code} at ${seconds(f.atMs)})`
      : String(c.result.operationsFailed)
  }
  const [aItems, aFile] = verifiedText(a)
  const [bItems, bFile] = verifiedText(b)
  const rows: [string, string, string][] = [
    ['', a.title, b.title],
    [
      'job time',
      `${seconds(a.result.elapsedMs)}${a.result.stopped ? ' (stopped)' : ''}`,
      `${seconds(b.result.elapsedMs)}${b.result.stopped ? ' (stopped)' : ''}`,
    ],
    [
      'objects migrated',
      `${a.result.objectsMigrated}/${a.result.objectsTotal}`,
      `${b.result.objectsMigrated}/${b.result.objectsTotal}`,
    ],
    [
      `large file (${formatBytes(fileSize)})`,
      a.result.fileUploaded ? 'uploaded' : 'not uploaded',
      b.result.fileUploaded ? 'uploaded' : 'not uploaded',
    ],
    ['operations done', String(a.result.operationsDone), String(b.result.operationsDone)],
    ['operations failed', failures(a), failures(b)],
    ['STS AssumeRole calls', String(a.stsCalls), String(b.stsCalls)],
    ['credential refreshes', String(a.refreshes), String(b.refreshes)],
    ['data verified', aItems, bItems],
    ['', aFile, bFile],
  ]
  const w0 = Math.max(...rows.map((r) => r[0].length))
  const w1 = Math.max(...rows.map((r) => r[1].length))
  return rows.map(([l, x, y]) => `  ${l.padEnd(w0)}   ${x.padEnd(w1)}   ${y}`.trimEnd()).join('\n')
}
