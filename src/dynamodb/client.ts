/**
 * `createDynamoDbClient`: DynamoDB's data-plane operations over the JSON 1.0 protocol (POST `/`,
 * `Content-Type: application/x-amz-json-1.0`, `X-Amz-Target: DynamoDB_20120810.<Operation>`;
 * DynamoDB Developer Guide, "DynamoDB low-level API"). Every request goes through the signed
 * request layer, so each attempt uses the credentials current at that moment, is retried on
 * throttling and 5xx, and is refreshed-and-retried on ExpiredToken. Items are plain JavaScript
 * (see marshall.ts), or AttributeValues with `raw: true`.
 */
import { createAwsClient, sharedClock } from '../aws/request.ts'
import { resolveEndpoint, resolveRegion } from '../aws/endpoints.ts'
import { AwsServiceError, ConfigError } from '../errors.ts'
import { getPlatform } from '../platform.ts'
import type { FetchLike } from '../types.ts'
import type { BatchContext } from './batch.ts'
import type { DynamoDbCallOptions, DynamoDbClient, DynamoDbClientOptions } from './client-types.ts'
import {
  createErrorBodyCapture,
  INVOCATION_HEADER,
  keepingDigits,
  withDetails,
} from './error-details.ts'
import type {
  BatchGetItemOutput,
  BatchWriteItemOutput,
  QueryInput,
  QueryOutput,
  ScanInput,
} from './shapes.ts'
import { encodeBody, inputToWire, outputFromWire } from './wire.ts'
import type { Conversion } from './wire.ts'

export type {
  DynamoDbCallOptions,
  DynamoDbClient,
  DynamoDbClientOptions,
  DynamoDbServiceError,
} from './client-types.ts'

// DynamoDB's JSON protocol (Developer Guide, "DynamoDB low-level API": the target prefix and
// content type); the AWS SDKs send a per-invocation id too, which we reuse to find error bodies.
const TARGET_PREFIX = 'DynamoDB_20120810.'
const CONTENT_TYPE = 'application/x-amz-json-1.0'

type Wire = Record<string, unknown>

// The batch loops (chunking, backoff, BatchIncompleteError) load on first use.
const batchLoops = (): Promise<typeof import('./batch.ts')> => import('./batch.ts')

/**
 * A successful call's output in the caller's form. If it cannot be converted (a number no
 * JavaScript number holds exactly, without wrapNumbers), the call still happened: the error,
 * loaded only then, says so and carries the output (see output-conversion.ts).
 */
async function convertOutput(
  operation: string,
  input: unknown,
  wire: Wire,
  conversion: Conversion,
  requestId?: string,
): Promise<Wire> {
  try {
    return outputFromWire(operation, wire, conversion)
  } catch (error) {
    const { outputConversionError } = await import('./output-conversion.ts')
    throw outputConversionError({ operation, input, wire, conversion, requestId, error })
  }
}

/**
 * Create a DynamoDB client.
 *
 * @example
 * ```ts
 * const ddb = createDynamoDbClient({ region: 'eu-west-1', credentials: refreshable(fromEnv()) })
 * await ddb.putItem({ TableName: 'users', Item: { pk: 'user#1', n: 42, tags: new Set(['a']) } })
 * const { Item } = await ddb.getItem({ TableName: 'users', Key: { pk: 'user#1' } })
 * for await (const page of ddb.paginateQuery({
 *   TableName: 'users',
 *   KeyConditionExpression: 'pk = :pk',
 *   ExpressionAttributeValues: { ':pk': 'user#1' },
 * })) console.log(page.Items)
 * ```
 */
