import pkg from '../../package.json' with { type: 'json' }

// Set by scripts/build.ts and scripts/compile.ts with `--define`; absent when run from source.
declare const __STSREFRESH_COMMIT__: string | undefined

/** The package version. */
export const VERSION: string = pkg.version

/** The git commit the binary was built from, or `dev` when run from source. */
export const COMMIT: string = typeof __STSREFRESH_COMMIT__ === 'string' ? __STSREFRESH_COMMIT__ : 'dev'

/** `stsrefresh/<version> (<commit>)`. */
export const VERSION_LINE: string = `stsrefresh/${VERSION} (${COMMIT})`
