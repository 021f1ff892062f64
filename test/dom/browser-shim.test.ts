// The browser entry's wiring under happy-dom. `globalThis.fetch` is a recording stub here
// (happy-dom is the unit layer); the real browser behaviour is tested in Chromium
// (test/browser/session.test.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  ConnectionError,
  CookieJar,
  MemoryStore,
  Session,
  SessionError,
  SessionStateError,
} from '../../platform/browser.ts'
import type { SessionOptions, SessionRequestInit } from '../../platform/browser.ts'

interface Call {
  request: Request
  init: RequestInit | undefined
}

let calls: Call[]
let respond: (request: Request) => Response | Promise<Response>
const realFetch = globalThis.fetch

beforeEach(() => {
  calls = []
  respond = () => new Response('ok')
  globalThis.fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input)
    calls.push({ request, init })
    return respond(request)
  }) as typeof fetch
})

afterEach(() => {
  globalThis.fetch = realFetch
})

describe('browser platform', () => {
  it('declares what a page cannot do', () => {
    expect(Session.platform.name).toBe('browser')
    expect(Session.platform.capabilities).toEqual({
      manualRedirect: false,
      readSetCookie: false,
      sendCookie: false,
      proxy: false,
      tls: false,
      transportTimeouts: false,
      keepAlive: false,
      poolSettings: false,
      credentialsMode: true,
      streamUploads: false,
    })
    expect(Session.platform.defaultCredentials).toBe('same-origin')
    expect(Session.platform.env('HTTP_PROXY')).toBeUndefined()
  })

  it.each([
    // [session credentials, request credentials, sent] for a request to the baseURL's origin
    [undefined, undefined, 'include'],
    ['omit', undefined, 'omit'],
    ['same-origin', undefined, 'same-origin'],
    [undefined, 'omit', 'omit'],
    ['omit', 'include', 'include'],
  ] as const)(
    'session credentials %s with request credentials %s sends %s',
    async (session, request, sent) => {
      const s = new Session({
        baseURL: 'https://api.test',
        ...(session === undefined ? {} : { credentials: session }),
      })
      await s.get('https://api.test/x', request === undefined ? {} : { credentials: request })
      expect(calls).toHaveLength(1)
      expect(calls[0]!.init?.credentials).toBe(sent)
    },
  )

  it.each([
    // [baseURL, trustedOrigins, url, sent]
    ['https://api.test/v1', [], '/me', 'include'],
    ['https://api.test/v1', [], 'https://api.test/other', 'include'],
    ['https://api.test/v1', [], 'https://public.test/x', 'same-origin'],
    ['https://api.test/v1', [], 'https://api.test:8443/x', 'same-origin'],
    ['https://api.test/v1', ['https://auth.test'], 'https://auth.test/token', 'include'],
    [undefined, [], `${location.origin}/me`, 'include'],
    [undefined, [], '/me', 'include'],
    [undefined, [], 'https://public.test/x', 'same-origin'],
  ] as const)(
    'baseURL %s, trustedOrigins %j: a request to %s sends credentials %s by default',
    async (baseURL, trustedOrigins, url, sent) => {
      const s = new Session({ baseURL, trustedOrigins: [...trustedOrigins] })
      await s.get(url)
      expect(calls[0]!.init?.credentials).toBe(sent)
    },
  )

  it('s.fetch picks the same default; a Request keeps its own credentials mode', async () => {
    const s = new Session({ baseURL: 'https://api.test' })
    await s.fetch('https://api.test/x')
    await s.fetch('https://public.test/x')
    await s.fetch(new Request('https://public.test/x', { credentials: 'include' }))
    expect(calls.map((c) => c.init?.credentials)).toEqual(['include', 'same-origin', 'include'])
  })

  it('resolves relative URLs against the page when there is no baseURL, as fetch does', async () => {
    const s = new Session()
    await s.get('/api/me')
    await s.post('api/items', { json: {} })
    await s.fetch('/api/f')
    const page = document.baseURI
    expect(calls.map((c) => c.request.url)).toEqual([
      new URL('/api/me', page).href,
      new URL('api/items', page).href,
      new URL('/api/f', page).href,
    ])
  })

  it('keeps the clear error for a relative URL where there is no page', async () => {
    vi.stubGlobal('document', undefined)
    vi.stubGlobal('location', undefined)
    try {
      await expect(async () => new Session().get('/api/me')).rejects.toThrow(
        /relative URL needs the session baseURL/,
      )
    } finally {
      vi.unstubAllGlobals()
    }
    expect(calls).toHaveLength(0)
  })

  it('lets the browser follow redirects', async () => {
    await new Session().get('https://api.test/x')
    expect(calls[0]!.init?.redirect).toBe('follow')
  })

  it('asks for the opaque redirect when redirects are off (Fetch §4.4: no Location is exposed)', async () => {
    await new Session().get('https://api.test/x', { allowRedirects: false })
    expect(calls[0]!.init?.redirect).toBe('manual')
  })

  it('neither reads Set-Cookie nor sends a Cookie header', async () => {
    respond = () => new Response('ok', { headers: { 'set-cookie': 'sid=abc; Path=/' } })
    const s = new Session()
    await s.get('https://api.test/login')
    await s.get('https://api.test/me')
    expect(calls.map((c) => c.request.headers.get('cookie'))).toEqual([null, null])
  })

  it('returns the response with an empty history: the browser hides the hops', async () => {
    const r = await new Session().get('https://api.test/x')
    expect(r.history).toEqual([])
    expect(await r.text()).toBe('ok')
  })

  it('sends default headers and basic auth', async () => {
    const s = new Session({ headers: { 'x-client': 'web' }, auth: ['ada', 'lovelace'] })
    await s.get('https://api.test/x', { headers: { 'x-request': '1' } })
    const headers = calls[0]!.request.headers
    expect(headers.get('x-client')).toBe('web')
    expect(headers.get('x-request')).toBe('1')
    expect(headers.get('authorization')).toBe(`Basic ${btoa('ada:lovelace')}`)
  })
})

