/**
 * Fault targets across services: S3 requests carry their AWS operation name, so `s3:GetObject`,
 * `GetObject` and the stats' `operations` cover S3; targets no call could match are rejected.
 */
import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { createManualClock } from '../../src/clock.ts'
import { ConfigError } from '../../src/errors.ts'
import { createEmulator } from '../../src/emulator/emulator.ts'
import { S3_OPERATIONS } from '../../src/emulator/s3-operations.ts'
import { aws4Sign, xmlTag } from './sigv4-helpers.ts'

const START = Date.UTC(2026, 0, 1)

function setup() {
  const clock = createManualClock(START)
  const emulator = createEmulator({ clock })
  /** A signed S3 request (path style, UNSIGNED-PAYLOAD), answered by the emulator. */
  const s3 = async (
    method: string,
    segments: string[],
    options: { query?: Record<string, string>; headers?: Record<string, string>; body?: string } =
      {},
  ): Promise<Response> =>
    emulator.handler(
      await aws4Sign(
        {
          method,
          host: '127.0.0.1:4566',
          segments,
          query: options.query ?? {},
          headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...options.headers },
          ...(options.body !== undefined ? { body: options.body } : {}),
        },
        emulator.baseCredentials,
        's3',
        clock.now(),
      ),
    )
  const ok = async (...args: Parameters<typeof s3>): Promise<string> => {
    const response = await s3(...args)
    const text = await response.text()
    if (response.status >= 300) throw new Error(`${args[0]} ${args[1].join('/')}: ${text}`)
    return text
  }
  return { clock, emulator, s3, ok }
}

