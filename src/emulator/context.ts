/**
 * The contract between the emulator's router and its service modules (STS, S3, DynamoDB). The
 * router reads the body, verifies SigV4, resolves the caller's identity and checks expiry; a
 * service only implements operations and renders its own error format.
 */
import type { Clock } from '../types.ts'

/** Who signed the request, as resolved from the access key id. */
export interface EmulatorIdentity {
  readonly accessKeyId: string
  readonly accountId: string
  /** `arn:aws:iam::<acct>:user/<name>` or `arn:aws:sts::<acct>:assumed-role/<role>/<session>`. */
  readonly arn: string
  /** `AIDA...` for users, `AROA...:<session>` for assumed roles. */
  readonly userId: string
  readonly kind: 'user' | 'assumed-role'
  /** Set for temporary keys issued by the emulator's STS. */
  readonly session?: {
    readonly roleArn: string
    readonly sessionName: string
    /** Epoch ms; the router rejects the key at and after this instant. */
    readonly expiration: number
  }
}

/** The services the emulator answers for. */
export type EmulatorService = 'sts' | 's3' | 'dynamodb'

/**
 * Thrown by service code to answer with an AWS error; the router renders it in the service's
 * own format (STS XML ErrorResponse, S3 XML Error, DynamoDB JSON `__type`).
 */
export class EmulatorFault extends Error {
  override name = 'EmulatorFault'
  readonly code: string
  readonly status: number
  /** Extra elements some errors carry (S3 `BucketName`, `Key`, ...). */
  readonly extra: Readonly<Record<string, string>>
  /** Extra response headers (S3's `x-amz-bucket-region` on a wrong-region answer). */
  readonly headers: Readonly<Record<string, string>>

  constructor(
    code: string,
    message: string,
    status: number,
    extra: Record<string, string> = {},
    headers: Record<string, string> = {},
  ) {
    super(message)
    this.code = code
    this.status = status
    this.extra = extra
    this.headers = headers
  }
}

/** One authenticated (or deliberately unsigned) request, ready for a service. */
export interface ServiceRequest {
  readonly request: Request
  readonly url: URL
  /** The whole body, already read (and size-capped) by the router. */
  readonly body: Uint8Array
  /** Undefined only for operations that AWS accepts unsigned (AssumeRoleWithWebIdentity). */
  readonly identity: EmulatorIdentity | undefined
  /** Emulator time, epoch ms. */
  readonly now: number
  readonly requestId: string
  /**
   * The region the request was signed for (its credential scope), or the emulator's region when
   * it is unsigned: the region whose DynamoDB tables and S3 endpoint it reaches.
   */
  readonly region: string
}

/** What each service module provides to the router. */
export interface ServiceModule {
  handle(request: ServiceRequest): Promise<Response> | Response
  /**
   * The AWS operation a request asks for (`AssumeRole`, `GetObject`, `PutItem`), read before
   * authentication so faults and stats can name it; undefined when it names none.
   */
  operation?(request: Request, url: URL, body: Uint8Array): string | undefined
  /** Every operation the module implements: the actions a fault target may name. */
  readonly operations?: readonly string[]
  /** Render an error the service's way (used for auth failures too). */
  renderError(fault: EmulatorFault, requestId: string): Response
}

/** Knobs service modules read at request time; the admin API and tests may change them. */
export interface EmulatorSettings {
  /** DynamoDB BatchWriteItem/BatchGetItem: how many requested items per call to hand back unprocessed. */
  dynamodbUnprocessedPerBatch: number
}

/** Shared environment handed to each service module's factory. */
export interface ServiceEnv {
  readonly clock: Clock
  readonly settings: EmulatorSettings
  /** The account id the emulator's base identities belong to. */
  readonly accountId: string
}
