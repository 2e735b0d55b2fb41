/**
 * The demo's long-running job, run once per credential strategy: list the orders in S3, read
 * each, batch-write the transformed items into DynamoDB (25 per BatchWriteItem), then upload a
 * large file in parts with the managed upload. It paces itself to last `durationMs`, as a real
 * job is paced by the work it does, and counts every request done and failed as it completes,
 * the upload's too (CreateMultipartUpload, each UploadPart, CompleteMultipartUpload), so both
 * runs are counted alike however far they get.
 */
import { createDynamoDbClient } from '../../dynamodb/index.ts'
import { isAwsServiceError, isStsRefreshError } from '../../errors.ts'
import { createS3Client } from '../../s3/index.ts'
import { managedUpload, type UploadOperations } from '../../s3/upload.ts'
import type { CredentialsInput, Logger } from '../../types.ts'
import { delay, orderItem, pacedFileStream } from './data.ts'
import type { OrderRecord } from './data.ts'

/** Where the job reads and writes. */
export interface JobTarget {
  readonly endpoint: string
  readonly region: string
  readonly bucket: string
  readonly table: string
  /** Key of the large file this run uploads. */
  readonly fileKey: string
  readonly fileSize: number
}

/** Options of {@link runJob}. */
export interface JobOptions {
  readonly credentials: CredentialsInput
  readonly target: JobTarget
  readonly durationMs: number
  /** Stop at the first failure (the static run); otherwise count it and carry on. */
  readonly stopOnFailure: boolean
  readonly logger: Logger
  /** Called as work progresses (objects migrated, bytes uploaded). */
  readonly onProgress: (progress: JobProgress) => void
  /** Stops the job early (the demo was interrupted); what was done so far is returned. */
  readonly signal?: AbortSignal
}

/** Where the job is. */
export interface JobProgress {
  readonly phase: 'list' | 'migrate' | 'upload'
  readonly objectsDone: number
  readonly objectsTotal: number
  readonly bytesUploaded: number
  readonly operationsDone: number
  readonly operationsFailed: number
}

/** The first failure of a run. */
export interface JobFailure {
  readonly code: string
  readonly message: string
  /** Milliseconds into the job. */
  readonly atMs: number
}

/** What a run achieved. */
export interface JobResult {
  readonly objectsMigrated: number
  readonly objectsTotal: number
  readonly fileUploaded: boolean
  readonly operationsDone: number
  readonly operationsFailed: number
  readonly firstFailure: JobFailure | undefined
  readonly elapsedMs: number
  readonly stopped: boolean
}

// BatchWriteItem takes at most 25 put or delete requests (DynamoDB API Reference).
const BATCH = 25
// The share of the job spent migrating; the rest uploads the large file.
const MIGRATE_SHARE = 0.75
const PART_SIZE = 5 * 1024 * 1024

function codeOf(error: unknown): string {
  if (isAwsServiceError(error) || isStsRefreshError(error)) return (error as { code: string }).code
  return error instanceof Error ? error.name : 'Error'
}

