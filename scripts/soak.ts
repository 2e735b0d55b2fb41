/**
 * Soak: `npm run soak -- --minutes N` (or `--seconds N` for a quick local check).
 *
 * 1. The CLI's `exec` (the compiled binary `dist/bin/stsrefresh` when it is not older than any
 *    file under src/, else `bun src/cli/main.ts`; which one and why is said on stderr) runs
 *    three children that call S3 and DynamoDB without pause: a script on the AWS SDK for
 *    JavaScript v3, a boto3 script, and an AWS CLI loop. The emulator, served by this process on
 *    127.0.0.1, issues credentials living 10-20 s and fails 10 % of AssumeRole calls. Each child
 *    asks GetCallerIdentity at its start and its end, with the credentials its clients sign
 *    with, and the SDK and boto3 children report every access key their clients used: the soak
 *    passes only if they were the role's (`assumed-role/soak/soak-<child>`), temporary (ASIA...)
 *    and, past one credential lifetime, refreshed (more than one key); calls that succeed with
 *    the emulator's long-term keys leaked by `exec` would prove nothing. Reported: calls made and
 *    failed (must be 0), the identities, AssumeRole calls against the ideal (one per lifetime per
 *    `exec`), and each `exec`'s RSS at the start and the end.
 * 2. The library in-process on a manual clock until the session has refreshed >= 1,000 times.
 *
 * Exits 1 if any call failed, a child did not finish cleanly or used other credentials; 2 for
 * bad flags; 130/143 on SIGINT/SIGTERM, after stopping the children (the signal, then SIGKILL
 * to their process groups after 2 s) and removing the temporary directory.
 * Options: --minutes N | --seconds N (default 3 minutes), --refreshes N (default 1000),
 * --failure-rate R (default 0.1), --seed N, --skip-exec, --skip-in-process.
 * SOAK_CLI=<command> runs that instead of stsrefresh (tests of the soak itself).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDynamoDbClient } from '../src/dynamodb/index.ts'
import { createEmulator, serveEmulator } from '../src/emulator/index.ts'
import { createS3Client } from '../src/s3/index.ts'
import { seededRandom } from '../src/random.ts'
import { chooseCli } from './soak/cli-command.ts'
import { identityProblems } from './soak/identity.ts'
import { inProcessSoak } from './soak/in-process.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const ROLE_NAME = 'soak'
const ROLE = `arn:aws:iam::123456789012:role/${ROLE_NAME}`
const MIN_LIFETIME = 10
const MAX_LIFETIME = 20

interface Options {
  durationMs: number
  refreshes: number
  failureRate: number
  seed: number
  exec: boolean
  inProcess: boolean
}

function usage(message: string): never {
  console.error(`soak: ${message}`)
  console.error(
    'usage: npm run soak -- [--minutes N | --seconds N] [--refreshes N] [--failure-rate R] [--seed N] [--skip-exec] [--skip-in-process]',
  )
  process.exit(2)
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = {
    durationMs: 3 * 60_000,
    refreshes: 1000,
    failureRate: 0.1,
    seed: 7,
    exec: true,
    inProcess: true,
  }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!
    const value = (): number => {
      const raw = argv[++i]
      const n = Number(raw)
      if (raw === undefined || !Number.isFinite(n) || n < 0)
        usage(`${flag} needs a number >= 0 (got ${raw ?? 'nothing'})`)
      return n
    }
    if (flag === '--minutes') options.durationMs = value() * 60_000
    else if (flag === '--seconds') options.durationMs = value() * 1000
    else if (flag === '--refreshes') options.refreshes = Math.floor(value())
    else if (flag === '--failure-rate') options.failureRate = value()
    else if (flag === '--seed') options.seed = Math.floor(value())
    else if (flag === '--skip-exec') options.exec = false
    else if (flag === '--skip-in-process') options.inProcess = false
    else usage(`unknown option ${flag}`)
  }
  if (options.failureRate > 1) usage('--failure-rate must be between 0 and 1')
  if (options.exec && options.durationMs < 5_000) usage('the exec soak needs at least --seconds 5')
  return options
}

/** The CLI to run, said on stderr with the reason (see scripts/soak/cli-command.ts). */
function cliCommand(): { argv: string[]; label: string } {
  const choice = chooseCli(ROOT, process.execPath, process.env.SOAK_CLI)
  console.error(choice.note)
  return choice
}

