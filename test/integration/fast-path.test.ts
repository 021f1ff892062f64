// The Node fast path (src/direct.ts `plainHop`, src/hop.ts, platform/node/adapter.ts `sendHopKey`): a hop
// with no auth, no beforeRequest hook and no mounted adapter is sent as plain data, its
// `Request` built only when asked for, and a redirect followed without hooks drops its body
// unread. Everything observable must be what the `Request` path gives.
import { randomBytes } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ConnectionError,
  RedirectError,
  Session,
  TooManyRedirectsError,
  type SessionResponse,
} from '../../platform/node.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

const big = 'x'.repeat(200_000)
// Incompressible: its gzip form is as large, so the socket pauses while the body is held.
const noise = randomBytes(1024 * 1024)
const noiseGzip = gzipSync(noise)

let server: TestServer
beforeAll(async () => {
  server = await startServer({
    // A redirect with a body, as many servers send one ("Moved: <a href=…>").
    '/moved': (req, res) => {
      const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to') ?? '/echo'
      res.writeHead(302, {
        location: to,
        'content-type': 'text/plain',
        'content-length': '13',
        'set-cookie': 'moved=1; Path=/',
      })
      res.end('moved to echo')
    },
    // A redirect whose body is too large to read through (cancelled, not read).
    '/moved-big': (_req, res) => {
      res.writeHead(302, { location: '/echo', 'content-length': String(big.length) })
      res.end(big)
    },
    // A redirect with a chunked body of unknown length.
    '/moved-chunked': (_req, res) => {
      res.writeHead(302, { location: '/echo', 'content-type': 'text/plain' })
      res.write('part one, ')
      setTimeout(() => res.end('part two'), 5)
    },
    '/ftp': (_req, res) => {
      res.writeHead(302, { location: 'ftp://example.test/file', 'content-length': '4' })
      res.end('nope')
    },
    '/noise.gz': (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': noiseGzip.length })
      res.end(noiseGzip)
    },
    // Many fields: repeated ones, Set-Cookie twice, mixed-case names, padded values.
    '/fields': (_req, res) => {
      res.setHeader('Date', 'Mon, 02 Jan 2006 15:04:05 GMT')
      res.setHeader('Content-Type', 'application/json')
      res.setHeader('X-Multi', ['a', 'b'])
      res.setHeader('Set-Cookie', ['one=1; Path=/', 'two=2; Path=/; HttpOnly'])
      res.setHeader('X-Padded', '  padded\t')
      res.setHeader('ETag', '"v1"')
      res.end('{"ok":true}')
    },
    // A redirect whose Location is padded with whitespace and repeated in another field.
    '/padded-location': (_req, res) => {
      res.writeHead(302, [
        ['Location', '  /echo?from=padded \t'],
        ['Content-Length', '0'],
      ])
      res.end()
    },
    '/loop': (_req, res) => {
      res.writeHead(302, { location: '/loop', 'content-length': '4' })
      res.end('loop')
    },
  })
})
afterAll(() => server.close())

function session(init?: ConstructorParameters<typeof Session>[0]): Session {
  return new Session({ baseURL: `${server.origin}/`, ...init })
}

