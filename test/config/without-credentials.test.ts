/** exec's copy of the config file: settings kept, credential sources of the default profile gone. */
import { describe, expect, test } from 'bun:test'
import { parseIni } from '../../src/config/ini.ts'
import { withoutCredentials } from '../../src/config/without-credentials.ts'

const CONFIG = `# my config
[default]
region = eu-west-1
aws_access_key_id = AKIAEXAMPLEDEFAULT00
aws_secret_access_key = secretdefault
role_arn = arn:aws:iam::123456789012:role/admin
source_profile = base
s3 =
  max_concurrent_requests = 20
credential_process = helper
  --continued-arg

[profile base]
AWS_Access_Key_Id: AKIAEXAMPLEBASE00000
aws_secret_access_key=secretbase ; inline
region = us-west-2

[profile deploy]
role_arn = arn:aws:iam::123456789012:role/deploy
source_profile = base
sso_session = corp

[sso-session corp]
sso_start_url = https://example.awsapps.com/start
`

describe('withoutCredentials', () => {
  const { text, removed } = withoutCredentials(CONFIG)

  test('removes static keys everywhere and the default profile\'s sources, keeping the rest', () => {
    expect(text).toBe(`# my config
[default]
region = eu-west-1
s3 =
  max_concurrent_requests = 20

[profile base]
region = us-west-2

[profile deploy]
role_arn = arn:aws:iam::123456789012:role/deploy
source_profile = base
sso_session = corp

[sso-session corp]
sso_start_url = https://example.awsapps.com/start
`)
    expect(removed).toBe(7)
    expect(text).not.toContain('secret')
  })

  test('the copy still parses, with the same sections', () => {
    const before = parseIni(CONFIG, 'config').sections.map((s) => s.header)
    expect(parseIni(text, 'config').sections.map((s) => s.header)).toEqual(before)
  })

  test('keys indented right under a header are keys (as ini.ts reads them), not continuations', () => {
    const indented = '[default]\n  aws_access_key_id = AKIAEXAMPLEINDENT000\n  aws_secret_access_key = hidden\nregion = us-east-1\n'
    expect(withoutCredentials(indented)).toEqual({ text: '[default]\nregion = us-east-1\n', removed: 2 })
    const parsed = parseIni(indented, 'config').sections[0]!.entries
    expect([...parsed.keys()]).toEqual(['aws_access_key_id', 'aws_secret_access_key', 'region'])
  })

  test('[profile default] counts as the default profile; CRLF survives; nothing to remove is a no-op', () => {
    const crlf = '[profile default]\r\nrole_arn = arn:aws:iam::1:role/x\r\nregion = us-east-1\r\n'
    expect(withoutCredentials(crlf)).toEqual({ text: '[profile default]\r\nregion = us-east-1\r\n', removed: 1 })
    const plain = '[default]\nregion = us-east-1\n[profile x]\nrole_arn = a\n'
    expect(withoutCredentials(plain)).toEqual({ text: plain, removed: 0 })
  })
})
