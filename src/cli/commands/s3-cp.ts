/**
 * `stsrefresh s3 cp`: local file or stdin to S3 (the managed upload: multipart when large), S3
 * to a local file or stdout, and S3 to S3 (CopyObject).
 */
import { once } from 'node:events'
import { openAsBlob } from 'node:fs'
import { chmod, mkdir, open, rename, rm, stat } from 'node:fs/promises'
import { constants } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import process from 'node:process'
import { Readable } from 'node:stream'
import type { S3Client } from '../../s3/index.ts'
import { UsageError } from '../output.ts'
import { createProgressBar, formatBytes } from '../progress.ts'
import { guessContentType } from './s3-content-type.ts'
import { isS3Url, parseS3Url, type S3Location, s3Url } from './s3-url.ts'

/** Options of {@link copy}. */
export interface CopyOptions {
  /** Bytes per multipart part (default the client's 8 MiB). */
  readonly partSize?: number
  /** Content-Type of an upload; guessed from a local file's extension when absent. */
  readonly contentType?: string
  /** Show a progress bar (on a TTY only). */
  readonly progress: boolean
}

/** What was copied, for `--json` and the one-line report. */
export interface CopyResult {
  readonly operation: 'upload' | 'download' | 'copy'
  readonly from: string
  readonly to: string
  readonly bytes?: number
  readonly etag?: string
}

const keyName = (key: string): string => key.slice(key.lastIndexOf('/') + 1)

/** The destination key: the source's name appended when `dst` names a "folder" or a bucket. */
function targetKey(dst: S3Location, name: string): string {
  return dst.key === '' || dst.key.endsWith('/') ? `${dst.key}${name}` : dst.key
}

async function fileSize(path: string, what: string): Promise<number> {
  let info
  try {
    info = await stat(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UsageError(
      `${what} '${path}' cannot be read: ${code === 'ENOENT' ? 'no such file' : code}`,
    )
  }
  if (info.isDirectory()) {
    throw new UsageError(`${what} '${path}' is a directory: s3 cp copies one file`)
  }
  return info.size
}

async function upload(
  s3: S3Client,
  src: string,
  dst: S3Location,
  options: CopyOptions,
): Promise<CopyResult> {
  const fromStdin = src === '-'
  if (fromStdin && (dst.key === '' || dst.key.endsWith('/'))) {
    throw new UsageError(`copying from stdin needs a full object key (got '${s3Url(dst)}')`)
  }
  const size = fromStdin ? undefined : await fileSize(src, 'source')
  const Key = targetKey(dst, basename(src))
  const body = fromStdin
    ? (Readable.toWeb(process.stdin) as unknown as ReadableStream<Uint8Array>)
    : await openAsBlob(src)
  // As `aws s3 cp`: a local file's type is guessed from its extension; stdin has no name to go on.
  const ContentType = options.contentType ?? (fromStdin ? undefined : guessContentType(src))
  const bar = createProgressBar({
    label: 'upload',
    total: size,
    format: formatBytes,
    enabled: options.progress ? undefined : false,
  })
  try {
    const result = await s3.upload({
      Bucket: dst.bucket,
      Key,
      Body: body,
      ...(size !== undefined ? { ContentLength: size } : {}),
      ...(options.partSize ? { partSize: options.partSize } : {}),
      ...(ContentType ? { ContentType } : {}),
      onProgress: (p) => bar.update(p.loaded, p.total),
    })
    return {
      operation: 'upload',
      from: src,
      to: s3Url({ bucket: dst.bucket, key: Key }),
      ...(size !== undefined ? { bytes: size } : {}),
      ...(result.ETag ? { etag: result.ETag } : {}),
    }
  } finally {
    bar.done()
  }
}

async function writeAll(
  stream: ReadableStream<Uint8Array>,
  sink: NodeJS.WritableStream,
  onChunk: (n: number) => void,
): Promise<number> {
  let bytes = 0
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength
    onChunk(bytes)
    if (!sink.write(chunk)) await once(sink, 'drain')
  }
  return bytes
}