export function createDynamoDbClient(options: DynamoDbClientOptions): DynamoDbClient {
  const env = options.env ?? getPlatform().env()
  const region = resolveRegion({ ...(options.region ? { region: options.region } : {}), env })
  if (region === undefined) {
    throw new ConfigError(
      'DynamoDB client has no region: pass { region } or set AWS_REGION (e.g. us-east-1)',
      {
        key: 'region',
      },
    )
  }
  const endpoint = resolveEndpoint('dynamodb', region, {
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    env,
  })
  const baseFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const errorBodies = createErrorBodyCapture(baseFetch)
  const aws = createAwsClient({
    service: 'dynamodb',
    serviceLabel: 'DynamoDB',
    region,
    endpoint,
    credentials: options.credentials,
    protocol: 'json',
    fetch: errorBodies.fetch,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.random ? { random: options.random } : {}),
  })
  const clock = options.clock ?? sharedClock

  const conversion = (call: DynamoDbCallOptions | undefined): Conversion => ({
    raw: call?.raw ?? options.raw ?? false,
    marshallOptions: options.marshallOptions ?? {},
    unmarshallOptions: options.unmarshallOptions ?? {},
  })

  /** One request in wire form: JSON out, JSON back, DynamoDB's error details attached. */
  const callWire = async (
    operation: string,
    wire: unknown,
    call: DynamoDbCallOptions | undefined,
  ): Promise<{ output: Wire; requestId?: string }> => {
    const id = crypto.randomUUID()
    errorBodies.track(id)
    // Errors name the table (batch and transaction calls span several, and name none).
    const table = (wire as Wire | undefined)?.TableName
    let response: Response
    try {
      response = await aws.send({
        operation,
        ...(typeof table === 'string' ? { resource: `table ${table}` } : {}),
        method: 'POST',
        path: '/',
        headers: {
          'content-type': CONTENT_TYPE,
          'x-amz-target': `${TARGET_PREFIX}${operation}`,
          [INVOCATION_HEADER]: id,
        },
        body: encodeBody(wire),
        ...(call?.signal ? { signal: call.signal } : {}),
        ...(call?.timeoutMs ? { timeoutMs: call.timeoutMs } : {}),
      })
    } catch (error) {
      throw withDetails(error, operation, errorBodies.take(id), conversion(call))
    }
    errorBodies.take(id)
    const requestId = response.headers.get('x-amzn-requestid') ?? undefined
    const text = await response.text()
    let output: unknown
    try {
      output = text === '' ? {} : JSON.parse(text)
    } catch {
      output = undefined
    }
    if (typeof output !== 'object' || output === null || Array.isArray(output)) {
      const snippet = JSON.stringify(text.slice(0, 100))
      throw new AwsServiceError(`the response is not a JSON object: ${snippet}`, {
        service: 'DynamoDB',
        operation,
        code: 'InvalidResponse',
        status: response.status,
        ...(requestId ? { requestId } : {}),
      })
    }
    return { output: output as Wire, ...(requestId ? { requestId } : {}) }
  }

  const send = async (
    operation: string,
    input: unknown,
    call?: DynamoDbCallOptions,
  ): Promise<Wire> => {
    const conv = conversion(call)
    const { output, requestId } = await callWire(
      operation,
      inputToWire(operation, input, conv),
      call,
    )
    return convertOutput(operation, input, output, conv, requestId)
  }

  async function* paginate(
    operation: 'Query' | 'Scan',
    input: QueryInput | ScanInput,
    call?: DynamoDbCallOptions,
  ): AsyncGenerator<QueryOutput, void, undefined> {
    const conv = conversion(call)
    // Pages are chained in wire form, so the key DynamoDB returned goes back byte for byte.
    let wire = inputToWire(operation, input, conv) as Wire
    for (;;) {
      const { output, requestId } = await callWire(operation, wire, call)
      yield (await convertOutput(operation, input, output, conv, requestId)) as QueryOutput
      const next = output.LastEvaluatedKey
      if (next === undefined || next === null) return
      wire = { ...wire, ExclusiveStartKey: next }
    }
  }

  const batchContext = (call: DynamoDbCallOptions | undefined): BatchContext => ({
    call: (operation, wire) => callWire(operation, wire, call),
    fromWire: (operation, output) => keepingDigits(operation, output, conversion(call), 'output'),
    clock,
    ...(call?.signal ? { signal: call.signal } : {}),
    retry: options.batchRetry ?? {},
    ...(options.random ? { random: options.random } : {}),
  })

  return {
    region,
    endpoint,
    putItem: (input, call) => send('PutItem', input, call),
    getItem: (input, call) => send('GetItem', input, call),
    updateItem: (input, call) => send('UpdateItem', input, call),
    deleteItem: (input, call) => send('DeleteItem', input, call),
    query: (input, call) => send('Query', input, call),
    scan: (input, call) => send('Scan', input, call),
    paginateQuery: (input, call) => paginate('Query', input, call),
    paginateScan: (input, call) => paginate('Scan', input, call),
    async batchGetItem(input, call) {
      const conv = conversion(call)
      const wire = inputToWire('BatchGetItem', input, conv) as Wire
      const output = await (await batchLoops()).batchGet(batchContext(call), wire)
      return (await convertOutput('BatchGetItem', input, output, conv)) as BatchGetItemOutput
    },
    async batchWriteItem(input, call) {
      const conv = conversion(call)
      const wire = inputToWire('BatchWriteItem', input, conv) as Wire
      return (await (await batchLoops()).batchWrite(batchContext(call), wire)) as BatchWriteItemOutput
    },
    transactWriteItems: (input, call) => send('TransactWriteItems', input, call),
    transactGetItems: (input, call) => send('TransactGetItems', input, call),
    createTable: (input, call) => send('CreateTable', input, call),
    describeTable: (input, call) => send('DescribeTable', input, call),
    deleteTable: (input, call) => send('DeleteTable', input, call),
    send: (operation, input, call) => send(operation, input, call),
  }
}
