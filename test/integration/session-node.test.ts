import { createServer as createNetServer, type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ConnectionError,
  HTTPError,
  Session,
  SessionError,
  TimeoutError,
} from '../../platform/node.ts'
import { json, parseCookieHeader, startServer, type TestServer } from '../helpers/server.ts'

let server: TestServer
beforeAll(async () => {
  server = await startServer({
    '/whoami': (req, res) => {
      const { sid } = parseCookieHeader(req.headers.cookie)
      res.end(sid ? `You are ${sid}` : 'You are a guest')
    },
    '/login': (req, res) => {
      if (req.headers.authorization !== `Basic ${Buffer.from('user:pass').toString('base64')}`) {
        res.writeHead(401, { 'www-authenticate': 'Basic' })
        res.end()
        return
      }
      const name = new URL(req.url ?? '/', 'http://x').searchParams.get('name') ?? 'anon'
      res.writeHead(200, { 'set-cookie': `sid=${name}; Path=/; HttpOnly` })
      res.end('logged in')
    },
    '/hop-then-final': (_req, res) => {
      res.writeHead(302, { location: '/cookies', 'set-cookie': 'fromhop=yes; Path=/' })
      res.end()
    },
    '/gzip': async (_req, res) => {
      const { gzipSync } = await import('node:zlib')
      const body = gzipSync('compressed hello')
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': body.length })
      res.end(body)
    },
    '/two-cookies': (_req, res) =>
      json(res, {}, 200, { 'set-cookie': ['a=1; Path=/', 'b=2; Path=/'] }),
  })
})
afterAll(() => server.close())

describe('Node session against a loopback server', () => {
  it('loads the node platform', () => {
    expect(Session.platform.name).toBe('node')
  })

  it('returns a genuine globalThis.Response with the final url', async () => {
    await using s = new Session({ baseURL: server.origin })
    const r = await s.get('/echo')
    expect(r).toBeInstanceOf(globalThis.Response)
    expect(r.url).toBe(`${server.origin}/echo`)
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toBe('application/json')
    expect(r.elapsed).toBeGreaterThan(0)
  })

  it('persists cookies across requests (requests docs: Session Objects)', async () => {
    await using s = new Session({ baseURL: server.origin })
    await s.get('/cookies/set?sessioncookie=123456789')
    expect(await s.get('/cookies').json()).toEqual({ sessioncookie: '123456789' })
  })

  it('request-level cookies are sent once and never persisted', async () => {
    await using s = new Session({ baseURL: server.origin })
    expect(await s.get('/cookies', { cookies: { 'from-my': 'browser' } }).json()).toEqual({
      'from-my': 'browser',
    })
    expect(await s.get('/cookies').json()).toEqual({})
  })

  it('stores every Set-Cookie value of one response', async () => {
    await using s = new Session({ baseURL: server.origin })
    await s.get('/two-cookies')
    expect(await s.get('/cookies').json()).toEqual({ a: '1', b: '2' })
  })

  it('stores a cookie set on a redirect hop and sends it on the next hop', async () => {
    await using s = new Session({ baseURL: server.origin })
    const r = await s.get('/hop-then-final')
    expect(await r.json()).toEqual({ fromhop: 'yes' })
    expect(r.history.map((h) => h.status)).toEqual([302])
    expect(r.url).toBe(`${server.origin}/cookies`)
  })

  it('follows a chain setting a cookie on every hop', async () => {
    await using s = new Session({ baseURL: server.origin })
    const r = await s.get('/chain/5')
    expect(await r.json()).toEqual({
      cookies: { hop5: '1', hop4: '1', hop3: '1', hop2: '1', hop1: '1' },
    })
    expect(r.history).toHaveLength(5)
  })

  it('logs in with basic auth and stays logged in (the seed scenario)', async () => {
    await using s = new Session({ baseURL: server.origin, auth: ['user', 'pass'] })
    await s.post('/login?name=sharat').then((r) => r.raiseForStatus())
    expect(await s.get('/whoami').text()).toBe('You are sharat')
    await using fresh = new Session({ baseURL: server.origin, auth: ['user', 'pass'] })
    expect(await fresh.get('/whoami').text()).toBe('You are a guest')
  })

  it('raiseForStatus throws HTTPError with the response', async () => {
    await using s = new Session({ baseURL: server.origin })
    const r = await s.get('/status/503')
    const error = (() => {
      try {
        r.raiseForStatus()
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(HTTPError)
    expect(error).toBeInstanceOf(SessionError)
    expect((error as HTTPError).response).toBe(r)
  })

  it('decompresses gzip like fetch', async () => {
    await using s = new Session({ baseURL: server.origin })
    expect(await s.get('/gzip').text()).toBe('compressed hello')
  })

  it.each([
    ['string', 'hello', 'hello'],
    ['bytes', new TextEncoder().encode('bytes'), 'bytes'],
    ['URLSearchParams', new URLSearchParams('a=1'), 'a=1'],
    ['Blob', new Blob(['blob']), 'blob'],
  ])('sends a %s body with its content-length', async (_name, body, text) => {
    await using s = new Session({ baseURL: server.origin })
    const r = await s.post('/echo', { body }).json<any>()
    expect(r.body).toBe(text)
    expect(r.headers['content-length']).toBe(String(new TextEncoder().encode(text).length))
  })

  it('sends FormData as multipart and a stream with duplex half', async () => {
    await using s = new Session({ baseURL: server.origin })
    const form = new FormData()
    form.append('k', 'v')
    const a = await s.post('/echo', { body: form }).json<any>()
    expect(a.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    expect(a.body).toContain('name="k"')
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('streamed'))
        c.close()
      },
    })
    expect((await s.put('/echo', { body: stream }).json<any>()).body).toBe('streamed')
  })

  it('streams a response body', async () => {
    await using s = new Session({ baseURL: server.origin })
    const r = await s.get('/stream?chunks=3&gap=5')
    const text = await r.text()
    expect(text).toBe('chunk1\nchunk2\nchunk3\n')
  })
})

