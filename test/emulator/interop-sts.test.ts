/**
 * Real AWS clients no one here wrote (Debian's aws CLI and boto3) against the emulator served on
 * 127.0.0.1: base keys, then the temporary credentials STS returned, then the same credentials
 * once the emulator's (manual) clock reaches their Expiration.
 */
import { describe, expect, test } from 'bun:test'
import { interopEmulator } from '../helpers/interop-emulator.ts'
import { type Run, run as spawnRun } from '../helpers/spawn.ts'
import { debianAwsCli, debianBoto3Python, isolatedAwsEnv } from '../helpers/tools.ts'

const ROLE = 'arn:aws:iam::123456789012:role/interop'

const run = (cmd: string[], env: Record<string, string>): Promise<Run> => spawnRun(cmd, { env })

// 240 s keeps "1 ms before Expiration" within the 5-minute signing window.
const start = interopEmulator(240, 'stsrefresh-interop-')

describe("Debian's aws CLI", () => {
  const aws = debianAwsCli()
  test.skipIf(!aws)(
    'get-caller-identity and assume-role with base keys, then temporary keys, then ExpiredToken',
    async () => {
      const { clock, emulator, served, home } = await start()
      const base = isolatedAwsEnv(home, {
        AWS_ACCESS_KEY_ID: emulator.baseCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: emulator.baseCredentials.secretAccessKey,
        AWS_DEFAULT_REGION: 'us-east-1',
      })
      const cli = (args: string[], env: Record<string, string>) =>
        run([aws!, '--endpoint-url', served.url, '--output', 'json', ...args], env)

      const me = await cli(['sts', 'get-caller-identity'], base)
      expect(me.stderr).toBe('')
      expect(JSON.parse(me.stdout)).toMatchObject({
        Account: '123456789012',
        Arn: 'arn:aws:iam::123456789012:user/emulator',
      })

      const assumed = await cli([
        'sts',
        'assume-role',
        '--role-arn',
        ROLE,
        '--role-session-name',
        'aws-cli',
        '--duration-seconds',
        '3600',
      ], base)
      expect([assumed.code, assumed.stderr]).toEqual([0, ''])
      const { Credentials, AssumedRoleUser } = JSON.parse(assumed.stdout) as {
        Credentials: {
          AccessKeyId: string
          SecretAccessKey: string
          SessionToken: string
          Expiration: string
        }
        AssumedRoleUser: { Arn: string }
      }
      expect(AssumedRoleUser.Arn).toBe('arn:aws:sts::123456789012:assumed-role/interop/aws-cli')
      expect(Credentials.AccessKeyId).toMatch(/^ASIA/)
      const expiration = Date.parse(Credentials.Expiration)
      expect(expiration).toBe(clock.now() + 240_000)

      const temp = {
        ...base,
        AWS_ACCESS_KEY_ID: Credentials.AccessKeyId,
        AWS_SECRET_ACCESS_KEY: Credentials.SecretAccessKey,
        AWS_SESSION_TOKEN: Credentials.SessionToken,
      }
      const who = await cli(['sts', 'get-caller-identity'], temp)
      expect(JSON.parse(who.stdout)).toMatchObject({
        Arn: 'arn:aws:sts::123456789012:assumed-role/interop/aws-cli',
      })

      const chained = await cli([
        'sts',
        'assume-role',
        '--role-arn',
        ROLE,
        '--role-session-name',
        'hop',
        '--duration-seconds',
        '7200',
      ], temp)
      expect(chained.code).not.toBe(0)
      expect(chained.stderr).toContain(
        '(ValidationError) when calling the AssumeRole operation: The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      )

      await clock.set(expiration)
      const expired = await cli(['sts', 'get-caller-identity'], temp)
      expect(expired.code).not.toBe(0)
      expect(expired.stderr).toContain(
        'An error occurred (ExpiredToken) when calling the GetCallerIdentity operation: The security token included in the request is expired',
      )
      expect(emulator.stats().rejections).toMatchObject({ ExpiredToken: 1, ValidationError: 1 })
    },
    60_000,
  )
})

const BOTO_SCRIPT = `
import json, sys, boto3, botocore.exceptions
url, step = sys.argv[1], sys.argv[2]
sts = boto3.client('sts', endpoint_url=url, region_name='us-east-1')
try:
    if step == 'assume':
        me = sts.get_caller_identity()
        out = sts.assume_role(RoleArn='${ROLE}', RoleSessionName='boto3', DurationSeconds=900)
        c = out['Credentials']
        temp = boto3.client('sts', endpoint_url=url, region_name='us-east-1', aws_access_key_id=c['AccessKeyId'],
                            aws_secret_access_key=c['SecretAccessKey'], aws_session_token=c['SessionToken'])
        who = temp.get_caller_identity()
        print(json.dumps({'base': me['Arn'], 'temp': who['Arn'], 'key': c['AccessKeyId'], 'secret': c['SecretAccessKey'],
                          'token': c['SessionToken'], 'expiration': c['Expiration'].isoformat()}))
    else:
        print(json.dumps({'arn': sts.get_caller_identity()['Arn']}))
except botocore.exceptions.ClientError as e:
    print(json.dumps({'error': e.response['Error']['Code'], 'message': e.response['Error']['Message']}))
    sys.exit(3)
`

describe("Debian's boto3", () => {
  const python = debianBoto3Python()
  test.skipIf(!python)(
    'assume_role with base keys, then the temporary keys, then ExpiredToken',
    async () => {
      const { clock, emulator, served, home } = await start()
      const env = isolatedAwsEnv(home, {
        AWS_ACCESS_KEY_ID: emulator.baseCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: emulator.baseCredentials.secretAccessKey,
      })
      const first = await run([python!, '-c', BOTO_SCRIPT, served.url, 'assume'], env)
      expect([first.code, first.stderr]).toEqual([0, ''])
      const out = JSON.parse(first.stdout) as Record<string, string>
      expect(out.base).toBe('arn:aws:iam::123456789012:user/emulator')
      expect(out.temp).toBe('arn:aws:sts::123456789012:assumed-role/interop/boto3')
      const expiration = Date.parse(out.expiration!)
      expect(expiration).toBe(clock.now() + 240_000)

      const tempEnv = {
        ...env,
        AWS_ACCESS_KEY_ID: out.key!,
        AWS_SECRET_ACCESS_KEY: out.secret!,
        AWS_SESSION_TOKEN: out.token!,
      }
      await clock.set(expiration - 1)
      const still = await run([python!, '-c', BOTO_SCRIPT, served.url, 'who'], tempEnv)
      expect(JSON.parse(still.stdout)).toEqual({
        arn: 'arn:aws:sts::123456789012:assumed-role/interop/boto3',
      })
      await clock.set(expiration)
      const expired = await run([python!, '-c', BOTO_SCRIPT, served.url, 'who'], tempEnv)
      expect(expired.code).toBe(3)
      expect(JSON.parse(expired.stdout)).toEqual({
        error: 'ExpiredToken',
        message: 'The security token included in the request is expired',
      })
    },
    60_000,
  )
})
