// Item 7: the library surface of refresh + STS + S3 + DynamoDB, bundled like a user's app would.
export { refreshable } from '../../../src/credentials/refreshable.ts'
export { fromAssumeRole } from '../../../src/credentials/assume-role.ts'
export { createStsClient } from '../../../src/sts.ts'
export { createS3Client } from '../../../src/s3/index.ts'
export { createDynamoDbClient } from '../../../src/dynamodb/index.ts'