async function localTarget(dst: string, name: string): Promise<string> {
  if (dst.endsWith('/')) return join(dst, name)
  const info = await stat(dst).catch(() => undefined)
  return info?.isDirectory() ? join(dst, name) : dst
}

// Local mistakes are usage errors (exit 2), named in words; anything else stays as it is.
const WRITE_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such directory',
  EACCES: 'permission denied',
  ENOTDIR: 'a parent is not a directory',
  EEXIST: 'a parent is not a directory', // mkdir of a path that is a file
}

function writeError(path: string, error: unknown): unknown {
  const reason = WRITE_ERRORS[(error as NodeJS.ErrnoException).code ?? '']
  return reason ? new UsageError(`cannot write '${path}': ${reason}`) : error
}

async function download(
  s3: S3Client,
  src: S3Location,
  dst: string,
  options: CopyOptions,
): Promise<CopyResult> {
  if (src.key === '' || src.key.endsWith('/')) {
    throw new UsageError(
      `the source must name an object, not a bucket or prefix (got '${s3Url(src)}')`,
    )
  }
  const object = await s3.getObject({ Bucket: src.bucket, Key: src.key })
  const bar = createProgressBar({
    label: 'download',
    total: object.ContentLength,
    format: formatBytes,
    enabled: options.progress ? undefined : false,
  })
  try {
    if (dst === '-') {
      const bytes = await writeAll(object.Body.stream(), process.stdout, (n) => bar.update(n))
      return {
        operation: 'download',
        from: s3Url(src),
        to: '-',
        bytes,
        ...(object.ETag ? { etag: object.ETag } : {}),
      }
    }
    const path = await localTarget(dst, keyName(src.key))
    // As `aws s3 cp`, missing parent directories are made. Only directories: the file itself is
    // written next to the target and renamed, so a failed download never leaves half a file and
    // never touches an existing one.
    await mkdir(dirname(path), { recursive: true }).catch((error) => {
      throw writeError(path, error)
    })
    // The directory may be shared: a name no one can guess, created new (O_EXCL) and never
    // through a symlink (O_NOFOLLOW), private until complete; then the usual mode for a new file.
    const temp = join(dirname(path), `.${basename(path)}.${crypto.randomUUID()}.stsrefresh-part`)
    const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600)
      .catch((error) => {
        throw writeError(path, error)
      })
    const file = handle.createWriteStream()
    try {
      const bytes = await writeAll(object.Body.stream(), file, (n) => bar.update(n))
      file.end()
      await once(file, 'close')
      await chmod(temp, 0o666 & ~process.umask())
      await rename(temp, path)
      return {
        operation: 'download',
        from: s3Url(src),
        to: path,
        bytes,
        ...(object.ETag ? { etag: object.ETag } : {}),
      }
    } catch (error) {
      file.destroy()
      await rm(temp, { force: true })
      throw writeError(path, error)
    }
  } finally {
    bar.done()
  }
}

/** Copy `src` to `dst` (either may be `s3://...`; `-` is stdin or stdout). */
export async function copy(
  s3: S3Client,
  src: string,
  dst: string,
  options: CopyOptions,
): Promise<CopyResult> {
  const fromS3 = isS3Url(src)
  const toS3 = isS3Url(dst)
  if (!fromS3 && !toS3) {
    throw new UsageError(
      `s3 cp needs an s3:// URL on at least one side (got '${src}' and '${dst}')`,
    )
  }
  if (!fromS3) return upload(s3, src, parseS3Url(dst, 'the destination'), options)
  const source = parseS3Url(src, 'the source')
  if (!toS3) return download(s3, source, dst, options)
  if (source.key === '' || source.key.endsWith('/')) {
    throw new UsageError(`the source must name an object, not a bucket or prefix (got '${src}')`)
  }
  const target = parseS3Url(dst, 'the destination')
  const Key = targetKey(target, keyName(source.key))
  const result = await s3.copyObject({
    Bucket: target.bucket,
    Key,
    CopySource: { Bucket: source.bucket, Key: source.key },
  })
  const etag = result.CopyObjectResult.ETag
  return {
    operation: 'copy',
    from: src,
    to: s3Url({ bucket: target.bucket, key: Key }),
    ...(etag ? { etag } : {}),
  }
}
