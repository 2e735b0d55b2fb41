/**
 * Shared fast-check parameters for the fuzz suite: a fixed seed (so a failure reproduces on
 * every machine and CI run) and bounded run counts (the whole suite stays well under 30 s on a
 * 2-core machine). Set FUZZ_SEED / FUZZ_RUNS_SCALE to explore further locally.
 */
import type { Parameters } from 'fast-check'

const seed = Number(process.env.FUZZ_SEED ?? 20260101)
const scale = Number(process.env.FUZZ_RUNS_SCALE ?? 1)

/** fast-check parameters: the fixed seed and `runs` (scaled by FUZZ_RUNS_SCALE). */
export function runs<T>(count: number): Parameters<T> {
  return { seed, numRuns: Math.max(1, Math.round(count * scale)), endOnFailure: true }
}

/** A secret-looking marker that must never appear in any message: `SECRET<hex>`. */
export const SECRET_PREFIX = 'SECRETMARK'
