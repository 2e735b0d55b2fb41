/**
 * stsrefresh: keep temporary AWS credentials fresh for as long as the work runs.
 *
 * @example
 * ```ts
 * import { refreshable, fromAssumeRole, createS3Client } from 'stsrefresh'
 *
 * await using credentials = refreshable(
 *   fromAssumeRole({ roleArn: 'arn:aws:iam::123456789012:role/migration', roleSessionName: 'migration' }),
 * )
 * const s3 = createS3Client({ region: 'eu-west-1', credentials })
 * await s3.putObject({ Bucket: 'my-bucket', Key: 'hello.txt', Body: 'hello' })
 * ```
 *
 * This entry installs the Node/Bun/Deno platform (environment, files, processes) for the
 * credential sources; the rest is Web APIs only. Deliberately not exported: the signed request
 * layer's internals, the XML reader and the emulator (see `stsrefresh/emulator`).
 */
import './runtime/install-platform.ts'

export type {
  Clock,
  CredentialProvider,
  CredentialRequestOptions,
  Credentials,
  CredentialSession,
  CredentialsInput,
  FetchLike,
  LogFields,
  Logger,
  Timer,
} from './types.ts'
export * from './errors.ts'
export { createManualClock, defaultClock, sleep, systemClock, withSkewCorrection } from './clock.ts'
export type { ManualClock, SkewCorrectedClock } from './clock.ts'
export { silentLogger } from './logger.ts'
export { getPlatform, setPlatform, webPlatform } from './platform.ts'
export type { CommandResult, HostDigests, Platform } from './platform.ts'
export { maskKey, redact } from './credentials/redact.ts'

export { refreshable, RefreshableCredentials } from './credentials/refreshable.ts'
export type {
  RefreshableOptions,
  RefreshableState,
  RefreshErrorEvent,
  RefreshEvent,
  RefreshReason,
} from './credentials/refreshable.ts'
export { fromAssumeRole } from './credentials/assume-role.ts'
export type { AssumeRoleSourceOptions } from './credentials/assume-role.ts'
export { fromGitHubOidc, fromWebIdentityTokenFile, webIdentityFromEnv } from './credentials/web-identity.ts'
export type { GitHubOidcOptions, WebIdentityTokenFileOptions } from './credentials/web-identity.ts'
export { chain, defaultCredentials } from './credentials/chain.ts'
export type { DefaultCredentialsOptions } from './credentials/chain.ts'
export { fromContainer, fromEnv, fromInstanceMetadata, fromProcess, fromStatic } from './credentials/sources.ts'
export type {
  FromContainerOptions,
  FromEnvOptions,
  FromInstanceMetadataOptions,
  FromProcessOptions,
} from './credentials/sources.ts'
export { fromProfile } from './credentials/profile.ts'
export type { FromProfileOptions, RoleOverrides } from './credentials/profile.ts'
export { loadProfiles, resolveProfileName } from './config/profiles.ts'
export type { NamedCredentialProvider } from './credentials/input.ts'

export { createStsClient } from './sts.ts'
export type {
  AssumeRoleInput,
  AssumeRoleWithWebIdentityInput,
  StsCallOptions,
  StsClient,
  StsClientOptions,
} from './sts.ts'
export * from './s3/index.ts'
export * from './dynamodb/index.ts'
export { createCredentialServerHandler } from './server/handler.ts'
export type { CredentialServerOptions } from './server/handler.ts'