describe('response.request of a hop sent without a Request', () => {
  it('is a genuine Request with the URL, method and headers that were sent', async () => {
    await using s = session({ headers: { 'x-app': 'fast' } })
    s.cookies.set('sid', 'abc', { domain: '127.0.0.1', path: '/' })
    const r = await s.get('echo?q=1')
    const echo = (await r.json()) as { headers: Record<string, string> }
    // Sent without a Request: it is made on first access, then kept.
    expect(Object.getOwnPropertyDescriptor(r, 'request')?.get).toBeTypeOf('function')
    expect(r.request).toBeInstanceOf(Request)
    expect(Object.getOwnPropertyDescriptor(r, 'request')?.value).toBe(r.request)
    expect(r.request.url).toBe(server.url('/echo?q=1'))
    expect(r.request.method).toBe('GET')
    expect(r.request.headers.get('x-app')).toBe('fast')
    expect(r.request.headers.get('cookie')).toBe('sid=abc')
    expect(echo.headers.cookie).toBe('sid=abc')
    expect(echo.headers['x-app']).toBe('fast')
    expect(r.request.redirect).toBe('manual')
    expect(r.request.signal).toBeInstanceOf(AbortSignal)
    expect(r.request.signal.aborted).toBe(false)
  })

  it.each([
    ['a string', 'hello', 'text/plain;charset=UTF-8'],
    [
      'URLSearchParams',
      new URLSearchParams({ a: '1' }),
      'application/x-www-form-urlencoded;charset=UTF-8',
    ],
    ['a typed Blob', new Blob(['<a/>'], { type: 'application/xml' }), 'application/xml'],
    ['bytes', new TextEncoder().encode('raw'), null],
  ])(
    'sends %s with the Content-Type a Request would set, and the request says so',
    async (_name, body, type) => {
      await using s = session()
      const r = await s.post('echo', { body })
      const echo = (await r.json()) as { headers: Record<string, string>; body: string }
      expect(echo.headers['content-type']).toBe(type ?? undefined)
      expect(r.request.headers.get('content-type')).toBe(type)
      const expected = new Request(server.url('/echo'), { method: 'POST', body })
      expect(await r.request.text()).toBe(await expected.text())
      expect(echo.body).toBe(await new Request(server.url('/'), { method: 'POST', body }).text())
    },
  )

  it('keeps an explicit Content-Type and an explicit Cookie header', async () => {
    await using s = session()
    s.cookies.set('jar', '1', { domain: '127.0.0.1', path: '/' })
    const r = await s.post('echo', {
      body: 'x',
      headers: { 'content-type': 'text/x-mine', cookie: 'mine=1' },
    })
    const echo = (await r.json()) as { headers: Record<string, string> }
    expect(echo.headers['content-type']).toBe('text/x-mine')
    expect(echo.headers.cookie).toBe('mine=1')
    expect(r.request.headers.get('content-type')).toBe('text/x-mine')
    expect(r.request.headers.get('cookie')).toBe('mine=1')
  })

  it('a GET with a body still fails as the Request constructor makes it fail', async () => {
    await using s = session()
    await expect(s.get('echo', { body: 'x' })).rejects.toThrow(TypeError)
  })

  it('a connection failure carries the Request that was being sent', async () => {
    const dead = await startServer()
    const url = dead.url('/gone')
    await dead.close()
    await using s = new Session()
    const error = await s.get(url, { headers: { 'x-a': '1' } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    const request = (error as ConnectionError).request
    expect(request).toBeInstanceOf(Request)
    expect(request?.url).toBe(url)
    expect(request?.headers.get('x-a')).toBe('1')
  })
})

describe('a body held until the response is asked for', () => {
  it('a large encoded body (held past the pause limit) decodes whole', async () => {
    await using s = session()
    const r = await s.get('noise.gz')
    expect(Buffer.from(await r.arrayBuffer()).equals(noise)).toBe(true)
  })

  it('a body aborted while streaming errors with the abort reason', async () => {
    await using s = session()
    const controller = new AbortController()
    const r = await s.get('noise.gz', { signal: controller.signal })
    const reader = r.body!.getReader()
    await reader.read()
    controller.abort(new Error('stop'))
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return
      })(),
    ).rejects.toThrow('stop')
  })
})

describe('response headers', () => {
  it('are the header list a fetch Response of the same answer holds', async () => {
    await using s = session()
    const r = await s.get('fields')
    const viaFetch = await fetch(server.url('/fields'))
    // x-padded: undici's fetch keeps the trailing tab it received; a value appended to a
    // Headers (as the Response here is built) is trimmed, as it always was.
    const drop = new Set(['connection', 'keep-alive', 'x-padded'])
    const list = (h: Headers): [string, string][] => [...h].filter(([name]) => !drop.has(name))
    expect(list(r.headers)).toEqual(list(viaFetch.headers))
    expect(r.headers.get('x-multi')).toBe('a, b')
    expect(r.headers.get('x-padded')).toBe('padded')
    expect(r.headers.getSetCookie()).toEqual(['one=1; Path=/', 'two=2; Path=/; HttpOnly'])
    expect(await r.json()).toEqual(await viaFetch.json())
    // Both Set-Cookie values reached the jar.
    expect(s.cookies.getCookieString(server.url('/'))).toBe('one=1; two=2')
  })

  it('a followed redirect reads its Location as Headers.get() gives it (trimmed)', async () => {
    await using s = session()
    const r = await s.get('padded-location')
    expect(r.url).toBe(server.url('/echo?from=padded'))
    expect(r.history[0]?.headers.get('location')).toBe('/echo?from=padded')
    expect(((await r.json()) as { url: string }).url).toBe('/echo?from=padded')
  })
})

