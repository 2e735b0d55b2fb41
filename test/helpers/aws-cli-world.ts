/**
 * An emulator served on 127.0.0.1 with a temporary HOME and an environment for Debian's AWS CLI
 * holding the emulator's base keys: the setup every test that drives `aws` against it shares.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEmulator, type EmulatorOptions, type ServedEmulator, serveEmulator } from '../../src/emulator/index.ts'
import { type Run, run } from './spawn.ts'
import { isolatedAwsEnv } from './tools.ts'

/** A served emulator and an `aws` pointed at it. */
export interface AwsCliWorld {
  readonly served: ServedEmulator
  readonly home: string
  readonly env: Record<string, string>
  /** `aws <args> --endpoint-url <emulator> --output json`. */
  aws(...args: string[]): Promise<Run>
  close(): Promise<void>
}

/** Serve a new emulator and prepare `aws` (at `awsPath`) to use it with the base keys. */
export async function startAwsCliWorld(
  awsPath: string,
  prefix: string,
  options: EmulatorOptions = {},
): Promise<AwsCliWorld> {
  const emulator = createEmulator(options)
  const served = await serveEmulator(emulator, { port: 0 })
  const home = mkdtempSync(join(tmpdir(), prefix))
  const env = isolatedAwsEnv(home, {
    AWS_ACCESS_KEY_ID: emulator.baseCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emulator.baseCredentials.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_MAX_ATTEMPTS: '1',
  })
  return {
    served,
    home,
    env,
    aws: (...args) => run([awsPath, ...args, '--endpoint-url', served.url, '--output', 'json'], { env }),
    close: async () => {
      await served.close()
      rmSync(home, { recursive: true, force: true })
    },
  }
}
