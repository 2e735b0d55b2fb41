/**
 * Item 7: size. Library bundles (Bun.build, target node, ESM, minified, then gzip -9) of the
 * public entry `src/index.ts`, of refresh + STS + S3 + DynamoDB with the full clients
 * (peers/size-core.ts) and with only the operations the SDK peer imports (peers/size-ops.ts),
 * both through the subpath entries `stsrefresh/sts`, `/s3` and `/dynamodb` with zod kept
 * external and reported if referenced, vs the AWS SDK v3 STS, S3 and DynamoDB clients with those
 * commands bundled the same way (peers/size-sdk.ts); the npm install footprint (the package's
 * dependency closure as installed in node_modules; for the SDK the three clients plus
 * @aws-sdk/credential-providers, which the SDK peers use); the compiled binary vs an empty Bun-compiled
 * program.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { BenchContext, Benchmark, Row } from './common.ts'
import { missing, ROOT, run } from './common.ts'

const KB = 1024
const MB = 1024 * 1024

interface Bundle {
  /** The entry and its static imports: what loads up front. */
  readonly minified: number
  readonly gzipped: number
  readonly zod: boolean
  /** Chunks reached only through `import()`. */
  readonly lazyMinified: number
  readonly lazyGzipped: number
  readonly lazyZod: boolean
}

function lazyNote(b: Bundle): string {
  if (!b.lazyMinified) return 'no lazy chunks'
  return `+ ${(b.lazyGzipped / KB).toFixed(1)} KB gz loaded on demand${b.lazyZod ? ' (zod/mini there)' : ''}`
}

/**
 * Bundle `entry` with code splitting, as an application bundler would: what loads up front is
 * the entry chunk plus the chunks it imports statically; chunks reached only through `import()`
 * (the default credential chain, which brings zod/mini) are counted apart.
 */
async function bundle(context: BenchContext, entry: string, external: string[]): Promise<Bundle> {
  const outdir = join(context.tmp, 'size', entry.replace(/[^\w]+/g, '_'))
  const result = await Bun.build({
    entrypoints: [join(ROOT, entry)],
    outdir,
    target: 'node',
    format: 'esm',
    minify: true,
    splitting: true,
    external,
  })
  if (!result.success) throw new Error(`Bun.build ${entry} failed: ${result.logs.join('\n')}`)
  const texts = new Map<string, string>()
  for (const output of result.outputs) texts.set(output.path.split('/').pop()!, await output.text())
  const entryName = result.outputs.find((o) => o.kind === 'entry-point')!.path.split('/').pop()!
  const upFront = new Set<string>()
  const visit = (name: string): void => {
    if (upFront.has(name) || !texts.has(name)) return
    upFront.add(name)
    // Static imports of sibling chunks: `import{...}from"./chunk-x.js"` or `import"./chunk-x.js"`.
    for (const match of texts.get(name)!.matchAll(/(?:from|import)\s*"\.\/([\w.-]+\.js)"/g)) visit(match[1]!)
  }
  visit(entryName)
  const encoder = new TextEncoder()
  const join_ = (names: Iterable<string>): Uint8Array<ArrayBuffer> => encoder.encode([...names].map((n) => texts.get(n)!).join('\n'))
  const eager = join_(upFront)
  const lazy = [...texts.keys()].filter((n) => !upFront.has(n))
  const lazyBytes = join_(lazy)
  const zodIn = (names: Iterable<string>): boolean =>
    [...names].some((n) => /from\s*["']zod(\/[\w-]+)?["']|import\(["']zod/.test(texts.get(n)!))
  return {
    minified: eager.length,
    gzipped: Bun.gzipSync(eager, { level: 9 }).length,
    zod: zodIn(upFront),
    lazyMinified: lazyBytes.length,
    lazyGzipped: lazy.length ? Bun.gzipSync(lazyBytes, { level: 9 }).length : 0,
    lazyZod: zodIn(lazy),
  }
}

