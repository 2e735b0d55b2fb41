/**
 * A GitHub Actions OIDC token issuer: the `ACTIONS_ID_TOKEN_REQUEST_URL` endpoint (bearer
 * `ACTIONS_ID_TOKEN_REQUEST_TOKEN`, `audience` query parameter, answer `{"value": JWT}`, as the
 * Actions runtime serves it to `@actions/core` getIDToken), RS256 JWTs signed with a key made by
 * crypto.subtle, and the verification the emulator's AssumeRoleWithWebIdentity applies.
 */
import type { Clock } from '../types.ts'
import { constantTimeEqual } from './sigv4-verify.ts'

/** Options of {@link createOidcIssuer}. */
export interface OidcOptions {
  /** The `iss` claim; default `https://token.actions.githubusercontent.com`. */
  readonly issuer?: string
  /** Token lifetime in seconds; default 300 (GitHub's tokens live minutes). */
  readonly tokenLifetimeSeconds?: number
  /** Audiences STS accepts; default `['sts.amazonaws.com']`. */
  readonly audiences?: readonly string[]
  /** The bearer the token endpoint requires; default random. */
  readonly requestToken?: string
  /** The `repository` claim (and `sub`); default `octo-org/octo-repo`. */
  readonly repository?: string
  /** The `ref` claim (and `sub`); default `refs/heads/main`. */
  readonly ref?: string
}

/** What to put in a minted token. */
export interface MintOptions {
  /** `aud`; default the first accepted audience. */
  readonly audience?: string
  /** `sub`; default `repo:<repository>:ref:<ref>`. */
  readonly subject?: string
  /** Override `iss` (to test a wrong issuer). */
  readonly issuer?: string
  /** Lifetime in seconds from the emulator clock's now. */
  readonly lifetimeSeconds?: number
  /** Extra or overriding claims. */
  readonly claims?: Readonly<Record<string, unknown>>
}

/** The result of verifying a web identity token. */
export type OidcVerification =
  | {
    readonly ok: true
    readonly claims: Readonly<Record<string, unknown>>
    readonly subject: string
    readonly audience: string
    readonly issuer: string
  }
  | {
    readonly ok: false
    readonly code: 'InvalidIdentityToken' | 'ExpiredTokenException'
    readonly message: string
  }

/** The emulator's OIDC issuer (`emulator.oidc`). */
export interface EmulatorOidc {
  readonly issuer: string
  /** The bearer token the token endpoint requires. */
  readonly requestToken: string
  readonly audiences: readonly string[]
  readonly tokenLifetimeSeconds: number
  /** Mint a signed JWT as the endpoint would. */
  mint(options?: MintOptions): Promise<string>
  /** Check signature, issuer, audience and expiry at `nowMs`. */
  verify(token: string, nowMs: number): Promise<OidcVerification>
  /** The public key set (`/_oidc/.well-known/jwks`). */
  jwks(): Promise<{ readonly keys: readonly JsonWebKey[] }>
  /** The GitHub Actions env for an emulator served at `baseUrl`. */
  env(baseUrl: string): Record<string, string>
  /** Serve `/_oidc/...` requests. */
  handle(request: Request, url: URL): Promise<Response>
}

const encoder = new TextEncoder()

function base64url(data: Uint8Array | string): string {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromBase64url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined
  try {
    const binary = atob(
      text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4),
    )
    return Uint8Array.from(binary, (c) => c.charCodeAt(0))
  } catch {
    return undefined
  }
}

function randomToken(bytes: number): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)))
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  })
}

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const

