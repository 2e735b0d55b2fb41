/**
 * Fault: DynamoDB throttles. A short burst (ThrottlingException, HTTP 400) is retried with
 * backoff and the call succeeds; BatchWriteItem's UnprocessedItems are re-sent until every item
 * is written; throttling that outlasts the attempts surfaces as one AwsServiceError marked
 * retryable, naming the operation and the code.
 */
import { afterEach, expect, test } from 'bun:test'
import { isAwsServiceError } from '../../src/errors.ts'
import { createFaultWorld, drive, rejection } from './fixture.ts'
import type { FaultWorld } from './fixture.ts'

let world: FaultWorld | undefined
afterEach(async () => {
  await world?.session.stop()
  world = undefined
})

test('DynamoDB throttling: retried, batches completed, and a clear error when it persists', async () => {
  world = createFaultWorld()
  await world.prepare()
  // A burst of two: the third attempt succeeds.
  world.emulator.faults.failNext('PutItem', 2, 'throttle')
  await drive(world.clock, world.ddb.putItem({ TableName: 'items', Item: { pk: 'burst' } }))
  expect(world.emulator.stats().rejections.ThrottlingException).toBe(2)
  expect(
    (await drive(world.clock, world.ddb.getItem({ TableName: 'items', Key: { pk: 'burst' } })))
      .Item,
  ).toEqual({
    pk: 'burst',
  })

  // Partial batches: the emulator hands back 3 items of every BatchWriteItem as unprocessed.
  world.emulator.settings.dynamodbUnprocessedPerBatch = 3
  const items = Array.from({ length: 25 }, (_, i) => ({
    PutRequest: { Item: { pk: `batch-${i}`, i } },
  }))
  const before = world.emulator.stats().operations['dynamodb:BatchWriteItem'] ?? 0
  await drive(world.clock, world.ddb.batchWriteItem({ RequestItems: { items } }))
  world.emulator.settings.dynamodbUnprocessedPerBatch = 0
  const batches = (world.emulator.stats().operations['dynamodb:BatchWriteItem'] ?? 0) - before
  // 25 -> 3 left -> 3 left ... each call makes progress until the last 3 fit.
  expect(batches).toBeGreaterThan(1)
  const scan = await drive(world.clock, world.ddb.scan({ TableName: 'items' }))
  expect(scan.Items?.filter((item) => String(item.pk).startsWith('batch-')).length).toBe(25)

  // Throttled longer than the client's 3 attempts: one clear, retryable error.
  world.emulator.faults.failNext('GetItem', 3, 'throttle')
  const error = await rejection(
    drive(world.clock, world.ddb.getItem({ TableName: 'items', Key: { pk: 'burst' } })),
  )
  expect(isAwsServiceError(error) && error.retryable && error.status === 400).toBe(true)
  expect(error.message).toBe(
    'DynamoDB.GetItem on table items: ThrottlingException: Rate of requests exceeds the allowed throughput.',
  )
  expect(world.emulator.stats().rejections.ThrottlingException).toBe(5)
})
