// Client throughput against the emulator, one runtime (Bun or Node) and one case per process:
// stsrefresh's S3/DynamoDB clients vs the AWS SDK v3 clients vs the ceiling, alternated round by
// round (order rotating). Usage:
//   <bun|node> client-worker.mjs <lib-bundle.mjs> <config-json>
// config: { endpoint, accessKeyId, secretAccessKey, roleArn, region, kind: 's3-1k'|'s3-1m'|'ddb',
//           concurrency, ms, rounds, probe? }
// S3 kinds run five variants: each client with its default checksum settings (`stsrefresh`,
// `sdk`), both with checksums off (`stsrefreshOff`, `sdkOff`: requestChecksumCalculation and
// responseChecksumValidation 'WHEN_REQUIRED', the SDK's option names, which stsrefresh's S3
// client takes too), and the ceiling (`fetch`). DynamoDB has no checksum settings: three.
// Prints {"stsrefresh": [pairs/s...], "sdk": [...], ..., "fetch": [...], "cpuMsPerPair":
// {"stsrefresh": [ms...], ...}} (the warm-up round dropped). With `probe: true` every variant does one put+get (key prefix per variant, so a
// proxy in front of the emulator can see what each sends) and it prints {"probed": true}.
import { S3Client, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3'
import { DynamoDBClient, PutItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb'
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers'

const [bundle, configJson] = process.argv.slice(2)
const config = JSON.parse(configJson)
const lib = await import(bundle)
const { endpoint, region, roleArn, kind, concurrency, ms, rounds } = config
const base = { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
const size = kind === 's3-1m' ? 1024 * 1024 : 1024
const body = new Uint8Array(size).map((_, i) => (i * 31) & 0xff)
const bucket = 'bench'
const table = 'bench'
const item = (k) => ({ id: `key-${k}`, v: 42, s: 'x'.repeat(100) })
const avItem = (k) => ({ id: { S: `key-${k}` }, v: { N: '42' }, s: { S: 'x'.repeat(100) } })
// The SDK's names and values for "only when the operation requires it" (checksums off for
// PutObject/GetObject); stsrefresh's S3 client takes the same two options.
const CHECKSUMS_OFF = { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }

function check(ok, what) {
  if (!ok) throw new Error(`client-worker: ${what}`)
}

async function stsrefreshOps(prefix, extra) {
  const credentials = lib.refreshable(lib.fromAssumeRole({ roleArn, roleSessionName: 'bench-stsrefresh', durationSeconds: 3600, region, endpoint, source: base }))
  if (kind === 'ddb') {
    const ddb = lib.createDynamoDbClient({ region, credentials, endpoint })
    return async (k) => {
      await ddb.putItem({ TableName: table, Item: item(k) })
      const out = await ddb.getItem({ TableName: table, Key: { id: `key-${k}` } })
      check(out.Item?.v === 42, 'stsrefresh getItem returned the wrong item')
    }
  }
  const s3 = lib.createS3Client({ region, credentials, endpoint, forcePathStyle: true, ...extra })
  return async (k) => {
    await s3.putObject({ Bucket: bucket, Key: `${prefix}-${k}`, Body: body })
    const out = await s3.getObject({ Bucket: bucket, Key: `${prefix}-${k}` })
    const bytes = await out.Body.bytes()
    check(bytes.length === size, 'stsrefresh getObject returned the wrong length')
  }
}

async function sdkOps(prefix, extra) {
  const credentials = fromTemporaryCredentials({ params: { RoleArn: roleArn, RoleSessionName: 'bench-sdk', DurationSeconds: 3600 }, masterCredentials: base, clientConfig: { region, endpoint } })
  if (kind === 'ddb') {
    const ddb = new DynamoDBClient({ region, endpoint, credentials })
    return async (k) => {
      await ddb.send(new PutItemCommand({ TableName: table, Item: avItem(k) }))
      const out = await ddb.send(new GetItemCommand({ TableName: table, Key: { id: { S: `key-${k}` } } }))
      check(out.Item?.v?.N === '42', 'sdk GetItem returned the wrong item')
    }
  }
  const s3 = new S3Client({ region, endpoint, forcePathStyle: true, credentials, ...extra })
  return async (k) => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}-${k}`, Body: body }))
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}-${k}` }))
    const bytes = await out.Body.transformToByteArray()
    check(bytes.length === size, 'sdk GetObject returned the wrong length')
  }
}

