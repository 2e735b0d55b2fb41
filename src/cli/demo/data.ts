/**
 * The demo's data: a few thousand order records (the S3 objects to migrate), the DynamoDB item
 * each becomes, and a large deterministic file produced at a steady pace, like a dump being
 * streamed from a database.
 */
import { createHash } from 'node:crypto'
import { seededRandom } from '../../random.ts'

/** One order, as stored in S3 (`orders/000042.json`). */
export interface OrderRecord {
  readonly id: string
  readonly customer: string
  readonly amount: number
  readonly lines: number
  readonly createdAt: string
}


const CUSTOMERS = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'wonka']

/** The S3 key of order `n`. */
export const orderKey = (n: number): string => `orders/${String(n).padStart(6, '0')}.json`

/** `count` orders, the same every time. */
export function makeOrders(count: number): OrderRecord[] {
  const random = seededRandom(42)
  const start = Date.UTC(2024, 0, 1)
  return Array.from({ length: count }, (_, i) => ({
    id: `order-${String(i + 1).padStart(6, '0')}`,
    customer: CUSTOMERS[Math.floor(random() * CUSTOMERS.length)]!,
    amount: Math.round(random() * 100_000) / 100,
    lines: 1 + Math.floor(random() * 9),
    createdAt: new Date(start + Math.floor(random() * 365 * 86_400_000)).toISOString(),
  }))
}

/** The DynamoDB item an order becomes (the "transform" step of the migration). */
export function orderItem(order: OrderRecord, sourceKey: string): Record<string, string | number> {
  return {
    id: order.id,
    customer: order.customer,
    amountCents: Math.round(order.amount * 100),
    lines: order.lines,
    createdAt: order.createdAt,
    month: order.createdAt.slice(0, 7),
    sourceKey,
  }
}

const CHUNK = 1024 * 1024

/** Deterministic bytes for chunk `index` of the large file. */
function chunkBytes(index: number, size: number): Uint8Array {
  const random = seededRandom(1000 + index)
  const bytes = new Uint8Array(size)
  const words = new Uint32Array(bytes.buffer, 0, Math.floor(size / 4))
  for (let i = 0; i < words.length; i++) words[i] = Math.floor(random() * 4294967296)
  return bytes
}

/** SHA-256 (hex) of the whole large file of `size` bytes. */
export function largeFileSha256(size: number): string {
  const hash = createHash('sha256')
  for (let offset = 0, i = 0; offset < size; offset += CHUNK, i++) {
    hash.update(chunkBytes(i, Math.min(CHUNK, size - offset)))
  }
  return hash.digest('hex')
}

/**
 * The large file as a stream that produces its 1 MiB chunks no faster than `paceMs` spread
 * evenly: chunk i is ready at `startedAt + (i + 1) / chunks * paceMs`.
 */
export function pacedFileStream(
  size: number,
  paceMs: number,
  onProduced: (bytes: number) => void,
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  const chunks = Math.ceil(size / CHUNK)
  const startedAt = Date.now()
  let index = 0
  let produced = 0
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (index >= chunks) {
        controller.close()
        return
      }
      await delay(startedAt + ((index + 1) / chunks) * paceMs - Date.now(), signal)
      if (signal.aborted) {
        controller.error(new Error('the job was stopped'))
        return
      }
      const bytes = chunkBytes(index, Math.min(CHUNK, size - index * CHUNK))
      index++
      produced += bytes.byteLength
      onProduced(produced)
      controller.enqueue(bytes)
    },
  })
}

/**
 * Wait `ms` (nothing when <= 0). A plain `setTimeout`: unlike the library's unref'd timers, it
 * keeps the process alive, which the demo wants while it paces itself.
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}
