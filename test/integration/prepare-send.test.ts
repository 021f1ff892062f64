/**
 * s.prepareRequest() and s.send() through the Node platform against loopback servers: a
 * signed request, redirects with the jar's cookies per hop, response.cookies and next.
 */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Session } from '../../platform/node.ts'
import { json, parseCookieHeader, startServer, type TestServer } from '../helpers/server.ts'

let a: TestServer
let b: TestServer
beforeAll(async () => {
  b = await startServer()
  a = await startServer({
    '/signed': (req, res, body) => {
      const expected = createHash('sha256')
        .update(`${req.method}\n${req.url}\n${body.toString()}`)
        .digest('hex')
      json(res, { valid: req.headers['x-signature'] === expected, cookies: req.headers.cookie })
    },
    '/away': (_req, res) => {
      res.writeHead(302, { location: `${b.origin}/echo`, 'set-cookie': 'a=1; Path=/' })
      res.end()
    },
  })
})
afterAll(async () => {
  await a.close()
  await b.close()
})

describe('prepareRequest and send', () => {
  it('sends a request signed over its method, URL and body', async () => {
    await using s = new Session({ baseURL: a.origin, params: { v: '1' } })
    s.cookies.set('sid', 'abc', { domain: '127.0.0.1' })
    const req = s.prepareRequest('POST', '/signed', { json: { n: 1 } })
    const url = new URL(req.url)
    const body = await req.clone().text()
    const sig = createHash('sha256')
      .update(`${req.method}\n${url.pathname}${url.search}\n${body}`)
      .digest('hex')
    req.headers.set('x-signature', sig)
    expect(a.log).toHaveLength(0)
    const r = await s.send(req)
    expect(await r.json()).toEqual({ valid: true, cookies: 'sid=abc' })
  })

  it('follows a redirect chain, storing and sending each hop cookie', async () => {
    await using s = new Session()
    const r = await s.send(s.prepareRequest('GET', a.url('/chain/3')))
    expect(await r.json()).toEqual({ cookies: { hop3: '1', hop2: '1', hop1: '1' } })
    expect(r.history.map((h) => h.cookies.map((c) => c.name))).toEqual([
      ['hop3'],
      ['hop2'],
      ['hop1'],
    ])
    expect(r.cookies).toEqual([])
  })

  it('walks redirects by hand with next, its Cookie rebuilt from the jar for the new URL', async () => {
    await using s = new Session()
    s.cookies.set('local', 'x', { domain: '127.0.0.1' })
    let r = await s.get(a.url('/away'), { allowRedirects: false })
    expect(r.cookies.map((c) => c.name)).toEqual(['a'])
    const next = r.next!
    expect(next.url).toBe(b.url('/echo'))
    // The other server shares the host: the jar's cookies for it (host-only by host, not port).
    expect(parseCookieHeader(next.headers.get('cookie') ?? '')).toEqual({ local: 'x', a: '1' })
    r = await s.send(next, { allowRedirects: false })
    expect(r.status).toBe(200)
    expect(r.next).toBeNull()
    expect(b.log.at(-1)?.url).toBe('/echo')
  })
})