describe('redirect hops followed without reading their body', () => {
  it('history keeps genuine Responses with each hop status, headers, URL and request', async () => {
    await using s = session()
    const r = await s.get('chain/3')
    expect(await r.json()).toEqual({ cookies: { hop3: '1', hop2: '1', hop1: '1' } })
    // Made on first access, then kept.
    expect(Object.getOwnPropertyDescriptor(r, 'history')?.get).toBeTypeOf('function')
    expect(r.history).toBe(r.history)
    expect(r.history).toHaveLength(3)
    expect(r.history.map((h) => h.url)).toEqual([
      server.url('/chain/3'),
      server.url('/chain/2'),
      server.url('/chain/1'),
    ])
    for (const [i, h] of (r.history as SessionResponse[]).entries()) {
      expect(h).toBeInstanceOf(Response)
      expect(h.status).toBe(302)
      expect(h.headers.get('location')).toBe(`/chain/${2 - i}`)
      expect(h.headers.getSetCookie()).toEqual([`hop${3 - i}=1; Path=/`])
      // The body was dropped unread: the history entry has none.
      expect(h.body).toBeNull()
      expect(h.request.url).toBe(h.url)
      expect(h.request.method).toBe('GET')
    }
    // Each hop's request carries the cookies the earlier hops set.
    expect((r.history[2] as SessionResponse).request.headers.get('cookie')).toBe('hop3=1; hop2=1')
    expect(r.request.headers.get('cookie')).toBe('hop3=1; hop2=1; hop1=1')
    expect(r.redirected).toBe(true)
  })

  it.each(['/moved', '/moved-big', '/moved-chunked'])(
    'follows %s and keeps the connection usable',
    async (path) => {
      await using s = session()
      for (let i = 0; i < 3; i++) {
        const r = await s.get(path.slice(1))
        expect(((await r.json()) as { url: string }).url).toBe('/echo')
        expect(r.history[0]?.status).toBe(302)
      }
    },
  )

  it('a redirect that is not followed (allowRedirects: false) keeps its body', async () => {
    await using s = session()
    const r = await s.get('moved', { allowRedirects: false })
    expect(r.status).toBe(302)
    expect(r.history).toEqual([])
    expect(await r.text()).toBe('moved to echo')
    expect(s.cookies.get('moved')).toBe('1')
  })

  it('a redirect a beforeRedirect hook stops keeps its body', async () => {
    await using s = session({ hooks: { beforeRedirect: [() => false] } })
    const r = await s.get('moved')
    expect(r.status).toBe(302)
    expect(await r.text()).toBe('moved to echo')
  })

  it('maxRedirects: the response past the limit is a 302 with its headers', async () => {
    await using s = session({ maxRedirects: 2 })
    const error = await s.get('loop').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TooManyRedirectsError)
    const e = error as TooManyRedirectsError
    expect(e.response?.status).toBe(302)
    expect(e.history.map((h) => [h.status, h.url])).toEqual([
      [302, server.url('/loop')],
      [302, server.url('/loop')],
      [302, server.url('/loop')],
    ])
    expect(e.history.every((h) => h instanceof Response)).toBe(true)
    expect(e.request?.url).toBe(server.url('/loop'))
  })

  it('a refused Location raises RedirectError with the request and response', async () => {
    await using s = session()
    const error = await s.get('ftp').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RedirectError)
    expect((error as RedirectError).response?.status).toBe(302)
    expect((error as RedirectError).request?.url).toBe(server.url('/ftp'))
  })

  it('with a beforeRedirect hook, the hook sees the hop Request and a readable response', async () => {
    const seen: { url: string; cookie: string | null; body: string }[] = []
    await using s = session({
      hooks: {
        beforeRedirect: [
          async ({ request, response }) => {
            seen.push({
              url: request.url,
              cookie: request.headers.get('cookie'),
              body: await response.clone().text(),
            })
          },
        ],
      },
    })
    const r = await s.get('moved?to=/cookies')
    expect(await r.json()).toEqual({ moved: '1' })
    expect(seen).toEqual([
      { url: server.url('/moved?to=/cookies'), cookie: null, body: 'moved to echo' },
    ])
  })
})

describe('proxy environment and redirect policy, read per request', () => {
  it('reads each environment variable once per request, not once per hop', async () => {
    const reads: string[] = []
    class Counting extends Session {
      static override readonly platform = {
        ...Session.platform,
        env: (key: string) => {
          reads.push(key)
          return undefined
        },
      }
    }
    await using s = new Counting({ baseURL: `${server.origin}/` })
    await s.get('echo')
    const one = reads.length
    expect(one).toBeGreaterThan(0)
    reads.length = 0
    await s.get('chain/4')
    expect(reads.length).toBe(one)
    expect(new Set(reads).size).toBe(reads.length)
  })

  it('sees a trustedOrigins list assigned between requests', async () => {
    const other = await startServer()
    try {
      await using s = session({ headers: { authorization: 'Bearer t' } })
      const to = encodeURIComponent(other.url('/echo'))
      const first = (await s.get(`redirect/302?to=${to}`).json()) as {
        headers: Record<string, string>
      }
      expect(first.headers.authorization).toBeUndefined()
      s.trustedOrigins = [...s.trustedOrigins, other.origin]
      const second = (await s.get(`redirect/302?to=${to}`).json()) as {
        headers: Record<string, string>
      }
      expect(second.headers.authorization).toBe('Bearer t')
      s.trustedOrigins = []
      const third = (await s.get(`redirect/302?to=${to}`).json()) as {
        headers: Record<string, string>
      }
      expect(third.headers.authorization).toBeUndefined()
    } finally {
      await other.close()
    }
  })
})
