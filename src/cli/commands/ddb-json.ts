/**
 * JSON in and out of `stsrefresh ddb`. Plain items are ordinary JSON whose numbers keep their
 * exact digits (DynamoDB numbers have 38 significant digits, a JavaScript number about 16);
 * `--raw` items are AttributeValue JSON (`{"pk": {"S": "a"}}`, binaries as base64).
 */
import { bytesToBase64 } from '../../dynamodb/base64.ts'
import { isNumberValue, NumberValue } from '../../dynamodb/index.ts'
import { UsageError } from '../output.ts'

type Reviver = (key: string, value: unknown, context?: { source?: string }) => unknown

// JSON.parse source text access (TC39 proposal, in Bun, Deno and Node 22+) gives each number's
// digits; where a number would be rounded, keep the digits as a NumberValue. Without it
// (Node 20), numbers stay numbers and marshall rejects the ones it cannot store exactly.
const exactNumbers: Reviver = (_key, value, context) => {
  if (typeof value !== 'number' || context?.source === undefined) return value
  return String(value) === context.source ? value : new NumberValue(context.source)
}

/** Parse `text` (from `what`, e.g. `--key`) as JSON, keeping every number's exact digits. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text, exactNumbers as (key: string, value: unknown) => unknown)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text
    throw new UsageError(`${what} is not valid JSON (${reason}): ${shown.trim()}`)
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !isNumberValue(value)

/** Parse `text` as a JSON object (an item, a key, expression values). */
export function parseJsonObject(text: string, what: string): Record<string, unknown> {
  const value = parseJson(text, what)
  if (!isPlainObject(value)) {
    throw new UsageError(
      `${what} must be a JSON object, like {"pk": "user#1"} (got ${text.trim().slice(0, 60)})`,
    )
  }
  return value
}

const TYPES = new Set(['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL'])

/** Check that `map` is AttributeValue JSON (each value one `{ "<type>": ... }`), for `--raw`. */
export function checkAttributeMap(map: Record<string, unknown>, what: string): void {
  for (const [name, value] of Object.entries(map)) {
    const keys = typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.keys(value)
      : []
    if (keys.length !== 1 || !TYPES.has(keys[0]!)) {
      throw new UsageError(
        `${what}: with --raw, attribute '${name}' must be an AttributeValue like {"S": "text"} or {"N": "1"} (one of ${
          [...TYPES].join(', ')
        })`,
      )
    }
  }
}

/**
 * Items read from stdin, and where each one was, so a message can name the ones to fix or to
 * write again.
 */
export interface ParsedItems {
  readonly items: Record<string, unknown>[]
  /** How the input held them: one object, a JSON array, or one object per line. */
  readonly form: 'object' | 'array' | 'lines'
  /** With `lines`: each item's line number in the input (1-based, blank lines counted). */
  readonly lines?: readonly number[]
}

/** Items from stdin: one JSON object, a JSON array of objects, or one object per line. */
export function parseItems(text: string, what: string): ParsedItems {
  const trimmed = text.trim()
  if (trimmed === '') {
    throw new UsageError(
      `${what} is empty: give one JSON object, an array of them, or one per line`,
    )
  }
  if (trimmed.startsWith('[')) {
    const list = parseJson(trimmed, what)
    if (!Array.isArray(list)) throw new UsageError(`${what} must be a JSON array of objects`)
    const items = list.map((item, i) => {
      if (!isPlainObject(item)) {
        throw new UsageError(`${what}: item ${i + 1} of the array is not a JSON object`)
      }
      return item
    })
    return { items, form: 'array' }
  }
  try {
    return { items: [parseJsonObject(trimmed, what)], form: 'object' }
  } catch {
    const items: Record<string, unknown>[] = []
    const lines: number[] = []
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return
      items.push(parseJsonObject(line, `${what} line ${i + 1}`))
      lines.push(i + 1)
    })
    return { items, form: 'lines', lines }
  }
}

/** `3, 7-9, 12` for the sorted numbers 3, 7, 8, 9, 12. */
function ranges(numbers: readonly number[]): string {
  const parts: string[] = []
  for (let i = 0; i < numbers.length;) {
    let j = i
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++
    parts.push(j === i ? `${numbers[i]}` : `${numbers[i]}-${numbers[j]}`)
    i = j + 1
  }
  return parts.join(', ')
}

/**
 * Name the items at `indices` (0-based) as the user sees them in `what`: `stdin line 7`,
 * `stdin lines 3, 26-30`, `stdin array items 2-4`, or `stdin` for a single object.
 */
export function describeItems(
  parsed: ParsedItems,
  indices: readonly number[],
  what: string,
): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b)
  const plural = sorted.length === 1 ? '' : 's'
  if (parsed.form === 'lines') {
    return `${what} line${plural} ${ranges(sorted.map((i) => parsed.lines![i]!))}`
  }
  if (parsed.form === 'array') {
    return `${what} array item${plural} ${ranges(sorted.map((i) => i + 1))}`
  }
  return what
}

/**
 * Serialise a DynamoDB result as JSON: NumberValues and bigints as exact number literals, sets as
 * arrays, binaries as base64 strings. `indent` 0 is one line.
 */
export function stringifyJson(value: unknown, indent = 0, depth = 0): string {
  if (value === null || value === undefined) return 'null'
  if (isNumberValue(value)) return value.value
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null'
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value)
  if (value instanceof Uint8Array) return JSON.stringify(bytesToBase64(value))
  const pad = indent > 0 ? `\n${' '.repeat(indent * (depth + 1))}` : ''
  const end = indent > 0 ? `\n${' '.repeat(indent * depth)}` : ''
  const sep = indent > 0 ? ': ' : ':'
  if (value instanceof Set || Array.isArray(value)) {
    const items = [...value].map((v) => stringifyJson(v, indent, depth + 1))
    return items.length === 0 ? '[]' : `[${pad}${items.join(`,${pad}`)}${end}]`
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}${sep}${stringifyJson(v, indent, depth + 1)}`)
    return entries.length === 0 ? '{}' : `{${pad}${entries.join(`,${pad}`)}${end}}`
  }
  return JSON.stringify(String(value))
}
