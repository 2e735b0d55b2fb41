import type { Benchmark } from './common.ts'
export const memory: Benchmark = { name: 'memory', items: [0], title: 'memory', async run() { return [] } }
