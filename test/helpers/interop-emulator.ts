/**
 * The emulator the interop tests point real AWS clients at: served on 127.0.0.1, on a manual
 * clock started at the real time (the clients sign with it; whole seconds for readable
 * expirations), with a scratch home. Each test starts its own; it is closed and removed after.
 */
import { afterEach } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createManualClock, type ManualClock } from '../../src/clock.ts'
import { createEmulator, type Emulator, type ServedEmulator, serveEmulator } from '../../src/emulator/index.ts'

export interface InteropEmulator {
  readonly clock: ManualClock
  readonly emulator: Emulator
  readonly served: ServedEmulator
  readonly home: string
}

/** Register the teardown and return the function that starts one emulator per test. */
export function interopEmulator(lifetimeSeconds: number, homePrefix: string): () => Promise<InteropEmulator> {
  let current: InteropEmulator | undefined
  afterEach(async () => {
    if (!current) return
    await current.served.close()
    rmSync(current.home, { recursive: true, force: true })
    current = undefined
  })
  return async () => {
    const clock = createManualClock(Math.floor(Date.now() / 1000) * 1000)
    const emulator = createEmulator({ clock, lifetimeSeconds })
    const served = await serveEmulator(emulator, { port: 0 })
    current = { clock, emulator, served, home: mkdtempSync(join(tmpdir(), homePrefix)) }
    return current
  }
}