// The ceiling: the same HTTP exchanges, signed but not by the client in the loop. Before each
// sample (outside its timing) every request a worker sends is SigV4-signed once, header auth,
// with the same assumed-role credentials (session token included) and a signed payload hash,
// as both clients sign; the loop then replays those exact requests with fetch. The emulator
// does what it does for the clients: verifies the signature and the payload hash, stores the
// object or item, returns the object's bytes or the item. (Presigned URLs would not do: a
// presigned PUT is UNSIGNED-PAYLOAD, so the emulator would skip hashing the body.) No checksum
// headers: the traffic of the checksums-off clients. Every answer is checked, every call.
async function fetchOps() {
  const session = lib.refreshable(lib.fromAssumeRole({ roleArn, roleSessionName: 'bench-ceiling', durationSeconds: 3600, region, endpoint, source: base }))
  const digests = lib.getPlatform().digests
  const sign = async (method, url, headers, payload, service) => {
    const signed = await lib.signRequest({ method, url: new URL(url), headers: new Headers(headers), body: payload, credentials: await session.get(), service, region, nowMs: Date.now(), keyCache: new Map(), digests })
    return { url: signed.url.toString(), init: { method, headers: signed.headers, ...(payload === undefined ? {} : { body: payload }) } }
  }
  let signed = []
  let op
  let prepare
  if (kind === 'ddb') {
    const json = { 'content-type': 'application/x-amz-json-1.0' }
    prepare = async () => {
      signed = await Promise.all(Array.from({ length: concurrency }, async (_, k) => ({
        put: await sign('POST', `${endpoint}/`, { ...json, 'x-amz-target': 'DynamoDB_20120810.PutItem' }, JSON.stringify({ TableName: table, Item: avItem(k) }), 'dynamodb'),
        get: await sign('POST', `${endpoint}/`, { ...json, 'x-amz-target': 'DynamoDB_20120810.GetItem' }, JSON.stringify({ TableName: table, Key: { id: { S: `key-${k}` } } }), 'dynamodb'),
      })))
    }
    op = async (k) => {
      const { put, get } = signed[k]
      const putResponse = await fetch(put.url, put.init)
      await putResponse.arrayBuffer()
      check(putResponse.status === 200, `ceiling PutItem answered ${putResponse.status}, not 200`)
      const getResponse = await fetch(get.url, get.init)
      const out = await getResponse.json()
      check(getResponse.status === 200 && out.Item?.v?.N === '42', `ceiling GetItem answered ${getResponse.status} without the item`)
    }
  } else {
    prepare = async () => {
      signed = await Promise.all(Array.from({ length: concurrency }, async (_, k) => ({
        // The payload's hash given, as both clients sign it over plain HTTP: left out, aws4fetch
        // signs S3 requests UNSIGNED-PAYLOAD and the emulator would skip hashing the body.
        put: await sign('PUT', `${endpoint}/${bucket}/f-${k}`, { 'x-amz-content-sha256': await lib.sha256Hex(body, digests) }, body, 's3'),
        get: await sign('GET', `${endpoint}/${bucket}/f-${k}`, {}, undefined, 's3'),
      })))
    }
    op = async (k) => {
      const { put, get } = signed[k]
      const putResponse = await fetch(put.url, put.init)
      await putResponse.arrayBuffer()
      check(putResponse.status === 200, `ceiling PUT answered ${putResponse.status}, not 200`)
      const getResponse = await fetch(get.url, get.init)
      const bytes = await getResponse.arrayBuffer()
      check(getResponse.status === 200 && bytes.byteLength === size, `ceiling GET answered ${getResponse.status} with ${bytes.byteLength} bytes, not ${size}`)
    }
  }
  op.prepare = prepare
  return op
}

// The worker's own CPU time per pair for each variant, per sample: when the server bounds the
// rate (1 MB at 32 at a time on two cores), what a client costs shows here, not in pairs/s.
const cpu = {}

async function rate(op, name) {
  if (op.prepare) await op.prepare()
  let count = 0
  const cpuStart = process.cpuUsage()
  const start = performance.now()
  const worker = async (k) => {
    while (performance.now() - start < ms) {
      await op(k)
      count++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, (_, k) => worker(k)))
  const elapsed = performance.now() - start
  const used = process.cpuUsage(cpuStart)
  if (name) (cpu[name] ??= []).push((used.user + used.system) / 1000 / count)
  return (count * 1000) / elapsed
}

const ops = { stsrefresh: await stsrefreshOps('r', {}), sdk: await sdkOps('s', {}) }
if (kind !== 'ddb') {
  ops.stsrefreshOff = await stsrefreshOps('ro', CHECKSUMS_OFF)
  ops.sdkOff = await sdkOps('so', CHECKSUMS_OFF)
}
ops.fetch = await fetchOps()
if (config.probe) {
  for (const op of Object.values(ops)) {
    if (op.prepare) await op.prepare()
    await op(0)
  }
  console.log(JSON.stringify({ probed: true }))
  process.exit(0)
}
const names = Object.keys(ops)
const samples = Object.fromEntries(names.map((n) => [n, []]))
for (let round = 0; round <= rounds; round++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(i + round) % names.length]
    const value = await rate(ops[name], round > 0 ? name : undefined)
    if (round > 0) samples[name].push(value)
  }
}
console.log(JSON.stringify({ ...samples, cpuMsPerPair: cpu }))
process.exit(0)
