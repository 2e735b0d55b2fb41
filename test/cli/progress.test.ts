/** The progress bar's text, and that it draws nothing when stderr is not a terminal. */
import { expect, test } from 'bun:test'
import { createProgressBar, formatBytes, renderBar } from '../../src/cli/progress.ts'

test('renderBar: filled share, percent, amounts and note', () => {
  expect(renderBar('upload', 0, 100, 10, String)).toBe('upload [..........]   0% 0/100')
  expect(renderBar('upload', 45, 100, 10, String, '2 parts')).toBe(
    'upload [#####.....]  45% 45/100  2 parts',
  )
  expect(renderBar('upload', 150, 100, 10, String)).toBe('upload [##########] 100% 150/100')
  expect(renderBar('download', 3 * 1024 * 1024, undefined, 10, formatBytes)).toBe(
    'download 3.0 MiB',
  )
})

test('formatBytes', () => {
  expect([0, 1023, 1024, 1536 * 1024, 5 * 1024 ** 3].map(formatBytes)).toEqual([
    '0 B',
    '1023 B',
    '1.0 KiB',
    '1.5 MiB',
    '5.0 GiB',
  ])
})

test('disabled (not a TTY): update and done write nothing; log still prints its line', () => {
  const writes: string[] = []
  const saved = {
    err: process.stderr.write,
    out: process.stdout.write,
    log: console.log,
    error: console.error,
  }
  const capture = (prefix: string) => (chunk: string): boolean => writes.push(`${prefix}${chunk}`) > 0
  process.stderr.write = capture('err:') as typeof process.stderr.write
  process.stdout.write = capture('out:') as typeof process.stdout.write
  console.log = (line: string) => void writes.push(`log:${line}`)
  console.error = (line: string) => void writes.push(`error:${line}`)
  try {
    const bar = createProgressBar({ label: 'x', total: 10, enabled: false })
    bar.update(5)
    bar.log('a line')
    bar.log('to stderr', 'stderr')
    bar.done()
    const printed: string[] = []
    createProgressBar({ label: 'y', enabled: false, print: (line) => printed.push(line) })
      .log('through print')
    writes.push(...printed.map((line) => `print:${line}`))
  } finally {
    process.stderr.write = saved.err
    process.stdout.write = saved.out
    console.log = saved.log
    console.error = saved.error
  }
  // Lines go out as out()/err() print them (a closed stdout drops them quietly), or to `print`.
  expect(writes).toEqual(['log:a line', 'error:to stderr', 'print:through print'])
})
