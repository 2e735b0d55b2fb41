/**
 * Authentication for the router: resolve the key, check the session token, the expiry, the
 * request time and the payload hash, then the SigV4 signature, answering each failure with the
 * error the real service uses (codes and texts as STS, S3 and DynamoDB return them; see the
 * "Common Errors" pages of each API reference and S3's ErrorResponses list).
 */
import { payloadSha256 } from './payload-sha256.ts'
import { EmulatorFault, type EmulatorIdentity, type EmulatorService } from './context.ts'
import type { KeyStore } from './keys.ts'
import { isRegionName, s3WrongRegion } from './regions.ts'
import {
  constantTimeEqual,
  formatAmzDate,
  QUERY_AUTH_REQUIRED,
  type SigV4Claim,
  type SigV4ParseResult,
  UNSIGNED_PAYLOAD,
  verifySigV4,
} from './sigv4-verify.ts'

/** STS actions AWS accepts without a signature. */
export const UNSIGNED_STS_ACTIONS: ReadonlySet<string> = new Set([
  'AssumeRoleWithWebIdentity',
  'AssumeRoleWithSAML',
])

/** Everything {@link authenticate} needs about one request. */
export interface AuthInput {
  readonly service: EmulatorService
  readonly request: Request
  readonly url: URL
  readonly body: Uint8Array
  readonly parsed: SigV4ParseResult
  /** The STS action, when the service is STS. */
  readonly action?: string
  readonly keys: KeyStore
  /** The emulator's region (default us-east-1): what S3 expects instead of an invalid one. */
  readonly region?: string
  /** Emulator time, epoch ms. */
  readonly now: number
  /** Allowed distance between X-Amz-Date and `now`. */
  readonly maxSkewMs: number
}

const STS_SIGNATURE_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'
const S3_SIGNATURE_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your key and signing method.'
const INVALID_TOKEN_MESSAGE = 'The security token included in the request is invalid.'
const EXPIRED_TOKEN_MESSAGE = 'The security token included in the request is expired'

function signatureFault(
  service: EmulatorService,
  message: string,
  extra: Record<string, string> = {},
): EmulatorFault {
  if (service === 'sts') return new EmulatorFault('SignatureDoesNotMatch', message, 403)
  if (service === 'dynamodb') return new EmulatorFault('InvalidSignatureException', message, 400)
  return new EmulatorFault('SignatureDoesNotMatch', message, 403, extra)
}

function malformed(service: EmulatorService, presigned: boolean, message: string): EmulatorFault {
  if (service === 'sts') return new EmulatorFault('IncompleteSignature', message, 400)
  if (service === 'dynamodb') return new EmulatorFault('IncompleteSignatureException', message, 400)
  return presigned
    ? new EmulatorFault('AuthorizationQueryParametersError', message, 400)
    : new EmulatorFault(
      'AuthorizationHeaderMalformed',
      `The authorization header is malformed; ${message}`,
      400,
    )
}

function unknownKey(service: EmulatorService, accessKeyId: string): EmulatorFault {
  if (service === 'sts') {
    return new EmulatorFault('InvalidClientTokenId', INVALID_TOKEN_MESSAGE, 403)
  }
  if (service === 'dynamodb') {
    return new EmulatorFault('UnrecognizedClientException', INVALID_TOKEN_MESSAGE, 400)
  }
  return new EmulatorFault(
    'InvalidAccessKeyId',
    'The AWS Access Key Id you provided does not exist in our records.',
    403,
    {
      AWSAccessKeyId: accessKeyId,
    },
  )
}

function badToken(service: EmulatorService, accessKeyId: string, missing: boolean): EmulatorFault {
  if (service === 's3') {
    return missing ? unknownKey(service, accessKeyId) : new EmulatorFault(
      'InvalidToken',
      'The provided token is malformed or otherwise invalid.',
      400,
    )
  }
  return unknownKey(service, accessKeyId)
}

