/**
 * Web identity sources: AssumeRoleWithWebIdentity with a token file (EKS IRSA, any OIDC
 * provider; the file is re-read at every call because tokens rotate), and GitHub Actions OIDC
 * (a fresh ID token from the Actions runtime at every call, so a job is never limited by a token
 * minted once at the start or by the one-hour role-chaining cap).
 */
import * as z from 'zod/mini'
import type { Env } from '../aws/endpoints.ts'
import { sleep, systemClock } from '../clock.ts'
import { ConfigError, CredentialsError } from '../errors.ts'
import { getPlatform } from '../platform.ts'
import { createStsClient } from '../sts.ts'
import type { StsClient } from '../sts.ts'
import { validateRoleSource } from '../sts-validate.ts'
import type { Clock, Credentials, FetchLike, Logger } from '../types.ts'
import { markAssumedRole } from './assume-role.ts'
import { TransientHttpError } from './http-source.ts'
import { namedProvider } from './input.ts'
import type { NamedCredentialProvider } from './input.ts'

/** Options shared by the web identity sources. */
export interface WebIdentityCommonOptions {
  readonly roleArn: string
  /** Default: `AWS_ROLE_SESSION_NAME`, else `stsrefresh-<epoch ms>`. */
  readonly roleSessionName?: string
  /** 900-43200; default STS's (3600). */
  readonly durationSeconds?: number
  readonly region?: string
  readonly endpoint?: string
  readonly fetch?: FetchLike
  readonly clock?: Clock
  readonly logger?: Logger
  readonly env?: Env
}

/** Options of {@link fromWebIdentityTokenFile}. */
export interface WebIdentityTokenFileOptions extends WebIdentityCommonOptions {
  readonly webIdentityTokenFile: string
  /** Default: the platform's file reader. */
  readonly readTextFile?: (path: string) => Promise<string>
}

/** Options of {@link fromGitHubOidc}. */
export interface GitHubOidcOptions extends WebIdentityCommonOptions {
  /** The `aud` claim to request; default `sts.amazonaws.com`. */
  readonly audience?: string
  /** Default: `ACTIONS_ID_TOKEN_REQUEST_URL`. */
  readonly requestUrl?: string
  /** Default: `ACTIONS_ID_TOKEN_REQUEST_TOKEN`. */
  readonly requestToken?: string
}

interface Prepared {
  readonly env: Env
  readonly sts: StsClient
  readonly sessionName: () => string
}

function prepare(op: string, options: WebIdentityCommonOptions): Prepared {
  const env = options.env ?? getPlatform().env()
  const fixedName = validateRoleSource(op, options, env)
  const sts = createStsClient({
    env,
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  })
  const clock = options.clock
  return {
    env,
    sts,
    sessionName: () => fixedName ?? `stsrefresh-${Math.floor(clock ? clock.now() : Date.now())}`,
  }
}

async function exchange(
  prepared: Prepared,
  options: WebIdentityCommonOptions,
  token: string,
  signal: AbortSignal | undefined,
): Promise<Credentials> {
  const output = await prepared.sts.assumeRoleWithWebIdentity({
    RoleArn: options.roleArn,
    RoleSessionName: prepared.sessionName(),
    WebIdentityToken: token,
    ...(options.durationSeconds !== undefined ? { DurationSeconds: options.durationSeconds } : {}),
    ...(signal ? { signal } : {}),
  })
  return markAssumedRole(output.Credentials)
}

/**
 * A source that exchanges the token in `webIdentityTokenFile` for role credentials. The file is
 * read at every call: Kubernetes and other issuers rotate it in place.
 */
export function fromWebIdentityTokenFile(
  options: WebIdentityTokenFileOptions,
): NamedCredentialProvider {
  const op = 'fromWebIdentityTokenFile'
  if (!options.webIdentityTokenFile) {
    throw new ConfigError(
      `${op}: webIdentityTokenFile is required (the path of the OIDC token file)`,
      {
        key: 'webIdentityTokenFile',
      },
    )
  }
  const prepared = prepare(op, options)
  const read = options.readTextFile ?? ((path: string) => getPlatform().readTextFile(path))
  const file = options.webIdentityTokenFile
  return namedProvider('web-identity', async (request = {}) => {
    let token: string
    try {
      token = (await read(file)).trim()
    } catch (error) {
      throw new CredentialsError(
        `Cannot read the web identity token file ${file}: ${
          (error as Error).message ?? String(error)
        }`,
        { source: 'web-identity', cause: error },
      )
    }
    if (token === '') {
      throw new CredentialsError(`The web identity token file ${file} is empty`, {
        source: 'web-identity',
      })
    }
    return exchange(prepared, options, token, request.signal)
  })
}

/**
 * The web identity source configured by the environment, as the AWS SDKs read it:
 * `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (+ `AWS_ROLE_SESSION_NAME`). Returns undefined
 * when `AWS_WEB_IDENTITY_TOKEN_FILE` is not set (not configured here); throws ConfigError when
 * the token file is set without a role ARN (configured but broken).
 */
export function webIdentityFromEnv(
  env: Env,
  options: Omit<WebIdentityTokenFileOptions, 'roleArn' | 'webIdentityTokenFile' | 'env'> = {},
): NamedCredentialProvider | undefined {
  const file = env.AWS_WEB_IDENTITY_TOKEN_FILE?.trim()
  if (!file) return undefined
  const roleArn = env.AWS_ROLE_ARN?.trim()
  if (!roleArn) {
    throw new ConfigError(
      `AWS_WEB_IDENTITY_TOKEN_FILE is set (${file}) but AWS_ROLE_ARN is not: ` +
        'set the ARN of the role to assume with the token',
      { key: 'AWS_ROLE_ARN' },
    )
  }
  return fromWebIdentityTokenFile({ ...options, env, roleArn, webIdentityTokenFile: file })
}

