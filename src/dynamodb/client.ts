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
import type { Env } from '../aws/endpoints.ts'
import { AwsServiceError, ConfigError, isAwsServiceError } from '../errors.ts'
import { getPlatform } from '../platform.ts'
import type { Clock, CredentialsInput, FetchLike, Logger } from '../types.ts'
import { batchGet, batchWrite } from './batch.ts'
import type { BatchContext, BatchRetryOptions } from './batch.ts'
import type {
  BatchGetItemInput,
  BatchGetItemOutput,
  BatchWriteItemInput,
  BatchWriteItemOutput,
  CancellationReason,
  CreateTableInput,
  DeleteItemInput,
  DescribeTableOutput,
  GetItemInput,
  GetItemOutput,
  PutItemInput,
  QueryInput,
  QueryOutput,
  ScanInput,
  ScanOutput,
  TableDescriptionOutput,
  TransactGetItemsInput,
  TransactGetItemsOutput,
  TransactWriteItemsInput,
  UpdateItemInput,
  WriteItemOutput,
} from './shapes.ts'
import type { MarshallOptions, NativeItem, UnmarshallOptions } from './types.ts'
import { encodeBody, inputToWire, outputFromWire } from './wire.ts'
import type { Conversion } from './wire.ts'

/** Options of {@link createDynamoDbClient}. */
export interface DynamoDbClientOptions {
  /** Region; default `AWS_REGION`, then `AWS_DEFAULT_REGION`. Required one way or the other. */
  readonly region?: string
  /** A refreshable session, a provider function, or fixed credentials. */
  readonly credentials: CredentialsInput
  /**
   * A custom endpoint (emulator, DynamoDB Local); default `AWS_ENDPOINT_URL_DYNAMODB`, then
   * `AWS_ENDPOINT_URL`, then `https://dynamodb.<region>.amazonaws.com`.
   */
  readonly endpoint?: string
  readonly fetch?: FetchLike
  readonly clock?: Clock
  readonly logger?: Logger
  /** Environment to read defaults from; default the platform's. */
  readonly env?: Env
  /** Attempts per request, retries included; default the request layer's (3). */
  readonly maxAttempts?: number
  /** Per-attempt timeout in ms; default none. */
  readonly timeoutMs?: number
  /** AttributeValue mode: items, keys and values pass through without marshalling. */
  readonly raw?: boolean
  readonly marshallOptions?: MarshallOptions
  readonly unmarshallOptions?: UnmarshallOptions
  /** How BatchWriteItem/BatchGetItem retry unprocessed items (see {@link BatchRetryOptions}). */
  readonly batchRetry?: BatchRetryOptions
  /** Random source in [0, 1) for backoff jitter (default Math.random); for tests. */
  readonly random?: () => number
}

/** Per-call options. */
export interface DynamoDbCallOptions {
  readonly signal?: AbortSignal
  /** Per-attempt timeout in ms; overrides the client's. */
  readonly timeoutMs?: number
  /** AttributeValue mode for this call only (overrides the client's `raw`). */
  readonly raw?: boolean
}

/**
 * Details DynamoDB puts in some errors, attached to the {@link AwsServiceError} under the SDK
 * v3 names: `CancellationReasons` on `TransactionCanceledException`, `Item` on
 * `ConditionalCheckFailedException` with `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`.
 */
export type DynamoDbServiceError = AwsServiceError & {
  readonly CancellationReasons?: CancellationReason[]
  readonly Item?: NativeItem
}

/** A DynamoDB client: AWS operation names in camelCase, SDK v3 input and output shapes. */
export interface DynamoDbClient {
  /** The resolved region. */
  readonly region: string
  /** The resolved endpoint. */
  readonly endpoint: string
  putItem(input: PutItemInput, options?: DynamoDbCallOptions): Promise<WriteItemOutput>
  getItem(input: GetItemInput, options?: DynamoDbCallOptions): Promise<GetItemOutput>
  updateItem(input: UpdateItemInput, options?: DynamoDbCallOptions): Promise<WriteItemOutput>
  deleteItem(input: DeleteItemInput, options?: DynamoDbCallOptions): Promise<WriteItemOutput>
  /** One page of a query; see {@link DynamoDbClient.paginateQuery} for all of them. */
  query(input: QueryInput, options?: DynamoDbCallOptions): Promise<QueryOutput>
  /** One page of a scan; see {@link DynamoDbClient.paginateScan} for all of them. */
  scan(input: ScanInput, options?: DynamoDbCallOptions): Promise<ScanOutput>
  /** Every page of a query, following `LastEvaluatedKey` to the end. */
  paginateQuery(
    input: QueryInput,
    options?: DynamoDbCallOptions,
  ): AsyncGenerator<QueryOutput, void, undefined>
  /** Every page of a scan, following `LastEvaluatedKey` to the end. */
  paginateScan(
    input: ScanInput,
    options?: DynamoDbCallOptions,
  ): AsyncGenerator<ScanOutput, void, undefined>
  /**
   * Read any number of keys (100 per request), retrying `UnprocessedKeys` until all are read;
   * throws a `BatchIncompleteError` carrying the unread keys (and what was read) otherwise.
   */
  batchGetItem(input: BatchGetItemInput, options?: DynamoDbCallOptions): Promise<BatchGetItemOutput>
  /**
   * Write any number of items (25 per request), retrying `UnprocessedItems` until all are
   * written; throws a `BatchIncompleteError` carrying exactly the unwritten ones otherwise.
   */
  batchWriteItem(
    input: BatchWriteItemInput,
    options?: DynamoDbCallOptions,
  ): Promise<BatchWriteItemOutput>
  /** All-or-nothing writes; a cancellation's error carries `CancellationReasons`. */
  transactWriteItems(
    input: TransactWriteItemsInput,
    options?: DynamoDbCallOptions,
  ): Promise<Record<string, unknown>>
  transactGetItems(
    input: TransactGetItemsInput,
    options?: DynamoDbCallOptions,
  ): Promise<TransactGetItemsOutput>
  createTable(
    input: CreateTableInput,
    options?: DynamoDbCallOptions,
  ): Promise<TableDescriptionOutput>
  describeTable(
    input: { readonly TableName: string },
    options?: DynamoDbCallOptions,
  ): Promise<DescribeTableOutput>
  deleteTable(
    input: { readonly TableName: string },
    options?: DynamoDbCallOptions,
  ): Promise<TableDescriptionOutput>
  /**
   * Any DynamoDB operation by name (`UpdateTable`, `DescribeTimeToLive`, ...). Items in the
   * operations listed above are (un)marshalled as usual; other inputs go out as given.
   */
  send(
    operation: string,
    input: Record<string, unknown>,
    options?: DynamoDbCallOptions,
  ): Promise<Record<string, unknown>>
}

