/**
 * The DynamoDB client and marshalling: item operations, paginators, batches that retry
 * unprocessed items until done, transactions, and exact plain-JavaScript <-> AttributeValue
 * conversion. Internals (wire positions, base64, decimal parsing, batch loops) are deliberately
 * not exported.
 */
export { createDynamoDbClient } from './client.ts'
export type {
  DynamoDbCallOptions,
  DynamoDbClient,
  DynamoDbClientOptions,
  DynamoDbServiceError,
} from './client.ts'
export { BatchIncompleteError, isBatchIncompleteError } from './batch-error.ts'
export type { BatchIncompleteErrorOptions } from './batch-error.ts'
export { isOutputConversionError, OutputConversionError } from './output-error.ts'
export type { OutputConversionErrorOptions } from './output-error.ts'
export type { BatchRetryOptions } from './batch.ts'
export { marshall, marshallValue, unmarshall, unmarshallValue } from './marshall.ts'
export { isNumberValue, NumberValue } from './numbers.ts'
export type {
  AttributeMap,
  AttributeValue,
  MarshallOptions,
  NativeAttributeValue,
  NativeBinary,
  NativeItem,
  UnmarshallOptions,
} from './types.ts'
export type {
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
  KeysAndAttributes,
  KeySchemaElement,
  PutItemInput,
  QueryInput,
  QueryOutput,
  ReturnValue,
  ScanInput,
  ScanOutput,
  TableDescription,
  TableDescriptionOutput,
  TransactGetItemsInput,
  TransactGetItemsOutput,
  TransactWriteItem,
  TransactWriteItemsInput,
  UpdateItemInput,
  WriteItemOutput,
  WriteRequest,
} from './shapes.ts'