describe('what the browser cannot do fails loudly', () => {
  it.each<[string, SessionRequestInit, RegExp]>([
    ['init.cookies', { cookies: { sid: 'abc' } }, /init\.cookies: the browser platform/],
    ['init.proxy', { proxy: 'http://proxy.test:3128' }, /init\.proxy: the browser platform/],
    [
      'hooks.beforeRedirect',
      { hooks: { beforeRedirect: [() => undefined] } },
      /hooks\.beforeRedirect: the browser platform follows redirects itself/,
    ],
  ])('a request with %s throws a TypeError', async (_field, init, message) => {
    const s = new Session()
    await expect(async () => s.get('https://api.test/x', init)).rejects.toThrow(message)
    expect(calls).toHaveLength(0)
  })

  it.each<[string, (s: Session) => void]>([
    ['session.proxy', (s) => (s.proxy = 'http://proxy.test:3128')],
    ['session.tls', (s) => (s.tls = { ca: 'PEM' })],
  ])('a request after assigning %s throws a TypeError naming it', async (field, assign) => {
    const s = new Session()
    assign(s)
    await expect(async () => s.get('https://api.test/x')).rejects.toThrow(
      new RegExp(`^${field.replace('.', '\\.')}: the browser platform`),
    )
    expect(calls).toHaveLength(0)
  })

  it.each<[string, SessionOptions]>([
    ['proxy', { proxy: 'http://proxy.test:3128' }],
    ['tls', { tls: { rejectUnauthorized: false } }],
    ['cookies (a jar)', { cookies: new CookieJar() }],
    ['cookies (a record)', { cookies: { sid: 'abc' } }],
    ['hooks.beforeRedirect', { hooks: { beforeRedirect: [() => undefined] } }],
    // The browser's jar never changes under the session: autosave would never save.
    ['autosave', { autosave: { store: new MemoryStore(), key: 'me' } }],
  ])('new Session({ %s }) throws a TypeError naming the option', (field, options) => {
    const option = field.split(' ')[0]!
    expect(() => new Session(options)).toThrow(TypeError)
    expect(() => new Session(options)).toThrow(new RegExp(`${option.replace('.', '\\.')}.*browser`))
  })

  it.each([
    ['get', (s: Session) => s.cookies.get('sid')],
    ['set', (s: Session) => s.cookies.set('sid', 'abc')],
    ['setCookie', (s: Session) => s.cookies.setCookie('sid=abc', 'https://api.test/')],
    ['getCookies', (s: Session) => s.cookies.getCookies('https://api.test/')],
    ['getCookieString', (s: Session) => s.cookies.getCookieString('https://api.test/')],
    ['delete', (s: Session) => s.cookies.delete('sid')],
    ['clear', (s: Session) => s.cookies.clear()],
    ['size', (s: Session) => s.cookies.size],
    ['toNetscape', (s: Session) => s.cookies.toNetscape()],
    ['iteration', (s: Session) => [...s.cookies]],
  ])('session.cookies %s explains that the browser keeps the cookies', (_name, use) => {
    const s = new Session()
    expect(() => use(s)).toThrow(TypeError)
    expect(() => use(s)).toThrow(/session\.cookies\..*kept by the browser itself/)
  })

  it('a fetch TypeError becomes a ConnectionError that mentions CORS', async () => {
    respond = () => {
      throw new TypeError('Failed to fetch')
    }
    const error: unknown = await new Session().get('https://api.test/x').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error).toBeInstanceOf(SessionError)
    expect((error as Error).message).toMatch(/CORS.*GET https:\/\/api\.test\/x/)
    expect((error as Error).cause).toBeInstanceOf(TypeError)
  })
})

