/**
 * Issue 4's proof: a migration job (hundreds of S3 objects read, transformed and written to
 * DynamoDB with batch writes, with throttled batches) while the emulator issues credentials that
 * live 5 seconds and the job spans dozens of expiries: zero failed operations, every item present
 * and correct afterwards. Time is a manual clock; each operation "takes" 250 ms.
 */
import { expect, test } from 'bun:test'
import { createManualClock } from '../src/clock.ts'
import { fromAssumeRole } from '../src/credentials/assume-role.ts'
import { refreshable } from '../src/credentials/refreshable.ts'
import { createDynamoDbClient } from '../src/dynamodb/index.ts'
import { createEmulator } from '../src/emulator/emulator.ts'
import { createS3Client } from '../src/s3/index.ts'

const OBJECTS = 400
const LIFETIME_S = 5
const STEP_MS = 250

test('a migration through 20+ credential expiries loses nothing', async () => {
  const clock = createManualClock(Date.UTC(2026, 10, 27), { settle: () => new Promise((r) => setTimeout(r, 0)) })
  const emulator = createEmulator({ clock, lifetimeSeconds: LIFETIME_S })
  const common = { region: 'us-east-1', endpoint: 'http://emulator.test', fetch: emulator.fetch, clock }
  const credentials = refreshable(
    fromAssumeRole({ ...common, roleArn: `arn:aws:iam::${emulator.accountId}:role/migration`, roleSessionName: 'migration', source: emulator.baseCredentials }),
    { clock },
  )
  const refreshErrors: unknown[] = []
  credentials.on('error', (event) => refreshErrors.push(event.error))
  const s3 = createS3Client({ ...common, credentials })
  const ddb = createDynamoDbClient({ ...common, credentials })
  let failed = 0
  // Time flows while an operation is pending (backoff sleeps run on the same manual clock),
  // then each operation costs STEP_MS.
  const op = async <T>(work: () => Promise<T>): Promise<T> => {
    let done = false
    const pending = work().finally(() => {
      done = true
    })
    try {
      while (!done) await clock.advance(10)
      return await pending
    } catch (error) {
      failed++
      throw error
    } finally {
      await clock.advance(STEP_MS)
    }
  }

  try {
    await op(() => s3.createBucket({ Bucket: 'legacy' }))
    await op(() =>
      ddb.createTable({
        TableName: 'users',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    )
    for (let i = 0; i < OBJECTS; i++) {
      const record = { id: i, name: `user ${i}`, score: i * 1.5, tags: [`t${i % 7}`] }
      await op(() => s3.putObject({ Bucket: 'legacy', Key: `users/${String(i).padStart(4, '0')}.json`, Body: JSON.stringify(record) }))
    }

    // The job: list every page, read and transform each object, write in batches of 25 while
    // the table hands back a few items of every batch as unprocessed (a throttled table).
    emulator.settings.dynamodbUnprocessedPerBatch = 4
    let batch: Record<string, unknown>[] = []
    const flush = async (): Promise<void> => {
      const items = batch
      batch = []
      await op(() => ddb.batchWriteItem({ RequestItems: { users: items.map((Item) => ({ PutRequest: { Item } })) } }))
    }
    let seen = 0
    for await (const page of s3.paginateListObjectsV2({ Bucket: 'legacy', Prefix: 'users/', MaxKeys: 50 })) {
      for (const object of page.Contents ?? []) {
        const body = await op(() => s3.getObject({ Bucket: 'legacy', Key: object.Key as string }))
        const record = JSON.parse(await body.Body.text()) as { id: number; name: string; score: number; tags: string[] }
        batch.push({ pk: `user#${record.id}`, name: record.name.toUpperCase(), score: record.score, tags: new Set(record.tags) })
        seen++
        if (batch.length === 25) await flush()
      }
    }
    if (batch.length > 0) await flush()
    emulator.settings.dynamodbUnprocessedPerBatch = 0

    // Verify every item, through the same refreshing credentials.
    const items = new Map<string, Record<string, unknown>>()
    for await (const page of ddb.paginateScan({ TableName: 'users', Limit: 100 })) {
      for (const item of page.Items ?? []) items.set(item.pk as string, item)
      await clock.advance(STEP_MS)
    }
    expect(seen).toBe(OBJECTS)
    expect(items.size).toBe(OBJECTS)
    for (let i = 0; i < OBJECTS; i++) {
      expect(items.get(`user#${i}`)).toEqual({ pk: `user#${i}`, name: `USER ${i}`, score: i * 1.5, tags: new Set([`t${i % 7}`]) })
    }
    expect(failed).toBe(0)
    expect(refreshErrors).toEqual([])
    const stats = emulator.stats()
    const elapsedS = (clock.now() - Date.UTC(2026, 10, 27)) / 1000
    expect(elapsedS / LIFETIME_S).toBeGreaterThan(20)
    // About one AssumeRole per lifetime: never one per call.
    expect(stats.credentialsIssued).toBeGreaterThanOrEqual(Math.floor(elapsedS / LIFETIME_S))
    expect(stats.credentialsIssued).toBeLessThan((elapsedS / LIFETIME_S) * 1.5)
    expect(stats.rejections).toEqual({})
  } finally {
    await credentials.stop()
  }
}, 120_000)
