/**
 * DynamoDB's JSON 1.0 wire format for responses: the body, `content-type:
 * application/x-amz-json-1.0`, `x-amzn-RequestId`, and `x-amz-crc32` (the CRC32 of the body bytes,
 * which botocore and the SDKs verify when present), plus the error shape
 * `{"__type":"<namespace>#<Code>","message":"..."}`.
 */
import { hostCrc32 } from '../aws/crc32.ts'
import type { EmulatorFault } from './context.ts'
import { DynamoDbFault, errorType, messageMember } from './dynamodb-errors.ts'

/** A DynamoDB JSON response with its request id and checksum headers. */
export function jsonResponse(body: unknown, status: number, requestId: string): Response {
  const bytes = new TextEncoder().encode(JSON.stringify(body))
  return new Response(bytes, {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': String(bytes.length),
      'x-amzn-requestid': requestId,
      'x-amz-crc32': String(hostCrc32(bytes)),
    },
  })
}

/** Render any fault (service or authentication) in DynamoDB's JSON error shape. */
export function renderDynamoDbError(fault: EmulatorFault, requestId: string): Response {
  const body: Record<string, unknown> = { __type: errorType(fault.code) }
  if (fault instanceof DynamoDbFault) Object.assign(body, fault.members)
  if (fault.message !== '') body[messageMember(fault.code)] = fault.message
  return jsonResponse(body, fault.status, requestId)
}
