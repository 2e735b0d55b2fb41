/**
 * AWS's SigV4 conformance vectors (../shared/sigv4-test-suite: `.req` requests with their
 * canonical request, string to sign and Authorization header), read for the emulator's verifier
 * and the client's signer. Tests skip with a message where the folder is absent.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const SUITE: string = fileURLToPath(new URL('../../../shared/sigv4-test-suite', import.meta.url))
export const SUITE_SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
export const SUITE_TOKEN =
  'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=='

export interface SuiteCase {
  readonly name: string
  readonly req: string
  readonly creq: string
  readonly sts: string
  readonly authz: string
}

export function suiteCases(dir: string): SuiteCase[] {
  const out: SuiteCase[] = []
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry)
    if (!statSync(path).isDirectory()) continue
    const read = (ext: string): string => readFileSync(join(path, `${entry}.${ext}`), 'utf8')
    if (existsSync(join(path, `${entry}.req`))) {
      out.push({
        name: entry,
        req: read('req'),
        creq: read('creq'),
        sts: read('sts'),
        authz: read('authz'),
      })
    }
    out.push(...suiteCases(path))
  }
  return out
}

/** Parse a raw `.req`: request line, headers (folded lines continue the previous header), body. */
export function parseRaw(
  raw: string,
): { method: string; target: string; headers: Array<[string, string[]]>; body: string } {
  const [head, ...rest] = raw.split('\n\n')
  const lines = head!.split('\n')
  const [method, ...targetParts] = lines[0]!.split(' ')
  targetParts.pop()
  const headers: Array<[string, string[]]> = []
  for (const line of lines.slice(1)) {
    if (/^\s/.test(line) && headers.length > 0) {
      headers.at(-1)![1].push(line.trim())
      continue
    }
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).toLowerCase()
    const existing = headers.find(([n]) => n === name)
    if (existing) existing[1].push(line.slice(colon + 1))
    else headers.push([name, [line.slice(colon + 1)]])
  }
  return { method: method!, target: targetParts.join(' '), headers, body: rest.join('\n\n') }
}

/**
 * Cases a fetch Request can carry unchanged: no folded or repeated headers, a path that needs no
 * encoding or normalising.
 */
export function isPlainCase(c: SuiteCase): boolean {
  const raw = parseRaw(c.req)
  const path = raw.target.split('?')[0]!
  return raw.headers.every(([, v]) => v.length === 1) && /^(\/[\w\-.~]+)*\/?$/.test(path) &&
    !/\/\.\.?(\/|$)/.test(path)
}
