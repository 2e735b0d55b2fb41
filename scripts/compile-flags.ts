/**
 * The `bun build --compile` flags of the released binary, shared by scripts/compile.ts and the
 * benchmarks (so the binary measured is the one released); measured in scripts/bench/README.md
 * (Findings 1 and 10):
 * - `--splitting`: each lazily imported command is its own module in the binary, read only when
 *   it runs, so a cached `credential-process` loads ~7 KB of JavaScript instead of ~400 KB;
 * - `--bytecode --bytecode-depth=0`: precompiled top-level code (and faster `node:fs` start-up)
 *   for +0.8 MB; bytecode for every function (the default depth) is 2.7 MB more and saves only
 *   ~0.5 ms on a cached run (~7 ms on a cold AssumeRole, which happens once per credential life);
 * - `--format=esm`: the top-level `await` in main.ts.
 */
export const COMPILE_FLAGS: readonly string[] = [
  '--minify',
  '--sourcemap=none',
  '--splitting',
  '--bytecode',
  '--bytecode-depth=0',
  '--format=esm',
]
