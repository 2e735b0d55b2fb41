// Item 7: the AWS SDK for JavaScript v3 equivalent of peers/size-core.ts: the STS, S3 and
// DynamoDB clients with the commands the benchmarks use, and temporary credentials.
export { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts'
export { S3Client, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3'
export { DynamoDBClient, PutItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb'
export { fromTemporaryCredentials } from '@aws-sdk/credential-providers'
