/**
 * STS response rendering: the Query protocol's XML (`<OpResponse xmlns=...><OpResult>...`,
 * errors as `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>`) and the JSON
 * form STS returns to `Accept: application/json` (same nesting; errors as
 * `{"Error": {"Type", "Code", "Message"}, "RequestId"}`).
 */
import type { EmulatorFault } from './context.ts'
import { xmlEscape, xmlResponse } from './xml.ts'

/** The STS XML namespace (API version 2011-06-15). */
export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/'

/** A result member: text, a timestamp (ISO in XML, epoch seconds in JSON), or a structure. */
export type StsValue = string | { readonly iso: string; readonly epochSeconds: number } | {
  readonly [key: string]: StsValue
}

interface Timestamp {
  readonly iso: string
  readonly epochSeconds: number
}

function isTimestamp(value: StsValue): value is Timestamp {
  return typeof value === 'object' && typeof value.iso === 'string' &&
    typeof value.epochSeconds === 'number'
}

function isStructure(value: StsValue): value is { readonly [key: string]: StsValue } {
  return typeof value === 'object' && !isTimestamp(value)
}

function toXml(members: Readonly<Record<string, StsValue>>, indent: string): string {
  let out = ''
  for (const [name, value] of Object.entries(members)) {
    if (typeof value === 'string') out += `${indent}<${name}>${xmlEscape(value)}</${name}>\n`
    else if (isStructure(value)) {
      out += `${indent}<${name}>\n${toXml(value, `${indent}  `)}${indent}</${name}>\n`
    } else out += `${indent}<${name}>${value.iso}</${name}>\n`
  }
  return out
}

function toJson(members: Readonly<Record<string, StsValue>>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(members)) {
    out[name] = typeof value === 'string'
      ? value
      : isStructure(value)
      ? toJson(value)
      : value.epochSeconds
  }
  return out
}

function headers(requestId: string, contentType: string): Record<string, string> {
  return { 'x-amzn-RequestId': requestId, 'content-type': contentType }
}

/** A successful STS answer for `action`. */
export function renderStsResult(
  action: string,
  result: Readonly<Record<string, StsValue>>,
  requestId: string,
  json: boolean,
): Response {
  if (json) {
    const body = {
      [`${action}Response`]: {
        [`${action}Result`]: toJson(result),
        ResponseMetadata: { RequestId: requestId },
      },
    }
    return new Response(JSON.stringify(body), {
      status: 200,
      headers: headers(requestId, 'application/json'),
    })
  }
  const xml =
    `<${action}Response xmlns="${STS_XMLNS}">\n  <${action}Result>\n${
      toXml(result, '    ')
    }  </${action}Result>\n` +
    `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</${action}Response>\n`
  return xmlResponse(xml, 200, { 'x-amzn-RequestId': requestId })
}

/** An STS error; `Type` is `Receiver` for 5xx and `Sender` otherwise. */
export function renderStsError(fault: EmulatorFault, requestId: string, json: boolean): Response {
  const type = fault.status >= 500 ? 'Receiver' : 'Sender'
  if (json) {
    const body = {
      Error: { Type: type, Code: fault.code, Message: fault.message },
      RequestId: requestId,
    }
    return new Response(JSON.stringify(body), {
      status: fault.status,
      headers: headers(requestId, 'application/json'),
    })
  }
  const xml =
    `<ErrorResponse xmlns="${STS_XMLNS}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${
      xmlEscape(fault.code)
    }</Code>\n` +
    `    <Message>${
      xmlEscape(fault.message)
    }</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`
  return xmlResponse(xml, fault.status, { 'x-amzn-RequestId': requestId })
}
