/**
 * The `bun build --compile` flags of the released binary, shared by scripts/compile.ts and the
 * benchmarks (so the binary measured is the one released). `--bytecode` precompiles the
 * JavaScript: half of a cached credential-process run was parsing (scripts/bench/README.md,
 * Findings); it costs about 3.6 MB of binary.
 */
export const COMPILE_FLAGS: readonly string[] = ['--minify', '--sourcemap=none', '--bytecode', '--format=esm']
