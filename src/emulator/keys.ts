/**
 * The emulator's key store: long-term base keys (`AKIA...`, IAM users) and the temporary keys
 * its STS issues (`ASIA...`, assumed-role sessions). In memory only; forgetting the temporary
 * keys simulates a restart of the emulator.
 */
import type { EmulatorIdentity } from './context.ts'

/** A long-term key pair the emulator accepts, owned by an IAM user. */
export interface BaseKeyPair {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  /** The IAM user name; default `emulator`. */
  readonly userName?: string
}

/** One key the emulator knows, with the identity it authenticates as. */
export interface KeyRecord {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  /** Set for temporary keys: requests must carry exactly this token. */
  readonly sessionToken?: string
  readonly identity: EmulatorIdentity
  /** Temporary keys: the source identity set at AssumeRole, carried along role chains. */
  readonly sourceIdentity?: string
}

/** What STS needs to mint a temporary key for an assumed-role session. */
export interface TemporaryKeyRequest {
  readonly roleArn: string
  readonly roleName: string
  readonly roleAccountId: string
  readonly sessionName: string
  /** Epoch ms. */
  readonly expiration: number
  readonly sourceIdentity?: string
}

/** Base keys plus issued temporary keys. */
export interface KeyStore {
  lookup(accessKeyId: string): KeyRecord | undefined
  /** Mint an `ASIA...` key, secret and session token for an assumed-role session. */
  issueTemporary(request: TemporaryKeyRequest): KeyRecord
  /** Forget every issued temporary key (as if the emulator had restarted). */
  forgetTemporary(): void
  /** `AROA...` unique id of a role, stable for the store's life. */
  roleId(roleArn: string): string
  readonly baseKeys: readonly KeyRecord[]
  readonly temporaryCount: number
}

// Access key ids use the base32 alphabet after their 4-letter prefix (IAM's "unique ID" docs:
// IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids).
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

function randomFrom(alphabet: string, length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length))
  let out = ''
  for (const b of bytes) out += alphabet[b % alphabet.length]
  return out
}

/** A random 20-character access key id with the given 4-letter prefix (`AKIA`, `ASIA`). */
export function randomAccessKeyId(prefix: 'AKIA' | 'ASIA'): string {
  return prefix + randomFrom(BASE32, 16)
}

/** A random 40-character secret access key, in the alphabet AWS secrets use. */
export function randomSecretAccessKey(): string {
  return randomFrom(BASE64, 40)
}

/** A random session token, base64 like AWS's (which are several hundred characters long). */
export function randomSessionToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(300))
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  // AWS tokens of this generation start with this prefix ("IQoJb3JpZ2luX2Vj" = "!\n\torigin_ec").
  return `IQoJb3JpZ2luX2VjE${btoa(binary)}`
}

/** A key store over `baseKeys` (IAM users in `accountId`). */
export function createKeyStore(accountId: string, baseKeys: readonly BaseKeyPair[]): KeyStore {
  const base = new Map<string, KeyRecord>()
  const temporary = new Map<string, KeyRecord>()
  const roleIds = new Map<string, string>()
  for (const key of baseKeys) {
    const userName = key.userName ?? 'emulator'
    base.set(key.accessKeyId, {
      accessKeyId: key.accessKeyId,
      secretAccessKey: key.secretAccessKey,
      identity: {
        accessKeyId: key.accessKeyId,
        accountId,
        arn: `arn:aws:iam::${accountId}:user/${userName}`,
        userId: `AIDA${randomFrom(BASE32, 17)}`,
        kind: 'user',
      },
    })
  }
  const roleId = (roleArn: string): string => {
    let id = roleIds.get(roleArn)
    if (!id) {
      id = `AROA${randomFrom(BASE32, 17)}`
      roleIds.set(roleArn, id)
    }
    return id
  }
  return {
    lookup: (accessKeyId) => base.get(accessKeyId) ?? temporary.get(accessKeyId),
    issueTemporary(request) {
      const accessKeyId = randomAccessKeyId('ASIA')
      const record: KeyRecord = {
        accessKeyId,
        secretAccessKey: randomSecretAccessKey(),
        sessionToken: randomSessionToken(),
        identity: {
          accessKeyId,
          accountId: request.roleAccountId,
          arn:
            `arn:aws:sts::${request.roleAccountId}:assumed-role/${request.roleName}/${request.sessionName}`,
          userId: `${roleId(request.roleArn)}:${request.sessionName}`,
          kind: 'assumed-role',
          session: {
            roleArn: request.roleArn,
            sessionName: request.sessionName,
            expiration: request.expiration,
          },
        },
        ...(request.sourceIdentity !== undefined ? { sourceIdentity: request.sourceIdentity } : {}),
      }
      temporary.set(accessKeyId, record)
      return record
    },
    forgetTemporary: () => temporary.clear(),
    roleId,
    get baseKeys() {
      return [...base.values()]
    },
    get temporaryCount() {
      return temporary.size
    },
  }
}