/** An OIDC issuer whose `iat`/`exp` follow `clock`. The RSA key is generated on first use. */
export function createOidcIssuer(
  clock: Clock,
  options: OidcOptions = {},
  onMint: () => void = () => {},
): EmulatorOidc {
  const issuer = options.issuer ?? 'https://token.actions.githubusercontent.com'
  const audiences = options.audiences ?? ['sts.amazonaws.com']
  const lifetime = options.tokenLifetimeSeconds ?? 300
  const requestToken = options.requestToken ?? randomToken(32)
  const repository = options.repository ?? 'octo-org/octo-repo'
  const ref = options.ref ?? 'refs/heads/main'
  const kid = randomToken(12)
  let keyPair: Promise<CryptoKeyPair> | undefined
  const keys = (): Promise<CryptoKeyPair> => (keyPair ??= crypto.subtle.generateKey(
    { ...RSA, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  ) as Promise<CryptoKeyPair>)

  const mint = async (mintOptions: MintOptions = {}): Promise<string> => {
    const now = Math.floor(clock.now() / 1000)
    const owner = repository.split('/')[0] ?? repository
    // Claim names and shapes as GitHub documents them (actions/security-for-github-actions/
    // security-hardening-your-deployments/about-security-hardening-with-openid-connect).
    const claims = {
      jti: crypto.randomUUID(),
      sub: mintOptions.subject ?? `repo:${repository}:ref:${ref}`,
      aud: mintOptions.audience ?? audiences[0] ?? 'sts.amazonaws.com',
      ref,
      sha: '0000000000000000000000000000000000000000',
      repository,
      repository_owner: owner,
      run_id: '1',
      run_number: '1',
      run_attempt: '1',
      actor: owner,
      workflow: 'ci',
      event_name: 'push',
      ref_type: 'branch',
      job_workflow_ref: `${repository}/.github/workflows/ci.yml@${ref}`,
      runner_environment: 'github-hosted',
      iss: mintOptions.issuer ?? issuer,
      nbf: now - 5,
      iat: now,
      exp: now + (mintOptions.lifetimeSeconds ?? lifetime),
      ...mintOptions.claims,
    }
    const signingInput = `${base64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid }))}.${
      base64url(JSON.stringify(claims))
    }`
    const signature = new Uint8Array(
      await crypto.subtle.sign(RSA, (await keys()).privateKey, encoder.encode(signingInput)),
    )
    onMint()
    return `${signingInput}.${base64url(signature)}`
  }

  const invalid = (message: string): OidcVerification => ({
    ok: false,
    code: 'InvalidIdentityToken',
    message,
  })

  const verify = async (token: string, nowMs: number): Promise<OidcVerification> => {
    const parts = token.split('.')
    const decoded = parts.map(fromBase64url)
    if (parts.length !== 3 || decoded.some((d) => d === undefined)) {
      return invalid(
        'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)',
      )
    }
    let header: Record<string, unknown>
    let claims: Record<string, unknown>
    try {
      header = JSON.parse(new TextDecoder().decode(decoded[0]))
      claims = JSON.parse(new TextDecoder().decode(decoded[1]))
    } catch {
      return invalid(
        'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)',
      )
    }
    if (
      typeof claims !== 'object' || claims === null || typeof header !== 'object' || header === null
    ) {
      return invalid(
        'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)',
      )
    }
    const iss = typeof claims.iss === 'string' ? claims.iss : ''
    // STS looks the issuer up among the account's OIDC providers before checking the signature.
    if (iss !== issuer) return invalid(`No OpenIDConnect provider found in your account for ${iss}`)
    const valid = header.alg === 'RS256' &&
      header.kid === kid &&
      (await crypto.subtle.verify(
        RSA,
        (await keys()).publicKey,
        decoded[2] as Uint8Array<ArrayBuffer>,
        encoder.encode(`${parts[0]}.${parts[1]}`),
      ))
    if (!valid) return invalid('Signature validation failed')
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
    const audience = aud.find((a): a is string => typeof a === 'string' && audiences.includes(a))
    if (audience === undefined) return invalid('Incorrect token audience')
    if (typeof claims.exp !== 'number' || nowMs >= claims.exp * 1000) {
      // The documented ExpiredTokenException text (STS API reference, AssumeRoleWithWebIdentity).
      return {
        ok: false,
        code: 'ExpiredTokenException',
        message:
          'The web identity token that was passed is expired or is not valid. Get a new identity token from the identity provider and then retry the request.',
      }
    }
    return {
      ok: true,
      claims,
      subject: typeof claims.sub === 'string' ? claims.sub : '',
      audience,
      issuer: iss,
    }
  }

  const jwks = async (): Promise<{ keys: JsonWebKey[] }> => {
    const jwk = await crypto.subtle.exportKey('jwk', (await keys()).publicKey)
    return {
      keys: [{ kty: jwk.kty, n: jwk.n, e: jwk.e, alg: 'RS256', use: 'sig', kid } as JsonWebKey],
    }
  }

  const handle = async (request: Request, url: URL): Promise<Response> => {
    const path = url.pathname
    if (path === '/_oidc/.well-known/jwks' || path === '/_oidc/.well-known/openid-configuration') {
      if (path.endsWith('jwks')) return json(await jwks())
      return json({
        issuer,
        jwks_uri: `${url.origin}/_oidc/.well-known/jwks`,
        id_token_signing_alg_values_supported: ['RS256'],
      })
    }
    if (path !== '/_oidc/token') return json({ message: `Not found: ${path}` }, 404)
    if (request.method !== 'GET' && request.method !== 'POST') {
      return json({ message: `Method ${request.method} not allowed` }, 405)
    }
    const auth = request.headers.get('authorization') ?? ''
    const match = /^Bearer\s+(.+)$/i.exec(auth)
    if (!match) {
      return json({
        message:
          'Authorization header is missing: send "Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN"',
      }, 401)
    }
    if (!constantTimeEqual(match[1]!.trim(), requestToken)) {
      return json({
        message:
          'The bearer token is not valid for this runner: use ACTIONS_ID_TOKEN_REQUEST_TOKEN',
      }, 403)
    }
    const audience = url.searchParams.get('audience') ?? undefined
    return json({ count: 1, value: await mint(audience ? { audience } : {}) })
  }

  return {
    issuer,
    requestToken,
    audiences,
    tokenLifetimeSeconds: lifetime,
    mint,
    verify,
    jwks,
    env: (baseUrl) => ({
      // The runtime hands out a URL that already has a query, and @actions/core appends
      // `&audience=...` to it.
      ACTIONS_ID_TOKEN_REQUEST_URL: `${baseUrl.replace(/\/+$/, '')}/_oidc/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
    }),
    handle,
  }
}
