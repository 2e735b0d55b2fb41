/**
 * The README's TypeScript examples, typechecked against the API as it is and run as written (only
 * their imports pointed at this checkout) in their own Bun process: the library example against a
 * served emulator, the emulator example on its own. A README that drifts from the API fails here
 * (a renamed option, a method the clients no longer have, an event field), not in a user's first
 * five minutes.
 */
import { expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDynamoDbClient } from '../src/dynamodb/index.ts'
import { createEmulator, serveEmulator } from '../src/emulator/index.ts'
import { createS3Client } from '../src/s3/index.ts'
import { run } from './helpers/spawn.ts'

const ROOT = join(import.meta.dir, '..')

/** Where the examples' packages are in this checkout. */
const MODULES: Readonly<Record<string, string>> = {
  stsrefresh: join(ROOT, 'src/index.ts'),
  'stsrefresh/emulator': join(ROOT, 'src/emulator/index.ts'),
  '@aws-sdk/client-s3': join(ROOT, 'node_modules/@aws-sdk/client-s3'),
}

/** The first ```ts block after the README heading `heading`. */
function example(heading: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const at = readme.indexOf(`\n${heading}\n`)
  const block = at === -1 ? null : /```ts\n([\s\S]*?)```/.exec(readme.slice(at))
  if (!block) throw new Error(`README.md: no \`\`\`ts block under "${heading}"`)
  return block[1]!
}

/** `source` with its imports resolved to this checkout, to run from anywhere. */
function runnable(source: string): string {
  const program = source.replace(/from '([^']+)'/g, (_, name: string) => {
    if (!Object.hasOwn(MODULES, name)) throw new Error(`README example imports ${name}: add it to MODULES`)
    return `from ${JSON.stringify(name.startsWith('@') ? Bun.resolveSync(name, ROOT) : MODULES[name])}`
  })
  return program
}

/** tsc's complaints about `source` under the project's compiler options ('' when none). */
function typeErrors(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'readme-tsc-'))
  try {
    writeFileSync(join(dir, 'example.ts'), source)
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: join(ROOT, 'tsconfig.json'),
        compilerOptions: {
          typeRoots: [join(ROOT, 'node_modules')],
          types: ['bun-types'],
          paths: Object.fromEntries(Object.entries(MODULES).map(([name, path]) => [name, [path]])),
        },
        include: [],
        files: [join(dir, 'example.ts')],
      }),
    )
    const tsc = Bun.spawnSync([join(ROOT, 'node_modules/.bin/tsc'), '-p', join(dir, 'tsconfig.json')], { cwd: dir })
    return `${tsc.stdout.toString()}${tsc.stderr.toString()}${tsc.exitCode === 0 ? '' : `exit ${tsc.exitCode}`}`
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Run `program` with Bun from a scratch directory, with only `env` (and PATH, HOME). */
async function runExample(program: string, env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'readme-run-'))
  try {
    writeFileSync(join(dir, 'example.ts'), program)
    return await run([process.execPath, join(dir, 'example.ts')], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, AWS_EC2_METADATA_DISABLED: 'true', ...env },
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

test("the README's library and emulator examples typecheck against the API as it is", () => {
  expect(typeErrors(example('## The library'))).toBe('')
  expect(typeErrors(example('## The emulator'))).toBe('')
})

test("the README's library example runs as written against the emulator", async () => {
  const emulator = createEmulator({ lifetimeSeconds: 3600 })
  const served = await serveEmulator(emulator, { port: 0 })
  try {
    // What the example expects to exist, in the region it names.
    const common = { region: 'eu-west-1', endpoint: served.url, credentials: emulator.baseCredentials }
    const s3 = createS3Client(common)
    const ddb = createDynamoDbClient(common)
    await s3.createBucket({ Bucket: 'legacy' })
    await ddb.createTable({
      TableName: 'users',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    })
    const result = await runExample(runnable(example('## The library')), {
      // The default chain the example relies on finds these; every service goes to the emulator.
      AWS_ACCESS_KEY_ID: emulator.baseCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: emulator.baseCredentials.secretAccessKey,
      AWS_ENDPOINT_URL: served.url,
    })
    // One refresh event, its key id masked (events never carry a whole key).
    expect({ code: result.code, stderr: result.stderr }).toEqual({
      code: 0,
      stderr: expect.stringMatching(/^refreshed ASIA…\w{4} until \d{4}-\d\d-\d\dT[\d:.]+Z\n$/),
    })

    // What the example did, as the emulator saw it and holds it.
    expect(emulator.stats().stsCalls).toEqual({ AssumeRole: 1 })
    expect(await (await s3.getObject({ Bucket: 'legacy', Key: 'hello.txt' })).Body.text()).toBe('hello')
    const { Item } = await ddb.getItem({ TableName: 'users', Key: { pk: 'user#1' } })
    expect(Item).toEqual({ pk: 'user#1', n: 42, tags: new Set(['a']) })
  } finally {
    await served.close()
  }
})

test("the README's emulator example runs as written, with no AWS configuration at all", async () => {
  // The example leaves its session and server running, as a program that goes on would; the
  // test closes them after it and prints what happened.
  const epilogue = `
await served.close()
await credentials.stop()
console.log(JSON.stringify({ stats: emulator.stats(), url: served.url }))
`
  const result = await runExample(runnable(example('## The emulator')) + epilogue, {})
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' })
  const { stats, url } = JSON.parse(result.stdout) as { stats: { stsCalls: Record<string, number> }; url: string }
  // 60 s of manual time over 10 s credentials: the first AssumeRole, then one refresh before each
  // expiry (at 10% of the lifetime left, less up to 20% of that as jitter): 7 or 8 in all.
  expect(stats.stsCalls.AssumeRole).toBeGreaterThanOrEqual(7)
  expect(stats.stsCalls.AssumeRole).toBeLessThanOrEqual(8)
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
})
