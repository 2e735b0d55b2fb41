/**
 * GetObject of an encoded object (Content-Encoding gzip, br, ...) on a runtime whose fetch
 * decodes bodies by that header (Node's undici, Deno, an injected fetch): the first answer is
 * dropped unread and the GET sent again with `response-content-encoding=identity`, which fetch
 * leaves alone, so the caller gets the stored bytes. If-Match on the first answer's ETag keeps
 * both answers on one object. Loaded only for such objects (objects.ts getObject).
 */
import { AwsServiceError } from '../errors.ts'
import type { S3Context } from './context.ts'
import { mayBeDecoded, objectOutput, RAW_BODY, sendRead } from './objects.ts'
import type { GetObjectInput, GetObjectOutput } from './types.ts'

const isPreconditionFailed = (error: unknown): boolean =>
  error instanceof AwsServiceError && error.code === 'PreconditionFailed'

/** The stored bytes of the object whose first, encoded answer was `first`. */
export async function getUndecoded(
  context: S3Context,
  input: GetObjectInput,
  first: Response,
  firstEncoding: string,
): Promise<GetObjectOutput> {
  let response = first
  let encoding: string | null = firstEncoding
  for (let round = 1; ; round++) {
    if (encoding === null || !mayBeDecoded(encoding)) return objectOutput(response)
    await response.body?.cancel().catch(() => {})
    const etag = response.headers.get('etag')
    try {
      const raw = await sendRead(
        context,
        'GetObject',
        'GET',
        { ...input, ResponseContentEncoding: 'identity', ...(etag ? { IfMatch: etag } : {}) },
        RAW_BODY,
      )
      if (mayBeDecoded(raw.headers.get('content-encoding'))) {
        context.logger.warn(
          'S3.GetObject: the endpoint ignored response-content-encoding, so fetch may have decoded the body',
          { key: input.Key, contentEncoding: encoding },
        )
      }
      return objectOutput(raw, encoding)
    } catch (error) {
      // Replaced between the two requests: start again, as often as a call is attempted.
      if (!etag || !isPreconditionFailed(error)) throw error
      if (round >= context.maxAttempts) {
        throw new AwsServiceError(
          `the object changed between reading its headers and re-reading it undecoded, ${round} times`,
          { service: 'S3', operation: 'GetObject', code: 'PreconditionFailed', status: 412, cause: error },
        )
      }
    }
    response = await sendRead(context, 'GetObject', 'GET', input, RAW_BODY)
    encoding = response.headers.get('content-encoding')
  }
}
