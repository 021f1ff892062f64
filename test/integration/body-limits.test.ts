// timeout.body, maxResponseSize and body errors as SessionErrors, on the Node transport with
// real sockets, through the fast path and through the Request path.
import { constants, createBrotliCompress } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ConnectionError,
  ResponseTooLargeError,
  Session,
  SessionError,
  TimeoutError,
} from '../../platform/node.ts'
import type { SessionRequestInit } from '../../src/types.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

/** Brotli of `mib` MiB of zeros, compressed in 1 MiB steps (the test never holds the whole). */
async function brotliZeros(mib: number): Promise<Buffer> {
  // Quality 4 and a 16 MiB window: a few hundred bytes, compressed in well under a second.
  const compress = createBrotliCompress({
    params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_LGWIN]: 24 },
  })
  const out: Buffer[] = []
  compress.on('data', (chunk: Buffer) => out.push(chunk))
  const done = new Promise((resolve) => compress.on('end', resolve))
  const block = Buffer.alloc(1 << 20)
  for (let i = 0; i < mib; i++) {
    if (!compress.write(block)) await new Promise((resolve) => compress.once('drain', resolve))
  }
  compress.end()
  await done
  return Buffer.concat(out)
}

let server: TestServer
let bomb: Buffer
beforeAll(async () => {
  bomb = await brotliZeros(256)
  server = await startServer({
    '/trickle': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      const timer = setInterval(() => res.write('y'), 20)
      res.on('close', () => clearInterval(timer))
    },
    '/slow-finite': (_req, res) => {
      res.writeHead(200)
      let n = 0
      const timer = setInterval(() => {
        res.write('z')
        if (++n === 15) {
          clearInterval(timer)
          res.end()
        }
      }, 40)
      res.on('close', () => clearInterval(timer))
    },
    '/big': (_req, res) => {
      res.writeHead(200, { 'content-length': String(4 << 20) })
      res.end(Buffer.alloc(4 << 20, 0x61))
    },
    '/bomb': (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'br', 'content-length': String(bomb.length) })
      res.end(bomb)
    },
    '/truncated': (req, res) => {
      res.writeHead(200, { 'content-length': '100000' })
      res.write(Buffer.alloc(10_000, 0x62), () => {
        setTimeout(() => req.socket.destroy(), 20)
      })
    },
  })
})
afterAll(() => server.close())

const paths: [string, SessionRequestInit][] = [
  ['fast path', {}],
  ['Request path', { hooks: { beforeRequest: [() => undefined] } }],
]

describe.each(paths)('body limits (%s)', (_name, init) => {
  it('timeout.body errors a body that never ends with TimeoutError(body), and closes its socket', async () => {
    await using s = new Session({ baseURL: server.origin, timeout: { body: 200 } })
    const before = server.openSockets.size
    const r = await s.get('/trickle', init)
    const error: unknown = await r.text().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error).toMatchObject({ limit: 'body', timeout: 200 })
    const end = Date.now() + 3000
    while (server.openSockets.size > before && Date.now() < end)
      await new Promise((resolve) => setTimeout(resolve, 10))
    expect(server.openSockets.size).toBe(before)
  })

  it('a plain total timeout never cuts a body that takes longer than it', async () => {
    await using s = new Session({ baseURL: server.origin, timeout: 300 })
    expect(await s.get('/slow-finite', init).text()).toBe('z'.repeat(15))
  })

  it('maxResponseSize errors a body past it with ResponseTooLargeError', async () => {
    await using s = new Session({ baseURL: server.origin, maxResponseSize: 100_000 })
    const error: unknown = await s
      .get('/big', init)
      .arrayBuffer()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ResponseTooLargeError)
    expect(error).toBeInstanceOf(SessionError)
    expect(error).toMatchObject({ limit: 100_000 })
  })

  it('the request value of maxResponseSize replaces the session one', async () => {
    await using s = new Session({ baseURL: server.origin, maxResponseSize: 100 })
    const body = await s.get('/big', { ...init, maxResponseSize: 8 << 20 }).arrayBuffer()
    expect(body.byteLength).toBe(4 << 20)
    await expect(
      s.get('/big', { ...init, maxResponseSize: 1000 }).arrayBuffer(),
    ).rejects.toMatchObject({ limit: 1000 })
  })

  it('a 256 MiB brotli bomb fails early with little memory growth', async () => {
    expect(bomb.length).toBeLessThan(1024)
    await using s = new Session({ baseURL: server.origin, maxResponseSize: 1 << 20 })
    const rss = process.memoryUsage().rss
    const error: unknown = await s
      .get('/bomb', init)
      .arrayBuffer()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ResponseTooLargeError)
    expect(process.memoryUsage().rss - rss).toBeLessThan(64 << 20)
  })

  it('a truncated body errors with ConnectionError, the runtime error as cause', async () => {
    await using s = new Session({ baseURL: server.origin })
    const r = await s.get('/truncated', init)
    const error: unknown = await r.arrayBuffer().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error).toBeInstanceOf(SessionError)
    expect((error as ConnectionError).cause).toBeInstanceOf(Error)
  })
})
