import { describe, expect, test } from 'bun:test'
import { EmulatorFault } from '../../src/emulator/context.ts'
import { s3Fixture, tags } from './s3-helpers.ts'

describe('renderError', () => {
  test('renders AWS S3 error XML with extras, RequestId, HostId and the id headers', async () => {
    const s3 = s3Fixture()
    const fault = new EmulatorFault(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      403,
      { AWSAccessKeyId: 'AKIAEXAMPLE', StringToSign: 'AWS4-HMAC-SHA256\n<&>' },
    )
    const response = s3.service.renderError(fault, '4442587FB7D0A2F9')
    expect(response.status).toBe(403)
    expect(response.headers.get('content-type')).toBe('application/xml')
    expect(response.headers.get('x-amz-request-id')).toBe('4442587FB7D0A2F9')
    const hostId = response.headers.get('x-amz-id-2') as string
    expect(hostId).toMatch(/^[A-Za-z0-9+/]{64}$/)
    expect(await response.text()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code>' +
        '<Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message>' +
        '<AWSAccessKeyId>AKIAEXAMPLE</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256\n&lt;&amp;&gt;</StringToSign>' +
        `<RequestId>4442587FB7D0A2F9</RequestId><HostId>${hostId}</HostId></Error>`,
    )
  })

  test('ExpiredToken keeps its 400 status', async () => {
    const s3 = s3Fixture()
    const response = s3.service.renderError(new EmulatorFault('ExpiredToken', 'The provided token has expired.', 400), 'R')
    expect(response.status).toBe(400)
    expect(tags(await response.text(), 'Code')).toEqual(['ExpiredToken'])
  })
})

describe('operation routing', () => {
  test('unsupported methods are MethodNotAllowed (405) with Method and ResourceType', async () => {
    const s3 = s3Fixture()
    await s3.ok('PUT', '/bkt')
    for (const [method, path, type] of [
      ['POST', '/bkt', 'BUCKET'],
      ['PATCH', '/bkt/k', 'OBJECT'],
      ['DELETE', '/', 'SERVICE'],
      ['POST', '/bkt/k', 'OBJECT'],
    ] as const) {
      const response = await s3.send(method, path)
      expect(response.status).toBe(405)
      const xml = await response.text()
      expect(tags(xml, 'Code')).toEqual(['MethodNotAllowed'])
      expect(tags(xml, 'Message')).toEqual(['The specified method is not allowed against this resource.'])
      expect(tags(xml, 'Method')).toEqual([method])
      expect(tags(xml, 'ResourceType')).toEqual([type])
    }
  })

  test('unsupported sub-resources are NotImplemented (501) and change nothing', async () => {
    const s3 = s3Fixture()
    await s3.ok('PUT', '/bkt')
    await s3.ok('PUT', '/bkt/k', { body: 'keep' })
    for (const path of ['/bkt/k?tagging', '/bkt?versioning', '/bkt?policy', '/bkt/k?acl']) {
      const response = await s3.send('PUT', path, { body: '<x/>' })
      expect(response.status).toBe(501)
      const xml = await response.text()
      expect(tags(xml, 'Code')).toEqual(['NotImplemented'])
      expect(tags(xml, 'Message')[0]).toStartWith('A header you provided implies functionality that is not implemented')
    }
    expect(await s3.ok('GET', '/bkt/k')).toBe('keep')
  })

  test('a versionId other than "null" is NoSuchVersion; "null" reads the object', async () => {
    const s3 = s3Fixture()
    await s3.ok('PUT', '/bkt')
    await s3.ok('PUT', '/bkt/k', { body: 'v' })
    expect(await s3.ok('GET', '/bkt/k?versionId=null')).toBe('v')
    const response = await s3.send('GET', '/bkt/k?versionId=abc')
    expect(response.status).toBe(404)
    expect(tags(await response.text(), 'Code')).toEqual(['NoSuchVersion'])
  })

  test('every instance has its own state', async () => {
    const one = s3Fixture()
    const two = s3Fixture()
    await one.ok('PUT', '/bkt')
    expect((await two.send('HEAD', '/bkt')).status).toBe(404)
  })
})
