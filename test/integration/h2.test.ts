/**
 * HTTP/2 through the Node platform (`allowH2`, undici's ALPN negotiation) against a
 * `node:http2` secure server on loopback.
 */
import { once } from 'node:events'
import http2 from 'node:http2'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectionError, Session } from '../../platform/node.ts'
import { startProxy } from '../helpers/proxy-server.ts'
import { createTlsFixtures, type TlsFixtures } from '../helpers/tls.ts'

let tls: TlsFixtures
let dual: http2.Http2SecureServer
let h2only: http2.Http2SecureServer
let dualOrigin: string
let h2Origin: string
let sessions = 0

function handler(req: http2.Http2ServerRequest, res: http2.Http2ServerResponse): void {
  const url = new URL(req.url, 'https://x')
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    if (url.pathname === '/login') {
      res.writeHead(302, {
        location: '/me',
        'set-cookie': ['sid=h2; Path=/', 'theme=dark; Path=/'],
      })
      res.end()
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(
      JSON.stringify({
        version: req.httpVersion,
        method: req.method,
        path: url.pathname,
        cookie: req.headers.cookie ?? null,
        body: Buffer.concat(chunks).toString('utf8'),
      }),
    )
  })
}

async function listen(server: http2.Http2SecureServer): Promise<string> {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`
}

beforeAll(async () => {
  tls = await createTlsFixtures()
  dual = http2.createSecureServer(
    { cert: tls.serverCert, key: tls.serverKey, allowHTTP1: true },
    handler,
  )
  dual.on('session', () => sessions++)
  h2only = http2.createSecureServer(
    { cert: tls.serverCert, key: tls.serverKey, allowHTTP1: false },
    handler,
  )
  dualOrigin = await listen(dual)
  h2Origin = await listen(h2only)
})
afterAll(async () => {
  for (const server of [dual, h2only]) await new Promise((resolve) => server.close(resolve))
  await tls.dispose()
})

interface Seen {
  version: string
  method: string
  path: string
  cookie: string | null
  body: string
}

describe('HTTP/2 (allowH2)', () => {
  it('negotiates h2 when allowH2 is set and the server offers it', async () => {
    await using s = new Session({ allowH2: true, tls: { ca: tls.ca } })
    const seen = (await (await s.get(`${dualOrigin}/x`)).json()) as Seen
    expect(seen).toMatchObject({ version: '2.0', method: 'GET', path: '/x' })
  })

  it('stays on HTTP/1.1 by default', async () => {
    await using s = new Session({ tls: { ca: tls.ca } })
    const seen = (await (await s.get(`${dualOrigin}/x`)).json()) as Seen
    expect(seen.version).toBe('1.1')
  })

  it('sends a body over h2', async () => {
    await using s = new Session({ allowH2: true, tls: { ca: tls.ca } })
    const seen = (await (await s.post(`${h2Origin}/echo`, { json: { a: 1 } })).json()) as Seen
    expect(seen).toMatchObject({ version: '2.0', method: 'POST', body: '{"a":1}' })
  })

  it('follows a redirect over h2 and stores every Set-Cookie of the hop', async () => {
    await using s = new Session({ allowH2: true, tls: { ca: tls.ca } })
    const r = await s.get(`${h2Origin}/login`)
    const seen = (await r.json()) as Seen
    expect(seen).toMatchObject({ version: '2.0', path: '/me', cookie: 'sid=h2; theme=dark' })
    expect(r.history.map((h) => h.status)).toEqual([302])
  })

  it('sequential requests of one session reuse one h2 connection', async () => {
    await using s = new Session({ allowH2: true, tls: { ca: tls.ca } })
    const before = sessions
    for (const i of [1, 2, 3, 4]) {
      expect(((await (await s.get(`${dualOrigin}/${i}`)).json()) as Seen).version).toBe('2.0')
    }
    expect(sessions - before).toBe(1)
  })

  it('negotiates h2 inside a CONNECT tunnel through a proxy', async () => {
    const proxy = await startProxy()
    try {
      await using s = new Session({ allowH2: true, proxy: proxy.url, tls: { ca: tls.ca } })
      const seen = (await (await s.get(`${h2Origin}/tunnelled`)).json()) as Seen
      expect(seen).toMatchObject({ version: '2.0', path: '/tunnelled' })
      expect(proxy.requests.map((r) => r.kind)).toEqual(['connect'])
    } finally {
      await proxy.close()
    }
  })

  it('an h2-only server without allowH2 is a ConnectionError', async () => {
    await using s = new Session({ tls: { ca: tls.ca } })
    await expect(s.get(`${h2Origin}/x`)).rejects.toBeInstanceOf(ConnectionError)
  })
})
