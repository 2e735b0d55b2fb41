import { describe, expect, test } from 'bun:test'
import { contentMd5, s3Fixture, tags, type S3Fixture } from './s3-helpers.ts'

async function seeded(): Promise<S3Fixture> {
  const s3 = s3Fixture()
  await s3.ok('PUT', '/bkt')
  for (const key of ['a', 'b & c', 'd']) await s3.ok('PUT', `/bkt/${encodeURIComponent(key)}`, { body: key })
  return s3
}

function deleteXml(keys: readonly string[], extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${extra}${keys
    .map((key) => `<Object><Key>${key}</Key></Object>`)
    .join('')}</Delete>`
}

describe('DeleteObjects', () => {
  test('verbose mode reports every key as Deleted, including keys that did not exist', async () => {
    const s3 = await seeded()
    const body = deleteXml(['a', 'b &amp; c', 'missing'])
    const xml = await s3.ok('POST', '/bkt?delete', { body, headers: { 'content-md5': contentMd5(body) } })
    expect(xml).toContain('<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">')
    expect(tags(xml, 'Key')).toEqual(['a', 'b &amp; c', 'missing'])
    expect(xml).not.toContain('<Error>')
    expect(tags(await s3.ok('GET', '/bkt?list-type=2'), 'Key')).toEqual(['d'])
  })

  test('quiet mode lists only errors; a non-null VersionId is a per-key NoSuchVersion error', async () => {
    const s3 = await seeded()
    const body = deleteXml(['a'], '<Quiet>true</Quiet>').replace(
      '</Delete>',
      '<Object><Key>d</Key><VersionId>3HL4kqtJlcpXroDTDmJ</VersionId></Object><Object><Key>b &amp; c</Key><VersionId>null</VersionId></Object></Delete>',
    )
    const xml = await s3.ok('POST', '/bkt?delete', { body, headers: { 'content-md5': contentMd5(body) } })
    expect(xml).not.toContain('<Deleted>')
    expect(tags(xml, 'Key')).toEqual(['d'])
    expect(tags(xml, 'Code')).toEqual(['NoSuchVersion'])
    expect(tags(await s3.ok('GET', '/bkt?list-type=2'), 'Key')).toEqual(['d'])
  })

  test('Content-MD5 (or an x-amz-checksum-*) is required and must match', async () => {
    const s3 = await seeded()
    const body = deleteXml(['a'])
    const missing = await s3.send('POST', '/bkt?delete', { body })
    expect(missing.status).toBe(400)
    const missingXml = await missing.text()
    expect(tags(missingXml, 'Code')).toEqual(['InvalidRequest'])
    expect(tags(missingXml, 'Message')).toEqual(['Missing required header for this request: Content-Md5.'])
    const wrong = await s3.send('POST', '/bkt?delete', { body, headers: { 'content-md5': contentMd5('other') } })
    expect(tags(await wrong.text(), 'Code')).toEqual(['BadDigest'])
    const { createHash } = await import('node:crypto')
    const sha = createHash('sha256').update(body).digest('base64')
    await s3.ok('POST', '/bkt?delete', { body, headers: { 'x-amz-checksum-sha256': sha } })
    expect(tags(await s3.ok('GET', '/bkt?list-type=2'), 'Key')).toEqual(['b &amp; c', 'd'])
  })

  test('malformed, empty or oversized bodies are MalformedXML; a missing bucket is NoSuchBucket', async () => {
    const s3 = await seeded()
    const tooMany = deleteXml(Array.from({ length: 1001 }, (_, i) => `k${i}`))
    for (const body of ['<Delete>', '<Delete></Delete>', '<Nope/>', '<Delete><Object></Object></Delete>', tooMany, 'garbage']) {
      const response = await s3.send('POST', '/bkt?delete', { body, headers: { 'content-md5': contentMd5(body) } })
      expect(response.status).toBe(400)
      expect(tags(await response.text(), 'Code')).toEqual(['MalformedXML'])
    }
    const body = deleteXml(['a'])
    const missing = await s3.send('POST', '/nobkt?delete', { body, headers: { 'content-md5': contentMd5(body) } })
    expect(missing.status).toBe(404)
    expect(tags(await s3.ok('GET', '/bkt?list-type=2'), 'Key')).toEqual(['a', 'b &amp; c', 'd'])
  })
})
