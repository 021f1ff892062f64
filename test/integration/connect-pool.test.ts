// One keep-alive pool per session whatever the requests' `timeout.connect` values: the
// limit applies to each connection attempt, not to a pool of its own.
import { createServer as createNetServer, type AddressInfo, type Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Session, TimeoutError } from '../../platform/node.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

let server: TestServer
let silent: Server
let silentPort: number
beforeAll(async () => {
  server = await startServer()
  // Accepts TCP but never answers the TLS handshake: an https connection never completes.
  silent = createNetServer(() => undefined)
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
  silentPort = (silent.address() as AddressInfo).port
})
afterAll(async () => {
  silent.close()
  await server.close()
})

/** A few plain requests first: the pool's first connections settle (undici may open two). */
async function warm(s: Session): Promise<void> {
  for (let i = 0; i < 3; i++) await (await s.get('/echo')).arrayBuffer()
}

describe('timeout.connect and the keep-alive pool', () => {
  it('300 distinct connect limits share one connection', async () => {
    await using s = new Session({ baseURL: server.origin })
    await warm(s)
    const before = server.connections()
    for (let i = 0; i < 300; i++) {
      const r = await s.get('/echo', { timeout: { connect: 1000 + i } })
      await r.arrayBuffer()
    }
    expect(server.connections() - before).toBe(0)
  })

  it('requests with and without a connect limit, and with a response limit, share it too', async () => {
    await using s = new Session({ baseURL: server.origin })
    await warm(s)
    const before = server.connections()
    for (const timeout of [undefined, { connect: 500 }, { response: 2000 }, 3000, { connect: 7 }]) {
      await (await s.get('/echo', { timeout })).arrayBuffer()
    }
    expect(server.connections() - before).toBe(0)
  })

  it('each request keeps its own connect limit on a shared pool', async () => {
    await using s = new Session()
    const url = `https://127.0.0.1:${silentPort}/`
    const started = performance.now()
    const [short, long] = await Promise.all([
      s.get(url, { timeout: { connect: 100 } }).catch((e: unknown) => e),
      s.get(url, { timeout: { connect: 600 } }).catch((e: unknown) => e),
    ])
    expect(short).toBeInstanceOf(TimeoutError)
    expect(short).toMatchObject({ limit: 'connect', timeout: 100 })
    expect(long).toBeInstanceOf(TimeoutError)
    expect(long).toMatchObject({ limit: 'connect', timeout: 600 })
    // The longer limit was not cut short by the shorter one (a lower bound only, never an upper).
    expect(performance.now() - started).toBeGreaterThanOrEqual(550)
  })

  it('a request queued behind `connections` is bounded by its connect limit', async () => {
    await using s = new Session({ baseURL: server.origin, connections: 1 })
    const slow = s.get('/delay/800')
    const queued = await s.get('/echo', { timeout: { connect: 100 } }).catch((e: unknown) => e)
    expect(queued).toBeInstanceOf(TimeoutError)
    expect(queued).toMatchObject({ limit: 'connect' })
    expect((await slow).status).toBe(200)
  })
})
