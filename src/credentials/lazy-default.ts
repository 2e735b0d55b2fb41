/**
 * The default credential chain, loaded on first use. `chain.ts` imports the sources that import
 * the STS client, so the STS client and `fromAssumeRole` reach the chain through a dynamic
 * import: no import cycle at module evaluation, and no cost for callers that pass credentials.
 */
import type { Clock, CredentialProvider, FetchLike, Logger } from '../types.ts'
import { namedProvider } from './input.ts'
import type { NamedCredentialProvider } from './input.ts'

/** Options handed to `defaultCredentials()` when it is first needed. */
export interface LazyDefaultOptions {
  readonly profile?: string
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly fetch?: FetchLike
  readonly clock?: Clock
  readonly logger?: Logger
  readonly readTextFile?: (path: string) => Promise<string>
}

/** A provider that resolves through `defaultCredentials(options)`, loading `chain.ts` lazily. */
export function lazyDefaultCredentials(options: LazyDefaultOptions = {}): NamedCredentialProvider {
  let provider: Promise<CredentialProvider> | undefined
  return namedProvider('default-chain', async (request) => {
    if (!provider) {
      const loading = import('./chain.ts').then((chain) => chain.defaultCredentials(options))
      // A failed load must not stick: the next call tries again.
      loading.catch(() => {
        if (provider === loading) provider = undefined
      })
      provider = loading
    }
    return (await provider)(request)
  })
}
