/**
 * Inputs and outputs of the DynamoDB operations the client wraps, with the member names of the
 * DynamoDB API Reference (and the AWS SDK v3). Items, keys and expression values are plain
 * JavaScript ({@link NativeItem}), or AttributeValue maps in raw mode. Members not listed here
 * (e.g. `ReturnConsumedCapacity`) are passed through as given.
 */
import type { NativeItem } from './types.ts'

/** Members every input may carry that the client does not interpret. */
interface Open {
  readonly [member: string]: unknown
}

/** Members every output may carry (`ConsumedCapacity`, ...). */
interface OpenOutput {
  [member: string]: unknown
}

/** Expression members shared by item operations. */
interface Expressions {
  readonly ConditionExpression?: string
  readonly ExpressionAttributeNames?: Readonly<Record<string, string>>
  readonly ExpressionAttributeValues?: NativeItem
}

/** `ReturnValues` of PutItem, UpdateItem and DeleteItem. */
export type ReturnValue = 'NONE' | 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW'

/** PutItem input. */
export interface PutItemInput extends Open, Expressions {
  readonly TableName: string
  readonly Item: NativeItem
  readonly ReturnValues?: ReturnValue
  readonly ReturnValuesOnConditionCheckFailure?: 'ALL_OLD' | 'NONE'
}

/** GetItem input. */
export interface GetItemInput extends Open {
  readonly TableName: string
  readonly Key: NativeItem
  readonly ConsistentRead?: boolean
  readonly ProjectionExpression?: string
  readonly ExpressionAttributeNames?: Readonly<Record<string, string>>
}

/** UpdateItem input. */
export interface UpdateItemInput extends Open, Expressions {
  readonly TableName: string
  readonly Key: NativeItem
  readonly UpdateExpression?: string
  readonly ReturnValues?: ReturnValue
  readonly ReturnValuesOnConditionCheckFailure?: 'ALL_OLD' | 'NONE'
}

/** DeleteItem input. */
export interface DeleteItemInput extends Open, Expressions {
  readonly TableName: string
  readonly Key: NativeItem
  readonly ReturnValues?: ReturnValue
  readonly ReturnValuesOnConditionCheckFailure?: 'ALL_OLD' | 'NONE'
}

/** Query input. */
export interface QueryInput extends Open {
  readonly TableName: string
  readonly IndexName?: string
  readonly KeyConditionExpression?: string
  readonly FilterExpression?: string
  readonly ProjectionExpression?: string
  readonly ExpressionAttributeNames?: Readonly<Record<string, string>>
  readonly ExpressionAttributeValues?: NativeItem
  readonly ExclusiveStartKey?: NativeItem
  readonly Limit?: number
  readonly ScanIndexForward?: boolean
  readonly ConsistentRead?: boolean
  readonly Select?: 'ALL_ATTRIBUTES' | 'ALL_PROJECTED_ATTRIBUTES' | 'SPECIFIC_ATTRIBUTES' | 'COUNT'
}

/** Scan input. */
export interface ScanInput extends Open {
  readonly TableName: string
  readonly IndexName?: string
  readonly FilterExpression?: string
  readonly ProjectionExpression?: string
  readonly ExpressionAttributeNames?: Readonly<Record<string, string>>
  readonly ExpressionAttributeValues?: NativeItem
  readonly ExclusiveStartKey?: NativeItem
  readonly Limit?: number
  readonly Segment?: number
  readonly TotalSegments?: number
  readonly ConsistentRead?: boolean
  readonly Select?: 'ALL_ATTRIBUTES' | 'ALL_PROJECTED_ATTRIBUTES' | 'SPECIFIC_ATTRIBUTES' | 'COUNT'
}

/** Output of PutItem, UpdateItem and DeleteItem. */
export interface WriteItemOutput extends OpenOutput {
  /** The item's attributes as asked for by `ReturnValues`. */
  Attributes?: NativeItem
}

/** GetItem output; `Item` is absent when no item has the key. */
export interface GetItemOutput extends OpenOutput {
  Item?: NativeItem
}

/** Output of one Query or Scan page. */
export interface QueryOutput extends OpenOutput {
  Items?: NativeItem[]
  Count?: number
  ScannedCount?: number
  /** Present when there are more pages: pass it as `ExclusiveStartKey`. */
  LastEvaluatedKey?: NativeItem
}

/** Scan output (the same shape as Query's). */
export type ScanOutput = QueryOutput

