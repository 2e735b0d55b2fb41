/**
 * Finding leaked secrets in what tests captured (stderr of the CLI, log lines, error messages).
 *
 * Two complementary nets:
 * - exact: wrap an emulator with {@link recordIssuedSecrets} and every secret key and session
 *   token it hands out (and its base secret key) is recorded; {@link findSecrets} looks for each
 *   of them, whole or as a 12-character fragment, in any text;
 * - by shape: {@link findSecretShapes} looks for anything shaped like an emulator-issued session
 *   token (`IQoJb3JpZ2luX2VjE...`) or a `SecretAccessKey`/`aws_secret_access_key` assignment with a
 *   value, so a whole test-suite log can be scanned after the fact (test/security/scan-log.ts).
 */
import type { Emulator } from '../../src/emulator/index.ts'

/** A set of known secrets and a way to record more. */
export interface SecretRecorder {
  /** Every secret seen so far (secret access keys and session tokens). */
  readonly secrets: ReadonlySet<string>
  /** The emulator's handler, recording every secret its STS responses carry. */
  readonly handler: (request: Request) => Promise<Response>
}

const XML_SECRET = /<(SecretAccessKey|SessionToken)>([^<]+)<\/\1>/g

/** Wrap `emulator` so every secret it issues (and its base secret key) is recorded. */
export function recordIssuedSecrets(emulator: Emulator): SecretRecorder {
  const secrets = new Set<string>([emulator.baseCredentials.secretAccessKey])
  const handler = async (request: Request): Promise<Response> => {
    const response = await emulator.handler(request)
    const type = response.headers.get('content-type') ?? ''
    if (type.includes('xml') && response.status === 200) {
      const text = await response.clone().text()
      for (const match of text.matchAll(XML_SECRET)) secrets.add(match[2]!)
    }
    return response
  }
  return { secrets, handler }
}

/** One leak: which secret (masked) and where in the text. */
export interface Leak {
  readonly secret: string
  readonly at: number
}

const mask = (secret: string): string => `${secret.slice(0, 4)}…(${secret.length} chars)`

/**
 * Every occurrence in `text` of a known secret, or of any 12-character piece of one (a secret
 * cut by a line wrap or a slice is still a leak). Returns masked descriptions, never the secret.
 */
export function findSecrets(text: string, secrets: Iterable<string>): Leak[] {
  const leaks: Leak[] = []
  for (const secret of secrets) {
    if (secret.length < 12) continue
    for (let start = 0; start + 12 <= secret.length; start += 6) {
      const at = text.indexOf(secret.slice(start, start + 12))
      if (at !== -1) {
        leaks.push({ secret: mask(secret), at })
        break
      }
    }
  }
  return leaks
}

// An emulator session token (keys.ts: "IQoJb3JpZ2luX2VjE" + base64), and assignments of a
// secret key or token to a non-empty value in the formats we print (JSON, env, INI, XML).
const SHAPES: readonly RegExp[] = [
  /IQoJb3JpZ2luX2VjE[A-Za-z0-9+/]{16,}/g,
  /"(?:SecretAccessKey|SessionToken|Token|secretAccessKey|sessionToken)"\s*:\s*"[^"[]{8,}"/g,
  /\b(?:AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|aws_secret_access_key|aws_session_token)\s*[=:]\s*['"]?[A-Za-z0-9+/]{16,}/g,
  /<(?:SecretAccessKey|SessionToken)>[^<]{8,}</g,
]

/** Everything in `text` shaped like a secret (see above), each reported masked with its offset. */
export function findSecretShapes(text: string): Leak[] {
  const leaks: Leak[] = []
  for (const pattern of SHAPES) {
    for (const match of text.matchAll(pattern))
      leaks.push({ secret: mask(match[0]), at: match.index ?? 0 })
  }
  return leaks
}
