import { describe, expect, test } from 'bun:test'
import { s3Fixture, tags, type S3Fixture } from './s3-helpers.ts'

async function seeded(keys: readonly string[]): Promise<S3Fixture> {
  const s3 = s3Fixture()
  await s3.ok('PUT', '/bkt')
  for (const key of keys) {
    await s3.ok('PUT', `/bkt/${key.split('/').map(encodeURIComponent).join('/')}`, { body: key })
  }
  return s3
}

const q = (params: Record<string, string>): string => new URLSearchParams(params).toString()

describe('ListObjectsV2', () => {
  test('lists every key with ETag, Size, StorageClass, KeyCount and the namespace', async () => {
    const s3 = await seeded(['b', 'a', 'c/d'])
    const xml = await s3.ok('GET', '/bkt?list-type=2')
    expect(xml).toStartWith('<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">')
    expect(tags(xml, 'Key')).toEqual(['a', 'b', 'c/d'])
    expect(tags(xml, 'Size')).toEqual(['1', '1', '3'])
    expect(tags(xml, 'ETag')[0]).toBe('&quot;0cc175b9c0f1b6a831c399e269772661&quot;')
    expect(tags(xml, 'StorageClass')).toEqual(['STANDARD', 'STANDARD', 'STANDARD'])
    expect(tags(xml, 'LastModified')[0]).toBe('2026-01-02T03:04:05.000Z')
    expect(tags(xml, 'KeyCount')).toEqual(['3'])
    expect(tags(xml, 'MaxKeys')).toEqual(['1000'])
    expect(tags(xml, 'IsTruncated')).toEqual(['false'])
    expect(xml).not.toContain('NextContinuationToken')
    expect(xml).not.toContain('<Owner>')
    expect(await s3.ok('GET', '/bkt?list-type=2&fetch-owner=true')).toContain('<Owner><ID>')
  })

  test('keys are in UTF-8 byte order, not UTF-16 order', async () => {
    const s3 = await seeded(['\uFF21', '\u{1F600}', 'z', 'é'])
    expect(tags(await s3.ok('GET', '/bkt?list-type=2'), 'Key')).toEqual(['z', 'é', '\uFF21', '\u{1F600}'])
  })

  test('prefix and delimiter roll keys into CommonPrefixes', async () => {
    const s3 = await seeded(['photos/2024/a.jpg', 'photos/2024/b.jpg', 'photos/2025/c.jpg', 'photos/top.jpg', 'readme', 'videos/x'])
    const root = await s3.ok('GET', `/bkt?${q({ 'list-type': '2', delimiter: '/' })}`)
    expect(tags(root, 'Key')).toEqual(['readme'])
    expect(tags(root, 'Prefix')).toEqual(['', 'photos/', 'videos/'])
    expect(tags(root, 'Delimiter')).toEqual(['/'])
    expect(tags(root, 'KeyCount')).toEqual(['3'])
    const photos = await s3.ok('GET', `/bkt?${q({ 'list-type': '2', delimiter: '/', prefix: 'photos/' })}`)
    expect(tags(photos, 'Key')).toEqual(['photos/top.jpg'])
    expect(tags(photos, 'Prefix')).toEqual(['photos/', 'photos/2024/', 'photos/2025/'])
    const noDelimiter = await s3.ok('GET', `/bkt?${q({ 'list-type': '2', prefix: 'photos/2' })}`)
    expect(tags(noDelimiter, 'Key')).toEqual(['photos/2024/a.jpg', 'photos/2024/b.jpg', 'photos/2025/c.jpg'])
  })

  test('paginates 2,345 keys with max-keys and opaque continuation tokens, each key exactly once', async () => {
    const keys = Array.from({ length: 2345 }, (_, i) => `key-${String(i).padStart(5, '0')}`)
    const s3 = await seeded(keys)
    const seen: string[] = []
    let token: string | undefined
    let pages = 0
    for (;;) {
      const params: Record<string, string> = { 'list-type': '2', 'max-keys': '500' }
      if (token) params['continuation-token'] = token
      const xml = await s3.ok('GET', `/bkt?${q(params)}`)
      pages++
      const page = tags(xml, 'Key')
      seen.push(...page)
      expect(tags(xml, 'KeyCount')).toEqual([String(page.length)])
      if (token) expect(tags(xml, 'ContinuationToken')).toEqual([token])
      if (tags(xml, 'IsTruncated')[0] === 'false') {
        expect(xml).not.toContain('NextContinuationToken')
        break
      }
      token = tags(xml, 'NextContinuationToken')[0]
      expect(token).toBeDefined()
    }
    expect(pages).toBe(5)
    expect(seen).toEqual(keys)
    const defaultPage = await s3.ok('GET', '/bkt?list-type=2')
    expect(tags(defaultPage, 'Key').length).toBe(1000)
    expect(tags(defaultPage, 'IsTruncated')).toEqual(['true'])
    const capped = await s3.ok('GET', '/bkt?list-type=2&max-keys=5000')
    expect(tags(capped, 'MaxKeys')).toEqual(['1000'])
    expect(tags(capped, 'Key').length).toBe(1000)
  })

  test('pagination with a delimiter counts CommonPrefixes and never repeats one', async () => {
    const keys = ['a/1', 'a/2', 'b', 'c/1', 'c/2', 'c/3', 'd', 'e/1']
    const s3 = await seeded(keys)
    const entries: string[] = []
    let token: string | undefined
    for (;;) {
      const params: Record<string, string> = { 'list-type': '2', 'max-keys': '2', delimiter: '/' }
      if (token) params['continuation-token'] = token
      const xml = await s3.ok('GET', `/bkt?${q(params)}`)
      entries.push(...tags(xml, 'Key'), ...tags(xml, 'Prefix').slice(1))
      token = tags(xml, 'NextContinuationToken')[0]
      if (!token) break
    }
    expect(entries.sort()).toEqual(['a/', 'b', 'c/', 'd', 'e/'])
  })

  test('start-after skips keys up to and including it; the token wins over start-after', async () => {
    const s3 = await seeded(['a', 'b', 'c', 'd'])
    const xml = await s3.ok('GET', '/bkt?list-type=2&start-after=b')
    expect(tags(xml, 'Key')).toEqual(['c', 'd'])
    expect(tags(xml, 'StartAfter')).toEqual(['b'])
    const first = await s3.ok('GET', '/bkt?list-type=2&max-keys=1')
    const token = tags(first, 'NextContinuationToken')[0] as string
    const next = await s3.ok('GET', `/bkt?${q({ 'list-type': '2', 'continuation-token': token, 'start-after': 'c' })}`)
    expect(tags(next, 'Key')).toEqual(['b', 'c', 'd'])
  })

  test('encoding-type=url encodes keys and prefixes the way botocore decodes them', async () => {
    const s3 = await seeded(['dir one/a+b&c', 'dir one/x'])
    const xml = await s3.ok('GET', `/bkt?${q({ 'list-type': '2', 'encoding-type': 'url', delimiter: '&' })}`)
    expect(tags(xml, 'EncodingType')).toEqual(['url'])
    expect(tags(xml, 'Prefix')).toEqual(['', 'dir+one/a%2Bb%26'])
    expect(tags(xml, 'Key')).toEqual(['dir+one/x'])
    expect(tags(xml, 'Delimiter')).toEqual(['%26'])
  })

  test('bad arguments are InvalidArgument with ArgumentName; missing bucket is NoSuchBucket', async () => {
    const s3 = await seeded(['a'])
    for (const [params, name] of [
      ['max-keys=abc', 'max-keys'],
      ['encoding-type=base64', 'encoding-type'],
      ['continuation-token=garbage', 'continuation-token'],
    ] as const) {
      const response = await s3.send('GET', `/bkt?list-type=2&${params}`)
      expect(response.status).toBe(400)
      const xml = await response.text()
      expect(tags(xml, 'Code')).toEqual(['InvalidArgument'])
      expect(tags(xml, 'ArgumentName')).toEqual([name])
    }
    const missing = await s3.send('GET', '/nobkt?list-type=2')
    expect(missing.status).toBe(404)
    expect(tags(await missing.text(), 'Code')).toEqual(['NoSuchBucket'])
  })

  test('max-keys=0 answers an empty, untruncated page', async () => {
    const s3 = await seeded(['a'])
    const xml = await s3.ok('GET', '/bkt?list-type=2&max-keys=0')
    expect(tags(xml, 'KeyCount')).toEqual(['0'])
    expect(tags(xml, 'IsTruncated')).toEqual(['false'])
  })
})

