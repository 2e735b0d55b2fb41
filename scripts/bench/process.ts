/**
 * Items 1 and 2: whole processes, spawn to exit, printing credentials in the credential_process
 * format against the emulator (credentials live 3600 s):
 *
 * - cached: `stsrefresh credential-process` (compiled binary, second and later runs hit its disk
 *   cache) vs `aws configure export-credentials --format process` (Debian's aws-cli 2.9.19,
 *   whose ~/.aws/cli/cache is warm) vs the Bun-compiled SDK v3 program (no cache exists there:
 *   it calls STS every time) vs an empty Bun-compiled program (the floor);
 * - AssumeRole from a cold process (uncached): a real cache miss for stsrefresh (its cache
 *   directory emptied before each run, outside the timing, so it reads, misses, locks, calls
 *   STS and writes its entry), `--no-cache` as a separate row (none of that cache work), the
 *   aws-cli cache emptied before each run (it misses and writes too), the SDK program, boto3
 *   (Debian's python3-boto3), and the floor.
 *
 * aws-cli 2.9.19 predates `AWS_ENDPOINT_URL` (2.13), and a profile's AssumeRole ignores
 * `--endpoint-url`; so its STS endpoint is pointed at the emulator the way botocore allows for
 * any model file: an `AWS_DATA_PATH` directory whose `sts/2011-06-15/endpoint-rule-set-1.json`
 * resolves every STS request to the emulator's URL.
 */
import { existsSync } from 'node:fs'
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { BenchContext, Benchmark, Row } from './common.ts'
import { isolatedEnv, isProcessCredentials, REGION, ROLE_ARN, run, scratch } from './common.ts'
import { alternate, summarize } from './stats.ts'
import { formatValue } from './table.ts'
import type { Alternation } from './stats.ts'

const METRIC = 'ms, spawn to exit (lower is better)'
/** The flags the performance pass proposes for scripts/compile.ts. */
const AWS = '/usr/bin/aws'
const PYTHON = '/usr/bin/python3'

type Variant = () => Promise<number>

/** A variant that runs `cmd` and fails loudly unless it printed process credentials. */
function timed(cmd: string[], env: Record<string, string>, before?: () => Promise<void>): Variant {
  return async () => {
    if (before) await before()
    const done = await run(cmd, { env })
    if (done.code !== 0 || !isProcessCredentials(done.stdout)) {
      throw new Error(`${cmd.slice(0, 3).join(' ')} exited ${done.code}: ${done.stderr.trim().split('\n').slice(-3).join(' | ')}`)
    }
    return done.ms
  }
}

/** The floor prints `{}`; only the exit code is checked. */
function floorVariant(binary: string, env: Record<string, string>): Variant {
  return async () => {
    const done = await run([binary], { env })
    if (done.code !== 0) throw new Error(`the empty program exited ${done.code}`)
    return done.ms
  }
}

async function awsDataPath(context: BenchContext, url: string): Promise<string> {
  const dir = await scratch(context, 'aws-data')
  await mkdir(join(dir, 'sts/2011-06-15'), { recursive: true })
  const ruleset = {
    version: '1.0',
    parameters: { Region: { builtIn: 'AWS::Region', required: false, documentation: 'The region.', type: 'String' } },
    rules: [{ conditions: [], endpoint: { url, properties: {}, headers: {} }, type: 'endpoint' }],
  }
  await writeFile(join(dir, 'sts/2011-06-15/endpoint-rule-set-1.json'), JSON.stringify(ruleset))
  return dir
}

function rowsOf(
  item: number,
  caseName: string,
  result: Alternation,
  notes: Record<string, string>,
  extra: (subject: string) => Row['ratio'] | undefined,
): Row[] {
  return Object.keys(result.each).map((subject): Row => {
    const ratio = subject === 'floor' ? undefined : { to: 'floor', value: result.ratios[subject]! }
    const second = extra(subject)
    return {
      item,
      case: caseName,
      subject,
      metric: METRIC,
      value: result.each[subject]!,
      ...(ratio ? { ratio } : {}),
      status: 'ok',
      note: [notes[subject], second ? `${formatValue(second.value)}× ${second.to}` : undefined]
        .filter(Boolean)
        .join('; '),
    }
  })
}

