/**
 * Debian's real AWS CLI (aws-cli 2.x, botocore) against the S3 emulator served on loopback:
 * s3api create-bucket/put-object/get-object/head-object/list-objects-v2/delete-objects, and
 * `aws s3 cp`, which switches to multipart (8 MiB parts) above 8 MiB and downloads in ranges.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type AwsCliWorld, startAwsCliWorld } from '../helpers/aws-cli-world.ts'
import type { Run } from '../helpers/spawn.ts'
import { debianAwsCli } from '../helpers/tools.ts'
import { bytes, nodeMd5 } from './s3-helpers.ts'

const aws = debianAwsCli()
const MIB = 1024 * 1024
// Each CLI run starts Python and botocore (about half a second), so tests get a generous timeout.
const TIMEOUT = 120_000

describe.skipIf(!aws)("S3 with Debian's AWS CLI", () => {
  let world: AwsCliWorld
  let home: string
  const run = (...args: string[]): Promise<Run> => world.aws(...args)
  const ok = async (...args: string[]): Promise<string> => {
    const result = await run(...args)
    if (result.code !== 0) throw new Error(`aws ${args.join(' ')} exited ${result.code}: ${result.stderr}`)
    return result.stdout
  }

  beforeAll(async () => {
    world = await startAwsCliWorld(aws!, 'stsrefresh-s3-cli-')
    home = world.home
  })

  afterAll(() => world?.close(), TIMEOUT)

  test('s3api create-bucket, put-object, get-object, head-object byte-exact with metadata', async () => {
    const created = JSON.parse(await ok('s3api', 'create-bucket', '--bucket', 'cli-bucket'))
    expect(created.Location).toBe('/cli-bucket')
    const data = bytes(70_001, 3)
    const source = join(home, 'in.bin')
    writeFileSync(source, data)
    const put = JSON.parse(
      await ok('s3api', 'put-object', '--bucket', 'cli-bucket', '--key', 'dir/in file+€.bin', '--body', source,
        '--content-type', 'application/x-test', '--metadata', 'origin=cli,team=core'),
    )
    expect(put.ETag).toBe(`"${nodeMd5(data).toString('hex')}"`)
    const target = join(home, 'out.bin')
    const got = JSON.parse(await ok('s3api', 'get-object', '--bucket', 'cli-bucket', '--key', 'dir/in file+€.bin', target))
    expect(new Uint8Array(readFileSync(target))).toEqual(data)
    expect(got.ContentLength).toBe(70_001)
    expect(got.ContentType).toBe('application/x-test')
    expect(got.Metadata).toEqual({ origin: 'cli', team: 'core' })
    expect(got.ETag).toBe(put.ETag)
    const head = JSON.parse(await ok('s3api', 'head-object', '--bucket', 'cli-bucket', '--key', 'dir/in file+€.bin'))
    expect(head.ContentLength).toBe(70_001)
    const ranged = JSON.parse(
      await ok('s3api', 'get-object', '--bucket', 'cli-bucket', '--key', 'dir/in file+€.bin', '--range', 'bytes=10-19', target),
    )
    expect(ranged.ContentRange).toBe('bytes 10-19/70001')
    expect(new Uint8Array(readFileSync(target))).toEqual(data.slice(10, 20))
  }, TIMEOUT)

  test('s3api list-objects-v2 paginates (page size 2) and delete-objects removes keys', async () => {
    await ok('s3api', 'create-bucket', '--bucket', 'cli-list')
    const keys = ['a', 'b/1', 'b/2', 'c d', 'e+f']
    for (const key of keys) await ok('s3api', 'put-object', '--bucket', 'cli-list', '--key', key)
    const listed = JSON.parse(await ok('s3api', 'list-objects-v2', '--bucket', 'cli-list', '--page-size', '2'))
    expect(listed.Contents.map((o: { Key: string }) => o.Key)).toEqual(keys)
    expect(listed.Contents[0].ETag).toBe('"d41d8cd98f00b204e9800998ecf8427e"')
    const delimited = JSON.parse(await ok('s3api', 'list-objects-v2', '--bucket', 'cli-list', '--delimiter', '/'))
    expect(delimited.CommonPrefixes).toEqual([{ Prefix: 'b/' }])
    expect(delimited.Contents.map((o: { Key: string }) => o.Key)).toEqual(['a', 'c d', 'e+f'])
    const deleted = JSON.parse(
      await ok('s3api', 'delete-objects', '--bucket', 'cli-list', '--delete', JSON.stringify({ Objects: [{ Key: 'a' }, { Key: 'c d' }] })),
    )
    expect(deleted.Deleted.map((d: { Key: string }) => d.Key)).toEqual(['a', 'c d'])
    const after = JSON.parse(await ok('s3api', 'list-objects-v2', '--bucket', 'cli-list'))
    expect(after.Contents.map((o: { Key: string }) => o.Key)).toEqual(['b/1', 'b/2', 'e+f'])
  }, TIMEOUT)

  test('aws s3 cp uploads 20 MiB in 8 MiB parts ("-3" ETag) and downloads it back byte-exact', async () => {
    await ok('s3api', 'create-bucket', '--bucket', 'cli-big')
    const data = bytes(20 * MIB + 5, 8)
    const source = join(home, 'big.bin')
    writeFileSync(source, data)
    await ok('s3', 'cp', source, 's3://cli-big/nested/big.bin', '--only-show-errors')
    const head = JSON.parse(await ok('s3api', 'head-object', '--bucket', 'cli-big', '--key', 'nested/big.bin'))
    const partSize = 8 * MIB
    const partMd5s = [0, 1, 2].map((i) => nodeMd5(data.subarray(i * partSize, (i + 1) * partSize)))
    expect(head.ETag).toBe(`"${nodeMd5(Buffer.concat(partMd5s)).toString('hex')}-3"`)
    expect(head.ContentLength).toBe(20 * MIB + 5)
    const target = join(home, 'big-back.bin')
    await ok('s3', 'cp', 's3://cli-big/nested/big.bin', target, '--only-show-errors')
    expect(new Uint8Array(readFileSync(target))).toEqual(data)
    const listing = await ok('s3', 'ls', 's3://cli-big/nested/')
    expect(listing).toContain(`${20 * MIB + 5} big.bin`)
  }, TIMEOUT)

  test('errors reach the CLI with S3 codes: NoSuchKey, NoSuchBucket, BucketNotEmpty', async () => {
    await ok('s3api', 'create-bucket', '--bucket', 'cli-errors')
    await ok('s3api', 'put-object', '--bucket', 'cli-errors', '--key', 'k')
    const missingKey = await run('s3api', 'get-object', '--bucket', 'cli-errors', '--key', 'nope', join(home, 'x'))
    expect(missingKey.code).toBe(254)
    // botocore appends "(reached max retries: 0)" because AWS_MAX_ATTEMPTS is 1.
    expect(missingKey.stderr).toContain('An error occurred (NoSuchKey) when calling the GetObject operation')
    expect(missingKey.stderr).toContain(': The specified key does not exist.')
    const missingBucket = await run('s3api', 'list-objects-v2', '--bucket', 'no-such-bucket-here')
    expect(missingBucket.code).toBe(254)
    expect(missingBucket.stderr).toContain('(NoSuchBucket) when calling the ListObjectsV2 operation')
    expect(missingBucket.stderr).toContain(': The specified bucket does not exist')
    const notEmpty = await run('s3api', 'delete-bucket', '--bucket', 'cli-errors')
    expect(notEmpty.stderr).toContain('(BucketNotEmpty) when calling the DeleteBucket operation')
    const headMissing = await run('s3api', 'head-object', '--bucket', 'cli-errors', '--key', 'nope')
    expect(headMissing.code).toBe(254)
    expect(headMissing.stderr).toContain('An error occurred (404) when calling the HeadObject operation')
    expect(headMissing.stderr).toContain(': Not Found')
  }, TIMEOUT)
})