// What an interrupted soak must undo: the `exec` children (each the leader of its own process
// group, so its aws/python/node children can be killed with it) and the temporary directory.
const live = {
  children: new Set<ChildProcess>(),
  groups: new Set<number>(),
  work: undefined as string | undefined,
}
const GRACE_MS = 2_000

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // The group is gone already.
  }
}

async function interrupted(signal: NodeJS.Signals): Promise<never> {
  console.error(`soak: ${signal}: stopping ${live.children.size} exec children and their commands`)
  // As a terminal's Ctrl-C does: the signal to every process of each group, exec and its command.
  for (const pid of live.groups) killGroup(pid, signal)
  const closed = [...live.children].map(
    (child) => new Promise<void>((resolve) => child.once('close', () => resolve())),
  )
  await Promise.race([
    Promise.all(closed),
    new Promise<void>((resolve) => setTimeout(resolve, GRACE_MS).unref()),
  ])
  // Whatever is left (exec gone, a child of it still running): no grace.
  for (const pid of live.groups) killGroup(pid, 'SIGKILL')
  if (live.work) rmSync(live.work, { recursive: true, force: true })
  process.exit(signal === 'SIGINT' ? 130 : 143)
}

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // A second signal while stopping: stop waiting for the grace period.
    if (stopping) {
      for (const pid of live.groups) killGroup(pid, 'SIGKILL')
      if (live.work) rmSync(live.work, { recursive: true, force: true })
      process.exit(signal === 'SIGINT' ? 130 : 143)
    }
    stopping = true
    void interrupted(signal)
  })
}

function rssKiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) : undefined
  } catch {
    return undefined
  }
}

const mib = (kib: number | undefined): string =>
  kib === undefined ? 'n/a' : `${(kib / 1024).toFixed(1)} MiB`

interface ChildResult {
  readonly client: string
  readonly calls: number
  readonly failures: number
  readonly errors: readonly string[]
  /** GetCallerIdentity's Arn at the child's start and end (or what went wrong). */
  readonly identity?: { readonly start?: string; readonly end?: string }
  /** Every access key id the child's clients signed with (SDK and boto3 children). */
  readonly keys?: readonly string[]
  readonly exitCode: number | null
  readonly rssStart: number | undefined
  readonly rssEnd: number | undefined
  readonly stderr: string
}

/** Which children can run here; a missing tool is skipped (said), or fails under CI. */
function children(): { name: string; argv: string[] }[] {
  const list: { name: string; argv: string[] }[] = []
  const node = spawnSync('node', ['--version'], { encoding: 'utf8' })
  list.push({
    name: 'aws-sdk-js-v3',
    argv: [
      node.status === 0 ? 'node' : process.execPath,
      join(ROOT, 'scripts', 'soak', 'sdk-child.mjs'),
    ],
  })
  const missing = (what: string): void => {
    if (process.env.CI === 'true') {
      console.error(`soak: ${what} is required in CI`)
      process.exit(1)
    }
    console.log(`soak: skipping ${what}: not installed (apt-get install python3-boto3 awscli)`)
  }
  if (spawnSync('python3', ['-c', 'import boto3'], { encoding: 'utf8' }).status === 0) {
    list.push({ name: 'boto3', argv: ['python3', join(ROOT, 'scripts', 'soak', 'boto3-child.py')] })
  } else missing('the boto3 child')
  if (spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0) {
    list.push({ name: 'aws-cli', argv: ['sh', join(ROOT, 'scripts', 'soak', 'awscli-child.sh')] })
  } else missing('the AWS CLI child')
  return list
}