/** Run the job once; never throws for operation failures (they are counted). */
export async function runJob(options: JobOptions): Promise<JobResult> {
  const { target, durationMs, logger } = options
  const started = Date.now()
  const stop = new AbortController()
  if (options.signal?.aborted) stop.abort()
  options.signal?.addEventListener('abort', () => stop.abort(), { once: true })
  const common = {
    region: target.region,
    endpoint: target.endpoint,
    credentials: options.credentials,
    logger,
  }
  const s3 = createS3Client(common)
  const ddb = createDynamoDbClient(common)
  let done = 0
  let failed = 0
  let firstFailure: JobFailure | undefined
  let phase: JobProgress['phase'] = 'list'
  let objectsDone = 0
  let objectsTotal = 0
  let bytesUploaded = 0
  const report = (): void =>
    options.onProgress({
      phase,
      objectsDone,
      objectsTotal,
      bytesUploaded,
      operationsDone: done,
      operationsFailed: failed,
    })

  const cutShort = (error: unknown): boolean => {
    if (!stop.signal.aborted) return false
    for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
      if (e === stop.signal.reason || e.name === 'AbortError') return true
    }
    return error === stop.signal.reason
  }
  // Errors already counted as a failed request, so a wrapper rethrowing them counts nothing more.
  const counted = new WeakSet<object>()
  const fail = (error: unknown): void => {
    failed++
    if (typeof error === 'object' && error !== null) counted.add(error)
    firstFailure ??= {
      code: codeOf(error),
      message: error instanceof Error ? error.message : String(error),
      atMs: Date.now() - started,
    }
    if (options.stopOnFailure) stop.abort()
  }
  // One request, counted done or failed when it completes; rethrows. `always`: sent even after
  // the job was stopped (AbortMultipartUpload, so no parts are left behind).
  const request = async <T>(fn: () => Promise<T>, always = false): Promise<T> => {
    if (stop.signal.aborted && !always) throw new Error('the job was stopped')
    try {
      const value = await fn()
      done++
      return value
    } catch (error) {
      // A request our own stop cut short did not complete: neither done nor failed.
      if (!cutShort(error)) fail(error)
      throw error
    } finally {
      report()
    }
  }
  const op = <T>(fn: () => Promise<T>): Promise<T | undefined> =>
    stop.signal.aborted ? Promise.resolve(undefined) : request(fn).catch(() => undefined)

  // 1. List every order (one ListObjectsV2 per 1000 keys).
  const keys: string[] = []
  let token: string | undefined
  do {
    const page = await op(() =>
      s3.listObjectsV2({
        Bucket: target.bucket,
        Prefix: 'orders/',
        ...(token ? { ContinuationToken: token } : {}),
      })
    )
    if (!page) break
    for (const object of page.Contents) if (object.Key) keys.push(object.Key)
    token = page.NextContinuationToken
  } while (token)
  objectsTotal = keys.length

  // 2. Read, transform and batch-write, 25 orders at a time, paced over the migrate share.
  phase = 'migrate'
  const migrateMs = durationMs * MIGRATE_SHARE
  const batches = Math.ceil(keys.length / BATCH)
  for (let b = 0; b < batches && !stop.signal.aborted; b++) {
    const slice = keys.slice(b * BATCH, (b + 1) * BATCH)
    const items = await Promise.all(slice.map((Key) =>
      op(async () => {
        const object = await s3.getObject({ Bucket: target.bucket, Key })
        return orderItem(JSON.parse(await object.Body.text()) as OrderRecord, Key)
      })
    ))
    const ready = items.filter((item): item is Record<string, string | number> =>
      item !== undefined
    )
    if (ready.length > 0) {
      const written = await op(() =>
        ddb.batchWriteItem({
          RequestItems: { [target.table]: ready.map((Item) => ({ PutRequest: { Item } })) },
        })
      )
      if (written) objectsDone += ready.length
      report()
    }
    await delay(started + ((b + 1) / batches) * migrateMs - Date.now(), stop.signal)
  }

  // 3. Upload the large file in parts as it is produced, over the rest of the time.
  let fileUploaded = false
  if (!stop.signal.aborted) {
    phase = 'upload'
    report()
    const paceMs = Math.max(0, started + durationMs - Date.now())
    const body = pacedFileStream(target.fileSize, paceMs, () => {}, stop.signal)
    // The managed upload over counted operations: each request it sends is one operation.
    const ops: UploadOperations = {
      putObject: (input) => request(() => s3.putObject(input)),
      createMultipartUpload: (input) => request(() => s3.createMultipartUpload(input)),
      uploadPart: (input) => request(() => s3.uploadPart(input)),
      completeMultipartUpload: (input) => request(() => s3.completeMultipartUpload(input)),
      abortMultipartUpload: (input) => request(() => s3.abortMultipartUpload(input), true),
    }
    try {
      await managedUpload(ops, {
        Bucket: target.bucket,
        Key: target.fileKey,
        Body: body,
        ContentLength: target.fileSize,
        partSize: PART_SIZE,
        queueSize: 2,
        signal: stop.signal,
        onProgress: (p) => {
          bytesUploaded = p.loaded
          report()
        },
      }, { location: (bucket, key) => `${target.endpoint}/${bucket}/${key}`, logger })
      fileUploaded = true
    } catch (error) {
      // A failed request was counted when it failed; a stop is not a failure; anything else
      // (the body, a malformed answer) is counted here, once.
      const known = typeof error === 'object' && error !== null && counted.has(error)
      if (!known && !stop.signal.aborted) fail(error)
    }
  }
  report()
  return {
    objectsMigrated: objectsDone,
    objectsTotal,
    fileUploaded,
    operationsDone: done,
    operationsFailed: failed,
    firstFailure,
    elapsedMs: Date.now() - started,
    stopped: stop.signal.aborted,
  }
}
