/**
 * The demo's job counts every request as it completes, the multipart upload's too
 * (CreateMultipartUpload, each UploadPart, CompleteMultipartUpload, AbortMultipartUpload), so a
 * run that fails during the upload is counted like one that succeeds.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { setUp } from '../../src/cli/demo/environment.ts'
import { makeOrders } from '../../src/cli/demo/data.ts'
import { runJob } from '../../src/cli/demo/job.ts'
import { silentLogger } from '../../src/logger.ts'
import { createEmulator, type Emulator, serveEmulator, type ServedEmulator } from '../../src/emulator/index.ts'

let emulator: Emulator
let served: ServedEmulator
beforeAll(async () => {
  emulator = createEmulator()
  served = await serveEmulator(emulator, { port: 0 })
})
afterAll(() => served.close())

const ORDERS = 25
// 1 ListObjectsV2 + 25 GetObject + 1 BatchWriteItem.
const MIGRATION_REQUESTS = 1 + ORDERS + 1
const MiB = 1024 * 1024

async function prepare(id: string): Promise<void> {
  const environment = {
    endpoint: served.url,
    region: emulator.region,
    accountId: emulator.accountId,
    base: emulator.baseCredentials,
    shared: false,
    close: async () => undefined,
  }
  await setUp(
    environment,
    { bucket: `job-${id}`, tables: { refreshing: `job-${id}`, static: `job-${id}-unused` } },
    makeOrders(ORDERS),
    silentLogger,
  )
}

const job = (id: string, stopOnFailure: boolean): ReturnType<typeof runJob> =>
  runJob({
    credentials: emulator.baseCredentials,
    target: {
      endpoint: served.url,
      region: emulator.region,
      bucket: `job-${id}`,
      table: `job-${id}`,
      fileKey: 'exports/file.bin',
      fileSize: 12 * MiB,
    },
    durationMs: 400,
    stopOnFailure,
    logger: silentLogger,
    onProgress: () => {},
  })

test('a successful run: every request done, the 12 MiB file as Create + 3 parts + Complete', async () => {
  await prepare('ok')
  const result = await job('ok', true)
  expect(result.fileUploaded).toBe(true)
  expect(result.operationsFailed).toBe(0)
  expect(result.operationsDone).toBe(MIGRATION_REQUESTS + 5)
})

for (const stopOnFailure of [true, false]) {
  test(`the upload fails at CompleteMultipartUpload (stopOnFailure ${stopOnFailure}): Create, the 3 parts and the Abort still count as done, Complete as failed`, async () => {
    const id = `complete-${stopOnFailure}`
    await prepare(id)
    // More failures than the client's attempts: CompleteMultipartUpload fails for good.
    emulator.faults.failNext('CompleteMultipartUpload', 10, 'error')
    const result = await job(id, stopOnFailure)
    emulator.faults.clear()
    expect(result.fileUploaded).toBe(false)
    expect(result.operationsFailed).toBe(1)
    expect(result.firstFailure?.code).toBeDefined()
    expect(result.operationsDone).toBe(MIGRATION_REQUESTS + 1 + 3 + 1)
  })
}