describe('saved state in the browser', () => {
  it('a session saves no cookies: they stay in the browser', () => {
    const s = new Session({ headers: { 'x-client': 'web' } })
    expect(s.cookies.toJSON()).toEqual(new CookieJar().toJSON())
  })

  it('restoring a jar state without cookies works; one with cookies throws', () => {
    const jarClass = Session.platform.CookieJar
    const empty = new CookieJar().toJSON()
    expect(() => jarClass.fromJSON(empty)).not.toThrow()
    expect(() => jarClass.fromJSON(JSON.stringify(empty))).not.toThrow()
    const withCookie = { version: 1, cookies: [{ name: 'a' }] }
    expect(() => jarClass.fromJSON(withCookie, { path: 'cookies' })).toThrow(SessionStateError)
    expect(() => jarClass.fromJSON(withCookie, { path: 'cookies' })).toThrow(
      /^cookies: a saved session with 1 cookie\(s\) cannot be restored in the browser/,
    )
  })

  it('the standalone CookieJar is still the real in-memory jar', () => {
    const jar = new CookieJar()
    jar.setCookie('a=1; Path=/', 'https://api.test/')
    expect(jar.getCookieString('https://api.test/')).toBe('a=1')
  })
})

describe('a browser session saved and restored', () => {
  it('round-trips through JSON with its defaults and without cookies', async () => {
    const s = new Session({ baseURL: 'https://api.test/', headers: { 'x-client': 'web' } })
    const restored = Session.fromJSON(JSON.parse(JSON.stringify(s)))
    expect(restored).toBeInstanceOf(Session)
    await restored.get('/me')
    expect(calls[0]!.request.url).toBe('https://api.test/me')
    expect(calls[0]!.request.headers.get('x-client')).toBe('web')
    expect(calls[0]!.init?.credentials).toBe('include')
  })

  it('refuses state saved elsewhere with cookies, naming the cookies field', () => {
    const jar = new CookieJar()
    jar.setCookie('sid=abc; Path=/', 'https://api.test/')
    const state = { ...new Session().toJSON(), cookies: jar.toJSON() }
    expect(() => Session.fromJSON(state)).toThrow(SessionStateError)
    expect(() => Session.fromJSON(state)).toThrow(
      /^cookies: a saved session with 1 cookie\(s\) cannot be restored in the browser/,
    )
  })
})
