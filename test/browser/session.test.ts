// End to end in real headless Chromium: a page on a loopback origin imports the package's
// browser build (dist/browser.mjs, bundled with its dependencies) and uses Session against that origin and a second,
// CORS-enabled one. The browser keeps the cookies and follows redirects itself.
import { describe, expect, it } from 'vitest'
import { closedURL } from '../runtimes/smoke-server.ts'
import { pageFixture, skip, type Lib } from './page-fixture.ts'

interface Echo {
  method: string
  query: string
  headers: Record<string, string | undefined>
}
interface Caught {
  name: string
  message: string
  sessionError: boolean
  is: Record<string, boolean>
}

let closed: string

const fx = pageFixture({
  clearCookies: true,
  setup: async () => {
    closed = await closedURL()
  },
})
const { inPage } = fx

/** What an error thrown in the page looked like, as plain data. */
const describeError = `(error, lib) => ({
  name: error?.name, message: String(error?.message),
  sessionError: error instanceof lib.SessionError,
  is: Object.fromEntries(['HTTPError', 'ConnectionError', 'TimeoutError'].map((n) => [n, error instanceof lib[n]])),
})`

describe.skipIf(skip)('the browser bundle in Chromium', () => {
  it('loads the browser entry', async () => {
    const name = await inPage(async ({ lib }) => lib.Session.platform.name, {})
    expect(name).toBe('browser')
  })

  it('stores a Set-Cookie in the browser jar and sends it back (credentials include by default)', async () => {
    const echo = await inPage(async ({ lib }) => {
      const s = new lib.Session({ baseURL: location.origin })
      await s.get('/cookies/set?sid=abc')
      return s.get('/echo').json<Echo>()
    }, {})
    expect(echo.headers.cookie).toBe('sid=abc')
    const stored = await fx.browser.context.cookies(fx.app.url)
    expect(stored.map((c) => [c.name, c.value])).toEqual([['sid', 'abc']])
  })

  it('lets the browser follow a redirect whose hop sets a cookie; history stays empty', async () => {
    const result = await inPage(async ({ lib }) => {
      const s = new lib.Session({ baseURL: location.origin })
      const r = await s.get('/redirect/cookie')
      const echo = (await r.json()) as Echo
      return {
        url: r.url,
        redirected: r.redirected,
        history: r.history.length,
        cookie: echo.headers.cookie,
      }
    }, {})
    // Fetch §4.4: the browser follows the hop and stores its Set-Cookie; the page sees neither.
    expect(result).toEqual({
      url: `${fx.app.url}/echo?after=redirect`,
      redirected: true,
      history: 0,
      cookie: 'hop=1',
    })
  })

  it('allowRedirects: false returns the opaque redirect the browser gives (Fetch §4.4 "manual")', async () => {
    const result = await inPage(async ({ lib }) => {
      const r = await new lib.Session({ baseURL: location.origin }).get('/redirect/cookie', {
        allowRedirects: false,
      })
      return { type: r.type, status: r.status, location: r.headers.get('location') }
    }, {})
    expect(result).toEqual({ type: 'opaqueredirect', status: 0, location: null })
  })

  it('merges default headers and params with the request, which wins per key', async () => {
    const result = await inPage(async ({ lib }) => {
      const s = new lib.Session({
        baseURL: location.origin,
        headers: { 'x-default': 'session', 'x-override': 'session', 'x-removed': 'session' },
        params: { p: '1' },
      })
      const echo = await s
        .get('/echo', {
          headers: { 'X-Override': 'request', 'x-removed': null },
          params: { q: '2' },
        })
        .json<Echo>()
      return { echo, after: [...s.headers] }
    }, {})
    expect(result.echo.headers['x-default']).toBe('session')
    expect(result.echo.headers['x-override']).toBe('request')
    expect(result.echo.headers['x-removed']).toBeUndefined()
    expect(result.echo.query).toBe('p=1&q=2')
    // requests' merge_setting: nothing request-level is written back to the session.
    expect(result.after).toEqual([
      ['x-default', 'session'],
      ['x-override', 'session'],
      ['x-removed', 'session'],
    ])
  })

  it('sends basic auth', async () => {
    const body = await inPage(
      async ({ lib }) =>
        new lib.Session({ baseURL: location.origin, auth: ['ada', 'lovelace'] })
          .get('/basic')
          .text(),
      {},
    )
    expect(body).toBe('hello ada')
  })

  it("credentials: 'omit' on the session neither sends nor stores cookies", async () => {
    await fx.browser.context.addCookies([{ name: 'sid', value: 'abc', url: fx.app.url }])
    const result = await inPage(async ({ lib }) => {
      const omit = new lib.Session({ baseURL: location.origin, credentials: 'omit' })
      const sent = await omit.get('/echo').json<Echo>()
      await omit.get('/cookies/set?ignored=1')
      const after = await new lib.Session({ baseURL: location.origin }).get('/echo').json<Echo>()
      return { sent: sent.headers.cookie ?? null, after: after.headers.cookie ?? null }
    }, {})
    expect(result).toEqual({ sent: null, after: 'sid=abc' })
  })

  it("credentials: 'omit' on one request leaves the session's default for the next", async () => {
    await fx.browser.context.addCookies([{ name: 'sid', value: 'abc', url: fx.app.url }])
    const result = await inPage(async ({ lib }) => {
      const s = new lib.Session({ baseURL: location.origin })
      const omitted = await s.get('/echo', { credentials: 'omit' }).json<Echo>()
      const next = await s.get('/echo').json<Echo>()
      return { omitted: omitted.headers.cookie ?? null, next: next.headers.cookie ?? null }
    }, {})
    expect(result).toEqual({ omitted: null, next: 'sid=abc' })
  })

  it('sends credentials cross-origin under CORS and keeps that origin’s cookie', async () => {
    const result = await inPage(
      async ({ lib, base }) => {
        const s = new lib.Session({ baseURL: base, headers: { 'x-client': 'web' } })
        await s.post('/cookies/set?api=1', { json: { hello: 'preflight' } })
        return s.get('/echo').json<Echo>()
      },
      { base: fx.api.url },
    )
    expect(result.headers.cookie).toBe('api=1')
    // A custom header makes the request non-simple: it passed a preflight (Fetch §4.8).
    expect(result.headers['x-client']).toBe('web')
    expect(result.headers.origin).toBe(fx.app.url)
  })

  describe('errors', () => {
    it('raiseForStatus throws HTTPError, a SessionError', async () => {
      const caught = await inPage(
        async ({ lib, describeFn }) => {
          const r = await new lib.Session({ baseURL: location.origin }).get('/status/404')
          try {
            r.raiseForStatus()
            return null
          } catch (error) {
            return (new Function(`return ${describeFn}`)() as (e: unknown, l: Lib) => Caught)(
              error,
              lib,
            )
          }
        },
        { describeFn: describeError },
      )
      expect(caught).toMatchObject({
        name: 'HTTPError',
        sessionError: true,
        is: { HTTPError: true },
      })
      expect(caught?.message).toMatch(/404/)
    })

    it.each([
      ['a refused connection', () => closed],
      // Fetch §4.9 CORS check: no Access-Control-Allow-Origin, so the page gets a network error.
      ['a cross-origin response without CORS headers', () => `${fx.api.url}/no-cors/echo`],
    ])('%s rejects with ConnectionError, saying CORS may be the cause', async (_title, url) => {
      const caught = await inPage(
        async ({ lib, url: target, describeFn }) => {
          try {
            await new lib.Session({ baseURL: location.origin }).get(target)
            return null
          } catch (error) {
            return (new Function(`return ${describeFn}`)() as (e: unknown, l: Lib) => Caught)(
              error,
              lib,
            )
          }
        },
        { url: url(), describeFn: describeError },
      )
      expect(caught).toMatchObject({
        name: 'ConnectionError',
        sessionError: true,
        is: { ConnectionError: true },
      })
      expect(caught?.message).toMatch(/CORS/)
    })

    it.each([
      // The browser forbids a script-set Cookie header (Fetch §2.2.2 forbidden request-header).
      [
        'init.cookies',
        's.get("/echo", { cookies: { sid: "x" } })',
        /init\.cookies: the browser platform/,
      ],
      // Fetch §4.4: the page never sees the hops, so a redirect hook could never run.
      [
        'a beforeRedirect hook',
        's.get("/redirect/cookie", { hooks: { beforeRedirect: [() => undefined] } })',
        /hooks\.beforeRedirect: the browser platform follows redirects itself/,
      ],
      [
        'init.proxy',
        's.get("/echo", { proxy: "http://proxy.test:3128" })',
        /init\.proxy: the browser platform/,
      ],
    ])(
      'a request with %s is refused with a TypeError before anything is sent',
      async (_t, code, message) => {
        const result = await inPage(
          async ({ lib, code: source }) => {
            const s = new lib.Session({ baseURL: location.origin })
            try {
              await (new Function('s', `return ${source}`)(s) as Promise<unknown>)
              return null
            } catch (error) {
              return `${(error as Error).name}: ${(error as Error).message}`
            }
          },
          { code },
        )
        expect(result).toMatch(/^TypeError: /)
        expect(result).toMatch(message)
      },
    )

    it.each([
      ['get', 's.cookies.get("sid")'],
      ['set', 's.cookies.set("sid", "x")'],
      ['getCookies', 's.cookies.getCookies(location.href)'],
      ['size', 's.cookies.size'],
    ])('session.cookies.%s says the browser keeps the cookies', async (_name, expression) => {
      const message = await inPage(
        async ({ lib, expression: code }) => {
          const s = new lib.Session({ baseURL: location.origin })
          try {
            new Function('s', code)(s)
            return null
          } catch (error) {
            return `${(error as Error).name}: ${(error as Error).message}`
          }
        },
        { expression },
      )
      expect(message).toMatch(/^TypeError: session\.cookies\..*kept by the browser/)
    })
  })
})
