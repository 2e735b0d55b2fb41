// Client throughput against the emulator, one runtime (Bun or Node) and one case per process:
// stsrefresh's S3/DynamoDB clients vs the AWS SDK v3 clients vs unsigned fetch (the ceiling),
// alternated round by round (order rotating). Usage:
//   <bun|node> client-worker.mjs <lib-bundle.mjs> <config-json>
// config: { endpoint, accessKeyId, secretAccessKey, roleArn, region, kind: 's3-1k'|'s3-1m'|'ddb',
//           concurrency, ms, rounds }
// Prints {"stsrefresh": [pairs/s...], "sdk": [...], "fetch": [...]} (the warm-up round dropped).
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

function check(ok, what) {
  if (!ok) throw new Error(`client-worker: ${what}`)
}

async function stsrefreshOps() {
  const credentials = lib.refreshable(lib.fromAssumeRole({ roleArn, roleSessionName: 'bench-stsrefresh', durationSeconds: 3600, region, endpoint, source: base }))
  const s3 = lib.createS3Client({ region, credentials, endpoint, forcePathStyle: true })
  const ddb = lib.createDynamoDbClient({ region, credentials, endpoint })
  if (kind === 'ddb') {
    return async (k) => {
      await ddb.putItem({ TableName: table, Item: item(k) })
      const out = await ddb.getItem({ TableName: table, Key: { id: `key-${k}` } })
      check(out.Item?.v === 42, 'stsrefresh getItem returned the wrong item')
    }
  }
  return async (k) => {
    await s3.putObject({ Bucket: bucket, Key: `r-${k}`, Body: body })
    const out = await s3.getObject({ Bucket: bucket, Key: `r-${k}` })
    const bytes = await out.Body.bytes()
    check(bytes.length === size, 'stsrefresh getObject returned the wrong length')
  }
}

async function sdkOps() {
  const credentials = fromTemporaryCredentials({ params: { RoleArn: roleArn, RoleSessionName: 'bench-sdk', DurationSeconds: 3600 }, masterCredentials: base, clientConfig: { region, endpoint } })
  if (kind === 'ddb') {
    const ddb = new DynamoDBClient({ region, endpoint, credentials })
    return async (k) => {
      await ddb.send(new PutItemCommand({ TableName: table, Item: avItem(k) }))
      const out = await ddb.send(new GetItemCommand({ TableName: table, Key: { id: { S: `key-${k}` } } }))
      check(out.Item?.v?.N === '42', 'sdk GetItem returned the wrong item')
    }
  }
  const s3 = new S3Client({ region, endpoint, forcePathStyle: true, credentials })
  return async (k) => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `s-${k}`, Body: body }))
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `s-${k}` }))
    const bytes = await out.Body.transformToByteArray()
    check(bytes.length === size, 'sdk GetObject returned the wrong length')
  }
}

// The ceiling: the same HTTP exchanges without SigV4 (the emulator answers them with an
// authentication error at once, so this is the cost of the HTTP round trips alone).
async function fetchOps() {
  if (kind === 'ddb') {
    const send = async (target, payload) => {
      const response = await fetch(`${endpoint}/`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${target}` }, body: JSON.stringify(payload) })
      await response.arrayBuffer()
    }
    return async (k) => {
      await send('PutItem', { TableName: table, Item: avItem(k) })
      await send('GetItem', { TableName: table, Key: { id: { S: `key-${k}` } } })
    }
  }
  return async (k) => {
    await (await fetch(`${endpoint}/${bucket}/f-${k}`, { method: 'PUT', body })).arrayBuffer()
    await (await fetch(`${endpoint}/${bucket}/f-${k}`)).arrayBuffer()
  }
}

async function rate(op) {
  let count = 0
  const start = performance.now()
  const worker = async (k) => {
    while (performance.now() - start < ms) {
      await op(k)
      count++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, (_, k) => worker(k)))
  return (count * 1000) / (performance.now() - start)
}

const ops = { stsrefresh: await stsrefreshOps(), sdk: await sdkOps(), fetch: await fetchOps() }
const names = Object.keys(ops)
const samples = Object.fromEntries(names.map((n) => [n, []]))
for (let round = 0; round <= rounds; round++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(i + round) % names.length]
    const value = await rate(ops[name])
    if (round > 0) samples[name].push(value)
  }
}
console.log(JSON.stringify(samples))
process.exit(0)
