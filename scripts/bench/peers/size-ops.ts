// Item 7: exactly the operations peers/size-sdk.ts imports from the AWS SDK v3 (AssumeRole with
// refreshing credentials, S3 PutObject/GetObject, DynamoDB PutItem/GetItem), through the public
// subpath entries: per-operation functions for S3, the (operation-agnostic) DynamoDB client.
export { fromAssumeRole, refreshable } from '../../../src/entries/sts.ts'
export { createS3Context, getObject, putObject } from '../../../src/entries/s3.ts'
export { createDynamoDbClient } from '../../../src/entries/dynamodb.ts'
