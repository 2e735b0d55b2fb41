/**
 * Regions: a credential scope must name a real-looking AWS region (each service's error
 * otherwise); S3 buckets live in one region and DynamoDB tables are per region, as in AWS.
 */
import { describe, expect, test } from 'bun:test'
import { createManualClock } from '../../src/clock.ts'
import { ConfigError } from '../../src/errors.ts'
import { createEmulator, type EmulatorOptions } from '../../src/emulator/emulator.ts'
import { isRegionName } from '../../src/emulator/regions.ts'
import { aws4Sign, type PlainRequest, smithySign, xmlTag } from './sigv4-helpers.ts'

const START = Date.UTC(2026, 0, 1)
const HOST = '127.0.0.1:4566'
const EU_CONFIG =
  '<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>'

function setup(options: EmulatorOptions = {}) {
  const clock = createManualClock(START)
  const emulator = createEmulator({ clock, ...options })
  const send = async (
    service: string,
    region: string,
    req: Omit<PlainRequest, 'host'>,
    presign = false,
  ): Promise<Response> =>
    emulator.handler(
      presign
        ? await smithySign({ ...req, host: HOST }, emulator.baseCredentials, service, clock.now(), {
          region,
          presign: true,
        })
        : await aws4Sign({ ...req, host: HOST }, emulator.baseCredentials, service, clock.now(), {
          region,
        }),
    )
  const s3 = (
    region: string,
    method: string,
    segments: string[],
    options: { query?: Record<string, string>; body?: string; presign?: boolean } = {},
  ) =>
    send('s3', region, {
      method,
      segments,
      query: options.query ?? {},
      headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      ...(options.body !== undefined ? { body: options.body } : {}),
    }, options.presign)
  const dynamodb = async (region: string, operation: string, body: unknown) => {
    const response = await send('dynamodb', region, {
      method: 'POST',
      segments: [],
      query: {},
      headers: {
        'x-amz-target': `DynamoDB_20120810.${operation}`,
        'content-type': 'application/x-amz-json-1.0',
      },
      body: JSON.stringify(body),
    })
    return { status: response.status, body: (await response.json()) as Record<string, any> }
  }
  const sts = (region: string) =>
    send('sts', region, {
      method: 'POST',
      segments: [],
      query: {},
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    })
  return { clock, emulator, s3, dynamodb, sts }
}

async function s3Error(response: Response): Promise<[number, string?, string?, string?]> {
  const xml = await response.text()
  return [response.status, xmlTag(xml, 'Code'), xmlTag(xml, 'Message'), xmlTag(xml, 'Region')]
}

describe('region names', () => {
  test('every partition pattern of the SDKs passes; made-up names do not', () => {
    const valid = [
      'us-east-1',
      'eu-west-1',
      'ap-southeast-7',
      'mx-central-1',
      'il-central-1',
      'cn-north-1',
      'us-gov-west-1',
      'us-iso-east-1',
      'us-isob-east-1',
      'us-isof-south-1',
      'eu-isoe-west-1',
      'eusc-de-east-1',
    ]
    const invalid = ['xx-fake-9', 'us-east', 'us_east_1', 'US-EAST-1', 's3', '', 'us-east-1a', 'aws-global', 'zz-gov-west-1']
    expect(valid.filter((r) => !isRegionName(r))).toEqual([])
    expect(invalid.filter((r) => isRegionName(r))).toEqual([])
  })

  test('createEmulator refuses a region clients could not sign with', () => {
    expect(() => createEmulator({ region: 'xx-fake-9' })).toThrow(ConfigError)
    expect(() => createEmulator({ region: 'xx-fake-9' })).toThrow(
      "Emulator region 'xx-fake-9' is not an AWS region name (such as us-east-1, eu-west-1, cn-north-1 or us-gov-west-1)",
    )
    expect(createEmulator({ region: 'eu-central-1' }).region).toBe('eu-central-1')
  })
})

describe('a scope with an invalid region is rejected in each service format', () => {
  test('STS: 403 SignatureDoesNotMatch', async () => {
    const { sts } = setup()
    const response = await sts('xx-fake-9')
    const xml = await response.text()
    expect([response.status, xmlTag(xml, 'Code'), xmlTag(xml, 'Message')]).toEqual([
      403,
      'SignatureDoesNotMatch',
      "Credential should be scoped to a valid region, not 'xx-fake-9'. ",
    ])
    expect((await sts('ap-south-1')).status).toBe(200)
  })

  test('DynamoDB: 400 InvalidSignatureException', async () => {
    const { dynamodb } = setup()
    expect(await dynamodb('xx-fake-9', 'ListTables', {})).toEqual({
      status: 400,
      body: {
        __type: 'com.amazon.coral.service#InvalidSignatureException',
        message: "Credential should be scoped to a valid region, not 'xx-fake-9'. ",
      },
    })
  })

  test("S3: 400 AuthorizationHeaderMalformed expecting the emulator's region; presigned AuthorizationQueryParametersError", async () => {
    const { s3, emulator } = setup({ region: 'eu-west-2' })
    expect(await s3Error(await s3('xx-fake-9', 'GET', []))).toEqual([
      400,
      'AuthorizationHeaderMalformed',
      "The authorization header is malformed; the region 'xx-fake-9' is wrong; expecting 'eu-west-2'",
      'eu-west-2',
    ])
    expect(await s3Error(await s3('s3', 'GET', ['bkt', 'k'], { presign: true }))).toEqual([
      400,
      'AuthorizationQueryParametersError',
      "Error parsing the X-Amz-Credential parameter; the region 's3' is wrong; expecting 'eu-west-2'",
      'eu-west-2',
    ])
    expect(emulator.stats().rejections).toEqual({
      AuthorizationHeaderMalformed: 1,
      AuthorizationQueryParametersError: 1,
    })
  })
})

