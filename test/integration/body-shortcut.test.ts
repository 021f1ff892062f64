// The body shortcut on Node: `s.get(url).json()` with nothing else listening reads the body
// straight from the transport. What a user can observe must be what the Response path gives.
import { gzipSync, brotliCompressSync, deflateRawSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectionError, HTTPError, Session } from '../../platform/node.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

const doc = { hello: 'wörld', list: [1, 2, 3] }
const text = JSON.stringify(doc)
let server: TestServer
beforeAll(async () => {
  server = await startServer({
    '/login': (_req, res) => {
      res.writeHead(302, { location: '/doc', 'set-cookie': 'sid=1; Path=/' })
      res.end('moved')
    },
    '/doc': (req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-cookie': req.headers.cookie ?? '',
      })
      res.end(text)
    },
    '/bom': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('\uFEFF' + text)
    },
    '/gzip': (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' })
      res.end(gzipSync(text))
    },
    '/br': (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'br' })
      res.end(brotliCompressSync(text))
    },
    '/deflate-raw': (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'deflate' })
      res.end(deflateRawSync(text))
    },
    '/bad-gzip': (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' })
      res.end(Buffer.from('definitely not gzip'))
    },
    '/big': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.end('y'.repeat(300_000))
    },
    '/missing': (_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' })
      res.end('{"error":"missing"}')
    },
    '/cut': (req, res) => {
      res.writeHead(200, { 'content-length': '100' })
      res.write('partial')
      setTimeout(() => req.socket.destroy(), 10)
    },
  })
})
afterAll(() => server.close())

/** The same request through the Response path (the promise awaited first). */
async function viaResponse<T>(s: Session, path: string, read: (r: Response) => Promise<T>) {
  const r = await s.get(server.url(path))
  return read(r)
}

describe('the body shortcut on Node', () => {
  it('json after a redirect: cookies stored and sent, same value as the Response path', async () => {
    await using s = new Session()
    expect(await s.get(server.url('/login')).json()).toEqual(doc)
    expect(s.cookies.get('sid')).toBe('1')
    expect(await viaResponse(s, '/login', (r) => r.json())).toEqual(doc)
  })

  it.each(['/doc', '/bom', '/gzip', '/br', '/deflate-raw', '/big'])(
    'text of %s equals the Response path',
    async (path) => {
      await using s = new Session()
      expect(await s.get(server.url(path)).text()).toBe(await viaResponse(s, path, (r) => r.text()))
    },
  )

  it('arrayBuffer and blob equal the Response path', async () => {
    await using s = new Session()
    const a = new Uint8Array(await s.get(server.url('/gzip')).arrayBuffer())
    const b = new Uint8Array(await viaResponse(s, '/gzip', (r) => r.arrayBuffer()))
    expect(a).toEqual(b)
    const blob = await s.get(server.url('/doc')).blob()
    expect(blob.type).toBe('application/json')
    expect(await blob.text()).toBe(text)
  })

  it('a corrupt coding and a cut body fail as the Response path does', async () => {
    await using s = new Session()
    const shortcut = await s
      .get(server.url('/bad-gzip'))
      .text()
      .catch((e: unknown) => e)
    const full = await viaResponse(s, '/bad-gzip', (r) => r.text()).catch((e: unknown) => e)
    // Body failures are ConnectionErrors (one `instanceof SessionError` catches them), either way.
    expect(shortcut).toBeInstanceOf(ConnectionError)
    expect(full).toBeInstanceOf(ConnectionError)
    expect((shortcut as ConnectionError).message).toBe((full as ConnectionError).message)
    const cut = await s
      .get(server.url('/cut'))
      .text()
      .catch((e: unknown) => e)
    expect(cut).toBeInstanceOf(ConnectionError)
  })

  it('raiseForStatus still rejects with HTTPError carrying a genuine Response', async () => {
    await using s = new Session({ raiseForStatus: true })
    const error = await s
      .get(server.url('/missing'))
      .json()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HTTPError)
    expect((error as HTTPError).response).toBeInstanceOf(Response)
    expect(await (error as HTTPError).response.json()).toEqual({ error: 'missing' })
  })

  it('an abort while the body is read rejects with the reason', async () => {
    await using s = new Session()
    const controller = new AbortController()
    const pending = s.get(server.url('/cut'), { signal: controller.signal }).text()
    setTimeout(() => controller.abort(new Error('stop')), 5)
    await expect(pending).rejects.toThrow(/stop|terminated/)
  })
})
