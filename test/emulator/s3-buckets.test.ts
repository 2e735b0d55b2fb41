import { describe, expect, test } from 'bun:test'
import { bucketNameProblem } from '../../src/emulator/s3-buckets.ts'
import { bucketFromHost, rawPath, resolveTarget } from '../../src/emulator/s3-request.ts'
import { ACCOUNT, s3Fixture, tags } from './s3-helpers.ts'

const XMLNS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'

describe('CreateBucket / HeadBucket / ListBuckets / DeleteBucket', () => {
  test('a bucket is created, headed, listed in name order and deleted', async () => {
    const s3 = s3Fixture()
    const created = await s3.send('PUT', '/zeta')
    expect(created.status).toBe(200)
    expect(created.headers.get('location')).toBe('/zeta')
    expect(created.headers.get('x-amz-request-id')).toBe('REQ0000000000001')
    expect(created.headers.get('x-amz-id-2')).toMatch(/^[A-Za-z0-9+/]{64}$/)
    await s3.clock.advance(1000)
    await s3.ok('PUT', '/alpha')

    const head = await s3.send('HEAD', '/alpha')
    expect(head.status).toBe(200)
    expect(head.headers.get('x-amz-bucket-region')).toBe('us-east-1')

    const list = await s3.ok('GET', '/')
    expect(list).toContain(`<ListAllMyBucketsResult ${XMLNS}>`)
    expect(tags(list, 'Name')).toEqual(['alpha', 'zeta'])
    expect(tags(list, 'CreationDate')).toEqual(['2026-01-02T03:04:06.678Z', '2026-01-02T03:04:05.678Z'])
    expect(tags(list, 'DisplayName')).toEqual([ACCOUNT])
    expect(tags(list, 'ID')[0]).toMatch(/^[0-9a-f]{64}$/)

    expect((await s3.send('DELETE', '/alpha')).status).toBe(204)
    const gone = await s3.send('HEAD', '/alpha')
    expect(gone.status).toBe(404)
    expect(await gone.text()).toBe('')
    expect(tags(await s3.ok('GET', '/'), 'Name')).toEqual(['zeta'])
  })

  test('re-creating an owned bucket: 200 in us-east-1, BucketAlreadyOwnedByYou (409) elsewhere', async () => {
    const s3 = s3Fixture()
    await s3.ok('PUT', '/mine')
    await s3.ok('PUT', '/mine')
    const config =
      '<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>'
    await s3.ok('PUT', '/euro', { body: config, region: 'eu-west-1' })
    const again = await s3.send('PUT', '/euro', { body: config, region: 'eu-west-1' })
    expect(again.status).toBe(409)
    const text = await again.text()
    expect(tags(text, 'Code')).toEqual(['BucketAlreadyOwnedByYou'])
    expect(tags(text, 'Message')).toEqual([
      'Your previous request to create the named bucket succeeded and you already own it.',
    ])
    expect(tags(text, 'BucketName')).toEqual(['euro'])
    const head = await s3.send('HEAD', '/euro')
    expect(head.headers.get('x-amz-bucket-region')).toBe('eu-west-1')
    expect(await s3.ok('GET', '/euro?location')).toContain(`<LocationConstraint ${XMLNS}>eu-west-1</LocationConstraint>`)
    expect(await s3.ok('GET', '/mine?location')).toContain(`<LocationConstraint ${XMLNS}></LocationConstraint>`)
  })

  test('another account gets BucketAlreadyExists and does not see the bucket in ListBuckets', async () => {
    const s3 = s3Fixture()
    await s3.ok('PUT', '/shared-name')
    const other = {
      accessKeyId: 'AKIAOTHER',
      accountId: '210987654321',
      arn: 'arn:aws:iam::210987654321:user/other',
      userId: 'AIDAOTHER',
      kind: 'user' as const,
    }
    const clash = await s3.send('PUT', '/shared-name', { identity: other })
    expect(clash.status).toBe(409)
    expect(tags(await clash.text(), 'Code')).toEqual(['BucketAlreadyExists'])
    expect(tags(await s3.ok('GET', '/', { identity: other }), 'Name')).toEqual([])
  })

  test('location constraints are checked as S3 checks them', async () => {
    const s3 = s3Fixture()
    const body = (region: string): string =>
      `<CreateBucketConfiguration><LocationConstraint>${region}</LocationConstraint></CreateBucketConfiguration>`
    const explicitUsEast = await s3.send('PUT', '/bk1', { body: body('us-east-1') })
    expect(explicitUsEast.status).toBe(400)
    expect(tags(await explicitUsEast.text(), 'Code')).toEqual(['InvalidLocationConstraint'])
    const missing = await s3.send('PUT', '/bk2', { region: 'eu-west-1' })
    expect(missing.status).toBe(400)
    const text = await missing.text()
    expect(tags(text, 'Code')).toEqual(['IllegalLocationConstraintException'])
    expect(tags(text, 'Message')).toEqual([
      'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.',
    ])
    const mismatch = await s3.send('PUT', '/bk3', { region: 'eu-west-1', body: body('ap-south-1') })
    expect(tags(await mismatch.text(), 'Message')[0]).toStartWith('The ap-south-1 location constraint')
    const malformed = await s3.send('PUT', '/bk4', { body: '<CreateBucketConfiguration>' })
    expect(malformed.status).toBe(400)
    expect(tags(await malformed.text(), 'Code')).toEqual(['MalformedXML'])
    const wrongRoot = await s3.send('PUT', '/bk5', { body: '<Other/>' })
    expect(tags(await wrongRoot.text(), 'Code')).toEqual(['MalformedXML'])
    expect(tags(await s3.ok('GET', '/'), 'Name')).toEqual([])
  })

  test('invalid bucket names get InvalidBucketName (400) with the name', async () => {
    const s3 = s3Fixture()
    for (const name of ['ab', 'UPPER', 'under_score', '-start', 'end-', 'a..b', '192.168.1.1', 'xn--abc', 'x'.repeat(64), 'name-s3alias']) {
      const response = await s3.send('PUT', `/${name}`)
      expect(response.status).toBe(400)
      const text = await response.text()
      expect(tags(text, 'Code')).toEqual(['InvalidBucketName'])
      expect(tags(text, 'Message')).toEqual(['The specified bucket is not valid.'])
      expect(tags(text, 'BucketName')).toEqual([name])
    }
    expect(bucketNameProblem('my.bucket-1')).toBeUndefined()
    expect(bucketNameProblem('a..b')).toBe('it must not hold two adjacent dots')
  })

  test('DeleteBucket on a non-empty bucket is BucketNotEmpty (409); a missing one NoSuchBucket', async () => {
    const s3 = s3Fixture()
    await s3.ok('PUT', '/full')
    await s3.ok('PUT', '/full/k', { body: 'x' })
    const refused = await s3.send('DELETE', '/full')
    expect(refused.status).toBe(409)
    const text = await refused.text()
    expect(tags(text, 'Code')).toEqual(['BucketNotEmpty'])
    expect(tags(text, 'Message')).toEqual(['The bucket you tried to delete is not empty'])
    expect(tags(text, 'BucketName')).toEqual(['full'])
    const missing = await s3.send('DELETE', '/nope')
    expect(missing.status).toBe(404)
    const missingText = await missing.text()
    expect(tags(missingText, 'Code')).toEqual(['NoSuchBucket'])
    expect(tags(missingText, 'Message')).toEqual(['The specified bucket does not exist'])
    expect(tags(missingText, 'BucketName')).toEqual(['nope'])
  })
})

