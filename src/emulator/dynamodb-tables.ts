/**
 * DynamoDB control-plane operations: CreateTable, DescribeTable, DeleteTable, ListTables, and
 * the store of tables they manage. Tables are regional (the request's signing region) and
 * ACTIVE as soon as they are created.
 */
import { DynamoDbFault, tableNotFound, validation } from './dynamodb-errors.ts'
import {
  type Body,
  checkTableName,
  constraint,
  optionalArray,
  optionalEnum,
  optionalInteger,
  optionalObject,
  optionalString,
  required,
  tableNameOf,
} from './dynamodb-input.ts'
import {
  createTableState,
  type KeyType,
  type Table,
  type TableDefinition,
} from './dynamodb-table.ts'
import { isObject } from './dynamodb-values.ts'

/** Where an operation runs: the store plus the request's region, account and time. */
export interface OperationContext {
  readonly tables: Map<string, Table>
  readonly region: string
  readonly accountId: string
  /** Emulator time, epoch ms. */
  readonly now: number
}

function storeKey(ctx: OperationContext, name: string): string {
  return `${ctx.region}/${name}`
}

/** The table a data-plane request names, or ResourceNotFoundException. */
export function findTable(ctx: OperationContext, name: string): Table {
  const table = ctx.tables.get(storeKey(ctx, name))
  if (!table) throw tableNotFound()
  return table
}

/** A table's description in DescribeTable's shape. */
export function describe(table: Table, status = 'ACTIVE'): Record<string, unknown> {
  const d = table.definition
  const description: Record<string, unknown> = {
    AttributeDefinitions: d.attributeDefinitions.map((a) => ({ ...a })),
    TableName: d.name,
    KeySchema: [
      { AttributeName: d.hashKey.name, KeyType: 'HASH' },
      ...(d.rangeKey ? [{ AttributeName: d.rangeKey.name, KeyType: 'RANGE' }] : []),
    ],
    TableStatus: status,
    CreationDateTime: d.createdAt / 1000,
    ProvisionedThroughput: {
      NumberOfDecreasesToday: 0,
      ReadCapacityUnits: d.readCapacity,
      WriteCapacityUnits: d.writeCapacity,
    },
    TableSizeBytes: table.sizeBytes,
    ItemCount: table.itemCount,
    TableArn: d.arn,
    TableId: d.tableId,
    DeletionProtectionEnabled: false,
  }
  if (d.billingMode === 'PAY_PER_REQUEST') {
    description.BillingModeSummary = {
      BillingMode: 'PAY_PER_REQUEST',
      LastUpdateToPayPerRequestDateTime: d.createdAt / 1000,
    }
  }
  return description
}

function keyType(
  defs: readonly { AttributeName: string; AttributeType: KeyType }[],
  name: string,
): KeyType {
  const def = defs.find((a) => a.AttributeName === name)
  if (!def) {
    throw validation(
      `One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [${name}], AttributeDefinitions: [${
        defs.map((a) => a.AttributeName).join(', ')
      }]`,
    )
  }
  return def.AttributeType
}

function throughput(
  body: Body,
): { billingMode: TableDefinition['billingMode']; read: number; write: number } {
  const billingMode =
    optionalEnum(body, 'BillingMode', ['PROVISIONED', 'PAY_PER_REQUEST'] as const) ?? 'PROVISIONED'
  const provisioned = optionalObject(body, 'ProvisionedThroughput')
  if (billingMode === 'PAY_PER_REQUEST') {
    if (provisioned) {
      throw validation(
        'One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST',
      )
    }
    return { billingMode, read: 0, write: 0 }
  }
  if (!provisioned) throw validation('No provisioned throughput specified for the table')
  const read = optionalInteger(provisioned, 'ReadCapacityUnits', 1)
  const write = optionalInteger(provisioned, 'WriteCapacityUnits', 1)
  if (read === undefined || write === undefined) {
    throw validation(
      'One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED',
    )
  }
  return { billingMode, read, write }
}

function randomId(): string {
  return crypto.randomUUID()
}