describe('keep-alive pool', () => {
  it('200 sequential requests use at most 2 TCP connections, and close() ends them', async () => {
    const local = await startServer()
    try {
      const s = new Session({ baseURL: local.origin })
      for (let i = 0; i < 200; i++) await s.get('/echo').then((r) => r.arrayBuffer())
      expect(local.connections()).toBeLessThanOrEqual(2)
      expect(local.openSockets.size).toBeGreaterThan(0)
      await s.close()
      await expect.poll(() => local.openSockets.size, { timeout: 5000 }).toBe(0)
      await expect(s.get('/echo')).rejects.toThrow(/The session is closed/)
    } finally {
      await local.close()
    }
  })
})

describe('connections per origin', () => {
  it('caps the sockets the pool opens to one origin', async () => {
    const local = await startServer()
    try {
      await using s = new Session({ baseURL: local.origin, connections: 1 })
      const bodies = await Promise.all(
        Array.from({ length: 8 }, () => s.get('/delay/20').then((r) => r.json())),
      )
      expect(bodies).toHaveLength(8)
      expect(local.connections()).toBe(1)
    } finally {
      await local.close()
    }
  })

  it('rejects a connections value that is not a whole number', () => {
    expect(() => new Session({ connections: 1.5 })).toThrow(
      /options.connections: expected a non-negative integer/,
    )
  })
})

describe('errors and timeouts', () => {
  it('a refused connection is a ConnectionError whose cause shows ECONNREFUSED', async () => {
    const probe = createNetServer()
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
    const { port } = probe.address() as AddressInfo
    await new Promise<void>((r) => probe.close(() => r()))
    await using s = new Session()
    const error = await s.get(`http://user:secret@127.0.0.1:${port}/x`).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    expect((error as ConnectionError).code).toBe('ECONNREFUSED')
    expect(((error as Error).cause as { code?: string }).code).toBe('ECONNREFUSED')
    expect((error as Error).message).toContain(`GET http://127.0.0.1:${port}/x`)
    expect((error as Error).message).not.toContain('secret')
  })

  it('total timeout → TimeoutError(total)', async () => {
    await using s = new Session({ baseURL: server.origin, timeout: 50 })
    await expect(s.get('/delay/2000')).rejects.toMatchObject({
      limit: 'total',
      name: 'TimeoutError',
    })
  })

  it('response timeout is enforced by the dispatcher → TimeoutError(response)', async () => {
    await using s = new Session({ baseURL: server.origin, timeout: { response: 50 } })
    const error = await s.get('/delay/2000').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error).toMatchObject({ limit: 'response', timeout: 50 })
  })

  it('response timeout also limits the gap between body chunks', async () => {
    await using s = new Session({ baseURL: server.origin, timeout: { response: 100 } })
    const r = await s.get('/stream?chunks=2&gap=2500')
    await expect(r.text()).rejects.toThrow()
  })

  it('connect timeout → TimeoutError(connect)', async () => {
    // A TCP server that accepts but never answers the TLS handshake: connecting never completes.
    const silent = createNetServer(() => undefined)
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
    const { port } = silent.address() as AddressInfo
    try {
      await using s = new Session({ timeout: { connect: 100 } })
      const error = await s.get(`https://127.0.0.1:${port}/`).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TimeoutError)
      expect(error).toMatchObject({ limit: 'connect', timeout: 100 })
    } finally {
      silent.close()
    }
  })

  it("a user's abort stays an AbortError", async () => {
    await using s = new Session({ baseURL: server.origin, timeout: 5000 })
    const controller = new AbortController()
    const pending = s.get('/delay/2000', { signal: controller.signal })
    setTimeout(() => controller.abort(), 20)
    const error = await pending.catch((e: unknown) => e)
    expect((error as Error).name).toBe('AbortError')
    expect(error).not.toBeInstanceOf(SessionError)
  })
})