describe('addressing', () => {
  test('virtual-hosted buckets: <bucket>.s3.localhost and <bucket>.localhost, with ports', async () => {
    const s3 = s3Fixture()
    await s3.ok('PUT', '/', { host: 'vhost.s3.localhost:4566' })
    await s3.ok('PUT', '/dir/file.txt', { host: 'vhost.localhost:9000', body: 'hello' })
    expect(await s3.ok('GET', '/vhost/dir/file.txt')).toBe('hello')
    expect(await s3.ok('GET', '/dir/file.txt', { host: 'vhost.s3.localhost' })).toBe('hello')
    await s3.ok('PUT', '/', { host: 'with.dots.s3.localhost' })
    expect(tags(await s3.ok('GET', '/', { host: 's3.localhost:4566' }), 'Name')).toEqual(['vhost', 'with.dots'])
    expect(tags(await s3.ok('GET', '/?list-type=2', { host: 'vhost.localhost' }), 'Key')).toEqual(['dir/file.txt'])
  })

  test('keys are the raw path decoded once: // and encoded characters kept, no normalisation', async () => {
    const s3 = s3Fixture()
    await s3.ok('PUT', '/bkt')
    await s3.ok('PUT', '/bkt//lead/x', { body: '1' })
    await s3.ok('PUT', '/bkt/a%252Fb%20c+d', { body: '2' })
    await s3.ok('PUT', '/bkt/%E2%82%AC%F0%9F%98%80', { body: '4' })
    const keys = tags(await s3.ok('GET', '/bkt?list-type=2'), 'Key')
    expect(keys).toEqual(['/lead/x', 'a%2Fb c+d', '€😀'])
    expect(await s3.ok('GET', '/bkt/a%252Fb%20c%2Bd')).toBe('2')
    const bad = await s3.send('GET', '/bkt/%E0%A4%A')
    expect(bad.status).toBe(400)
    expect(tags(await bad.text(), 'Code')).toEqual(['InvalidURI'])
  })
})