/** One table's keys in BatchGetItem (and its projection, applied to every chunk). */
export interface KeysAndAttributes extends Open {
  readonly Keys: readonly NativeItem[]
  readonly ProjectionExpression?: string
  readonly ExpressionAttributeNames?: Readonly<Record<string, string>>
  readonly ConsistentRead?: boolean
}

/** BatchGetItem input: any number of keys; the client sends them 100 at a time. */
export interface BatchGetItemInput extends Open {
  readonly RequestItems: Readonly<Record<string, KeysAndAttributes>>
}

/** BatchGetItem output: every table's items, merged over all chunks and retries. */
export interface BatchGetItemOutput extends OpenOutput {
  Responses: Record<string, NativeItem[]>
  /** Always empty: keys left unread make the call throw a `BatchIncompleteError`. */
  UnprocessedKeys: Record<string, KeysAndAttributes>
  ConsumedCapacity?: unknown[]
}

/** One write in BatchWriteItem: exactly one of `PutRequest` and `DeleteRequest`. */
export interface WriteRequest {
  readonly PutRequest?: { readonly Item: NativeItem }
  readonly DeleteRequest?: { readonly Key: NativeItem }
}

/** BatchWriteItem input: any number of writes; the client sends them 25 at a time. */
export interface BatchWriteItemInput extends Open {
  readonly RequestItems: Readonly<Record<string, readonly WriteRequest[]>>
}

/** BatchWriteItem output. */
export interface BatchWriteItemOutput extends OpenOutput {
  /** Always empty: writes left over make the call throw a `BatchIncompleteError`. */
  UnprocessedItems: Record<string, WriteRequest[]>
  ConsumedCapacity?: unknown[]
}

/** One action of TransactWriteItems: exactly one member is set. */
export interface TransactWriteItem {
  readonly ConditionCheck?: Open & Expressions & {
    readonly TableName: string
    readonly Key: NativeItem
  }
  readonly Put?: Open & Expressions & { readonly TableName: string; readonly Item: NativeItem }
  readonly Delete?: Open & Expressions & { readonly TableName: string; readonly Key: NativeItem }
  readonly Update?:
    & Open
    & Expressions
    & { readonly TableName: string; readonly Key: NativeItem; readonly UpdateExpression: string }
}

/** TransactWriteItems input (up to 100 actions, all or nothing). */
export interface TransactWriteItemsInput extends Open {
  readonly TransactItems: readonly TransactWriteItem[]
  readonly ClientRequestToken?: string
}

/** TransactGetItems input. */
export interface TransactGetItemsInput extends Open {
  readonly TransactItems: readonly {
    readonly Get: Open & { readonly TableName: string; readonly Key: NativeItem }
  }[]
}

/** TransactGetItems output: one response per requested item, in order. */
export interface TransactGetItemsOutput extends OpenOutput {
  Responses?: { Item?: NativeItem }[]
}

/** Why one action of a cancelled transaction failed (on a `TransactionCanceledException`). */
export interface CancellationReason {
  Code?: string
  Message?: string
  /** The item's old value, with `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`. */
  Item?: NativeItem
}

/** Key schema element of CreateTable. */
export interface KeySchemaElement {
  readonly AttributeName: string
  readonly KeyType: 'HASH' | 'RANGE'
}

/** CreateTable input (the control-plane members pass through as given). */
export interface CreateTableInput extends Open {
  readonly TableName: string
  readonly KeySchema: readonly KeySchemaElement[]
  readonly AttributeDefinitions: readonly {
    readonly AttributeName: string
    readonly AttributeType: 'S' | 'N' | 'B'
  }[]
  readonly BillingMode?: 'PROVISIONED' | 'PAY_PER_REQUEST'
}

/** A table's description, as CreateTable, DescribeTable and DeleteTable return it. */
export interface TableDescription {
  TableName?: string
  TableStatus?: string
  TableArn?: string
  KeySchema?: KeySchemaElement[]
  ItemCount?: number
  /** Members named `...DateTime` (here and nested) are Dates, as in the SDK v3. */
  CreationDateTime?: Date
  [member: string]: unknown
}

/** Output of CreateTable and DeleteTable. */
export interface TableDescriptionOutput extends OpenOutput {
  TableDescription?: TableDescription
}

/** DescribeTable output. */
export interface DescribeTableOutput extends OpenOutput {
  Table?: TableDescription
}
