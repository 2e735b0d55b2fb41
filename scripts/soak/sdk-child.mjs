// Soak child: the AWS SDK for JavaScript v3, run under `stsrefresh exec`, calling S3 and
// DynamoDB in a loop until SOAK_DEADLINE (epoch ms). Credentials come only from the credential
// server (AWS_CONTAINER_CREDENTIALS_FULL_URI); results go to SOAK_RESULT as JSON.
import { writeFileSync } from 'node:fs'
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb'

const deadline = Number(process.env.SOAK_DEADLINE)
const s3 = new S3Client({ forcePathStyle: true })
const ddb = new DynamoDBClient({})
let calls = 0
let failures = 0
const errors = []

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
  await new Promise((resolve) => setTimeout(resolve, 50))
}
writeFileSync(
  process.env.SOAK_RESULT,
  JSON.stringify({ client: 'aws-sdk-js-v3', calls, failures, errors }),
)
process.exit(failures === 0 ? 0 : 1)
