/**
 * Read everything a run wrote back, with the long-term base credentials, and compare it with
 * what the job should have produced: each item with its source order, the large file by SHA-256.
 */
import { createHash } from 'node:crypto'
import { createDynamoDbClient } from '../../dynamodb/index.ts'
import { isAwsServiceError } from '../../errors.ts'
import { createS3Client } from '../../s3/index.ts'
import type { Logger } from '../../types.ts'
import { orderItem, orderKey, type OrderRecord } from './data.ts'
import type { DemoEnvironment } from './environment.ts'

/** What was found. */
export interface Verification {
  /** Items in the table equal to the item their order should become. */
  readonly itemsVerified: number
  /** Items in the table. */
  readonly itemsFound: number
  /** Items in the table that differ from what they should be. */
  readonly itemsWrong: number
  /** The large file is there and its SHA-256 matches; undefined when it is not there. */
  readonly fileVerified: boolean | undefined
}

const same = (a: Record<string, unknown>, b: Record<string, unknown>): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v)

/** Verify one run's table and file. */
export async function verifyRun(
  environment: DemoEnvironment,
  bucket: string,
  table: string,
  fileKey: string,
  fileSha256: string,
  orders: readonly OrderRecord[],
  logger: Logger,
): Promise<Verification> {
  const common = {
    region: environment.region,
    endpoint: environment.endpoint,
    credentials: environment.base,
    logger,
  }
  const ddb = createDynamoDbClient(common)
  const s3 = createS3Client(common)
  const expected = new Map(orders.map((order, i) => [order.id, orderItem(order, orderKey(i + 1))]))
  let found = 0
  let verified = 0
  for await (const page of ddb.paginateScan({ TableName: table, ConsistentRead: true })) {
    for (const item of page.Items ?? []) {
      found++
      const want = expected.get(String(item.id))
      if (want && same(want, item)) verified++
    }
  }
  let fileVerified: boolean | undefined
  try {
    const object = await s3.getObject({ Bucket: bucket, Key: fileKey })
    const hash = createHash('sha256')
    for await (const chunk of object.Body.stream() as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk)
    }
    fileVerified = hash.digest('hex') === fileSha256
  } catch (error) {
    if (!(isAwsServiceError(error) && error.code === 'NoSuchKey')) throw error
  }
  return { itemsVerified: verified, itemsFound: found, itemsWrong: found - verified, fileVerified }
}