describe('resolveTarget', () => {
  // WHATWG URL parsing (new Request, new URL) resolves dot segments, so these go straight to the
  // resolver with the raw URL string a server would hand over.
  test('keeps dot segments and double slashes of the raw path', () => {
    expect(rawPath('http://h:1/b/a/../c//d?x=1')).toBe('/b/a/../c//d')
    expect(rawPath('http://h')).toBe('/')
    expect(resolveTarget('http://127.0.0.1:9/bkt/a/../c//d%2E%2E?x', '127.0.0.1:9')).toEqual({
      bucket: 'bkt',
      key: 'a/../c//d..',
      virtualHosted: false,
    })
    expect(resolveTarget('http://bkt.localhost/./x', 'bkt.localhost')).toEqual({
      bucket: 'bkt',
      key: './x',
      virtualHosted: true,
    })
    expect(resolveTarget('http://h/bkt/', 'h')).toEqual({ bucket: 'bkt', key: undefined, virtualHosted: false })
    expect(resolveTarget('http://h/', 'h')).toEqual({ bucket: undefined, key: undefined, virtualHosted: false })
  })

  test('recognises virtual-hosted names and leaves IPs and bare hosts path-style', () => {
    expect(bucketFromHost('mybucket.s3.localhost:4566')).toBe('mybucket')
    expect(bucketFromHost('my.bucket.localhost')).toBe('my.bucket')
    expect(bucketFromHost('mybucket.s3.us-west-2.amazonaws.com')).toBe('mybucket')
    expect(bucketFromHost('mybucket.s3.amazonaws.com')).toBe('mybucket')
    expect(bucketFromHost('s3.localhost:4566')).toBeUndefined()
    expect(bucketFromHost('localhost:4566')).toBeUndefined()
    expect(bucketFromHost('127.0.0.1:4566')).toBeUndefined()
    expect(bucketFromHost('[::1]:4566')).toBeUndefined()
    expect(bucketFromHost('s3.us-east-1.amazonaws.com')).toBeUndefined()
  })
})
