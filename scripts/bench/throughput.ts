import type { Benchmark } from './common.ts'
export const throughput: Benchmark = { name: 'throughput', items: [0], title: 'throughput', async run() { return [] } }