describe('S3 action targets', () => {
  test('s3:GetObject=2:error fails exactly the next two GetObjects with InternalError 500', async () => {
    const { emulator, s3, ok } = setup()
    await ok('PUT', ['bkt'])
    await ok('PUT', ['bkt', 'k'], { body: 'hello' })
    emulator.faults.failNext('s3:GetObject', 2, 'error')
    const first = await s3('GET', ['bkt', 'k'])
    const xml = await first.text()
    expect([first.status, xmlTag(xml, 'Code'), xmlTag(xml, 'Message')]).toEqual([
      500,
      'InternalError',
      'We encountered an internal error. Please try again.',
    ])
    expect(emulator.faults.snapshot().rules).toEqual([
      { target: 's3:GetObject', kind: 'error', remaining: 1 },
    ])
    // Other S3 operations are not the target and go through.
    await ok('HEAD', ['bkt', 'k'])
    await ok('PUT', ['bkt', 'k2'], { body: 'x' })
    expect((await s3('GET', ['bkt', 'k'])).status).toBe(500)
    expect(emulator.faults.snapshot().rules).toEqual([])
    expect(await ok('GET', ['bkt', 'k'])).toBe('hello')
    expect(emulator.stats()).toMatchObject({
      faultsInjected: { error: 2 },
      rejections: { InternalError: 2 },
      operations: {
        's3:CreateBucket': 1,
        's3:PutObject': 2,
        's3:GetObject': 3,
        's3:HeadObject': 1,
      },
    })
  })

  test('a bare action (GetObject=1) throttles with SlowDown 503; s3:PutObject matches only PutObject', async () => {
    const { emulator, s3, ok } = setup()
    await ok('PUT', ['bkt'])
    await ok('PUT', ['bkt', 'k'], { body: 'v' })
    emulator.faults.failNext('GetObject', 1)
    const throttled = await s3('GET', ['bkt', 'k'])
    const xml = await throttled.text()
    expect([throttled.status, xmlTag(xml, 'Code'), xmlTag(xml, 'Message')]).toEqual([
      503,
      'SlowDown',
      'Please reduce your request rate.',
    ])
    expect(await ok('GET', ['bkt', 'k'])).toBe('v')
    emulator.faults.failNext('s3:PutObject', 1, 'error')
    await ok('POST', ['bkt', 'big'], { query: { uploads: '' } }) // CreateMultipartUpload
    expect((await s3('PUT', ['bkt', 'k'], { body: 'w' })).status).toBe(500)
    await ok('PUT', ['bkt', 'k'], { body: 'w' })
    expect(emulator.stats().faultsInjected).toEqual({ throttle: 1, error: 1 })
  })

  test('every S3 operation is named in stats, in-process and over /_emulator/stats', async () => {
    const { emulator, ok, s3 } = setup()
    await ok('PUT', ['bkt'])
    await ok('HEAD', ['bkt'])
    await ok('GET', ['bkt'], { query: { location: '' } })
    await ok('GET', [])
    await ok('PUT', ['bkt', 'a'], { body: 'aaa' })
    await ok('PUT', ['bkt', 'b'], { headers: { 'x-amz-copy-source': '/bkt/a' } })
    await ok('GET', ['bkt', 'a'])
    await ok('HEAD', ['bkt', 'a'])
    await ok('GET', ['bkt'], { query: { 'list-type': '2' } })
    await ok('GET', ['bkt'])
    const created = await ok('POST', ['bkt', 'm'], { query: { uploads: '' } })
    const uploadId = xmlTag(created, 'UploadId')!
    const part = await s3('PUT', ['bkt', 'm'], {
      query: { partNumber: '1', uploadId },
      body: 'part-one',
    })
    const etag = part.headers.get('etag')!
    await ok('PUT', ['bkt', 'm'], {
      query: { partNumber: '2', uploadId },
      headers: { 'x-amz-copy-source': '/bkt/a' },
    })
    await ok('GET', ['bkt', 'm'], { query: { uploadId } })
    await ok('GET', ['bkt'], { query: { uploads: '' } })
    // Part 1 is under the 5 MiB minimum, which only the last part may be: complete with it alone.
    await ok('POST', ['bkt', 'm'], {
      query: { uploadId },
      body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`,
    })
    const other = xmlTag(await ok('POST', ['bkt', 'n'], { query: { uploads: '' } }), 'UploadId')!
    await ok('DELETE', ['bkt', 'n'], { query: { uploadId: other } })
    await ok('POST', ['bkt'], {
      query: { delete: '' },
      body: '<Delete><Object><Key>a</Key></Object></Delete>',
      headers: { 'content-md5': md5Base64('<Delete><Object><Key>a</Key></Object></Delete>') },
    })
    await ok('DELETE', ['bkt', 'b'])
    await ok('DELETE', ['bkt', 'm'])
    await ok('DELETE', ['bkt'])
    const expected = {
      's3:CreateBucket': 1,
      's3:HeadBucket': 1,
      's3:GetBucketLocation': 1,
      's3:ListBuckets': 1,
      's3:PutObject': 1,
      's3:CopyObject': 1,
      's3:GetObject': 1,
      's3:HeadObject': 1,
      's3:ListObjectsV2': 1,
      's3:ListObjects': 1,
      's3:CreateMultipartUpload': 2,
      's3:UploadPart': 1,
      's3:UploadPartCopy': 1,
      's3:ListParts': 1,
      's3:ListMultipartUploads': 1,
      's3:CompleteMultipartUpload': 1,
      's3:AbortMultipartUpload': 1,
      's3:DeleteObjects': 1,
      's3:DeleteObject': 2,
      's3:DeleteBucket': 1,
    }
    expect(emulator.stats().operations).toEqual(expected)
    expect(emulator.stats().rejections).toEqual({})
    expect(Object.keys(expected).map((k) => k.slice(3)).sort()).toEqual([...S3_OPERATIONS].sort())
    const served = await emulator.handler(new Request('http://127.0.0.1:4566/_emulator/stats'))
    expect(((await served.json()) as { operations: unknown }).operations).toEqual(expected)
  })

  test('requests S3 would refuse as MethodNotAllowed or NotImplemented name no operation', async () => {
    const { emulator, s3 } = setup()
    expect((await s3('POST', ['bkt', 'k'])).status).toBe(405)
    expect((await s3('GET', ['bkt'], { query: { tagging: '' } })).status).toBe(501)
    expect(emulator.stats().operations).toEqual({})
    expect(emulator.stats().requestsByService).toEqual({ s3: 2 })
  })
})

describe('fault targets are checked', () => {
  const FORMS =
    'a target is an action (AssumeRole, GetObject, PutItem), a service (sts, s3, dynamodb), ' +
    'service:Action (s3:GetObject) or *'

  test('a target no emulated service implements is a ConfigError naming it', () => {
    const { emulator } = setup()
    const rejected = (call: () => void): string => {
      try {
        call()
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError)
        return (error as Error).message
      }
      throw new Error('not rejected')
    }
    expect(rejected(() => emulator.faults.failNext('GetObjet', 2))).toBe(
      `Unknown fault target 'GetObjet': no emulated service implements an action named 'GetObjet'; ${FORMS}`,
    )
    expect(rejected(() => emulator.faults.setFailureRate('getobject', 0.5))).toBe(
      `Unknown fault target 'getobject': no emulated service implements an action named ` +
        `'getobject' (did you mean 'GetObject'?); ${FORMS}`,
    )
    expect(rejected(() => emulator.faults.failNext('S3', 1))).toContain("(did you mean 's3'?)")
    expect(rejected(() => emulator.faults.failNext('s3:AssumeRole', 1))).toStartWith(
      "Unknown fault target 's3:AssumeRole': s3 has no action 'AssumeRole' (it has ListBuckets, ",
    )
    expect(rejected(() => emulator.faults.setLatency(10, 'iam:CreateRole'))).toBe(
      `Unknown fault target 'iam:CreateRole': no service is named 'iam'; ${FORMS}`,
    )
    expect(rejected(() => emulator.faults.failNext('GetSessionToken', 1))).toContain(
      "an action named 'GetSessionToken'",
    )
    expect(emulator.faults.snapshot()).toEqual({ rules: [], latency: {} })
  })

  test('every documented form is accepted', () => {
    const { emulator } = setup()
    for (const target of ['*', 'sts', 's3', 'dynamodb', 'AssumeRole', 'GetObject', 'PutItem']) {
      emulator.faults.failNext(target, 1)
    }
    emulator.faults.setFailureRate('s3:CompleteMultipartUpload', 0.1)
    emulator.faults.setLatency(5, 'dynamodb:TransactWriteItems')
    emulator.faults.setLatency(5, 'sts:AssumeRoleWithWebIdentity')
    expect(emulator.faults.snapshot().rules).toHaveLength(8)
  })

  test('the admin API answers an unknown target with 400 and the reason', async () => {
    const { emulator } = setup()
    const response = await emulator.handler(
      new Request('http://127.0.0.1:4566/_emulator/faults', {
        method: 'POST',
        body: JSON.stringify({ target: 's3:GetObjet', count: 1 }),
      }),
    )
    expect(response.status).toBe(400)
    expect(((await response.json()) as { error: string }).error).toStartWith(
      "Unknown fault target 's3:GetObjet': s3 has no action 'GetObjet'",
    )
    expect(emulator.faults.snapshot().rules).toEqual([])
  })

  test('the CLI: --fail-next with an unknown action is a usage error (exit 2); s3:GetObject is taken', async () => {
    const main = join(import.meta.dir, '../../src/cli/main.ts')
    const bad = Bun.spawn([process.execPath, main, 'emulator', '--fail-next', 'GetObjet=2'], {
      stdout: 'pipe',
      stderr: 'pipe',
    })
    expect(await bad.exited).toBe(2)
    expect(await new Response(bad.stdout).text()).toBe('')
    expect(await new Response(bad.stderr).text()).toBe(
      `stsrefresh: Unknown fault target 'GetObjet': no emulated service implements an action ` +
        `named 'GetObjet'; ${FORMS}\n`,
    )
    const good = Bun.spawn(
      [process.execPath, main, 'emulator', '--port', '0', '--fail-next', 's3:GetObject=2:error'],
      { stdout: 'pipe', stderr: 'pipe' },
    )
    try {
      const reader = good.stdout.getReader()
      let text = ''
      while (!/AWS_ENDPOINT_URL='([^']*)'/.test(text)) {
        const { done, value } = await reader.read()
        if (done) break
        text += new TextDecoder().decode(value)
      }
      reader.releaseLock()
      const url = /AWS_ENDPOINT_URL='([^']*)'/.exec(text)![1]
      expect(await (await fetch(`${url}/_emulator/faults`)).json()).toEqual({
        rules: [{ target: 's3:GetObject', kind: 'error', remaining: 2 }],
        latency: {},
      })
    } finally {
      good.kill('SIGTERM')
      expect(await good.exited).toBe(0)
    }
  }, 20_000)
})

function md5Base64(text: string): string {
  return new Bun.CryptoHasher('md5').update(text).digest('base64')
}