describe('S3 buckets live in one region', () => {
  test('a bucket in eu-west-1 answers requests signed for another region with its region', async () => {
    const { s3 } = setup()
    expect((await s3('eu-west-1', 'PUT', ['euro'], { body: EU_CONFIG })).status).toBe(200)
    expect((await s3('eu-west-1', 'PUT', ['euro', 'k'], { body: 'v' })).status).toBe(200)
    const wrong = await s3('us-east-1', 'GET', ['euro', 'k'])
    expect(wrong.headers.get('x-amz-bucket-region')).toBe('eu-west-1')
    expect(await s3Error(wrong)).toEqual([
      400,
      'AuthorizationHeaderMalformed',
      "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'",
      'eu-west-1',
    ])
    // HEAD has no body: the status and x-amz-bucket-region are what clients redirect on.
    const head = await s3('ap-south-1', 'HEAD', ['euro'])
    expect([head.status, head.headers.get('x-amz-bucket-region'), await head.text()]).toEqual([
      400,
      'eu-west-1',
      '',
    ])
    expect(await s3Error(await s3('us-west-2', 'GET', ['euro', 'k'], { presign: true }))).toEqual([
      400,
      'AuthorizationQueryParametersError',
      "Error parsing the X-Amz-Credential parameter; the region 'us-west-2' is wrong; expecting 'eu-west-1'",
      'eu-west-1',
    ])
    // GetBucketLocation is how a client finds out, so it answers from any region.
    const location = await s3('us-east-1', 'GET', ['euro'], { query: { location: '' } })
    expect([location.status, (await location.text()).includes('>eu-west-1</LocationConstraint>')])
      .toEqual([200, true])
    expect(await (await s3('eu-west-1', 'GET', ['euro', 'k'])).text()).toBe('v')
    expect((await s3('eu-west-1', 'GET', ['euro', 'k'], { presign: true })).status).toBe(200)
    // A missing bucket is NoSuchBucket from any region; ListBuckets lists every region's.
    expect((await s3Error(await s3('us-east-1', 'GET', ['nowhere', 'k'])))[1]).toBe('NoSuchBucket')
    expect(xmlTag(await (await s3('us-east-1', 'GET', [])).text(), 'BucketRegion')).toBe(
      'eu-west-1',
    )
  })

  test('CreateBucket: the constraint must match the signing region outside us-east-1', async () => {
    const { s3 } = setup()
    const mismatch = await s3('eu-west-1', 'PUT', ['bk1'], {
      body: EU_CONFIG.replace('eu-west-1', 'ap-south-1'),
    })
    expect(await s3Error(mismatch)).toEqual([
      400,
      'IllegalLocationConstraintException',
      'The ap-south-1 location constraint is incompatible for the region specific endpoint this request was sent to.',
      undefined,
    ])
    expect((await s3Error(await s3('eu-west-1', 'PUT', ['bk2'])))[1]).toBe(
      'IllegalLocationConstraintException',
    )
    // Signed for us-east-1 (the s3.amazonaws.com endpoint), any constraint is taken, as in AWS.
    expect((await s3('us-east-1', 'PUT', ['bk3'], { body: EU_CONFIG })).status).toBe(200)
    expect((await s3('us-east-1', 'PUT', ['bk4'])).status).toBe(200)
    expect((await s3('us-east-1', 'HEAD', ['bk4'])).headers.get('x-amz-bucket-region')).toBe(
      'us-east-1',
    )
  })
})

describe('DynamoDB tables are per region', () => {
  test('a table created in us-east-1 is not visible from eu-west-1', async () => {
    const { dynamodb } = setup()
    const table = {
      TableName: 'jobs',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }
    const created = await dynamodb('us-east-1', 'CreateTable', table)
    expect(created.body.TableDescription.TableArn).toBe(
      'arn:aws:dynamodb:us-east-1:123456789012:table/jobs',
    )
    expect(await dynamodb('eu-west-1', 'DescribeTable', { TableName: 'jobs' })).toEqual({
      status: 400,
      body: {
        __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
        message: 'Requested resource not found: Table: jobs not found',
      },
    })
    expect((await dynamodb('eu-west-1', 'PutItem', {
      TableName: 'jobs',
      Item: { id: { S: '1' } },
    })).status).toBe(400)
    expect((await dynamodb('eu-west-1', 'ListTables', {})).body).toEqual({ TableNames: [] })
    // The same name in another region is another table.
    expect((await dynamodb('eu-west-1', 'CreateTable', table)).body.TableDescription.TableArn)
      .toBe('arn:aws:dynamodb:eu-west-1:123456789012:table/jobs')
    await dynamodb('us-east-1', 'PutItem', { TableName: 'jobs', Item: { id: { S: 'east' } } })
    expect((await dynamodb('eu-west-1', 'Scan', { TableName: 'jobs' })).body.Count).toBe(0)
    expect((await dynamodb('us-east-1', 'Scan', { TableName: 'jobs' })).body.Count).toBe(1)
  })
})
