/**
 * Lets the core's `bun:test` suites run unchanged under `deno test` (deno.json maps `bun:test`
 * here): describe/test/hooks become flat `Deno.test` registrations, `expect` is Jest's (the
 * same matcher API Bun implements). Only what the shared suites use is provided.
 */
import { expect } from 'expect'

type Fn = () => unknown | Promise<unknown>
interface Scope {
  name: string
  parent?: Scope
  beforeAll: Fn[]
  afterAll: Fn[]
  beforeEach: Fn[]
  afterEach: Fn[]
  ranBeforeAll: boolean
}

const root: Scope = { name: '', beforeAll: [], afterAll: [], beforeEach: [], afterEach: [], ranBeforeAll: false }
let current: Scope = root

function chain(scope: Scope): Scope[] {
  const out: Scope[] = []
  for (let s: Scope | undefined = scope; s; s = s.parent) out.unshift(s)
  return out
}

function register(name: string, fn: Fn, ignore = false): void {
  const scopes = chain(current)
  const fullName = [...scopes.map((s) => s.name).filter(Boolean), name].join(' > ')
  Deno.test({
    name: fullName,
    ignore,
    sanitizeOps: false,
    sanitizeResources: false,
    sanitizeExit: false,
    async fn() {
      for (const scope of scopes) {
        if (!scope.ranBeforeAll) {
          scope.ranBeforeAll = true
          for (const hook of scope.beforeAll) await hook()
        }
      }
      for (const scope of scopes) for (const hook of scope.beforeEach) await hook()
      try {
        await fn()
      } finally {
        for (const scope of [...scopes].reverse()) for (const hook of scope.afterEach) await hook()
      }
    },
  })
}

type TestFn = ((name: string, fn: Fn, timeout?: number) => void) & {
  skip: (name: string, fn: Fn) => void
  only: (name: string, fn: Fn) => void
  if: (condition: boolean) => (name: string, fn: Fn) => void
  skipIf: (condition: boolean) => (name: string, fn: Fn) => void
  todo: (name: string, fn?: Fn) => void
  each: <T>(rows: readonly T[]) => (name: string, fn: (...args: any[]) => unknown) => void
}

const testFn = ((name: string, fn: Fn) => register(name, fn)) as TestFn
testFn.skip = (name, fn) => register(name, fn, true)
testFn.only = (name, fn) => register(name, fn)
testFn.if = (condition) => (name, fn) => register(name, fn, !condition)
testFn.skipIf = (condition) => (name, fn) => register(name, fn, condition)
testFn.todo = (name, fn) => register(name, fn ?? (() => {}), true)
testFn.each = (rows) => (name, fn) => {
  rows.forEach((row, index) => {
    const args = Array.isArray(row) ? row : [row]
    let title = name
    for (const arg of args) title = title.replace(/%[sdipjo#]/, typeof arg === 'object' ? JSON.stringify(arg) : String(arg))
    register(`${title} [${index}]`, () => fn(...args))
  })
}

export const test: TestFn = testFn
export const it: TestFn = testFn

type DescribeFn = ((name: string, fn: () => void) => void) & {
  skip: (name: string, fn: () => void) => void
  if: (condition: boolean) => (name: string, fn: () => void) => void
  skipIf: (condition: boolean) => (name: string, fn: () => void) => void
}

function describeImpl(name: string, fn: () => void): void {
  const scope: Scope = { name, parent: current, beforeAll: [], afterAll: [], beforeEach: [], afterEach: [], ranBeforeAll: false }
  const previous = current
  current = scope
  try {
    fn()
  } finally {
    current = previous
  }
  if (scope.afterAll.length > 0) {
    Deno.test({
      name: `${chain(scope).map((s) => s.name).filter(Boolean).join(' > ')} (afterAll)`,
      sanitizeOps: false,
      sanitizeResources: false,
      async fn() {
        for (const hook of scope.afterAll) await hook()
      },
    })
  }
}

const describeFn = ((name: string, fn: () => void) => describeImpl(name, fn)) as DescribeFn
describeFn.skip = (name) => register(`${name} (skipped)`, () => {}, true)
describeFn.if = (condition) => (name, fn) => (condition ? describeImpl(name, fn) : describeFn.skip(name, fn))
describeFn.skipIf = (condition) => (name, fn) => (condition ? describeFn.skip(name, fn) : describeImpl(name, fn))
export const describe: DescribeFn = describeFn

export function beforeAll(fn: Fn): void {
  current.beforeAll.push(fn)
}
export function afterAll(fn: Fn): void {
  current.afterAll.push(fn)
}
export function beforeEach(fn: Fn): void {
  current.beforeEach.push(fn)
}
export function afterEach(fn: Fn): void {
  current.afterEach.push(fn)
}

// Bun's extra matchers that the suites use, on top of Jest's.
expect.extend({
  toStartWith(received: string, prefix: string) {
    const pass = typeof received === 'string' && received.startsWith(prefix)
    return { pass, message: () => `expected ${JSON.stringify(received)} to start with ${JSON.stringify(prefix)}` }
  },
  toEndWith(received: string, suffix: string) {
    const pass = typeof received === 'string' && received.endsWith(suffix)
    return { pass, message: () => `expected ${JSON.stringify(received)} to end with ${JSON.stringify(suffix)}` }
  },
  toInclude(received: string, part: string) {
    const pass = typeof received === 'string' && received.includes(part)
    return { pass, message: () => `expected ${JSON.stringify(received)} to include ${JSON.stringify(part)}` }
  },
  toBeTrue(received: unknown) {
    return { pass: received === true, message: () => `expected ${String(received)} to be true` }
  },
  toBeFalse(received: unknown) {
    return { pass: received === false, message: () => `expected ${String(received)} to be false` }
  },
  toBeString(received: unknown) {
    return { pass: typeof received === 'string', message: () => `expected ${String(received)} to be a string` }
  },
  toBeNumber(received: unknown) {
    return { pass: typeof received === 'number', message: () => `expected ${String(received)} to be a number` }
  },
  toBeArray(received: unknown) {
    return { pass: Array.isArray(received), message: () => `expected ${String(received)} to be an array` }
  },
})

export { expect }