/** Bytes of the files of a package directory, nested node_modules excluded. */
function dirBytes(dir: string): number {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) total += dirBytes(path)
    else if (entry.isFile()) total += statSync(path).size
  }
  return total
}

/** The installed dependency closure of `roots` (node_modules resolution), as packages and bytes. */
function closure(roots: readonly string[]): { packages: number; bytes: number } {
  const seen = new Set<string>()
  const visit = (name: string, from: string): void => {
    // Node's lookup: the requiring package's nested node_modules first, then the top level.
    const candidates = [join(from, 'node_modules', name), join(ROOT, 'node_modules', name)]
    const dir = candidates.find((c) => existsSync(join(c, 'package.json')))
    if (!dir || seen.has(dir)) return
    seen.add(dir)
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>
      optionalDependencies?: Record<string, string>
    }
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep, dir)
  }
  for (const root of roots) visit(root, ROOT)
  let bytes = 0
  for (const dir of seen) bytes += dirBytes(dir)
  return { packages: seen.size, bytes }
}

export const size: Benchmark = {
  name: 'size',
  items: [7],
  title: 'Size: library bundle, npm install footprint, compiled binary',
  async run(context) {
    const rows: Row[] = []
    const gz = 'KB minified + gzip -9 (lower is better)'

    const sdk = await bundle(context, 'scripts/bench/peers/size-sdk.ts', [])
    const publicWhy = await missing('src/index.ts')
    if (publicWhy) {
      rows.push({ item: 7, case: 'library bundle: public entry src/index.ts', subject: 'stsrefresh', metric: gz, status: 'pending', note: publicWhy })
    } else {
      const pub = await bundle(context, 'src/index.ts', [])
      rows.push({ item: 7, case: 'library bundle: public entry src/index.ts', subject: 'stsrefresh', metric: gz, value: pub.gzipped / KB, ratio: { to: 'sdk-v3', value: pub.gzipped / sdk.gzipped }, status: 'ok', note: `${(pub.minified / KB).toFixed(1)} KB minified up front; ${lazyNote(pub)}` })
    }
    const libraryRows: { peer: string; case: string; needs: string[] }[] = [
      {
        peer: 'scripts/bench/peers/size-core.ts',
        case: 'library bundle: refresh + STS + S3 + DynamoDB (zod external)',
        needs: ['refreshable', 'fromAssumeRole', 'createStsClient', 'createS3Client', 'createDynamoDbClient'],
      },
      {
        peer: 'scripts/bench/peers/size-ops.ts',
        case: 'library bundle: refresh + STS + S3 + DynamoDB, the operations the SDK peer imports (zod external)',
        needs: ['refreshable', 'fromAssumeRole', 'createS3Context', 'putObject', 'getObject', 'createDynamoDbClient'],
      },
    ]
    for (const library of libraryRows) {
      const why = await missing(library.peer, library.needs)
      if (why) {
        rows.push({ item: 7, case: library.case, subject: 'stsrefresh', metric: gz, status: 'pending', note: why })
        continue
      }
      const b = await bundle(context, library.peer, ['zod', 'zod/mini'])
      rows.push({
        item: 7,
        case: library.case,
        subject: 'stsrefresh',
        metric: gz,
        value: b.gzipped / KB,
        ratio: { to: 'sdk-v3', value: b.gzipped / sdk.gzipped },
        status: 'ok',
        note: `${(b.minified / KB).toFixed(1)} KB minified up front, ${b.zod ? 'zod in it' : 'zod-free'}; ${lazyNote(b)}; target < 15 KB gz`,
      })
    }
    rows.push({ item: 7, case: 'library bundle: STS + S3 + DynamoDB clients + fromTemporaryCredentials', subject: 'sdk-v3', metric: gz, value: sdk.gzipped / KB, status: 'ok', note: `${(sdk.minified / KB).toFixed(1)} KB minified up front; ${lazyNote(sdk)}` })

    const ours = closure(['aws4fetch', 'zod', 'cac'])
    // What the SDK peers import: the three clients and the credential providers
    // (fromTemporaryCredentials, in the throughput worker and the compiled credential_process peer).
    const theirs = closure(['@aws-sdk/client-sts', '@aws-sdk/client-s3', '@aws-sdk/client-dynamodb', '@aws-sdk/credential-providers'])
    const pack = await run(['npm', 'pack', '--dry-run', '--json', '--ignore-scripts'])
    let own = 0
    try {
      own = (JSON.parse(pack.stdout) as { unpackedSize: number }[])[0]!.unpackedSize
    } catch {
      context.note('npm pack --dry-run failed; the stsrefresh footprint counts its dependencies only.')
    }
    const distBuilt = existsSync(join(ROOT, 'dist/index.js'))
    rows.push({ item: 7, case: 'npm install footprint', subject: 'stsrefresh', metric: 'MB installed (packages)', value: (ours.bytes + own) / MB, ratio: { to: 'sdk-v3', value: (ours.bytes + own) / theirs.bytes }, status: 'ok', note: `${ours.packages + 1} packages: stsrefresh (${(own / MB).toFixed(2)} MB per npm pack${distBuilt ? '' : ', dist/ not built: src only'}) + aws4fetch, zod, cac` })
    rows.push({ item: 7, case: 'npm install footprint', subject: 'sdk-v3', metric: 'MB installed (packages)', value: theirs.bytes / MB, status: 'ok', note: `${theirs.packages} packages: client-sts, client-s3, client-dynamodb, credential-providers and their dependencies` })

    const floor = await context.compile('empty', 'scripts/bench/peers/empty.ts')
    const floorBytes = statSync(floor).size
    let binary: string | undefined
    try {
      binary = await context.compile('stsrefresh', 'src/cli/main.ts')
    } catch (error) {
      rows.push({ item: 7, case: 'compiled binary', subject: 'stsrefresh', metric: 'MB', status: 'pending', note: (error instanceof Error ? error.message : String(error)).split('\n')[0]! })
    }
    if (binary) {
      const bytes = statSync(binary).size
      rows.push({ item: 7, case: 'compiled binary (release build, scripts/compile-binary.ts)', subject: 'stsrefresh', metric: 'MB', value: bytes / MB, status: 'ok', note: `+${((bytes - floorBytes) / MB).toFixed(2)} MB over the floor (target: within 2 MB)` })
    }
    rows.push({ item: 7, case: 'compiled binary (release build, scripts/compile-binary.ts)', subject: 'floor (empty program)', metric: 'MB', value: floorBytes / MB, status: 'ok' })
    context.note('Bundles: Bun.build target node, ESM, minified, code splitting on (as an application bundler), all dependencies inlined (zod external only where said), gzip -9 of what loads up front (the entry and its static imports); chunks behind import() are listed apart; ratio = stsrefresh / sdk-v3.')
    context.note('What loads on demand: the default credential chain (only without an explicit source), and in the full clients the S3 listing/bucket calls, DeleteObjects/CopyObject, multipart, managed upload, presign and checksums, and DynamoDB\'s batch retry loops. Up front in both stsrefresh rows: refreshable, AssumeRole (STS client with local parameter validation, XML reader), the signed request layer with aws4fetch, and the Node platform the entries install. The ops row still carries the whole DynamoDB client (marshalling is most of it; the other operations are a few closures), as the SDK row carries its full STS/S3/DynamoDB client classes.')
    context.note('Bun (like esbuild) assigns whole files to chunks: a file an entry reaches statically loads up front even when only a lazy chunk uses it. So the main entry `stsrefresh`, which exports the credential chain and every helper, bundles nearly everything up front; the subpath entries export only what their clients load eagerly.')
    context.note('Install footprint: the dependency closure as installed in this node_modules (apparent file sizes), plus stsrefresh\'s own unpacked size from npm pack --dry-run.')
    return rows
  },
}