// DynamoDB's JSON protocol (Developer Guide, "DynamoDB low-level API": the target prefix and
// content type); the AWS SDKs send a per-invocation id too, which we reuse to find error bodies.
const TARGET_PREFIX = 'DynamoDB_20120810.'
const CONTENT_TYPE = 'application/x-amz-json-1.0'
const INVOCATION_HEADER = 'amz-sdk-invocation-id'

type Wire = Record<string, unknown>

function headerOf(
  input: Request | string | URL,
  init: RequestInit | undefined,
  name: string,
): string | null {
  if (init?.headers) return new Headers(init.headers).get(name)
  return input instanceof Request ? input.headers.get(name) : null
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
  // Error bodies the request layer consumed, kept for the calls that asked (by invocation id):
  // CancellationReasons and ConditionalCheckFailed's Item live only there.
  const errorBodies = new Map<string, string | undefined>()
  const fetch: FetchLike = async (input, init) => {
    const response = await baseFetch(input, init)
    if (response.status >= 400) {
      const id = headerOf(input, init, INVOCATION_HEADER)
      if (id !== null && errorBodies.has(id)) errorBodies.set(id, await response.clone().text())
    }
    return response
  }
  const aws = createAwsClient({
    service: 'dynamodb',
    serviceLabel: 'DynamoDB',
    region,
    endpoint,
    credentials: options.credentials,
    protocol: 'json',
    fetch,
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
    errorBodies.set(id, undefined)
    let response: Response
    try {
      response = await aws.send({
        operation,
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
      throw withDetails(error, operation, errorBodies.get(id), conversion(call))
    } finally {
      errorBodies.delete(id)
    }
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
    const { output } = await callWire(operation, inputToWire(operation, input, conv), call)
    return outputFromWire(operation, output, conv)
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
      const { output } = await callWire(operation, wire, call)
      yield outputFromWire(operation, output, conv) as QueryOutput
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
      const output = await batchGet(batchContext(call), wire)
      return outputFromWire('BatchGetItem', output, conv) as BatchGetItemOutput
    },
    async batchWriteItem(input, call) {
      const conv = conversion(call)
      const wire = inputToWire('BatchWriteItem', input, conv) as Wire
      return (await batchWrite(batchContext(call), wire)) as BatchWriteItemOutput
    },
    transactWriteItems: (input, call) => send('TransactWriteItems', input, call),
    transactGetItems: (input, call) => send('TransactGetItems', input, call),
    createTable: (input, call) => send('CreateTable', input, call),
    describeTable: (input, call) => send('DescribeTable', input, call),
    deleteTable: (input, call) => send('DeleteTable', input, call),
    send: (operation, input, call) => send(operation, input, call),
  }
}

/** Attach `CancellationReasons` and `Item` from a DynamoDB error body to the layer's error. */
function withDetails(
  error: unknown,
  operation: string,
  body: string | undefined,
  conv: Conversion,
): unknown {
  if (!isAwsServiceError(error) || body === undefined) return error
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return error
  }
  if (typeof parsed !== 'object' || parsed === null) return error
  const { CancellationReasons, Item } = parsed as Wire
  if (CancellationReasons === undefined && Item === undefined) return error
  const details = keepingDigits(operation, { CancellationReasons, Item }, conv, 'error')
  for (const key of ['CancellationReasons', 'Item'] as const) {
    if (details[key] !== undefined) {
      Object.defineProperty(error, key, {
        value: details[key],
        enumerable: true,
        configurable: true,
      })
    }
  }
  return error
}

/**
 * Convert wire-form items for an error: if one holds a number no JavaScript number holds
 * exactly, return NumberValues rather than lose the error (and the items) to a conversion error.
 */
function keepingDigits(
  operation: string,
  output: Wire,
  conv: Conversion,
  kind: 'output' | 'error',
): Wire {
  try {
    return outputFromWire(operation, output, conv, kind)
  } catch {
    return outputFromWire(
      operation,
      output,
      { ...conv, unmarshallOptions: { wrapNumbers: true } },
      kind,
    )
  }
}
