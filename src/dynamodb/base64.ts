/**
 * Base64 for DynamoDB's JSON protocol, which carries `B` and `BS` values as base64 strings
 * (Amazon DynamoDB API Reference, "AttributeValue": "B — An attribute of type Binary", sent
 * base64-encoded). `btoa`/`atob` are the Web APIs every supported runtime has.
 */

/** Encode bytes as standard base64 with padding. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = ''
  // Chunks keep String.fromCharCode's argument list well under engine limits.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(binary)
}

/** Decode standard base64; throws a TypeError naming the problem on invalid input. */
export function base64ToBytes(text: string): Uint8Array {
  let binary: string
  try {
    binary = atob(text)
  } catch {
    throw new TypeError('invalid base64')
  }
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}
