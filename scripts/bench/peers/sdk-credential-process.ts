// Items 1 and 2: the AWS SDK for JavaScript v3 equivalent of `stsrefresh credential-process`,
// Bun-compiled like the stsrefresh binary: fromTemporaryCredentials (AssumeRole with the base
// credentials from the environment), printed in the credential_process format. The SDK keeps
// no cache between processes, so every run calls STS. Usage: <binary> <endpoint> <role-arn>
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers'

const [endpoint, roleArn] = process.argv.slice(2)
const provider = fromTemporaryCredentials({
  params: { RoleArn: roleArn!, RoleSessionName: 'sdk-v3', DurationSeconds: 3600 },
  clientConfig: { region: 'us-east-1', endpoint: endpoint! },
})
const credentials = await provider()
console.log(JSON.stringify({
  Version: 1,
  AccessKeyId: credentials.accessKeyId,
  SecretAccessKey: credentials.secretAccessKey,
  SessionToken: credentials.sessionToken,
  Expiration: credentials.expiration?.toISOString(),
}))
