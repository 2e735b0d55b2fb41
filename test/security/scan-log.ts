/**
 * Scan captured test output for anything shaped like a secret the emulator issued (see
 * secret-scan.ts). Usage, over the whole suite:
 *
 *   bun test 2>&1 | tee suite.log; bun test/security/scan-log.ts suite.log
 *
 * Exits 1 (printing only masked excerpts and offsets) when something is found, 0 otherwise.
 */
import { readFileSync } from 'node:fs'
import { findSecretShapes } from './secret-scan.ts'

const files = process.argv.slice(2)
if (files.length === 0) {
  console.error('usage: bun test/security/scan-log.ts <log file>...')
  process.exit(2)
}
let found = 0
for (const file of files) {
  const text = readFileSync(file, 'utf8')
  for (const leak of findSecretShapes(text)) {
    found++
    const line = text.slice(0, leak.at).split('\n').length
    console.error(`${file}:${line}: secret-shaped text ${leak.secret}`)
  }
  console.error(`${file}: scanned ${text.length} characters`)
}
console.error(found === 0 ? 'no secrets found' : `${found} secret-shaped strings found`)
process.exit(found === 0 ? 0 : 1)