async function execSoak(options: Options): Promise<boolean> {
  const random = seededRandom(options.seed)
  const lifetime = (): number =>
    MIN_LIFETIME + Math.floor(random() * (MAX_LIFETIME - MIN_LIFETIME + 1))
  const emulator = createEmulator({ lifetimeSeconds: lifetime(), random })
  const served = await serveEmulator(emulator)
  const lifetimes: number[] = []
  // A new lifetime every few seconds, so the children see 10-20 s credentials throughout.
  const shuffle = setInterval(() => {
    emulator.lifetimeSeconds = lifetime()
    lifetimes.push(emulator.lifetimeSeconds)
  }, 3_000)
  lifetimes.push(emulator.lifetimeSeconds!)
  const work = mkdtempSync(join(tmpdir(), 'stsrefresh-soak-'))
  live.work = work
  try {
    const deps = {
      region: 'us-east-1',
      endpoint: served.url,
      fetch: emulator.fetch,
      env: {},
      credentials: emulator.baseCredentials,
    }
    await createS3Client({ ...deps, forcePathStyle: true }).createBucket({ Bucket: 'soak' })
    await createDynamoDbClient(deps).createTable({
      TableName: 'soak',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    })
    // AssumeRole only: the children's GetCallerIdentity checks are STS calls too, and must not
    // fail on purpose.
    emulator.faults.setFailureRate('AssumeRole', options.failureRate, 'error')
    emulator.resetStats()
    const cli = cliCommand()
    const kids = children()
    const started = Date.now()
    const deadline = started + options.durationMs
    console.log(
      `soak: exec (${cli.label}) x ${kids.length} children (${kids.map((k) => k.name).join(', ')}) for ` +
        `${Math.round(options.durationMs / 1000)} s; credentials live ${MIN_LIFETIME}-${MAX_LIFETIME} s; ` +
        `${Math.round(options.failureRate * 100)} % of AssumeRole calls fail`,
    )
    const runs = kids.map(async (kid): Promise<ChildResult> => {
      const home = join(work, kid.name)
      const result = join(work, `${kid.name}.json`)
      spawnSync('mkdir', ['-p', join(home, '.aws')])
      // Path-style S3 for the AWS CLI (loopback endpoint); nothing else in the files.
      writeFileSync(join(home, '.aws', 'config'), '[default]\ns3 =\n  addressing_style = path\n')
      const env: Record<string, string> = {}
      for (const [key, value] of Object.entries(process.env)) {
        if (value !== undefined && !key.startsWith('AWS_')) env[key] = value
      }
      Object.assign(env, served.env, {
        HOME: home,
        AWS_CONFIG_FILE: join(home, '.aws', 'config'),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_PAGER: '',
        STSREFRESH_CACHE_DIR: join(home, 'cache'),
        SOAK_DEADLINE: String(deadline),
        SOAK_RESULT: result,
      })
      const child = spawn(
        cli.argv[0]!,
        [
          ...cli.argv.slice(1),
          'exec',
          '--role-arn',
          ROLE,
          '--role-session-name',
          `soak-${kid.name}`,
          '--',
          ...kid.argv,
        ],
        // Its own process group: an interrupted soak can stop exec and its command together.
        { env, stdio: ['ignore', 'ignore', 'pipe'], cwd: ROOT, detached: true },
      )
      live.children.add(child)
      if (child.pid !== undefined) live.groups.add(child.pid)
      let stderr = ''
      child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-20_000)))
      const exited = new Promise<number | null>((resolve) =>
        child.on('close', (code) => resolve(code)),
      )
      await new Promise((resolve) => setTimeout(resolve, Math.min(3_000, options.durationMs / 4)))
      const rssStart = rssKiB(child.pid)
      let rssEnd: number | undefined
      const sampler = setTimeout(
        () => (rssEnd = rssKiB(child.pid)),
        Math.max(0, deadline - Date.now() - 1_000),
      )
      const exitCode = await exited
      live.children.delete(child)
      clearTimeout(sampler)
      let report = {
        client: kid.name,
        calls: 0,
        failures: 1,
        errors: ['the child wrote no result'] as string[],
      }
      if (existsSync(result)) report = JSON.parse(readFileSync(result, 'utf8'))
      if (existsSync(`${result}.err`)) {
        const err = readFileSync(`${result}.err`, 'utf8').trim()
        if (err) report.errors = [...report.errors, ...err.split('\n').slice(0, 10)]
      }
      return { ...report, exitCode, rssStart, rssEnd, stderr }
    })
    const results = await Promise.all(runs)
    const elapsedS = (Date.now() - started) / 1000
    const stats = emulator.stats()
    const meanLifetime = lifetimes.reduce((a, b) => a + b, 0) / lifetimes.length
    // Each exec needs one credential per lifetime it runs through (its first one included).
    const ideal = kids.length * Math.ceil(elapsedS / meanLifetime)
    const assumeRole = stats.stsCalls.AssumeRole ?? 0
    const failedSts = stats.faultsInjected.error ?? 0
    console.log('')
    console.log(
      `exec soak: ${elapsedS.toFixed(0)} s, mean credential lifetime ${meanLifetime.toFixed(1)} s`,
    )
    // Past one full credential lifetime (and the children's start), a client that used the role
    // must have moved on to a second key.
    const refreshedBy = (MAX_LIFETIME + 5) * 1000
    const problems = new Map(
      results.map((r) => [
        r.client,
        identityProblems(r, ROLE_NAME, `soak-${r.client}`, elapsedS * 1000 >= refreshedBy),
      ]),
    )
    for (const r of results) {
      console.log(
        `  ${r.client.padEnd(14)} calls ${String(r.calls).padStart(6)}  failed ${String(r.failures).padStart(3)}  ` +
          `exit ${r.exitCode}  exec RSS ${mib(r.rssStart)} -> ${mib(r.rssEnd)}`,
      )
      const start = r.identity?.start ?? 'not reported'
      const end = r.identity?.end ?? 'not reported'
      const keys = r.keys ? `; ${new Set(r.keys).size} access keys used` : ''
      console.log(`      identity at start ${start}, at end ${end}${keys}`)
      for (const p of problems.get(r.client) ?? []) console.log(`      WRONG CREDENTIALS: ${p}`)
      for (const e of r.errors) console.log(`      ${e}`)
      if (r.exitCode !== 0 && r.stderr.trim())
        console.log(`      exec stderr: ${r.stderr.trim().split('\n').slice(-5).join(' | ')}`)
    }
    const calls = results.reduce((sum, r) => sum + r.calls, 0)
    const failed = results.reduce((sum, r) => sum + r.failures, 0)
    console.log(
      `  total          calls ${String(calls).padStart(6)}  failed ${String(failed).padStart(3)}`,
    )
    console.log(
      `  AssumeRole: ${assumeRole} calls (${failedSts} failed on purpose, ${stats.credentialsIssued} issued); ` +
        `ideal ${ideal} (one per lifetime per exec); ${(stats.credentialsIssued / Math.max(1, ideal)).toFixed(2)}x ideal`,
    )
    console.log(`  soak process RSS at the end: ${mib(rssKiB(process.pid))}`)
    const wrong = [...problems.values()].reduce((sum, list) => sum + list.length, 0)
    if (wrong > 0) {
      console.log(
        `  ${wrong} credential problems: the children did not (only) use refreshed role credentials from exec`,
      )
    }
    return failed === 0 && wrong === 0 && results.every((r) => r.exitCode === 0 && r.calls > 0)
  } finally {
    clearInterval(shuffle)
    await served.close()
    rmSync(work, { recursive: true, force: true })
    live.work = undefined
    // Every child has exited: a stale group id must never be signalled (pids are reused).
    live.groups.clear()
  }
}