/** CreateTable. */
export function createTable(ctx: OperationContext, body: Body): Record<string, unknown> {
  const name = tableNameOf(body)
  const rawDefs = required(optionalArray(body, 'AttributeDefinitions'), 'AttributeDefinitions')
  const rawSchema = required(optionalArray(body, 'KeySchema'), 'KeySchema')
  if (rawSchema.length < 1 || rawSchema.length > 2) {
    constraint(
      `[${rawSchema.length} elements]`,
      'KeySchema',
      'Member must have length less than or equal to 2',
    )
  }
  const defs = rawDefs.map((raw, i) => {
    const def = isObject(raw) ? raw : {}
    const attributeName = required(
      optionalString(def, 'AttributeName'),
      `attributeDefinitions.${i + 1}.member.attributeName`,
    )
    const label = `attributeDefinitions.${i + 1}.member.attributeType`
    const type = optionalEnum(def, 'AttributeType', ['B', 'N', 'S'] as const, label)
    return { AttributeName: attributeName, AttributeType: required(type, label) }
  })
  const schema = rawSchema.map((raw, i) => {
    const element = isObject(raw) ? raw : {}
    return {
      name: required(
        optionalString(element, 'AttributeName'),
        `keySchema.${i + 1}.member.attributeName`,
      ),
      type: required(
        optionalEnum(
          element,
          'KeyType',
          ['HASH', 'RANGE'] as const,
          `keySchema.${i + 1}.member.keyType`,
        ),
        `keySchema.${i + 1}.member.keyType`,
      ),
    }
  })
  const [hash, range] = schema as [
    { name: string; type: string },
    { name: string; type: string } | undefined,
  ]
  if (hash.type !== 'HASH') {
    throw validation('Invalid KeySchema: The first KeySchemaElement is not a HASH key type')
  }
  if (range && range.type !== 'RANGE') {
    throw validation('Invalid KeySchema: The second KeySchemaElement is not a RANGE key type')
  }
  if (range && range.name === hash.name) {
    throw validation(
      'Both the Hash Key and the Range Key element in the KeySchema have the same name',
    )
  }
  if (body.GlobalSecondaryIndexes !== undefined || body.LocalSecondaryIndexes !== undefined) {
    throw validation(
      'The emulator does not support secondary indexes; create the table without GlobalSecondaryIndexes and LocalSecondaryIndexes',
    )
  }
  const hashKey = { name: hash.name, type: keyType(defs, hash.name) }
  const rangeKey = range ? { name: range.name, type: keyType(defs, range.name) } : undefined
  if (defs.length !== schema.length) {
    throw validation(
      'One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions',
    )
  }
  const { billingMode, read, write } = throughput(body)
  const key = storeKey(ctx, name)
  if (ctx.tables.has(key)) {
    throw new DynamoDbFault('ResourceInUseException', `Table already exists: ${name}`)
  }
  const table = createTableState({
    name,
    hashKey,
    ...(rangeKey ? { rangeKey } : {}),
    attributeDefinitions: defs,
    billingMode,
    readCapacity: read,
    writeCapacity: write,
    arn: `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/${name}`,
    tableId: randomId(),
    createdAt: ctx.now,
  })
  ctx.tables.set(key, table)
  // AWS answers CreateTable with CREATING; here the table is usable at once and DescribeTable
  // already reports ACTIVE, so waiters (`aws dynamodb wait table-exists`) finish on first poll.
  return { TableDescription: describe(table, 'CREATING') }
}

/** DescribeTable. */
export function describeTable(ctx: OperationContext, body: Body): Record<string, unknown> {
  const name = tableNameOf(body)
  const table = ctx.tables.get(storeKey(ctx, name))
  if (!table) {
    throw new DynamoDbFault(
      'ResourceNotFoundException',
      `Requested resource not found: Table: ${name} not found`,
    )
  }
  return { Table: describe(table) }
}

/** DeleteTable. */
export function deleteTable(ctx: OperationContext, body: Body): Record<string, unknown> {
  const name = tableNameOf(body)
  const key = storeKey(ctx, name)
  const table = ctx.tables.get(key)
  if (!table) {
    throw new DynamoDbFault(
      'ResourceNotFoundException',
      `Requested resource not found: Table: ${name} not found`,
    )
  }
  ctx.tables.delete(key)
  return { TableDescription: describe(table, 'DELETING') }
}

/** ListTables (names in order, paged by ExclusiveStartTableName and Limit 1-100). */
export function listTables(ctx: OperationContext, body: Body): Record<string, unknown> {
  const start = optionalString(body, 'ExclusiveStartTableName')
  if (start !== undefined) checkTableName(start, 'ExclusiveStartTableName')
  const limit = optionalInteger(body, 'Limit', 1, 100) ?? 100
  const prefix = `${ctx.region}/`
  const names = [...ctx.tables.keys()]
    .filter((k) => k.startsWith(prefix))
    .map((k) => k.slice(prefix.length))
    .sort()
    .filter((n) => start === undefined || n > start)
  const page = names.slice(0, limit)
  return {
    TableNames: page,
    ...(names.length > limit ? { LastEvaluatedTableName: page[page.length - 1] } : {}),
  }
}
