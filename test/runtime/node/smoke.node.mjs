// Node smoke test: the BUILT package (dist/), imported by its own name, works on Node >= 20:
// the emulator served with node:http, a refreshable AssumeRole session, S3 and DynamoDB clients.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  createDynamoDbClient,
  createS3Client,
  createStsClient,
  fromAssumeRole,
  isAwsServiceError,
  refreshable,
} from 'stsrefresh'
import { createEmulator, serveEmulator } from 'stsrefresh/emulator'

test('the library drives the emulator on Node through the built package', async () => {
  const emulator = createEmulator({ lifetimeSeconds: 900 })
  const server = await serveEmulator(emulator, { port: 0 })
  const region = 'us-east-1'
  const endpoint = server.url
  const credentials = refreshable(
    fromAssumeRole({
      roleArn: `arn:aws:iam::${emulator.accountId}:role/node-smoke`,
      roleSessionName: 'node-smoke',
      durationSeconds: 900,
      region,
      endpoint,
      source: emulator.baseCredentials,
    }),
  )
  try {
    const creds = await credentials.get()
    assert.match(creds.accessKeyId, /^ASIA/)
    assert.ok(creds.expiration instanceof Date)

    const sts = createStsClient({ region, endpoint, credentials })
    const me = await sts.getCallerIdentity()
    assert.equal(me.Arn, `arn:aws:sts::${emulator.accountId}:assumed-role/node-smoke/node-smoke`)

    const s3 = createS3Client({ region, endpoint, credentials })
    await s3.createBucket({ Bucket: 'node-smoke' })
    const bytes = new Uint8Array(256).map((_, i) => i)
    await s3.putObject({ Bucket: 'node-smoke', Key: 'dir/all-bytes.bin', Body: bytes })
    const object = await s3.getObject({ Bucket: 'node-smoke', Key: 'dir/all-bytes.bin' })
    // Checksummed both ways, as the SDKs do: a CRC32 sent (zlib.crc32 here) and the body checked.
    assert.equal(object.ChecksumCRC32, 'KQWMcw==')
    assert.deepEqual(await object.Body.bytes(), bytes)
    // A stream goes with its CRC32 as an aws-chunked trailer, over undici.
    const big = new Uint8Array(200_000).map((_, i) => (i * 7) & 0xff)
    const streamed = await s3.putObject({
      Bucket: 'node-smoke',
      Key: 'streamed.bin',
      Body: new Blob([big]).stream(),
      ContentLength: big.length,
    })
    assert.match(streamed.ChecksumCRC32, /^[A-Za-z0-9+/]{6}==$/)
    const back = await s3.getObject({ Bucket: 'node-smoke', Key: 'streamed.bin' })
    assert.equal(back.ChecksumCRC32, streamed.ChecksumCRC32)
    assert.deepEqual(new Uint8Array(await new Response(back.Body.stream()).arrayBuffer()), big)
    // The checked body is still a byte stream, as undici's is: a BYOB reader reads it.
    const byob = (await s3.getObject({ Bucket: 'node-smoke', Key: 'streamed.bin' })).Body.stream().getReader({ mode: 'byob' })
    let read = 0
    for (;;) {
      const { done, value } = await byob.read(new Uint8Array(4096))
      if (done) break
      read += value.length
    }
    assert.equal(read, big.length)

    const ddb = createDynamoDbClient({ region, endpoint, credentials })
    await ddb.createTable({
      TableName: 'node-smoke',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    })
    const item = { pk: 'user#1', n: 42, big: 2n ** 64n, tags: new Set(['a', 'b']), ok: true, none: null }
    await ddb.putItem({ TableName: 'node-smoke', Item: item })
    const got = await ddb.getItem({ TableName: 'node-smoke', Key: { pk: 'user#1' } })
    assert.deepEqual(got.Item, item)

    await assert.rejects(
      s3.getObject({ Bucket: 'node-smoke', Key: 'missing' }),
      (error) => isAwsServiceError(error) && error.code === 'NoSuchKey' && error.status === 404,
    )
    assert.equal(emulator.stats().stsCalls.AssumeRole, 1)
  } finally {
    await credentials.stop()
    await server.close()
  }
})

test('the subpath entries (stsrefresh/sts, /s3, /dynamodb) work on Node, lazy chunks included', async () => {
  const sts = await import('stsrefresh/sts')
  const s3 = await import('stsrefresh/s3')
  const dynamodb = await import('stsrefresh/dynamodb')
  const main = await import('stsrefresh')
  // One copy of the shared code across entries (the build splits it into chunks).
  assert.equal(s3.AwsServiceError, main.AwsServiceError)
  assert.equal(dynamodb.BatchIncompleteError, main.BatchIncompleteError)
  assert.equal(sts.RefreshableCredentials, main.RefreshableCredentials)

  const emulator = createEmulator({ lifetimeSeconds: 900 })
  const server = await serveEmulator(emulator, { port: 0 })
  const region = 'us-east-1'
  const endpoint = server.url
  const credentials = sts.refreshable(
    sts.fromAssumeRole({
      roleArn: `arn:aws:iam::${emulator.accountId}:role/node-subpath`,
      roleSessionName: 'node-subpath',
      region,
      endpoint,
      source: emulator.baseCredentials,
    }),
  )
  try {
    const context = s3.createS3Context({ region, endpoint, credentials })
    await s3.createBucket(context, { Bucket: 'node-subpath' })
    await s3.putObject(context, { Bucket: 'node-subpath', Key: 'a.txt', Body: 'hello' })
    const got = await s3.getObject(context, { Bucket: 'node-subpath', Key: 'a.txt' })
    assert.equal(await got.Body.text(), 'hello')
    // Operations whose code loads on demand, through the functions and through the client.
    await s3.upload(context, { Bucket: 'node-subpath', Key: 'b.txt', Body: 'world' })
    const client = s3.createS3Client({ region, endpoint, credentials })
    const page = await client.listObjectsV2({ Bucket: 'node-subpath' })
    assert.deepEqual(page.Contents?.map((o) => o.Key), ['a.txt', 'b.txt'])
    const url = await client.presign({ Bucket: 'node-subpath', Key: 'a.txt', method: 'GET' })
    assert.equal(await (await fetch(url)).text(), 'hello')
    const removed = await client.deleteObjects({
      Bucket: 'node-subpath',
      Delete: { Objects: [{ Key: 'a.txt' }, { Key: 'b.txt' }] },
    })
    assert.equal(removed.Deleted?.length, 2)
    await assert.rejects(
      s3.getObject(context, { Bucket: 'node-subpath', Key: 'a.txt' }),
      (error) => main.isAwsServiceError(error) && error instanceof main.AwsServiceError,
    )

    const ddb = dynamodb.createDynamoDbClient({ region, endpoint, credentials })
    await ddb.createTable({
      TableName: 'node-subpath',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    })
    await ddb.putItem({ TableName: 'node-subpath', Item: { pk: 'p1', n: 1 } })
    assert.deepEqual((await ddb.getItem({ TableName: 'node-subpath', Key: { pk: 'p1' } })).Item, { pk: 'p1', n: 1 })
    await ddb.batchWriteItem({
      RequestItems: { 'node-subpath': [{ PutRequest: { Item: { pk: 'p2', n: 2 } } }] },
    })
    const batch = await ddb.batchGetItem({
      RequestItems: { 'node-subpath': { Keys: [{ pk: 'p1' }, { pk: 'p2' }] } },
    })
    assert.equal(batch.Responses?.['node-subpath']?.length, 2)
  } finally {
    await credentials.stop()
    await server.close()
  }
})
