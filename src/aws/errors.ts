/**
 * Parse AWS error responses in each protocol's format into a code, a message and a request id:
 * Query/STS XML `<ErrorResponse><Error><Code>`, S3 REST-XML `<Error><Code>`, and JSON
 * `{"__type": "prefix#Code", "message": ...}` (DynamoDB). Bodies that are none of these (a proxy's
 * HTML page, an S3 HEAD with no body) fall back to a code derived from the HTTP status.
 */
import { printable } from '../credentials/redact.ts'
import { parseXml, xmlFind, xmlText } from './xml.ts'
import type { XmlElement } from './xml.ts'

/** The wire protocol of a service, which decides the error format. */
export type AwsProtocol = 'query' | 'rest-xml' | 'json'

/** What an error response said. */
export interface ParsedAwsError {
  readonly code: string
  readonly message: string
  readonly requestId?: string
}

// Codes for bodiless errors (S3 HEAD). SDK v3 names a bodiless 404 `NotFound`
// (@aws-sdk/core protocols/xml loadRestXmlErrorCode); the rest follow the status reason phrase,
// as botocore does for a body it cannot parse.
const STATUS_CODES: Readonly<Record<number, string>> = {
  301: 'MovedPermanently',
  304: 'NotModified',
  307: 'TemporaryRedirect',
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  411: 'LengthRequired',
  412: 'PreconditionFailed',
  413: 'RequestEntityTooLarge',
  416: 'RequestedRangeNotSatisfiable',
  429: 'TooManyRequests',
  500: 'InternalError',
  501: 'NotImplemented',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
}

/** The code used when a response carries no parsable error: `NotFound`, `Forbidden`, `Http418`. */
export function codeFromStatus(status: number): string {
  return STATUS_CODES[status] ?? `Http${status}`
}

/**
 * `aws.protocoltests#ThrottlingException:http://internal/` -> `ThrottlingException`, as SDK v3
 * sanitizes `__type` and `x-amzn-errortype` (drop the `prefix#` and any `:suffix`).
 */
export function sanitizeErrorCode(raw: string): string {
  let code = raw.trim()
  const colon = code.indexOf(':')
  if (colon >= 0) code = code.slice(0, colon)
  const hash = code.lastIndexOf('#')
  if (hash >= 0) code = code.slice(hash + 1)
  // AWS codes are identifiers; anything else from a hostile or broken server is dropped.
  return code.replace(/[^\w.-]/g, '').slice(0, 128)
}

// Untrusted text in our messages: one line, bounded, so a proxy's HTML page stays readable.
function snippet(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > 200 ? `${line.slice(0, 200)}…` : line
}

function fromXml(root: XmlElement): ParsedAwsError | undefined {
  // Query: ErrorResponse > Error > Code; EC2-style: Response > Errors > Error > Code;
  // S3: Error > Code at the root. The first `Error` element in document order covers all three.
  const error = xmlFind(root, 'Error')
  const code = xmlText(error, 'Code')?.trim()
  if (!code) return undefined
  const requestId = xmlText(error, 'RequestId') ??
    xmlText(xmlFind(root, 'ResponseMetadata'), 'RequestId') ??
    xmlText(root, 'RequestId') ?? xmlText(root, 'RequestID')
  return {
    code,
    message: xmlText(error, 'Message')?.trim() ?? '',
    ...(requestId ? { requestId: requestId.trim() } : {}),
  }
}

function fromJson(text: string, headerType: string | null): ParsedAwsError | undefined {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {}
  const rawCode = headerType ?? record.__type ?? record.code ?? record.Code
  if (typeof rawCode !== 'string' || rawCode.trim() === '') return undefined
  const message = record.message ?? record.Message ?? record.errorMessage
  return {
    code: sanitizeErrorCode(rawCode),
    message: typeof message === 'string' ? message : '',
  }
}

/**
 * Parse an error response body. Never throws: an unparsable body yields the status-derived code
 * and a one-line snippet of the body as the message.
 */
export function parseErrorBody(
  protocol: AwsProtocol,
  status: number,
  text: string,
  headers: Headers = new Headers(),
): ParsedAwsError {
  let parsed: ParsedAwsError | undefined
  if (protocol === 'json') {
    parsed = fromJson(text, headers.get('x-amzn-errortype'))
  } else if (text.trim() !== '') {
    try {
      parsed = fromXml(parseXml(text))
    } catch {
      parsed = undefined
    }
  }
  const requestId = headers.get('x-amzn-requestid') ?? headers.get('x-amz-request-id') ??
    parsed?.requestId
  const code = parsed ? sanitizeErrorCode(parsed.code) : ''
  return {
    code: code || codeFromStatus(status),
    message: printable((parsed ? parsed.message : snippet(text)) || `HTTP ${status}`),
    ...(requestId ? { requestId } : {}),
  }
}
