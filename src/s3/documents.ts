/**
 * S3's XML response documents: reading them, and the late failures of CopyObject and
 * CompleteMultipartUpload (200 and then an `<Error>` document, or nothing). Only the calls that
 * answer with a document need this, and they all load on demand.
 */
import { parseErrorBody } from '../aws/errors.ts'
import type { AwsCall } from '../aws/request.ts'
import { backoffDelay } from '../aws/retry.ts'
import { parseXml } from '../aws/xml.ts'
import type { XmlElement } from '../aws/xml.ts'
import { sleep } from '../clock.ts'
import { AwsServiceError } from '../errors.ts'
import type { S3Target } from './addressing.ts'
import type { S3Context } from './context.ts'

/** Read a response body as XML (the root element); a parse failure names the operation. */
export async function readXml(response: Response, operation: string): Promise<XmlElement> {
  const text = await response.text()
  try {
    return parseXml(text)
  } catch (error) {
    throw new AwsServiceError(
      `the response is not the XML S3 sends (${error instanceof Error ? error.message : String(error)})`,
      {
        service: 'S3',
        operation,
        code: 'InvalidResponse',
        status: response.status,
        ...requestIdOf(response),
        cause: error,
      },
    )
  }
}

function requestIdOf(response: Response): { requestId?: string } {
  const id = response.headers.get('x-amz-request-id')
  return id ? { requestId: id } : {}
}

/**
 * Send a call whose success S3 may report as an error: CopyObject and CompleteMultipartUpload
 * can answer 200 and then an `<Error>` document (or nothing) when they fail late. The SDKs treat
 * that as a 503-class error and retry (@aws-sdk/middleware-sdk-s3 throw200ExceptionsMiddleware);
 * so does this, with the standard backoff, up to the client's attempt count.
 */
export async function sendExpectingDocument(
  context: S3Context,
  target: S3Target,
  call: AwsCall,
): Promise<{ root: XmlElement; headers: Headers }> {
  for (let attempt = 1; ; attempt++) {
    const response = await context.send(target, call)
    const text = await response.text()
    const outcome = checkDocument(response, text, call.operation)
    if (!(outcome instanceof AwsServiceError)) return { root: outcome, headers: response.headers }
    const error = outcome
    if (!error.retryable || attempt >= context.maxAttempts) throw error
    await sleep(backoffDelay(attempt - 1), call.signal, context.clock)
  }
}

/** The document's root, or the error it (or its absence) reports. */
function checkDocument(
  response: Response,
  text: string,
  operation: string,
): XmlElement | AwsServiceError {
  const trimmed = text.trim()
  let root: XmlElement | undefined
  try {
    root = trimmed === '' ? undefined : parseXml(trimmed)
  } catch {
    root = undefined
  }
  if (root && root.name !== 'Error') return root
  const parsed = root
    ? parseErrorBody('rest-xml', 503, trimmed, response.headers)
    : {
        code: 'InternalError',
        message: `S3 aborted the request (HTTP 200 with ${trimmed === '' ? 'an empty' : 'an unreadable'} body)`,
      }
  return new AwsServiceError(`${parsed.message} (answered with HTTP ${response.status})`, {
    service: 'S3',
    operation,
    code: parsed.code,
    status: response.status,
    ...requestIdOf(response),
    retryable: TRANSIENT_LATE_ERRORS.has(parsed.code),
  })
}

// Codes S3 reports late that mean "try again". The SDKs retry every late error (they rewrite the
// status to 503); client mistakes such as InvalidPart, EntityTooSmall or NoSuchUpload never
// succeed on a retry, so those fail at once here.
const TRANSIENT_LATE_ERRORS: ReadonlySet<string> = new Set([
  'InternalError',
  'ServiceUnavailable',
  'SlowDown',
  'RequestTimeout',
])
