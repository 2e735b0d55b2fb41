import type { Benchmark } from './common.ts'
export const contention: Benchmark = { name: 'contention', items: [0], title: 'contention', async run() { return [] } }
