/**
 * `stsrefresh/sts`: refreshable sessions, the AssumeRole source and the STS client, without the
 * rest of the main entry. The default credential chain (environment, profiles and config files,
 * containers, IMDS, `credential_process`; zod checks what they read) still backs `fromAssumeRole`
 * and `createStsClient` when no `source`/`credentials` is given, but loads only then. The main
 * entry exports the chain and every source itself, so importing from it bundles them up front.
 *
 * @example
 * ```ts
 * import { fromAssumeRole, refreshable } from 'stsrefresh/sts'
 * await using credentials = refreshable(
 *   fromAssumeRole({ roleArn: 'arn:aws:iam::123456789012:role/job', roleSessionName: 'job' }),
 * )
 * ```
 *
 * Installs the Node/Bun/Deno platform unless one is installed already.
 */
import '../runtime/install-platform.ts'

export type {
  Clock,
  CredentialProvider,
  CredentialRequestOptions,
  Credentials,
  CredentialSession,
  CredentialsInput,
  FetchLike,
  Logger,
} from '../types.ts'
export * from '../errors.ts'
export { refreshable, RefreshableCredentials } from '../credentials/refreshable.ts'
export type {
  RefreshableOptions,
  RefreshableState,
  RefreshErrorEvent,
  RefreshEvent,
  RefreshReason,
} from '../credentials/refreshable.ts'
export { fromAssumeRole } from '../credentials/assume-role.ts'
export type { AssumeRoleSourceOptions } from '../credentials/assume-role.ts'
export { createStsClient } from '../sts.ts'
export type {
  AssumeRoleInput,
  AssumeRoleWithWebIdentityInput,
  StsCallOptions,
  StsClient,
  StsClientOptions,
} from '../sts.ts'
