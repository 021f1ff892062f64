/**
 * Redirects through the Node platform against real loopback servers: every hop's cookies,
 * method rewrites, body replay, Location handling, limits and hooks. Credential leaks have
 * their own file (redirect-credentials.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedirectError, Session, TooManyRedirectsError } from '../../platform/node.ts'
import { json, parseCookieHeader, startServer, type TestServer } from '../helpers/server.ts'

interface Echo {
  method: string
  url: string
  headers: Record<string, string | undefined>
  body: string
}

let a: TestServer
let b: TestServer
beforeAll(async () => {
  a = await startServer({
    // Raw UTF-8 bytes in Location: Node writes header strings as latin1, one byte per char.
    '/utf8': (_req, res) => {
      res.writeHead(302, { location: Buffer.from('/echo?q=café', 'utf8').toString('latin1') })
      res.end()
    },
    '/no-location': (_req, res) => {
      res.writeHead(302, { 'content-type': 'text/plain' })
      res.end('no location here')
    },
    '/loop': (_req, res) => {
      res.writeHead(302, { location: '/loop' })
      res.end()
    },
    '/relative/deeper/start': (_req, res) => {
      res.writeHead(301, { location: '../landing?x=1' })
      res.end()
    },
    '/relative/landing': (req, res) => json(res, { url: req.url }),
    '/fragment': (_req, res) => {
      res.writeHead(302, { location: '/echo' })
      res.end()
    },
    '/fragment-own': (_req, res) => {
      res.writeHead(302, { location: '/echo#own' })
      res.end()
    },
    // Sets a cookie for its own host, then sends the client to the other server and back.
    '/bounce': (req, res) => {
      const back = new URL(req.url ?? '/', 'http://x').searchParams.get('back')
      res.writeHead(302, {
        'set-cookie': 'a_cookie=1; Path=/',
        location: `${b.origin}/hop-b?back=${encodeURIComponent(back ?? '')}`,
      })
      res.end()
    },
  })
  b = await startServer({
    '/hop-b': (req, res) => {
      const back = new URL(req.url ?? '/', 'http://x').searchParams.get('back') ?? ''
      res.writeHead(302, { 'set-cookie': 'b_cookie=1; Path=/', location: back })
      res.end()
    },
  })
})
afterAll(async () => {
  await a.close()
  await b.close()
})

function requestsTo(server: TestServer, path: string): number {
  return server.log.filter((entry) => new URL(entry.url, 'http://x').pathname === path).length
}

describe('cookies on every hop', () => {
  it('stores the Set-Cookie of every hop and sends each hop the jar cookies for its URL', async () => {
    await using s = new Session()
    const r = await s.get(a.url('/chain/3'))
    const { cookies } = (await r.json()) as { cookies: Record<string, string> }
    expect(cookies).toEqual({ hop3: '1', hop2: '1', hop1: '1' })
    expect(s.cookies.get('hop1')).toBe('1')
    // Each hop received the cookies set before it (rebuilt from the jar, not carried over).
    const sent = a.log
      .filter((e) => e.url.startsWith('/chain/'))
      .slice(-4)
      .map((e) => Object.keys(parseCookieHeader(e.headers.cookie)).sort())
    expect(sent).toEqual([[], ['hop3'], ['hop2', 'hop3'], ['hop1', 'hop2', 'hop3']])
  })

  it('a chain across two ports stores both cookies, each sent only to its own server', async () => {
    // RFC 6265 §8.5: cookies do not isolate by port, so 127.0.0.1 cookies reach both servers;
    // a chain through localhost (another host) must keep them apart.
    await using s = new Session()
    const back = a.url('/cookies')
    const other = `http://localhost:${b.port}`
    const startAt = `${a.origin}/bounce?back=${encodeURIComponent(back)}`
    const r = await s.get(startAt, {
      hooks: {
        beforeRedirect: [
          ({ next }) => {
            // Send the middle hop to localhost: another host than 127.0.0.1.
            if (next.url.pathname === '/hop-b')
              next.url = new URL(`${other}/hop-b${next.url.search}`)
          },
        ],
      },
    })
    expect(await r.json()).toEqual({ a_cookie: '1' })
    expect(s.cookies.get('a_cookie', { domain: '127.0.0.1' })).toBe('1')
    expect(s.cookies.get('b_cookie', { domain: 'localhost' })).toBe('1')
    const hopB = b.log.filter((e) => e.url.startsWith('/hop-b')).at(-1)
    expect(hopB?.headers.cookie).toBeUndefined()
  })
})

describe('method rewrites and bodies (requests rebuild_method, Fetch §4.4 step 12)', () => {
  it.each([
    [301, 'POST', 'GET'],
    [302, 'POST', 'GET'],
    [303, 'POST', 'GET'],
    [303, 'PUT', 'GET'],
    [303, 'DELETE', 'GET'],
  ])('%i turns %s into %s and drops the body and its headers', async (status, method, expected) => {
    await using s = new Session()
    const r = await s.request(method, a.url(`/redirect/${status}?to=/echo`), {
      body: 'name=value',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-language': 'en' },
    })
    const echo = (await r.json()) as Echo
    expect(echo.method).toBe(expected)
    expect(echo.body).toBe('')
    expect(echo.headers['content-type']).toBeUndefined()
    expect(echo.headers['content-language']).toBeUndefined()
    expect(echo.headers['content-length']).toBeUndefined()
  })

  it('303 keeps HEAD', async () => {
    await using s = new Session()
    const r = await s.head(a.url('/redirect/303?to=/echo'))
    expect(r.status).toBe(200)
    expect(a.log.at(-1)?.method).toBe('HEAD')
  })

  it.each([
    [307, 'POST'],
    [308, 'POST'],
    [307, 'PUT'],
    [308, 'PATCH'],
  ])('%i keeps %s and replays the body', async (status, method) => {
    await using s = new Session()
    const r = await s.request(method, a.url(`/redirect/${status}?to=/echo`), { json: { n: 1 } })
    const echo = (await r.json()) as Echo
    expect(echo).toMatchObject({ method, body: '{"n":1}' })
    expect(echo.headers['content-type']).toBe('application/json')
  })

  it.each([
    ['a Blob', () => new Blob(['blob body'])],
    ['bytes', () => new TextEncoder().encode('blob body')],
    ['URLSearchParams', () => new URLSearchParams({ blob: 'body' })],
  ])('307 replays %s body', async (_name, body) => {
    await using s = new Session()
    const r = await s.post(a.url('/redirect/307?to=/echo'), { body: body() })
    const echo = (await r.json()) as Echo
    expect(echo.body).toMatch(/blob.body/)
  })

  it.each([307, 308])(
    '%i with a one-shot stream body fails clearly and sends nothing more',
    async (status) => {
      await using s = new Session()
      const before = requestsTo(a, '/echo')
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('streamed'))
          controller.close()
        },
      })
      const error = await s
        .post(a.url(`/redirect/${status}?to=/echo`), { body: stream })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(RedirectError)
      expect((error as RedirectError).message).toMatch(/one-shot stream/)
      expect((error as RedirectError).response?.status).toBe(status)
      expect(requestsTo(a, '/echo')).toBe(before)
    },
  )

  it('303 after a stream body is followed as a GET', async () => {
    await using s = new Session()
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed'))
        controller.close()
      },
    })
    const r = await s.post(a.url('/redirect/303?to=/echo'), { body: stream })
    expect(((await r.json()) as Echo).method).toBe('GET')
  })
})

describe('Location', () => {
  // Fetch §4.4 step 5; got CVE-2022-33987 (redirect to a UNIX socket).
  it.each([
    'file:///etc/passwd',
    'data:text/plain,hello',
    'javascript:alert(1)',
    'ftp://127.0.0.1/x',
  ])('a %s Location is refused and nothing is fetched', async (location) => {
    await using s = new Session()
    const logged = a.log.length
    const error = await s
      .get(a.url(`/redirect/302?to=${encodeURIComponent(location)}`))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RedirectError)
    expect((error as Error).message).toMatch(/is not http: or https:/)
    expect(a.log.length).toBe(logged + 1)
  })

  it('a relative Location resolves against the hop URL', async () => {
    await using s = new Session()
    const r = await s.get(a.url('/relative/deeper/start'))
    expect(await r.json()).toEqual({ url: '/relative/landing?x=1' })
    expect(r.url).toBe(a.url('/relative/landing?x=1'))
  })

  it('a Location without a fragment keeps the request fragment (RFC 9110 §10.2.2)', async () => {
    await using s = new Session()
    const r = await s.get(a.url('/fragment#section'))
    expect(r.request.url).toBe(a.url('/echo#section'))
    expect(((await r.json()) as Echo).url).toBe('/echo')
  })

  it("a Location's own fragment wins", async () => {
    await using s = new Session()
    const r = await s.get(a.url('/fragment-own#section'))
    expect(r.request.url).toBe(a.url('/echo#own'))
  })

  it('UTF-8 bytes in Location are decoded as UTF-8, as browsers do', async () => {
    await using s = new Session()
    const r = await s.get(a.url('/utf8'))
    expect(((await r.json()) as Echo).url).toBe('/echo?q=caf%C3%A9')
  })

  it('a 3xx without Location is the final response', async () => {
    await using s = new Session()
    const r = await s.get(a.url('/no-location'))
    expect(r.status).toBe(302)
    expect(await r.text()).toBe('no location here')
    expect(r.history).toEqual([])
  })
})

describe('limits, hooks and history', () => {
  it('more than maxRedirects hops → TooManyRedirectsError carrying the history', async () => {
    await using s = new Session({ maxRedirects: 3 })
    const error = await s.get(a.url('/loop')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TooManyRedirectsError)
    const e = error as TooManyRedirectsError
    expect(e.message).toMatch(/Exceeded 3 redirects/)
    expect(e.history).toHaveLength(4)
    expect(e.history.every((h) => h.status === 302)).toBe(true)
    expect(e.response).toBe(e.history.at(-1))
  })

  it('a per-request maxRedirects wins, and 0 refuses the first redirect', async () => {
    await using s = new Session({ maxRedirects: 10 })
    await expect(s.get(a.url('/chain/2'), { maxRedirects: 1 })).rejects.toBeInstanceOf(
      TooManyRedirectsError,
    )
    await expect(s.get(a.url('/chain/1'), { maxRedirects: 0 })).rejects.toBeInstanceOf(
      TooManyRedirectsError,
    )
    expect((await s.get(a.url('/chain/2'), { maxRedirects: 2 })).status).toBe(200)
  })

  it('allowRedirects: false returns the 3xx and still stores its cookie', async () => {
    await using s = new Session()
    const r = await s.get(a.url('/chain/2'), { allowRedirects: false })
    expect(r.status).toBe(302)
    expect(r.headers.get('location')).toBe('/chain/1')
    expect(r.history).toEqual([])
    expect(s.cookies.get('hop2')).toBe('1')
  })

  it('history is oldest first and the final url is the last hop', async () => {
    await using s = new Session()
    const r = await s.get(a.url('/chain/3'))
    expect(r.history.map((h) => h.url)).toEqual([
      a.url('/chain/3'),
      a.url('/chain/2'),
      a.url('/chain/1'),
    ])
    expect(r.history.map((h) => h.status)).toEqual([302, 302, 302])
    expect(r.url).toBe(a.url('/chain/0'))
  })

  it('beforeRedirect sees each hop and can modify it', async () => {
    await using s = new Session()
    const seen: [number, number, string][] = []
    const r = await s.get(a.url('/chain/2'), {
      hooks: {
        beforeRedirect: [
          ({ response, next, hop }) => {
            seen.push([hop, response.status, next.url.pathname])
            next.headers.set('x-hop', String(hop))
            if (hop === 2) next.url = new URL(a.url('/echo'))
          },
        ],
      },
    })
    expect(seen).toEqual([
      [1, 302, '/chain/1'],
      [2, 302, '/chain/0'],
    ])
    expect(((await r.json()) as Echo).headers['x-hop']).toBe('2')
    expect(r.url).toBe(a.url('/echo'))
  })

  it('beforeRedirect returning false stops: the 3xx is the final response', async () => {
    await using s = new Session()
    const before = requestsTo(a, '/chain/0')
    const r = await s.get(a.url('/chain/2'), {
      hooks: { beforeRedirect: [({ hop }) => (hop === 2 ? false : undefined)] },
    })
    expect(r.status).toBe(302)
    expect(r.url).toBe(a.url('/chain/1'))
    expect(r.history.map((h) => h.url)).toEqual([a.url('/chain/2')])
    expect(requestsTo(a, '/chain/0')).toBe(before)
  })
})
