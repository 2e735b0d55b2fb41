// Item 7: the library surface of refresh + STS + S3 + DynamoDB, full clients, bundled like a
// user's app would, through the public subpath entries (stsrefresh/sts, /s3, /dynamodb).
export { createStsClient, fromAssumeRole, refreshable } from '../../../src/entries/sts.ts'
export { createS3Client } from '../../../src/entries/s3.ts'
export { createDynamoDbClient } from '../../../src/entries/dynamodb.ts'
