/**
 * Timing statistics for the benchmarks: warm-up, several runs, median with min-max, and A/B
 * alternation (A B A B ...) with the ratio computed pair by pair, so slow drift of the machine
 * (thermal, the other core busy) hits both sides of every ratio alike.
 */

/** Median with min-max of several samples. */
export interface Summary {
  readonly median: number
  readonly min: number
  readonly max: number
  readonly n: number
}

/** The value at quantile `q` (0-1) of ascending `sorted` samples (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[rank]!
}

/** Median (mean of the middle two for an even count), min and max. */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b)
  const n = sorted.length
  if (n === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n }
  const mid = Math.floor(n / 2)
  const median = n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { median, min: sorted[0]!, max: sorted[n - 1]!, n }
}

/** How many warm-up and measured runs. */
export interface RunPlan {
  readonly warmup: number
  readonly runs: number
}

/** Run `once` `warmup` times unmeasured, then `runs` times; each call returns its measurement. */
export async function measure(
  once: () => Promise<number> | number,
  plan: RunPlan,
): Promise<Summary> {
  for (let i = 0; i < plan.warmup; i++) await once()
  const samples: number[] = []
  for (let i = 0; i < plan.runs; i++) samples.push(await once())
  return summarize(samples)
}

/** The outcome of {@link alternate}. */
export interface Alternation {
  /** Per variant, its samples summarized. */
  readonly each: Record<string, Summary>
  /** Per variant, `variant / baseline` computed round by round, then summarized. */
  readonly ratios: Record<string, Summary>
  /** Raw samples per variant, in round order. */
  readonly samples: Record<string, number[]>
}

/**
 * Measure several variants interleaved: every round runs each variant once (warm-up rounds
 * first), the order rotating by one each round so no variant always goes first; ratios to
 * `baseline` are taken within each round.
 */
export async function alternate(
  variants: Readonly<Record<string, () => Promise<number> | number>>,
  options: RunPlan & { readonly baseline: string },
): Promise<Alternation> {
  const names = Object.keys(variants)
  if (!names.includes(options.baseline)) {
    throw new Error(`alternate: baseline '${options.baseline}' is not one of ${names.join(', ')}`)
  }
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
  for (let round = 0; round < options.warmup + options.runs; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]!)
    const values: Record<string, number> = {}
    for (const name of order) values[name] = await variants[name]!()
    if (round >= options.warmup) for (const name of names) samples[name]!.push(values[name]!)
  }
  const base = samples[options.baseline]!
  const each: Record<string, Summary> = {}
  const ratios: Record<string, Summary> = {}
  for (const name of names) {
    each[name] = summarize(samples[name]!)
    ratios[name] = summarize(samples[name]!.map((value, i) => value / base[i]!))
  }
  return { each, ratios, samples }
}

/** Operations per second of `op` run back to back for about `ms` milliseconds. */
export async function opsPerSecond(op: () => Promise<unknown>, ms: number): Promise<number> {
  let count = 0
  const start = performance.now()
  let now = start
  while (now - start < ms) {
    // Check the time every 16 operations: performance.now() is not free at this rate.
    for (let i = 0; i < 16; i++) await op()
    count += 16
    now = performance.now()
  }
  return (count * 1000) / (now - start)
}

/** Operations per second with `concurrency` workers each running `op` back to back. */
export async function opsPerSecondConcurrent(
  op: () => Promise<unknown>,
  ms: number,
  concurrency: number,
): Promise<number> {
  let count = 0
  const start = performance.now()
  const worker = async (): Promise<void> => {
    while (performance.now() - start < ms) {
      await op()
      count++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return (count * 1000) / (performance.now() - start)
}
