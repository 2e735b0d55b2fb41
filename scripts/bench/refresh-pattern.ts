import type { Benchmark } from './common.ts'
export const refreshPattern: Benchmark = { name: 'refresh-pattern', items: [0], title: 'refresh-pattern', async run() { return [] } }
