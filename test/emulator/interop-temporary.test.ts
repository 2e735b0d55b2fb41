/**
 * Real AWS clients no one here wrote (Debian's aws CLI and boto3) use the TEMPORARY credentials
 * the emulator's STS issued for S3 and DynamoDB, and get each service's own expiry error once
 * the emulator's clock reaches their Expiration (S3 `ExpiredToken`, DynamoDB
 * `ExpiredTokenException`).
 */
import { describe, expect, test } from 'bun:test'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Emulator, ServedEmulator } from '../../src/emulator/index.ts'
import { interopEmulator } from '../helpers/interop-emulator.ts'
import { type Run, run as spawnRun } from '../helpers/spawn.ts'
import { debianAwsCli, debianBoto3Python, isolatedAwsEnv } from '../helpers/tools.ts'

const run = (cmd: string[], env: Record<string, string>): Promise<Run> => spawnRun(cmd, { env })

const LIFETIME_S = 120
// The real time, so 1 lifetime later is still inside the 5-minute signing window.
const start = interopEmulator(LIFETIME_S, 'stsrefresh-interop-tmp-')

/** Temporary credentials for a role, from the emulator's STS through its own handler. */
async function assumeRole(emulator: Emulator, served: ServedEmulator) {
  const { fromAssumeRole } = await import('../../src/credentials/assume-role.ts')
  const creds = await fromAssumeRole({
    roleArn: `arn:aws:iam::${emulator.accountId}:role/interop-temporary`,
    roleSessionName: 'interop',
    region: 'us-east-1',
    endpoint: served.url,
    source: emulator.baseCredentials,
  })()
  expect(creds.accessKeyId).toStartWith('ASIA')
  return creds
}

describe("Debian's aws CLI with temporary credentials", () => {
  const aws = debianAwsCli()
  test.skipIf(!aws)('s3api and dynamodb work until Expiration, then fail with each service\'s expiry error', async () => {
    const { clock, emulator, served, home } = await start()
    const creds = await assumeRole(emulator, served)
    const env = isolatedAwsEnv(home, {
      AWS_ACCESS_KEY_ID: creds.accessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
      AWS_SESSION_TOKEN: creds.sessionToken ?? '',
      AWS_DEFAULT_REGION: 'us-east-1',
    })
    const cli = (...args: string[]) => run([aws!, '--endpoint-url', served.url, '--output', 'json', ...args], env)
    const body = join(home, 'body.bin')
    const bytes = new Uint8Array(1000).map((_, i) => (i * 7) % 256)
    writeFileSync(body, bytes)

    expect((await cli('s3api', 'create-bucket', '--bucket', 'tmp-creds')).code).toBe(0)
    expect((await cli('s3api', 'put-object', '--bucket', 'tmp-creds', '--key', 'k', '--body', body)).code).toBe(0)
    expect((await cli('s3api', 'get-object', '--bucket', 'tmp-creds', '--key', 'k', join(home, 'out.bin'))).code).toBe(0)
    expect(new Uint8Array(readFileSync(join(home, 'out.bin')))).toEqual(bytes)
    const listed = await cli('s3api', 'list-objects-v2', '--bucket', 'tmp-creds')
    expect((JSON.parse(listed.stdout) as { Contents: { Key: string }[] }).Contents.map((o) => o.Key)).toEqual(['k'])

    expect((await cli('dynamodb', 'create-table', '--table-name', 'tmp', '--attribute-definitions', 'AttributeName=pk,AttributeType=S', 'AttributeName=sk,AttributeType=N', '--key-schema', 'AttributeName=pk,KeyType=HASH', 'AttributeName=sk,KeyType=RANGE', '--billing-mode', 'PAY_PER_REQUEST')).code).toBe(0)
    expect((await cli('dynamodb', 'put-item', '--table-name', 'tmp', '--item', '{"pk":{"S":"a"},"sk":{"N":"1"},"v":{"S":"x"}}')).code).toBe(0)
    const got = await cli('dynamodb', 'get-item', '--table-name', 'tmp', '--key', '{"pk":{"S":"a"},"sk":{"N":"1"}}')
    expect(JSON.parse(got.stdout)).toEqual({ Item: { pk: { S: 'a' }, sk: { N: '1' }, v: { S: 'x' } } })
    const queried = await cli('dynamodb', 'query', '--table-name', 'tmp', '--key-condition-expression', 'pk = :p', '--expression-attribute-values', '{":p":{"S":"a"}}')
    expect((JSON.parse(queried.stdout) as { Count: number }).Count).toBe(1)

    await clock.set(creds.expiration!.getTime())
    const s3Expired = await cli('s3api', 'get-object', '--bucket', 'tmp-creds', '--key', 'k', join(home, 'out2.bin'))
    expect(s3Expired.code).not.toBe(0)
    expect(s3Expired.stderr).toContain('(ExpiredToken)')
    const ddbExpired = await cli('dynamodb', 'get-item', '--table-name', 'tmp', '--key', '{"pk":{"S":"a"},"sk":{"N":"1"}}')
    expect(ddbExpired.code).not.toBe(0)
    expect(ddbExpired.stderr).toContain('(ExpiredTokenException)')
  }, 60_000)
})

describe('boto3 with temporary credentials', () => {
  const python = debianBoto3Python()
  test.skipIf(!python)('S3 and DynamoDB work until Expiration, then fail with each service\'s expiry error', async () => {
    const { clock, emulator, served, home } = await start()
    const creds = await assumeRole(emulator, served)
    const script = `
import boto3, json, sys
from botocore.exceptions import ClientError
phase = sys.argv[1]
kw = dict(endpoint_url=sys.argv[2], region_name='us-east-1')
s3 = boto3.client('s3', **kw)
ddb = boto3.client('dynamodb', **kw)
if phase == 'use':
    s3.create_bucket(Bucket='boto-tmp')
    s3.put_object(Bucket='boto-tmp', Key='k', Body=b'hello')
    ddb.create_table(TableName='boto', KeySchema=[{'AttributeName': 'pk', 'KeyType': 'HASH'}],
        AttributeDefinitions=[{'AttributeName': 'pk', 'AttributeType': 'S'}], BillingMode='PAY_PER_REQUEST')
    ddb.put_item(TableName='boto', Item={'pk': {'S': 'a'}})
    print(json.dumps([s3.get_object(Bucket='boto-tmp', Key='k')['Body'].read().decode(),
        ddb.get_item(TableName='boto', Key={'pk': {'S': 'a'}})['Item']['pk']['S']]))
else:
    codes = []
    for call in (lambda: s3.get_object(Bucket='boto-tmp', Key='k'), lambda: ddb.get_item(TableName='boto', Key={'pk': {'S': 'a'}})):
        try:
            call()
            codes.append('ok')
        except ClientError as e:
            codes.append(e.response['Error']['Code'])
    print(json.dumps(codes))
`
    const env = isolatedAwsEnv(home, {
      AWS_ACCESS_KEY_ID: creds.accessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
      AWS_SESSION_TOKEN: creds.sessionToken ?? '',
      AWS_MAX_ATTEMPTS: '1',
    })
    const used = await run([python!, '-c', script, 'use', served.url], env)
    expect(used.stderr).toBe('')
    expect(JSON.parse(used.stdout)).toEqual(['hello', 'a'])
    await clock.set(creds.expiration!.getTime())
    const expired = await run([python!, '-c', script, 'expired', served.url], env)
    expect(expired.stderr).toBe('')
    expect(JSON.parse(expired.stdout)).toEqual(['ExpiredToken', 'ExpiredTokenException'])
  }, 60_000)
})
