/**
 * The managed upload: one PutObject for a body that fits in a part, a multipart upload with
 * parts sent in parallel (bounded) above that. Every part is its own signed request, so each is
 * signed with the credentials current when it is sent, and an upload may outlive many credential
 * lifetimes. On failure the multipart upload is aborted, leaving no orphaned parts.
 */
import { AwsServiceError, ConfigError, isAwsServiceError } from '../errors.ts'
import type { Logger } from '../types.ts'
import { chunkBody, knownSize } from './chunks.ts'
import { DEFAULT_QUEUE_SIZE, MAX_PARTS, planPartSize } from './part-plan.ts'
import type {
  AbortMultipartUploadInput,
  CompletedPart,
  CompleteMultipartUploadInput,
  CompleteMultipartUploadOutput,
  CreateMultipartUploadInput,
  CreateMultipartUploadOutput,
  PutObjectInput,
  PutObjectOutput,
  S3ChecksumValues,
  S3ObjectAttributes,
  UploadInput,
  UploadOutput,
  UploadPartInput,
  UploadPartOutput,
} from './types.ts'

/** The S3 operations a managed upload uses (the client's, or fakes in tests). */
export interface UploadOperations {
  putObject(input: PutObjectInput): Promise<PutObjectOutput>
  createMultipartUpload(input: CreateMultipartUploadInput): Promise<CreateMultipartUploadOutput>
  uploadPart(input: UploadPartInput): Promise<UploadPartOutput>
  completeMultipartUpload(
    input: CompleteMultipartUploadInput,
  ): Promise<CompleteMultipartUploadOutput>
  abortMultipartUpload(input: AbortMultipartUploadInput): Promise<void>
}

function attributesOf(input: UploadInput): S3ObjectAttributes {
  const {
    Bucket: _b,
    Key: _k,
    Body: _body,
    ContentLength: _l,
    partSize: _p,
    queueSize: _q,
    onProgress: _o,
    signal: _s,
    ChecksumAlgorithm: _c,
    ...attributes
  } = input
  return attributes
}

/** S3's codes for a request body that arrived different from the one sent. */
const DAMAGED: ReadonlySet<string> = new Set(['BadDigest', 'XAmzContentSHA256Mismatch'])

/** The checksum members of an answer that has them. */
function partChecksums(out: S3ChecksumValues): S3ChecksumValues {
  const values: S3ChecksumValues = {}
  if (out.ChecksumCRC32) values.ChecksumCRC32 = out.ChecksumCRC32
  if (out.ChecksumCRC32C) values.ChecksumCRC32C = out.ChecksumCRC32C
  if (out.ChecksumCRC64NVME) values.ChecksumCRC64NVME = out.ChecksumCRC64NVME
  if (out.ChecksumSHA1) values.ChecksumSHA1 = out.ChecksumSHA1
  if (out.ChecksumSHA256) values.ChecksumSHA256 = out.ChecksumSHA256
  return values
}

interface NumberedPart {
  readonly PartNumber: number
  readonly data: Uint8Array
}

/**
 * Upload a body of any size. Bodies that fit in one part go up with one PutObject; larger ones
 * as a multipart upload with up to `queueSize` parts in flight, reading the body only as fast as
 * parts are sent (memory stays near `queueSize * partSize`). A failed part is retried by the
 * request layer; if it still fails, or `signal` aborts, the upload is aborted and the first
 * error rethrown.
 */
