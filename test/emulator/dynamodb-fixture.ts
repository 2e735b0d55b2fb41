/**
 * Test fixture for the DynamoDB service: a fresh service per test, driven by building
 * ServiceRequest objects directly (no router, no signing).
 */
import { createManualClock } from '../../src/clock.ts'
import type { EmulatorSettings, ServiceRequest } from '../../src/emulator/context.ts'
import { createDynamoDbService } from '../../src/emulator/dynamodb.ts'

export interface DynamoReply {
  status: number
  body: Record<string, any>
  headers: Headers
  text: string
}

export interface DynamoFixture {
  settings: EmulatorSettings
  /** Call an operation with a JSON body (or raw text). */
  call(
    operation: string,
    body: unknown,
    options?: { raw?: string; target?: string | null },
  ): Promise<DynamoReply>
  /** Call and require HTTP 200. */
  ok(operation: string, body: unknown): Promise<Record<string, any>>
  /** Call and require an error; returns [code, message, body]. */
  fail(operation: string, body: unknown): Promise<[string, string, Record<string, any>]>
  createTable(name: string, hash: [string, string], range?: [string, string]): Promise<void>
}

let counter = 0

export function dynamoFixture(start: number = Date.UTC(2026, 0, 1)): DynamoFixture {
  const clock = createManualClock(start)
  const settings: EmulatorSettings = { dynamodbUnprocessedPerBatch: 0 }
  const service = createDynamoDbService({ clock, settings, accountId: '123456789012' })
  const call: DynamoFixture['call'] = async (operation, body, options = {}) => {
    const target = options.target === undefined ? `DynamoDB_20120810.${operation}` : options.target
    const text = options.raw ?? JSON.stringify(body)
    const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.0' }
    if (target !== null) headers['x-amz-target'] = target
    const request = new Request('http://127.0.0.1/', { method: 'POST', headers, body: text })
    const serviceRequest: ServiceRequest = {
      request,
      url: new URL(request.url),
      body: new TextEncoder().encode(text),
      identity: undefined,
      now: clock.now(),
      requestId: `req-${++counter}`,
      region: 'us-east-1',
    }
    const response = await service.handle(serviceRequest)
    const responseText = await response.text()
    return {
      status: response.status,
      body: JSON.parse(responseText),
      headers: response.headers,
      text: responseText,
    }
  }
  const ok: DynamoFixture['ok'] = async (operation, body) => {
    const reply = await call(operation, body)
    if (reply.status !== 200) throw new Error(`${operation} failed: ${reply.text}`)
    return reply.body
  }
  const fail: DynamoFixture['fail'] = async (operation, body) => {
    const reply = await call(operation, body)
    if (reply.status === 200) throw new Error(`${operation} unexpectedly succeeded: ${reply.text}`)
    const type = String(reply.body.__type)
    return [type.slice(type.indexOf('#') + 1), reply.body.message ?? reply.body.Message, reply.body]
  }
  const createTable: DynamoFixture['createTable'] = async (name, hash, range) => {
    await ok('CreateTable', {
      TableName: name,
      AttributeDefinitions: [
        { AttributeName: hash[0], AttributeType: hash[1] },
        ...(range ? [{ AttributeName: range[0], AttributeType: range[1] }] : []),
      ],
      KeySchema: [
        { AttributeName: hash[0], KeyType: 'HASH' },
        ...(range ? [{ AttributeName: range[0], KeyType: 'RANGE' }] : []),
      ],
      BillingMode: 'PAY_PER_REQUEST',
    })
  }
  return { settings, call, ok, fail, createTable }
}
