/**
 * Signing helpers for the emulator's tests: two independent signers (aws4fetch and
 * `@smithy/signature-v4`), a seeded random generator, and a small STS caller.
 */
export { seededRandom as seeded } from '../../src/random.ts'
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto'
import { SignatureV4 } from '@smithy/signature-v4'
import { AwsV4Signer } from 'aws4fetch'
import type { Emulator } from '../../src/emulator/emulator.ts'
import { formatAmzDate } from '../../src/emulator/sigv4-verify.ts'
import type { Clock } from '../../src/types.ts'

/** Credentials a test signs with. */
export interface TestCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
}

/** A SHA-256 (or HMAC-SHA-256 with a secret) in the shape smithy's signer wants. */
export class Sha256 {
  private readonly hash: Hash | Hmac
  constructor(secret?: string | Uint8Array) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret)
  }
  update(data: string | Uint8Array): void {
    this.hash.update(data)
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest())
  }
}


/** AWS/smithy URI escaping (RFC 3986 unreserved kept). */
export function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

/** A request description both signers can take. */
export interface PlainRequest {
  readonly method: string
  readonly host: string
  /** Path segments, unencoded. */
  readonly segments: readonly string[]
  readonly trailingSlash?: boolean
  readonly query: Readonly<Record<string, string>>
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
}

/** The wire path of a request (each segment encoded once, as SDK serializers do). */
export function wirePath(req: PlainRequest): string {
  return `/${req.segments.map(escapeUri).join('/')}${
    req.trailingSlash && req.segments.length > 0 ? '/' : ''
  }`
}

function wireQuery(query: Readonly<Record<string, string>>): string {
  const parts = Object.entries(query).map(([k, v]) => `${escapeUri(k)}=${escapeUri(v)}`)
  return parts.length ? `?${parts.join('&')}` : ''
}

/** Sign with `@smithy/signature-v4` (header auth, or presigned when `presign`). */
export async function smithySign(
  req: PlainRequest,
  creds: TestCredentials,
  service: string,
  now: number,
  options: { region?: string; presign?: boolean; expiresIn?: number } = {},
): Promise<Request> {
  const signer = new SignatureV4({
    credentials: creds,
    region: options.region ?? 'us-east-1',
    service,
    sha256: Sha256 as never,
    uriEscapePath: service !== 's3',
  })
  const [hostname, port] = req.host.split(':') as [string, string | undefined]
  const httpRequest = {
    method: req.method,
    protocol: 'http:',
    hostname,
    ...(port ? { port: Number(port) } : {}),
    path: wirePath(req),
    query: { ...req.query },
    headers: { host: req.host, ...req.headers },
    ...(req.body !== undefined ? { body: req.body } : {}),
  }
  const signed = options.presign
    ? await signer.presign(httpRequest as never, {
      signingDate: new Date(now),
      expiresIn: options.expiresIn ?? 900,
      unhoistableHeaders: new Set(['x-amz-content-sha256']),
    })
    : await signer.sign(httpRequest as never, { signingDate: new Date(now) })
  const s = signed as unknown as {
    path: string
    query: Record<string, string>
    headers: Record<string, string>
  }
  return new Request(`http://${req.host}${s.path}${wireQuery(s.query)}`, {
    method: req.method,
    headers: s.headers,
    ...(req.body !== undefined ? { body: req.body } : {}),
  })
}

/** Sign with aws4fetch (header auth, or query auth when `signQuery`). */
export async function aws4Sign(
  req: PlainRequest,
  creds: TestCredentials,
  service: string,
  now: number,
  options: { region?: string; signQuery?: boolean } = {},
): Promise<Request> {
  const signer = new AwsV4Signer({
    url: `http://${req.host}${wirePath(req)}${wireQuery(req.query)}`,
    method: req.method,
    headers: { ...req.headers },
    ...(req.body !== undefined ? { body: req.body } : {}),
    ...creds,
    service,
    region: options.region ?? 'us-east-1',
    datetime: formatAmzDate(now),
    ...(options.signQuery ? { signQuery: true } : {}),
  })
  const signed = await signer.sign()
  return new Request(signed.url, {
    method: signed.method,
    headers: signed.headers,
    ...(req.body !== undefined ? { body: req.body } : {}),
  })
}

/** Call the emulator's STS with a signed form POST (or GET), signed at the clock's time. */
export async function callSts(
  emulator: Pick<Emulator, 'handler'>,
  creds: TestCredentials | undefined,
  params: Readonly<Record<string, string>>,
  options: {
    clock?: Clock
    accept?: string
    method?: 'GET' | 'POST'
    now?: number
    signal?: AbortSignal
  } = {},
): Promise<Response> {
  const form = new URLSearchParams({ Version: '2011-06-15', ...params }).toString()
  const method = options.method ?? 'POST'
  const url = method === 'GET' ? `http://127.0.0.1:4566/?${form}` : 'http://127.0.0.1:4566/'
  const headers: Record<string, string> = options.accept ? { accept: options.accept } : {}
  if (method === 'POST') {
    headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8'
  }
  const body = method === 'POST' ? form : undefined
  if (!creds) {
    return emulator.handler(new Request(url, { method, headers, ...(body ? { body } : {}) }))
  }
  const now = options.now ?? options.clock?.now() ?? Date.now()
  const signer = new AwsV4Signer({
    url,
    method,
    headers,
    ...(body ? { body } : {}),
    ...creds,
    service: 'sts',
    region: 'us-east-1',
    datetime: formatAmzDate(now),
  })
  const signed = await signer.sign()
  return emulator.handler(
    new Request(signed.url, {
      method,
      headers: signed.headers,
      ...(body ? { body } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    }),
  )
}

/** The text of the first `<name>` element, or undefined. */
export function xmlTag(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
  return m?.[1]?.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => entities[e]!)
}

/** The temporary credentials in an AssumeRole* XML answer. */
export function credentialsFromXml(
  xml: string,
): Required<TestCredentials> & { expiration: string } {
  return {
    accessKeyId: xmlTag(xml, 'AccessKeyId')!,
    secretAccessKey: xmlTag(xml, 'SecretAccessKey')!,
    sessionToken: xmlTag(xml, 'SessionToken')!,
    expiration: xmlTag(xml, 'Expiration')!,
  }
}