const options = parseOptions(process.argv.slice(2))
let ok = true
if (options.exec) ok = (await execSoak(options)) && ok
if (options.inProcess) {
  const began = performance.now()
  const report = await inProcessSoak({
    refreshes: options.refreshes,
    failureRate: options.failureRate,
    seed: options.seed,
    minLifetime: MIN_LIFETIME,
    maxLifetime: MAX_LIFETIME,
  })
  console.log('')
  console.log(
    `in-process soak: ${report.refreshes} refreshes over ${(report.simulatedSeconds / 3600).toFixed(2)} simulated hours ` +
      `(${((performance.now() - began) / 1000).toFixed(1)} s real)`,
  )
  console.log(`  calls ${report.calls}  failed ${report.failures}`)
  for (const e of report.errors) console.log(`      ${e}`)
  console.log(
    `  AssumeRole: ${report.assumeRoleCalls} calls (${report.injectedFailures} failed on purpose); ideal ${report.ideal}; ` +
      `${(report.refreshes / Math.max(1, report.ideal)).toFixed(2)}x ideal`,
  )
  ok = ok && report.failures === 0 && report.refreshes >= options.refreshes
}
console.log('')
console.log(ok ? 'soak: OK (0 failed calls)' : 'soak: FAILED')
process.exit(ok ? 0 : 1)
