/**
 * Builds the npm package: `dist/index.js` (the library), `dist/emulator.js`, `dist/cli.js`
 * (the `stsrefresh` bin for Node), and type declarations under `dist/types/`. The three runtime
 * dependencies stay external so npm dedupes them.
 */
import { rm } from 'node:fs/promises'
import { spawnSync } from 'node:child_process'

const external = ['aws4fetch', 'zod', 'zod/mini', 'cac']
const entries = [
  { entry: 'src/index.ts', name: 'index.js' },
  { entry: 'src/emulator/index.ts', name: 'emulator.js' },
  { entry: 'src/cli/main.ts', name: 'cli.js', banner: '#!/usr/bin/env node' },
]

await rm('dist', { recursive: true, force: true })
for (const { entry, name, banner } of entries) {
  const result = await Bun.build({
    entrypoints: [entry],
    outdir: 'dist',
    naming: name,
    target: 'node',
    format: 'esm',
    external,
    ...(banner ? { banner } : {}),
  })
  if (!result.success) {
    for (const log of result.logs) console.error(log)
    process.exit(1)
  }
}

const tsc = spawnSync('npx', ['tsc', '-p', 'scripts/tsconfig.build.json'], { stdio: 'inherit' })
if (tsc.status !== 0) process.exit(tsc.status ?? 1)
console.error('built dist/index.js, dist/emulator.js, dist/cli.js and dist/types/')
