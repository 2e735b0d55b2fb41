/**
 * Builds the npm package: the library entries `dist/index.js`, `dist/sts.js`, `dist/s3.js` and
 * `dist/dynamodb.js` (one build with code splitting: the code they share is in `dist/chunk-*.js`,
 * so errors, the platform and the shared clock exist once, and what the clients load with
 * `import()` stays in chunks an application's bundler can load on demand), `dist/emulator.js`,
 * `dist/cli.js` (the `stsrefresh` bin for Node), and type declarations under `dist/types/`. The
 * three runtime dependencies stay external so npm dedupes them.
 */
import { rm } from 'node:fs/promises'
import { spawnSync } from 'node:child_process'

const external = ['aws4fetch', 'zod', 'zod/mini', 'cac']
const library = ['src/index.ts', 'src/entries/sts.ts', 'src/entries/s3.ts', 'src/entries/dynamodb.ts']
const entries = [
  { entry: 'src/emulator/index.ts', name: 'emulator.js' },
  { entry: 'src/cli/main.ts', name: 'cli.js', banner: '#!/usr/bin/env node' },
]

await rm('dist', { recursive: true, force: true })
const built = await Bun.build({
  entrypoints: library,
  outdir: 'dist',
  naming: { entry: '[name].[ext]', chunk: 'chunk-[hash].[ext]' },
  target: 'node',
  format: 'esm',
  splitting: true,
  external,
})
if (!built.success) {
  for (const log of built.logs) console.error(log)
  process.exit(1)
}
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
console.error('built dist/{index,sts,s3,dynamodb}.js (+ chunks), dist/emulator.js, dist/cli.js and dist/types/')
