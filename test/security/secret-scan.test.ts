/**
 * The leak scanners themselves: they must find what they look for (or every scan that "found
 * none" proves nothing), and stay quiet on what the CLI legitimately prints.
 */
import { describe, expect, test } from 'bun:test'
import { findSecrets, findSecretShapes } from './secret-scan.ts'

const SECRET = 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY01'
const TOKEN = `IQoJb3JpZ2luX2VjE${'A'.repeat(60)}`

describe('secret scanners', () => {
  test('findSecrets finds a known secret whole, cut, or wrapped across lines', () => {
    expect(findSecrets(`x ${SECRET} y`, [SECRET])).toHaveLength(1)
    expect(findSecrets(`key=${SECRET.slice(3, 20)}…`, [SECRET])).toHaveLength(1)
    expect(findSecrets(`${SECRET.slice(0, 20)}\n${SECRET.slice(20)}`, [SECRET])).toHaveLength(1)
    expect(findSecrets('ASIA…WXYZ expired at 2026-01-01T00:15:00.000Z', [SECRET])).toEqual([])
    // Reports are masked: the secret never appears in the finding.
    expect(JSON.stringify(findSecrets(SECRET, [SECRET]))).not.toContain(SECRET.slice(4, 16))
  })

  test('findSecretShapes finds tokens and secret assignments, not masked ids or redactions', () => {
    expect(findSecretShapes(`token ${TOKEN}`)).toHaveLength(1)
    expect(findSecretShapes(`{"SecretAccessKey":"${SECRET}"}`)).toHaveLength(1)
    expect(findSecretShapes(`export AWS_SESSION_TOKEN='${TOKEN.slice(17)}'`)).toHaveLength(1)
    expect(findSecretShapes(`<SecretAccessKey>${SECRET}</SecretAccessKey>`)).toHaveLength(1)
    expect(findSecretShapes('{"accessKeyId":"ASIA…WXYZ","sessionToken":"[redacted]"}')).toEqual([])
    expect(findSecretShapes('stsrefresh: warning: these credentials will not refresh')).toEqual([])
  })
})
