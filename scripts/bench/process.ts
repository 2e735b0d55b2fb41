import type { Benchmark } from './common.ts'
export const processBench: Benchmark = { name: 'process', items: [0], title: 'process', async run() { return [] } }
