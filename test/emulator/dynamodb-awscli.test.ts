/**
 * Debian's real AWS CLI (aws-cli 2.x, botocore, which verifies `x-amz-crc32`) against the
 * DynamoDB emulator served on loopback: create-table, put-item, get-item, query, update-item,
 * a failed condition, and an unknown table.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type AwsCliWorld, startAwsCliWorld } from '../helpers/aws-cli-world.ts'
import type { Run } from '../helpers/spawn.ts'
import { debianAwsCli } from '../helpers/tools.ts'

const aws = debianAwsCli()

describe.skipIf(!aws)("DynamoDB with Debian's AWS CLI", () => {
  let world: AwsCliWorld
  const run = (...args: string[]): Promise<Run> => world.aws('dynamodb', ...args)
  const ok = async (...args: string[]): Promise<any> => {
    const result = await run(...args)
    if (result.code !== 0) {
      throw new Error(`aws dynamodb ${args.join(' ')} exited ${result.code}: ${result.stderr}`)
    }
    return result.stdout.trim() === '' ? {} : JSON.parse(result.stdout)
  }

  beforeAll(async () => {
    world = await startAwsCliWorld(aws!, 'stsrefresh-ddb-cli-')
  })

  afterAll(() => world?.close())

  test('create-table, put-item, get-item, query, update-item', async () => {
    const created = await ok(
      'create-table',
      '--table-name',
      'CliTable',
      '--attribute-definitions',
      'AttributeName=pk,AttributeType=S',
      'AttributeName=sk,AttributeType=N',
      '--key-schema',
      'AttributeName=pk,KeyType=HASH',
      'AttributeName=sk,KeyType=RANGE',
      '--billing-mode',
      'PAY_PER_REQUEST',
    )
    expect(created.TableDescription.TableName).toBe('CliTable')
    expect(created.TableDescription.TableArn).toBe(
      'arn:aws:dynamodb:us-east-1:123456789012:table/CliTable',
    )
    await ok('wait', 'table-exists', '--table-name', 'CliTable')
    for (const sk of ['20', '3', '100']) {
      await ok(
        'put-item',
        '--table-name',
        'CliTable',
        '--item',
        JSON.stringify({ pk: { S: 'cli' }, sk: { N: sk }, note: { S: `n${sk}` } }),
      )
    }
    const got = await ok(
      'get-item',
      '--table-name',
      'CliTable',
      '--key',
      JSON.stringify({ pk: { S: 'cli' }, sk: { N: '3' } }),
    )
    expect(got).toEqual({ Item: { pk: { S: 'cli' }, sk: { N: '3' }, note: { S: 'n3' } } })
    const queried = await ok(
      'query',
      '--table-name',
      'CliTable',
      '--key-condition-expression',
      'pk = :p AND sk >= :min',
      '--expression-attribute-values',
      JSON.stringify({ ':p': { S: 'cli' }, ':min': { N: '4' } }),
    )
    expect(queried.Items.map((i: any) => i.sk.N)).toEqual(['20', '100'])
    expect(queried.Count).toBe(2)
    const updated = await ok(
      'update-item',
      '--table-name',
      'CliTable',
      '--key',
      JSON.stringify({ pk: { S: 'cli' }, sk: { N: '3' } }),
      '--update-expression',
      'SET #c = if_not_exists(#c, :zero) + :inc',
      '--expression-attribute-names',
      JSON.stringify({ '#c': 'count' }),
      '--expression-attribute-values',
      JSON.stringify({ ':zero': { N: '0' }, ':inc': { N: '0.1' } }),
      '--return-values',
      'UPDATED_NEW',
    )
    expect(updated).toEqual({ Attributes: { count: { N: '0.1' } } })
  }, 60_000)

  test('errors reach the CLI with their AWS code and message', async () => {
    await ok(
      'create-table',
      '--table-name',
      'CliErrors',
      '--attribute-definitions',
      'AttributeName=id,AttributeType=S',
      '--key-schema',
      'AttributeName=id,KeyType=HASH',
      '--billing-mode',
      'PAY_PER_REQUEST',
    )
    const item = JSON.stringify({ id: { S: 'x' } })
    await ok('put-item', '--table-name', 'CliErrors', '--item', item)
    const conditional = await run(
      'put-item',
      '--table-name',
      'CliErrors',
      '--item',
      item,
      '--condition-expression',
      'attribute_not_exists(id)',
    )
    expect(conditional.code).toBe(254)
    // botocore adds "(reached max retries: N)" after the operation name.
    expect(conditional.stderr).toMatch(
      /An error occurred \(ConditionalCheckFailedException\) when calling the PutItem operation( \([^)]*\))?: The conditional request failed\n/,
    )
    const missing = await run('get-item', '--table-name', 'NoSuchTable', '--key', item)
    expect(missing.code).toBe(254)
    expect(missing.stderr).toMatch(
      /An error occurred \(ResourceNotFoundException\) when calling the GetItem operation( \([^)]*\))?: Requested resource not found\n/,
    )
  }, 60_000)
})
