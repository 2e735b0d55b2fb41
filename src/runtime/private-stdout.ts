/**
 * `stsrefresh serve > creds.env` and `stsrefresh env > creds.env` put a bearer token or secret
 * keys in a file the shell created with the umask (usually 0644: readable by every local user).
 * Before such output is written, a regular file of ours on stdout is made 0600, as the AWS CLI
 * makes its own credential files; a pipe, a terminal or someone else's file is left alone.
 */
import { fchmodSync, fstatSync } from 'node:fs'
import process from 'node:process'

/** Make stdout private if it is a regular file of ours others can read; true when it did. */
export function privateStdout(): boolean {
  if (process.platform === 'win32') return false
  try {
    const info = fstatSync(1)
    if (!info.isFile() || (info.mode & 0o077) === 0 || info.uid !== process.getuid?.()) return false
    fchmodSync(1, 0o600)
    return true
  } catch {
    // Not a file we can change (a closed descriptor, a read-only mount): nothing to protect.
    return false
  }
}
