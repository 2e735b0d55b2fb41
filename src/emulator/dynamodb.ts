/**
 * The emulator's DynamoDB service (JSON 1.0, `X-Amz-Target: DynamoDB_20120810.<Operation>`):
 * tables and items in memory per service instance, answers and errors in DynamoDB's exact wire
 * shapes. The router has already verified the signature and the caller's key.
 */
import {
  EmulatorFault,
  type ServiceEnv,
  type ServiceModule,
  type ServiceRequest,
} from './context.ts'
import { batchGetItem, batchWriteItem, transactWriteItems } from './dynamodb-batch.ts'
import { DynamoDbFault, serialization } from './dynamodb-errors.ts'
import type { Body } from './dynamodb-input.ts'
import { deleteItem, getItem, putItem, updateItem } from './dynamodb-items.ts'
import { query, scan } from './dynamodb-read.ts'
import type { Table } from './dynamodb-table.ts'
import {
  createTable,
  deleteTable,
  describeTable,
  listTables,
  type OperationContext,
} from './dynamodb-tables.ts'
import { isObject } from './dynamodb-values.ts'
import { jsonResponse, renderDynamoDbError } from './dynamodb-wire.ts'

type Operation = (ctx: OperationContext, body: Body, env: ServiceEnv) => Record<string, unknown>

const OPERATIONS: Readonly<Record<string, Operation>> = {
  CreateTable: createTable,
  DescribeTable: describeTable,
  DeleteTable: deleteTable,
  ListTables: listTables,
  PutItem: putItem,
  GetItem: getItem,
  UpdateItem: updateItem,
  DeleteItem: deleteItem,
  Query: query,
  Scan: scan,
  // The throttling switch is read at each call, so tests and the admin API can flip it live.
  BatchGetItem: (ctx, body, env) =>
    batchGetItem(ctx, body, env.settings.dynamodbUnprocessedPerBatch),
  BatchWriteItem: (ctx, body, env) =>
    batchWriteItem(ctx, body, env.settings.dynamodbUnprocessedPerBatch),
  TransactWriteItems: transactWriteItems,
}

// The X-Amz-Target prefix of DynamoDB's current API version.
const DYNAMODB_TARGET_PREFIX = 'DynamoDB_20120810.'

function decodeBody(bytes: Uint8Array): Body {
  // Real DynamoDB answers an empty or unparsable body with a bare SerializationException.
  if (bytes.length === 0) throw serialization('')
  let parsed: unknown
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    throw serialization('')
  }
  if (Array.isArray(parsed)) throw serialization('Start of list found where not expected')
  if (!isObject(parsed)) throw serialization('Start of structure or map expected')
  return parsed
}

/**
 * Create the DynamoDB service: CreateTable, DescribeTable, DeleteTable, ListTables, PutItem,
 * GetItem, UpdateItem, DeleteItem, Query, Scan, BatchGetItem, BatchWriteItem and
 * TransactWriteItems. State lives in the returned module; time comes from the request (the
 * emulator's clock).
 */
export function createDynamoDbService(env: ServiceEnv): ServiceModule {
  const tables = new Map<string, Table>()
  return {
    handle(request: ServiceRequest): Response {
      try {
        const target = request.request.headers.get('x-amz-target') ?? ''
        const name = target.startsWith(DYNAMODB_TARGET_PREFIX)
          ? target.slice(DYNAMODB_TARGET_PREFIX.length)
          : ''
        const operation = Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined
        if (!operation) throw new DynamoDbFault('UnknownOperationException', '')
        const body = decodeBody(request.body)
        const ctx: OperationContext = {
          tables,
          region: request.region,
          accountId: env.accountId,
          now: request.now,
        }
        return jsonResponse(operation(ctx, body, env), 200, request.requestId)
      } catch (error) {
        if (error instanceof EmulatorFault) return renderDynamoDbError(error, request.requestId)
        // Anything else is a bug: the router logs it and answers InternalServerError.
        throw error
      }
    },
    operation: (request) => {
      const target = request.headers.get('x-amz-target') ?? ''
      return target.startsWith(DYNAMODB_TARGET_PREFIX)
        ? target.slice(DYNAMODB_TARGET_PREFIX.length) || undefined
        : undefined
    },
    operations: Object.keys(OPERATIONS),
    renderError: renderDynamoDbError,
  }
}
