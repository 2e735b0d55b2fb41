// Soak child: the AWS SDK for JavaScript v3, run under `stsrefresh exec`, calling S3 and
// DynamoDB in a loop until SOAK_DEADLINE (epoch ms). Credentials should come only from the
// credential server (AWS_CONTAINER_CREDENTIALS_FULL_URI): GetCallerIdentity at the start and the
// end, signed with the S3 client's own credentials, says whose they were, and every access key
// the clients used is reported. Results go to SOAK_RESULT as JSON.
import { writeFileSync } from 'node:fs'
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'

const deadline = Number(process.env.SOAK_DEADLINE)
const s3 = new S3Client({ forcePathStyle: true })
const ddb = new DynamoDBClient({})
const sts = new STSClient({ credentials: s3.config.credentials })
let calls = 0
let failures = 0
const errors = []
const identity = {}
const keys = new Set()

async function whoami(when) {
  try {
    identity[when] = (await sts.send(new GetCallerIdentityCommand({}))).Arn
  } catch (error) {
    identity[when] = `error: ${error?.name}: ${String(error?.message).slice(0, 200)}`
  }
}

// The keys the clients sign with (their providers cache: this costs no request).
async function noteKeys() {
  for (const client of [s3, ddb]) {
    try {
      keys.add((await client.config.credentials()).accessKeyId)
    } catch {
      // A failed resolution shows up as a failed call.
    }
  }
}

await whoami('start')

async function call(what, fn) {
  calls++
  try {
    await fn()
  } catch (error) {
    failures++
    if (errors.length < 10)
      errors.push(`${what}: ${error?.name}: ${String(error?.message).slice(0, 200)}`)
  }
}

for (let n = 0; Date.now() < deadline; n++) {
  const key = `sdk/${n % 50}`
  const body = `sdk object ${n}`
  await call('PutObject', () =>
    s3.send(new PutObjectCommand({ Bucket: 'soak', Key: key, Body: body })),
  )
  await call('GetObject', async () => {
    const out = await s3.send(new GetObjectCommand({ Bucket: 'soak', Key: key }))
    const text = await out.Body.transformToString()
    if (text !== body) throw new Error(`object ${key} came back different`)
  })
  await call('PutItem', () =>
    ddb.send(
      new PutItemCommand({
        TableName: 'soak',
        Item: { pk: { S: `sdk#${n % 50}` }, n: { N: String(n) } },
      }),
    ),
  )
  await call('GetItem', async () => {
    const out = await ddb.send(
      new GetItemCommand({
        TableName: 'soak',
        Key: { pk: { S: `sdk#${n % 50}` } },
        ConsistentRead: true,
      }),
    )
    if (out.Item?.n?.N !== String(n)) throw new Error(`item sdk#${n % 50} came back different`)
  })
  await noteKeys()
  await new Promise((resolve) => setTimeout(resolve, 50))
}
await whoami('end')
writeFileSync(
  process.env.SOAK_RESULT,
  JSON.stringify({ client: 'aws-sdk-js-v3', calls, failures, errors, identity, keys: [...keys] }),
)
process.exit(failures === 0 ? 0 : 1)
