import type { Benchmark } from './common.ts'
export const size: Benchmark = { name: 'size', items: [0], title: 'size', async run() { return [] } }
