// The session's redirect policy wins over whatever `Request` a `beforeRequest` hook returns
// (the Node adapter never lets undici follow), and `redirect` in a request init or through
// `s.fetch` behaves as fetch's: 'manual' answers with the 3xx, 'error' rejects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedirectError, Session, type Hooks } from '../../platform/node.ts'
import { json, startServer, type TestServer } from '../helpers/server.ts'

let a: TestServer
let b: TestServer
beforeAll(async () => {
  b = await startServer({
    '/echo': (req, res) => json(res, { headers: req.headers }),
  })
  a = await startServer({
    '/set': (_req, res) => {
      res.writeHead(302, { location: '/echo', 'set-cookie': 'hop=1; Path=/' })
      res.end()
    },
    '/away': (_req, res) => {
      res.writeHead(302, { location: b.url('/echo'), 'set-cookie': 'away=1; Path=/' })
      res.end()
    },
    '/echo': (req, res) => json(res, { headers: req.headers }),
  })
})
afterAll(async () => {
  await a.close()
  await b.close()
})

type Echo = { headers: Record<string, string | undefined> }

/** A hook as a new user writes one: a fresh `Request` (its `redirect` is 'follow'). */
const replacing: Hooks['beforeRequest'][number] = ({ request, hop }) => {
  const headers = new Headers(request.headers)
  if (hop === 0) headers.set('x-secret', 'hunter2')
  return new Request(request.url, { method: request.method, headers })
}

describe('a beforeRequest hook returning a new Request', () => {
  it('without the hook: history, the hop cookie stored and sent', async () => {
    await using s = new Session()
    const r = await s.get(a.url('/set'))
    expect(r.history).toHaveLength(1)
    expect(s.cookies.get('hop')).toBe('1')
    expect(((await r.json()) as Echo).headers.cookie).toBe('hop=1')
  })

  it('with the hook: the session still follows (history, cookie stored and sent)', async () => {
    await using s = new Session({ hooks: { beforeRequest: [replacing] } })
    const r = await s.get(a.url('/set'))
    expect(r.status).toBe(200)
    expect(r.history).toHaveLength(1)
    expect(r.history[0]?.status).toBe(302)
    expect(s.cookies.get('hop')).toBe('1')
    expect(((await r.json()) as Echo).headers.cookie).toBe('hop=1')
  })

  it('a sensitive header the hook set does not cross origins', async () => {
    await using s = new Session({
      sensitiveHeaders: ['x-secret'],
      hooks: { beforeRequest: [replacing] },
    })
    const r = await s.get(a.url('/away'))
    expect(r.history).toHaveLength(1)
    expect(r.url).toBe(b.url('/echo'))
    expect(((await r.json()) as Echo).headers['x-secret']).toBeUndefined()
    expect(s.cookies.get('away')).toBe('1')
    // The first hop did carry it.
    expect(a.log.at(-1)?.headers['x-secret']).toBe('hunter2')
  })

  it('allowRedirects: false holds with the hook', async () => {
    await using s = new Session({ hooks: { beforeRequest: [replacing] } })
    const r = await s.get(a.url('/set'), { allowRedirects: false })
    expect(r.status).toBe(302)
  })
})

describe('redirect in a request init and through s.fetch', () => {
  it("'manual' answers with the 3xx itself, its Set-Cookie stored", async () => {
    await using s = new Session()
    const r = await s.fetch(a.url('/set'), { redirect: 'manual' })
    expect(r.status).toBe(302)
    expect(r.headers.get('location')).toBe('/echo')
    expect(s.cookies.get('hop')).toBe('1')
    const viaRequest = await s.fetch(new Request(a.url('/away'), { redirect: 'manual' }))
    expect(viaRequest.status).toBe(302)
    expect(s.cookies.get('away')).toBe('1')
    const viaGet = await s.get(a.url('/set'), { redirect: 'manual' })
    expect(viaGet.status).toBe(302)
  })

  it("'error' rejects with a TypeError caused by a RedirectError", async () => {
    await using s = new Session()
    const error = await s.fetch(a.url('/set'), { redirect: 'error' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect((error as TypeError).cause).toBeInstanceOf(RedirectError)
    expect(s.cookies.get('hop')).toBe('1')
    const viaRequest = await s
      .fetch(new Request(a.url('/set'), { redirect: 'error' }))
      .catch((e: unknown) => e)
    expect((viaRequest as TypeError).cause).toBeInstanceOf(RedirectError)
    // A response that is not a redirect is answered as usual.
    const ok = await s.fetch(a.url('/echo'), { redirect: 'error' })
    expect(ok.status).toBe(200)
  })

  it("'follow' follows as before", async () => {
    await using s = new Session()
    const r = await s.fetch(a.url('/set'), { redirect: 'follow' })
    expect(r.status).toBe(200)
  })

  it('a bad mode is refused', async () => {
    await using s = new Session()
    await expect(s.get(a.url('/set'), { redirect: 'sideways' as RequestRedirect })).rejects.toThrow(
      /init\.redirect: expected/,
    )
  })
})