describe('ListObjects (v1)', () => {
  test('marker paging, Owner in Contents, NextMarker only with a delimiter', async () => {
    const s3 = await seeded(['a', 'b', 'c/1', 'c/2', 'd'])
    const first = await s3.ok('GET', '/bkt?max-keys=2')
    expect(tags(first, 'Key')).toEqual(['a', 'b'])
    expect(tags(first, 'IsTruncated')).toEqual(['true'])
    expect(tags(first, 'Marker')).toEqual([''])
    expect(first).not.toContain('NextMarker')
    expect(first).toContain('<Owner><ID>')
    const second = await s3.ok('GET', '/bkt?max-keys=2&marker=b')
    expect(tags(second, 'Key')).toEqual(['c/1', 'c/2'])
    const delimited = await s3.ok('GET', '/bkt?max-keys=3&delimiter=/')
    expect(tags(delimited, 'Key')).toEqual(['a', 'b'])
    expect(tags(delimited, 'Prefix')).toEqual(['', 'c/'])
    expect(tags(delimited, 'NextMarker')).toEqual(['c/'])
    const resumed = await s3.ok('GET', '/bkt?max-keys=3&delimiter=/&marker=c/')
    expect(tags(resumed, 'Key')).toEqual(['d'])
    expect(tags(resumed, 'IsTruncated')).toEqual(['false'])
  })
})
