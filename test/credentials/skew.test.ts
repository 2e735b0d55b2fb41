/**
 * A local clock 15 minutes off in either direction: the first request is refused as skewed, the
 * clock learns the offset from the emulator's Date header, and every request after that (STS,
 * S3, DynamoDB, and the session's judgement of expiry) follows the server's time.
 */
import { describe, expect, test } from 'bun:test'
import { createManualClock, withSkewCorrection } from '../../src/clock.ts'
import { fromAssumeRole } from '../../src/credentials/assume-role.ts'
import { refreshable } from '../../src/credentials/refreshable.ts'
import { createDynamoDbClient } from '../../src/dynamodb/index.ts'
import { createEmulator } from '../../src/emulator/emulator.ts'
import { createS3Client } from '../../src/s3/index.ts'
import type { Clock } from '../../src/types.ts'

const endpoint = 'http://emulator.test'
const region = 'us-east-1'

for (const skewMinutes of [15, -15]) {
  describe(`local clock ${skewMinutes > 0 ? 'ahead' : 'behind'} by 15 minutes`, () => {
    test('STS, S3 and DynamoDB calls succeed and the session judges expiry in server time', async () => {
      const serverClock = createManualClock()
      const emulator = createEmulator({ clock: serverClock, lifetimeSeconds: 900 })
      const local: Clock = {
        now: () => serverClock.now() + skewMinutes * 60_000,
        setTimer: (callback, delayMs) => serverClock.setTimer(callback, delayMs),
      }
      const clock = withSkewCorrection(local)
      const credentials = refreshable(
        fromAssumeRole({
          roleArn: `arn:aws:iam::${emulator.accountId}:role/skew`,
          roleSessionName: 'skew',
          region,
          endpoint,
          fetch: emulator.fetch,
          clock,
          source: emulator.baseCredentials,
        }),
        { clock },
      )
      try {
        const creds = await credentials.get()
        expect(clock.offsetMs).toBe(-skewMinutes * 60_000)
        expect(creds.expiration?.getTime()).toBe(serverClock.now() + 900_000)

        const s3 = createS3Client({ region, endpoint, credentials, fetch: emulator.fetch, clock })
        await s3.createBucket({ Bucket: 'skew' })
        await s3.putObject({ Bucket: 'skew', Key: 'k', Body: 'v' })
        expect(await (await s3.getObject({ Bucket: 'skew', Key: 'k' })).Body.text()).toBe('v')

        const ddb = createDynamoDbClient({ region, endpoint, credentials, fetch: emulator.fetch, clock })
        await ddb.createTable({
          TableName: 'skew',
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        })
        await ddb.putItem({ TableName: 'skew', Item: { pk: 'a', n: 1 } })
        expect((await ddb.getItem({ TableName: 'skew', Key: { pk: 'a' } })).Item).toEqual({ pk: 'a', n: 1 })

        // One refusal taught the clock the offset (the SDKs also retry once on skew errors);
        // after that no request was refused and no extra credentials were issued.
        const stats = emulator.stats()
        expect(stats.rejections).toEqual({ SignatureDoesNotMatch: 1 })
        expect(stats.stsCalls.AssumeRole).toBe(2)
        expect(stats.credentialsIssued).toBe(1)
      } finally {
        await credentials.stop()
      }
    })
  })
}
