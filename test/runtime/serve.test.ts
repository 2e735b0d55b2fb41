import { describe, expect, test } from 'bun:test'
import { serve, type ServedHandler, serveWithNodeHttp } from '../../src/runtime/serve.ts'

const echo = async (request: Request): Promise<Response> => {
  const url = new URL(request.url)
  return new Response(
    JSON.stringify({
      method: request.method,
      path: url.pathname + url.search,
      host: request.headers.get('host'),
      custom: request.headers.get('x-custom'),
      body: await request.text(),
    }),
    { status: 201, headers: { 'x-answer': '42' } },
  )
}

for (
  const [name, start] of [
    ['serve (this runtime)', (h: typeof echo) => serve(h, { port: 0 })],
    ['serveWithNodeHttp', (h: typeof echo) => serveWithNodeHttp(h, 0)],
  ] as const
) {
  describe(name, () => {
    test('binds 127.0.0.1 on a free port and passes requests and responses through', async () => {
      const served: ServedHandler = await start(echo)
      try {
        expect(served.url).toBe(`http://127.0.0.1:${served.port}`)
        expect(served.port).toBeGreaterThan(0)
        const response = await fetch(`${served.url}/a%20b/c?x=1&y=%2F`, {
          method: 'PUT',
          headers: { 'x-custom': 'v' },
          body: 'payload',
        })
        expect(response.status).toBe(201)
        expect(response.headers.get('x-answer')).toBe('42')
        expect(await response.json()).toEqual({
          method: 'PUT',
          path: '/a%20b/c?x=1&y=%2F',
          host: `127.0.0.1:${served.port}`,
          custom: 'v',
          body: 'payload',
        })
      } finally {
        await served.close()
      }
      await expect(fetch(`${served.url}/`)).rejects.toThrow()
    })

    test('a throwing handler becomes a 500, not a crash', async () => {
      const served = await start(async () => {
        throw new Error('boom')
      })
      try {
        expect((await fetch(`${served.url}/`)).status).toBe(500)
      } finally {
        await served.close()
      }
    })
  })
}

test('a bad port is refused with a clear message', async () => {
  await expect(serve(echo, { port: 70000 })).rejects.toThrow(
    'serve: port must be a whole number from 0 to 65535, got 70000',
  )
})