function expired(service: EmulatorService): EmulatorFault {
  if (service === 'sts') return new EmulatorFault('ExpiredToken', EXPIRED_TOKEN_MESSAGE, 403)
  if (service === 'dynamodb') {
    return new EmulatorFault('ExpiredTokenException', EXPIRED_TOKEN_MESSAGE, 400)
  }
  return new EmulatorFault('ExpiredToken', 'The provided token has expired.', 400)
}

function checkTime(input: AuthInput, claim: SigV4Claim): void {
  const { service, now, maxSkewMs } = input
  const minutes = Math.round(maxSkewMs / 60000)
  if (claim.presigned && (claim.expiresSeconds !== undefined || service === 's3')) {
    const expiresAt = claim.timeMs + (claim.expiresSeconds ?? 0) * 1000
    if (service === 's3') {
      if (claim.expiresSeconds === undefined) throw malformed(service, true, QUERY_AUTH_REQUIRED)
      if (claim.timeMs > now + maxSkewMs) {
        throw new EmulatorFault('AccessDenied', 'Request is not valid yet', 403)
      }
      if (now >= expiresAt) {
        throw new EmulatorFault('AccessDenied', 'Request has expired', 403, {
          'X-Amz-Expires': String(claim.expiresSeconds ?? 0),
          Expires: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          ServerTime: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        })
      }
      return
    }
    if (now >= expiresAt) {
      throw signatureFault(
        service,
        `Signature expired: ${formatAmzDate(expiresAt)} is now earlier than ${formatAmzDate(now)}.`,
      )
    }
    if (claim.timeMs <= now + maxSkewMs) return
  }
  const skew = now - claim.timeMs
  if (Math.abs(skew) <= maxSkewMs) return
  if (service === 's3') {
    // S3 returns RequestTimeTooSkewed with these diagnostic elements (S3 ErrorResponses).
    throw new EmulatorFault(
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
      403,
      {
        RequestTime: claim.amzDate,
        ServerTime: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        MaxAllowedSkewMilliseconds: String(maxSkewMs),
      },
    )
  }
  // STS and DynamoDB phrase it "Signature expired: <date> is now earlier than <now - 5 min>
  // (<now> - 5 min.)", or "Signature not yet current" for dates ahead of the server.
  const message = skew > 0
    ? `Signature expired: ${claim.amzDate} is now earlier than ${formatAmzDate(now - maxSkewMs)} (${
      formatAmzDate(now)
    } - ${minutes} min.)`
    : `Signature not yet current: ${claim.amzDate} is still later than ${
      formatAmzDate(now + maxSkewMs)
    } (${formatAmzDate(now)} + ${minutes} min.)`
  throw signatureFault(service, message)
}

async function payloadHash(input: AuthInput, claim: SigV4Claim): Promise<string> {
  const { service, request, body } = input
  const header = request.headers.get('x-amz-content-sha256')
  if (claim.presigned && service === 's3') return header ?? UNSIGNED_PAYLOAD
  if (header === null) {
    if (service === 's3') {
      throw new EmulatorFault(
        'InvalidRequest',
        'Missing required header for this request: x-amz-content-sha256',
        400,
      )
    }
    return payloadSha256(body)
  }
  // UNSIGNED-PAYLOAD and the STREAMING-* forms are S3's (SigV4 for S3, "Signature Calculations";
  // the SDKs send them to no other service). Elsewhere the body's own hash goes in the canonical
  // request whatever the header says, so a body changed after signing fails the signature.
  if (header === UNSIGNED_PAYLOAD || header.startsWith('STREAMING-')) {
    return service === 's3' ? header : payloadSha256(body)
  }
  if (/^[0-9a-f]{64}$/.test(header)) {
    const computed = await payloadSha256(body)
    if (computed === header) return header
    if (service === 's3') {
      throw new EmulatorFault(
        'XAmzContentSHA256Mismatch',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
        400,
        {
          ClientComputedContentSHA256: header,
          S3ComputedContentSHA256: computed,
        },
      )
    }
    throw signatureFault(service, STS_SIGNATURE_MESSAGE)
  }
  if (service === 's3') {
    throw new EmulatorFault(
      'InvalidArgument',
      'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
      400,
    )
  }
  throw signatureFault(service, STS_SIGNATURE_MESSAGE)
}