const GitHubTokenResponse = z.object({ value: z.string().check(z.minLength(1)) })

// The token endpoint is the Actions runtime; a few quick retries ride out its blips before the
// refresher's own backoff takes over.
const OIDC_ATTEMPTS = 3
const OIDC_TIMEOUT_MS = 10_000

/**
 * A source for GitHub Actions: at every call, a fresh OIDC ID token from the Actions runtime
 * (`ACTIONS_ID_TOKEN_REQUEST_URL`, bearer `ACTIONS_ID_TOKEN_REQUEST_TOKEN`), exchanged with
 * AssumeRoleWithWebIdentity. The job needs `permissions: id-token: write`.
 *
 * @example
 * const credentials = refreshable(fromGitHubOidc({ roleArn, region: 'us-east-1' }))
 */
export function fromGitHubOidc(options: GitHubOidcOptions): NamedCredentialProvider {
  const op = 'fromGitHubOidc'
  const prepared = prepare(op, options)
  const { env } = prepared
  const requestUrl = options.requestUrl ?? env.ACTIONS_ID_TOKEN_REQUEST_URL
  const requestToken = options.requestToken ?? env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  const audience = options.audience ?? 'sts.amazonaws.com'
  const missing = [
    requestUrl ? undefined : 'ACTIONS_ID_TOKEN_REQUEST_URL',
    requestToken ? undefined : 'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  ].filter((name) => name !== undefined)
  if (missing.length > 0 || !requestUrl || !requestToken) {
    throw new ConfigError(
      `${op}: ${missing.join(' and ')} not set. These come from the GitHub Actions runner: ` +
        "is the job's `permissions: id-token: write` set?",
      { key: missing[0] as string },
    )
  }
  let url: URL
  try {
    // @actions/core appends `&audience=` to the runtime's URL (which already has a query).
    url = new URL(
      `${requestUrl}${requestUrl.includes('?') ? '&' : '?'}audience=${
        encodeURIComponent(audience)
      }`,
    )
  } catch {
    throw new ConfigError(`${op}: ACTIONS_ID_TOKEN_REQUEST_URL is not a valid URL`, {
      key: 'ACTIONS_ID_TOKEN_REQUEST_URL',
    })
  }
  const fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const clock = options.clock ?? systemClock

  const fetchToken = async (signal: AbortSignal | undefined): Promise<string> => {
    let lastProblem = ''
    // The last failure's HTTP status; undefined for a network error or timeout.
    let lastStatus: number | undefined
    for (let attempt = 1; attempt <= OIDC_ATTEMPTS; attempt++) {
      if (attempt > 1) await sleep(200 * 2 ** (attempt - 2), signal, clock)
      const controller = new AbortController()
      const timer = clock.setTimer(
        () =>
          controller.abort(new DOMException('GitHub OIDC token request timed out', 'TimeoutError')),
        OIDC_TIMEOUT_MS,
      )
      const combined = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal
      try {
        const response = await fetch(url.toString(), {
          headers: { authorization: `Bearer ${requestToken}`, accept: 'application/json' },
          signal: combined,
        })
        const text = await response.text()
        if (!response.ok) {
          lastProblem = `HTTP ${response.status}`
          lastStatus = response.status
          // 4xx other than throttling will not get better by asking again.
          if (response.status < 500 && response.status !== 429) break
          continue
        }
        let body: unknown
        try {
          body = JSON.parse(text)
        } catch {
          body = undefined
        }
        const parsed = GitHubTokenResponse.safeParse(body)
        if (!parsed.success) {
          throw new CredentialsError(
            'The GitHub OIDC token endpoint answered without a token (expected {"value": "<jwt>"})',
            {
              source: 'github-oidc',
            },
          )
        }
        return parsed.data.value
      } catch (error) {
        if (signal?.aborted) throw signal.reason
        if (error instanceof CredentialsError) throw error
        lastProblem = (error as Error).message ?? String(error)
        lastStatus = undefined
      } finally {
        timer.cancel()
      }
    }
    const where = `Could not get a GitHub OIDC token from ${url.origin}`
    // An endpoint that did not answer, or answered 5xx or 429, may answer at the next refresh:
    // transient, so the session retries with backoff (as for STS, IMDS and containers), and no
    // hint about permissions, which are not what failed.
    if (lastStatus === undefined || lastStatus >= 500 || lastStatus === 429) {
      throw new CredentialsError(`${where} (${lastProblem}, after ${OIDC_ATTEMPTS} attempts)`, {
        source: 'github-oidc',
        cause: new TransientHttpError(lastProblem),
      })
    }
    const hint =
      lastStatus === 401 || lastStatus === 403
        ? "the request token was refused: is the job's `permissions: id-token: write` set, and is ACTIONS_ID_TOKEN_REQUEST_TOKEN the job's own?"
        : 'check ACTIONS_ID_TOKEN_REQUEST_URL'
    throw new CredentialsError(`${where} (${lastProblem}); ${hint}`, { source: 'github-oidc' })
  }

  return namedProvider('github-oidc', async (request = {}) => {
    const token = await fetchToken(request.signal)
    return exchange(prepared, options, token, request.signal)
  })
}