export async function managedUpload(
  ops: UploadOperations,
  input: UploadInput,
  options: {
    readonly location: (bucket: string, key: string) => string
    readonly logger: Logger
    /** The client's setting: WHEN_SUPPORTED (the default) creates the upload with a CRC32. */
    readonly requestChecksumCalculation?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED'
  },
): Promise<UploadOutput> {
  const { Bucket, Key } = input
  const total = knownSize(input.Body, input.ContentLength)
  const partSize = planPartSize(total, input.partSize)
  const queueSize = input.queueSize ?? DEFAULT_QUEUE_SIZE
  if (!Number.isSafeInteger(queueSize) || queueSize < 1) {
    throw new ConfigError(`S3.upload: queueSize ${queueSize} must be a whole number >= 1`, {
      key: 'queueSize',
    })
  }
  const attributes = attributesOf(input)
  const controller = new AbortController()
  const signal = input.signal
    ? AbortSignal.any([input.signal, controller.signal])
    : controller.signal
  const chunks = chunkBody(input.Body, partSize, signal)
  const first = await chunks.next()
  const progress = (loaded: number, part: number): void =>
    input.onProgress?.({ loaded, ...(total === undefined ? {} : { total }), part, Bucket, Key })

  if (first.done || first.value.last) {
    const data = first.done ? new Uint8Array(0) : first.value.data
    // Finish the reader: releases a stream's lock and the abort listener.
    await chunks.return(undefined)
    const out = await ops.putObject({
      ...attributes,
      Bucket,
      Key,
      Body: data,
      ...(input.ChecksumAlgorithm ? { ChecksumAlgorithm: input.ChecksumAlgorithm } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
    })
    progress(data.length, 1)
    return { Bucket, Key, ...out, Location: options.location(Bucket, Key) }
  }

  // As @aws-sdk/lib-storage's Upload (__createMultipartUpload): with WHEN_SUPPORTED the upload is
  // created with the caller's ChecksumAlgorithm or CRC32, so S3 checks each part's checksum as it
  // arrives (BadDigest) and the Complete's list of them, and stores a COMPOSITE object checksum.
  const ChecksumAlgorithm =
    input.ChecksumAlgorithm ??
    ((options.requestChecksumCalculation ?? 'WHEN_SUPPORTED') === 'WHEN_SUPPORTED' ? 'CRC32' : undefined)
  const created = await ops.createMultipartUpload({
    ...attributes,
    Bucket,
    Key,
    ...(ChecksumAlgorithm ? { ChecksumAlgorithm } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
  })
  const UploadId = created.UploadId
  if (!UploadId) {
    throw new AwsServiceError('the answer carried no UploadId', {
      service: 'S3',
      operation: 'CreateMultipartUpload',
      code: 'InvalidResponse',
      status: 200,
    })
  }

  async function* numbered(): AsyncGenerator<NumberedPart> {
    yield { PartNumber: 1, data: (first.value as { data: Uint8Array }).data }
    let PartNumber = 2
    for await (const chunk of chunks) {
      if (PartNumber > MAX_PARTS) {
        throw new ConfigError(
          `S3.upload: the stream needs more than ${MAX_PARTS} parts of ${partSize} bytes: pass a larger partSize`,
          { key: 'partSize' },
        )
      }
      yield { PartNumber: PartNumber++, data: chunk.data }
    }
  }
  const source = numbered()
  const parts: CompletedPart[] = []
  let loaded = 0
  let failure: { error: unknown } | undefined
  const aborted = new Promise<IteratorResult<NumberedPart>>((resolve) => {
    const stop = (): void => resolve({ done: true, value: undefined })
    signal.addEventListener('abort', stop, { once: true })
  })

  const worker = async (): Promise<void> => {
    while (!failure) {
      // Racing the abort: a stream read may wait on its producer long after a part failed.
      const next = await Promise.race([source.next(), aborted])
      if (next.done || failure) return
      const { PartNumber, data } = next.value
      const out = await sendPart({
        Bucket,
        Key,
        UploadId,
        PartNumber,
        Body: data,
        signal,
        ...(ChecksumAlgorithm ? { ChecksumAlgorithm } : {}),
      })
      if (!out.ETag) {
        throw new AwsServiceError(`part ${PartNumber} was answered without an ETag`, {
          service: 'S3',
          operation: 'UploadPart',
          code: 'InvalidResponse',
          status: 200,
        })
      }
      // The part's checksum as S3 answered it (lib-storage takes UploadPart's answer too).
      parts.push({ ETag: out.ETag, PartNumber, ...partChecksums(out) })
      loaded += data.length
      progress(loaded, PartNumber)
    }
  }
  // A part S3 refuses because its bytes no longer match what was computed before sending (the
  // checksum or Content-MD5: BadDigest; the signed payload hash: XAmzContentSHA256Mismatch)
  // changed on the way. The bytes are still here: send them again, twice at most.
  const sendPart = async (part: UploadPartInput): Promise<UploadPartOutput> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await ops.uploadPart(part)
      } catch (error) {
        if (attempt >= 3 || !isAwsServiceError(error) || !DAMAGED.has(error.code)) throw error
        options.logger.warn(`S3 refused upload part ${part.PartNumber} as damaged in transit (${error.code}); sending it again`, {
          bucket: Bucket,
          key: Key,
          partNumber: part.PartNumber,
          attempt,
        })
      }
    }
  }
  const fail = (error: unknown): void => {
    if (failure) return
    failure = { error: input.signal?.aborted ? input.signal.reason : error }
    controller.abort(error)
  }
  await Promise.all(Array.from({ length: queueSize }, () => worker().catch(fail)))
  if (input.signal?.aborted) fail(input.signal.reason)

  if (!failure) {
    try {
      const done = await ops.completeMultipartUpload({
        Bucket,
        Key,
        UploadId,
        MultipartUpload: { Parts: parts },
        ...(input.signal ? { signal: input.signal } : {}),
      })
      return {
        Bucket,
        Key,
        ...(done.ETag ? { ETag: done.ETag } : {}),
        ...(done.VersionId ? { VersionId: done.VersionId } : {}),
        ...partChecksums(done),
        ...(done.ChecksumType ? { ChecksumType: done.ChecksumType } : {}),
        Location: done.Location ?? options.location(Bucket, Key),
      }
    } catch (error) {
      fail(error)
    }
  }
  // Abort without the caller's signal: it may be the reason we are here, and S3 must still be
  // told, or the parts stay (and are billed) until a lifecycle rule removes them.
  try {
    await ops.abortMultipartUpload({ Bucket, Key, UploadId })
  } catch (abortError) {
    options.logger.warn('S3 upload failed and aborting its multipart upload failed too', {
      bucket: Bucket,
      key: Key,
      uploadId: UploadId,
      error: abortError instanceof Error ? abortError.message : String(abortError),
    })
  }
  throw (failure as { error: unknown }).error
}