/**
 * Authenticate a request for `service`: the identity it was signed by, or undefined for STS
 * actions AWS takes unsigned. Throws an {@link EmulatorFault} in the service's terms otherwise.
 */
export async function authenticate(input: AuthInput): Promise<EmulatorIdentity | undefined> {
  const { service, parsed } = input
  if (parsed.kind === 'unsigned') {
    if (service === 'sts' && input.action !== undefined && UNSIGNED_STS_ACTIONS.has(input.action)) {
      return undefined
    }
    if (service === 'sts') {
      throw new EmulatorFault(
        'MissingAuthenticationToken',
        'Request is missing Authentication Token',
        403,
      )
    }
    if (service === 'dynamodb') {
      throw new EmulatorFault(
        'MissingAuthenticationTokenException',
        'Request is missing Authentication Token',
        400,
      )
    }
    throw new EmulatorFault('AccessDenied', 'Access Denied', 403)
  }
  if (parsed.kind === 'malformed') throw malformed(service, parsed.presigned, parsed.message)
  const claim = parsed.claim
  if (claim.service !== service) {
    if (service === 's3') {
      throw malformed(
        service,
        claim.presigned,
        `incorrect service "${claim.service}". This endpoint belongs to "s3".`,
      )
    }
    throw signatureFault(service, `Credential should be scoped to correct service: '${service}'. `)
  }
  if (!isRegionName(claim.region)) {
    if (service === 's3') {
      throw s3WrongRegion(claim.region, input.region ?? 'us-east-1', claim.presigned)
    }
    // "Credential should be scoped to a valid Region, not <region>" (IAM User Guide, "Troubleshoot
    // signed requests for AWS APIs"); STS and DynamoDB quote it and end with ". " as below.
    throw signatureFault(
      service,
      `Credential should be scoped to a valid region, not '${claim.region}'. `,
    )
  }
  const record = input.keys.lookup(claim.accessKeyId)
  if (!record) throw unknownKey(service, claim.accessKeyId)
  if (record.sessionToken === undefined) {
    if (claim.sessionToken !== undefined) throw badToken(service, claim.accessKeyId, false)
  } else {
    if (claim.sessionToken === undefined) throw badToken(service, claim.accessKeyId, true)
    if (!constantTimeEqual(claim.sessionToken, record.sessionToken)) {
      throw badToken(service, claim.accessKeyId, false)
    }
  }
  const session = record.identity.session
  // The key stops working at its Expiration instant, not a millisecond later.
  if (session && input.now >= session.expiration) throw expired(service)
  if (claim.scopeDate !== claim.amzDate.slice(0, 8)) {
    if (service === 's3') {
      throw malformed(
        service,
        claim.presigned,
        'Invalid credential date. Date is not the same as X-Amz-Date.',
      )
    }
    throw signatureFault(
      service,
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${claim.scopeDate}' != '${
        claim.amzDate.slice(0, 8)
      }', from '${claim.amzDate}'.`,
    )
  }
  checkTime(input, claim)
  const hash = await payloadHash(input, claim)
  const result = await verifySigV4(input.request, input.url, claim, record.secretAccessKey, hash)
  if (!result.ok) {
    throw signatureFault(service, service === 's3' ? S3_SIGNATURE_MESSAGE : STS_SIGNATURE_MESSAGE, {
      AWSAccessKeyId: claim.accessKeyId,
      StringToSign: result.stringToSign,
      SignatureProvided: claim.signature,
      CanonicalRequest: result.canonicalRequest,
    })
  }
  return record.identity
}
