/**
 * Markdown tables of benchmark rows. Run directly (`bun scripts/bench/table.ts [results.json]`)
 * to print the tables of a results file, as pasted into README.md.
 */
import type { Row } from './common.ts'
import type { Summary } from './stats.ts'

function number(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  if (Number.isInteger(value) && Math.abs(value) < 1000) return String(value)
  const abs = Math.abs(value)
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US')
  if (abs >= 100) return value.toFixed(0)
  if (abs >= 10) return value.toFixed(1)
  if (abs >= 1) return value.toFixed(2)
  return value.toPrecision(2)
}

/** `median (min-max)`, or the number itself. */
export function formatValue(value: Summary | number | undefined): string {
  if (value === undefined) return ''
  if (typeof value === 'number') return number(value)
  if (value.n <= 1 || value.min === value.max) return number(value.median)
  return `${number(value.median)} (${number(value.min)}–${number(value.max)})`
}

function ratio(row: Row): string {
  if (!row.ratio) return ''
  return `${formatValue(row.ratio.value)}× ${row.ratio.to}`
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

/** What a format-2 results file records per section (older files have none). */
export interface SectionRun {
  readonly date: string
  readonly commit: string
  readonly dirty: boolean | 'unknown'
  readonly quick: boolean
}

function runLine(run: SectionRun): string {
  const dirty = run.dirty === 'unknown' ? 'dirty: unknown' : run.dirty ? 'uncommitted changes' : 'clean'
  return `Run: ${run.date.slice(0, 16).replace('T', ' ')} UTC, commit ${run.commit} (${dirty})${run.quick ? ', --quick' : ''}.`
}

/** One table per section, with its notes underneath (and the run that made it, if recorded). */
export function renderTable(
  sections: readonly { title: string; notes: readonly string[]; rows: readonly Row[]; run?: SectionRun | undefined }[],
): string {
  const out: string[] = []
  for (const section of sections) {
    out.push(`### ${section.title}`, '')
    out.push('| # | case | subject | metric | median (min–max) | ratio | note |')
    out.push('| - | ---- | ------- | ------ | ---------------- | ----- | ---- |')
    for (const row of section.rows) {
      const value = row.status === 'ok' ? formatValue(row.value) : `**${row.status}**`
      out.push(`| ${row.item} | ${cell(row.case)} | ${cell(row.subject)} | ${cell(row.metric)} | ${value} | ${cell(ratio(row))} | ${cell(row.note ?? '')} |`)
    }
    const notes = section.run ? [...section.notes, runLine(section.run)] : section.notes
    if (notes.length) out.push('', ...notes.map((n) => `- ${n}`))
    out.push('')
  }
  return out.join('\n')
}

if (import.meta.main) {
  const file = process.argv[2] ?? `${import.meta.dir}/results.json`
  // Format 1 (one run for the whole file) and format 2 (a `run` per section) both render.
  const report = (await Bun.file(file).json()) as {
    results: { title: string; notes: string[]; rows: Row[]; run?: SectionRun }[]
  }
  console.log(renderTable(report.results))
}
