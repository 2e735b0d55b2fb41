/**
 * Redaction for logs, events and errors. Access key ids are identifiers, not secrets, but they
 * still only ever appear masked; secret keys, session tokens and bearer tokens never appear.
 */

/** `ASIAEXAMPLE1234WXYZ` -> `ASIA…WXYZ`: enough to tell keys apart, not enough to use one. */
export function maskKey(accessKeyId: string | undefined): string {
  if (!accessKeyId) return '(none)'
  if (accessKeyId.length <= 8) return '****'
  return `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}`
}

const SECRET_FIELD =
  /secret|token|password|passphrase|authorization|signature|credential|^sessiontoken$|^x-amz-security-token$/i
const KEY_ID_FIELD = /^(access_?key_?id|accesskeyid|aws_access_key_id)$/i

/**
 * A deep copy of `value` safe to log: fields that hold secrets become `[redacted]`, access key
 * ids are masked. Strings are not scanned; never interpolate a secret into a message.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value
  if (value instanceof Date) return value
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(value)) {
    if (KEY_ID_FIELD.test(key) && typeof field === 'string') out[key] = maskKey(field)
    else if (SECRET_FIELD.test(key)) out[key] = field === undefined ? undefined : '[redacted]'
    else out[key] = redact(field, depth + 1)
  }
  return out
}

/**
 * Untrusted text (a server's error message, a config value) made safe for one line of a log or
 * an error: control characters become `\u001b`-style escapes, so nothing can forge a log line
 * or send a terminal escape sequence.
 */
export function printable(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}