export const processBench: Benchmark = {
  name: 'process',
  items: [1, 2],
  title: 'Whole process: credential_process output, cached and cold AssumeRole',
  async run(context) {
    const { createEmulator, serveEmulator } = await import('../../src/emulator/index.ts')
    const emulator = createEmulator({ lifetimeSeconds: 3600 })
    const served = await serveEmulator(emulator, { port: 0 })
    const rows: Row[] = []
    try {
      const base = {
        AWS_ACCESS_KEY_ID: emulator.baseCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: emulator.baseCredentials.secretAccessKey,
        AWS_REGION: REGION,
        AWS_DEFAULT_REGION: REGION,
      }
      const floor = await context.compile('empty', 'scripts/bench/peers/empty.ts')
      const sdk = await context.compile('sdk-credential-process', 'scripts/bench/peers/sdk-credential-process.ts')
      const floorEnv = isolatedEnv(await scratch(context, 'floor-home'), {})

      // stsrefresh: the binary as scripts/compile.ts builds it.
      let stsrefresh: string | undefined
      let pending: string | undefined
      try {
        stsrefresh = await context.compile('stsrefresh', 'src/cli/main.ts')
      } catch (error) {
        pending = (error instanceof Error ? error.message : String(error)).split('\n')[0]
      }
      const ourHome = await scratch(context, 'stsrefresh-home')
      const ourEnv = isolatedEnv(ourHome, base)
      const ourArgs = ['credential-process', '--role-arn', ROLE_ARN, '--endpoint-url', served.url, '--region', REGION, '--duration', '3600']
      if (stsrefresh && !pending) {
        const probe = await run([stsrefresh, ...ourArgs], { env: ourEnv })
        if (probe.code !== 0 || !isProcessCredentials(probe.stdout)) {
          pending = `credential-process does not work yet (exit ${probe.code}): ${probe.stderr.trim().split('\n')[0] ?? ''}`
        }
      }

      // aws-cli: a role profile whose source credentials are the environment's.
      const awsHome = await scratch(context, 'aws-home')
      await mkdir(join(awsHome, '.aws'), { recursive: true })
      await writeFile(join(awsHome, '.aws/config'), `[profile bench]\nrole_arn = ${ROLE_ARN}\ncredential_source = Environment\nrole_session_name = aws-cli\nduration_seconds = 3600\nregion = ${REGION}\n`)
      const awsEnv = isolatedEnv(awsHome, { ...base, AWS_DATA_PATH: await awsDataPath(context, served.url) })
      const awsCmd = [AWS, 'configure', 'export-credentials', '--profile', 'bench', '--format', 'process']
      const awsCache = join(awsHome, '.aws/cli/cache')
      const hasAws = existsSync(AWS)
      const hasBoto = existsSync(PYTHON) && (await run([PYTHON, '-c', 'import boto3'])).code === 0
      if (!hasAws) context.note("Debian's aws-cli is not installed: its rows are left out.")
      if (!hasBoto) context.note("Debian's python3-boto3 is not installed: its rows are left out.")
      const sdkEnv = isolatedEnv(await scratch(context, 'sdk-home'), base)
      const sdkVariant = timed([sdk, served.url, ROLE_ARN], sdkEnv)

      const quick = context.quick
      const plan = { warmup: quick ? 1 : 2, runs: quick ? 5 : 15, baseline: 'floor' }

      // Item 1: cached.
      const cached: Record<string, Variant> = {}
      if (stsrefresh && !pending) cached.stsrefresh = timed([stsrefresh, ...ourArgs], ourEnv)
      if (hasAws) cached['aws-cli export-credentials'] = timed(awsCmd, awsEnv)
      cached['sdk-v3 (compiled)'] = sdkVariant
      cached.floor = floorVariant(floor, floorEnv)
      if (hasAws) await timed(awsCmd, awsEnv)() // fill its cache
      context.log('process: cached')
      const before = emulator.stats().stsCalls.AssumeRole ?? 0
      const cachedResult = await alternate(cached, plan)
      const during = (emulator.stats().stsCalls.AssumeRole ?? 0) - before
      const sdkRuns = plan.warmup + plan.runs
      context.note(`Cached: ${during - sdkRuns} AssumeRole calls by stsrefresh and aws-cli together over ${sdkRuns} rounds (0 expected; the SDK program made its ${sdkRuns}).`)
      const vsSdk = (result: Alternation, sdkName: string) => (subject: string): Row['ratio'] | undefined =>
        subject === 'stsrefresh'
          ? { to: sdkName, value: summarize(result.samples[subject]!.map((v, i) => v / result.samples[sdkName]![i]!)) }
          : undefined
      rows.push(...rowsOf(1, 'credential-process, cached credentials', cachedResult, {
        'sdk-v3 (compiled)': 'no cross-process cache in the SDK: calls STS every run',
        stsrefresh: 'targets: ≤ 1.5× floor, ≤ 0.5× sdk-v3',
      }, vsSdk(cachedResult, 'sdk-v3 (compiled)')))
      if (pending) rows.push({ item: 1, case: 'credential-process, cached credentials', subject: 'stsrefresh', metric: METRIC, status: 'pending', note: pending })

      // Items 1 and 2: a cold process that has to call AssumeRole. stsrefresh misses for real:
      // its cache directory (under the fresh HOME; isolatedEnv passes no XDG_CACHE_HOME or
      // STSREFRESH_CACHE_DIR) is emptied before each run, outside the timing.
      const cold: Record<string, Variant> = {}
      const ourCache = join(ourHome, '.cache/stsrefresh')
      if (stsrefresh && !pending) {
        if (!existsSync(ourCache) || (await readdir(ourCache)).length === 0) {
          throw new Error(`stsrefresh wrote no cache entry under ${ourCache}: the cache-miss row would not empty its cache`)
        }
        const emptyCache = async (): Promise<void> => {
          for (const name of await readdir(ourCache)) await rm(join(ourCache, name), { recursive: true, force: true })
        }
        cold.stsrefresh = timed([stsrefresh, ...ourArgs], ourEnv, emptyCache)
        cold['stsrefresh --no-cache'] = timed([stsrefresh, ...ourArgs, '--no-cache'], ourEnv)
      }
      if (hasAws) cold['aws-cli export-credentials'] = timed(awsCmd, awsEnv, () => rm(awsCache, { recursive: true, force: true }))
      cold['sdk-v3 (compiled)'] = sdkVariant
      if (hasBoto) cold.boto3 = timed([PYTHON, join(import.meta.dir, 'peers/boto3_assume_role.py'), served.url, ROLE_ARN], isolatedEnv(await scratch(context, 'boto-home'), base))
      cold.floor = floorVariant(floor, floorEnv)
      context.log('process: cold AssumeRole')
      const coldResult = await alternate(cold, plan)
      rows.push(...rowsOf(2, 'AssumeRole from a cold process (uncached credential-process)', coldResult, {
        'aws-cli export-credentials': 'cache emptied before each run (miss + write)',
        stsrefresh: 'cache directory emptied before each run (read, miss, lock, STS, write)',
        'stsrefresh --no-cache': 'skips the cache read, lock and write',
      }, vsSdk(coldResult, 'sdk-v3 (compiled)')))
      if (pending) rows.push({ item: 2, case: 'AssumeRole from a cold process (uncached credential-process)', subject: 'stsrefresh', metric: METRIC, status: 'pending', note: pending })
    } finally {
      await served.close()
    }
    context.note('Each round runs every subject once (order rotating); ratios to the floor and to the SDK are taken within the round. The emulator answers from this process on 127.0.0.1.')
    context.note('Cold: `stsrefresh` is a real cache miss (its cache directory emptied before each run, outside the timing; it reads, misses, takes the lock, calls STS and writes the entry), as aws-cli misses and writes; `stsrefresh --no-cache` skips all cache work and is shown apart.')
    context.note('aws-cli 2.9.19 has `configure export-credentials`; its STS endpoint is redirected with an AWS_DATA_PATH endpoint rule set (it predates AWS_ENDPOINT_URL).')
    return rows
  },
}

