/**
 * `npm run compile`: the single-binary CLI for this machine at dist/bin/stsrefresh.
 * `npm run compile -- --all`: linux-x64, linux-arm64, darwin-x64, darwin-arm64 and windows-x64
 * binaries named as releases name them, plus SHA256SUMS. Bun fetches cross-target runtimes
 * through the npm registry.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { compileCli } from './compile-binary.ts'

const TARGETS = [
  ['bun-linux-x64', 'stsrefresh-linux-x64'],
  ['bun-linux-arm64', 'stsrefresh-linux-arm64'],
  ['bun-darwin-x64', 'stsrefresh-darwin-x64'],
  ['bun-darwin-arm64', 'stsrefresh-darwin-arm64'],
  ['bun-windows-x64', 'stsrefresh-windows-x64.exe'],
] as const

function commit(): string {
  const git = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' })
  return git.status === 0 ? git.stdout.trim() : 'unknown'
}

const defines = { __STSREFRESH_COMMIT__: JSON.stringify(commit()) }

function compile(outfile: string, target?: string): void {
  try {
    compileCli(outfile, { defines, ...(target ? { target } : {}) })
  } catch (error) {
    console.error(`compile: ${(error as Error).message}`)
    process.exit(1)
  }
  console.error(`compile: built ${outfile}`)
}

try {
  await mkdir('dist/bin', { recursive: true })
  if (process.argv.includes('--all')) {
    const sums: string[] = []
    for (const [target, name] of TARGETS) {
      const file = `dist/bin/${name}`
      compile(file, target)
      sums.push(`${createHash('sha256').update(await readFile(file)).digest('hex')}  ${basename(file)}`)
    }
    await writeFile('dist/bin/SHA256SUMS', `${sums.join('\n')}\n`)
    console.error('compile: wrote dist/bin/SHA256SUMS')
  } else {
    compile('dist/bin/stsrefresh')
  }
} catch (error) {
  console.error(`compile: ${(error as Error).message}`)
  process.exitCode = 1
}
