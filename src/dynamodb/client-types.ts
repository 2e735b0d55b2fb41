/**
 * The DynamoDB client's public shape: its options, per-call options, the operations it offers,
 * and the details DynamoDB errors carry.
 */
import type { Env } from '../aws/endpoints.ts'
import type { AwsServiceError } from '../errors.ts'
import type { Clock, CredentialsInput, FetchLike, Logger } from '../types.ts'
import type { BatchRetryOptions } from './batch.ts'
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

/** Options of `createDynamoDbClient`. */
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
