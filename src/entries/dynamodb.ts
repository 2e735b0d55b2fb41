/**
 * `stsrefresh/dynamodb`: the DynamoDB client and marshalling alone, without the credential
 * chain, the S3 client or the CLI helpers of the main entry. BatchGetItem/BatchWriteItem load
 * their retry loops on first call (a lazy chunk for application bundlers).
 *
 * @example
 * ```ts
 * import { createDynamoDbClient } from 'stsrefresh/dynamodb'
 * const ddb = createDynamoDbClient({ region: 'eu-west-1', credentials })
 * await ddb.putItem({ TableName: 'users', Item: { pk: 'user#1', n: 42 } })
 * ```
 *
 * Installs the Node/Bun/Deno platform (environment defaults) unless one is installed already.
 */
import '../runtime/install-platform.ts'

export * from '../errors.ts'
export * from '../dynamodb/index.ts'
