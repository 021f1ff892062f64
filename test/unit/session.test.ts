import { describe, expect, it, vi } from 'vitest'
import {
  ClosedSessionError,
  ConnectionError,
  HTTPError,
  InvalidURLError,
  NoAdapterError,
  SessionError,
  TimeoutError,
} from '../../src/errors.ts'
import { Session } from '../../src/session.ts'
import { MemoryStore } from '../../src/state/store.ts'
import { allFeatures } from '../../src/features.ts'
import type { Platform } from '../../src/platform.ts'
import type { SessionResponse } from '../../src/types.ts'
import { MockAdapter } from '../helpers/mock-adapter.ts'
import { mockSession } from '../helpers/test-session.ts'

const echo = async (req: Request): Promise<Response> =>
  Response.json({
    method: req.method,
    url: req.url,
    headers: Object.fromEntries(req.headers),
    body: req.body ? await req.text() : null,
  })

describe('Session options', () => {
  it('exposes every option as a mutable property', () => {
    const { session: s } = mockSession(echo, {
      baseURL: 'https://api.test/v1',
      headers: { 'x-a': '1' },
      params: { p: '1' },
      auth: ['u', 'p'],
      timeout: 1000,
      maxRedirects: 5,
      retry: 2,
      sensitiveHeaders: ['x-secret'],
      trustedOrigins: ['https://sso.test'],
      proxy: 'http://proxy.test:3128',
      trustEnv: false,
      tls: { rejectUnauthorized: false },
      credentials: 'omit',
    })
    expect(s.baseURL).toBe('https://api.test/v1')
    expect(s.headers.get('x-a')).toBe('1')
    expect(s.params.get('p')).toBe('1')
    expect(s.auth).toEqual(['u', 'p'])
    expect([s.timeout, s.maxRedirects, s.retry]).toEqual([1000, 5, 2])
    expect(s.proxy).toBe('http://proxy.test:3128')
    expect(s.trustEnv).toBe(false)
    s.headers.set('x-b', '2')
    s.params.append('q', '2')
    s.auth = { type: 'bearer', token: 't' }
    s.hooks.response.push(() => undefined)
    s.maxRedirects = 0
    s.timeout = { total: 5 }
    expect(s.auth).toEqual({ type: 'bearer', token: 't' })
    expect(s.hooks.response).toHaveLength(1)
  })

  it('starts with requests defaults', () => {
    const s = mockSession().session
    expect(s.maxRedirects).toBe(30)
    expect(s.retry).toBe(0)
    expect(s.auth).toBeNull()
    expect(s.trustEnv).toBe(true)
    expect([...s.headers]).toEqual([])
    expect(Object.keys(s.hooks).sort()).toEqual([
      'beforeRedirect',
      'beforeRequest',
      'beforeRetry',
      'error',
      'response',
    ])
  })

  it.each([
    [{ auth: ['a', 'b', 'c'] }, TypeError, /auth: .*got array of length 3/],
    [{ auth: 5 }, TypeError, /auth: .*got number/],
    [{ auth: {} }, TypeError, /auth: .*got object without "type"/],
    [{ timeout: 'soon' }, TypeError, /timeout: expected milliseconds .*got string/],
    [{ timeout: -1 }, RangeError, /timeout: expected a non-negative/],
    [
      { timeout: { read: 1 } },
      TypeError,
      /options.timeout.read: expected a known timeout \(connect, response, total or body\), got number/,
    ],
    [{ maxRedirects: 1.5 }, RangeError, /maxRedirects: expected a non-negative integer/],
    [
      { baseURL: 'not a url' },
      TypeError,
      /options.baseURL: expected an absolute http: or https: URL/,
    ],
    [
      { hooks: { response: [1] } },
      TypeError,
      /options.hooks.response\[0\]: expected a function, got number/,
    ],
    [{ hooks: { onResponse: [] } }, TypeError, /options.hooks.onResponse: expected a known hook/],
    [{ cookies: 5 }, TypeError, /options.cookies: expected a CookieJar or a record/],
    [
      { sensitiveHeaders: 'x' },
      TypeError,
      /options.sensitiveHeaders: expected an array of strings/,
    ],
    [
      { verify: false },
      TypeError,
      /options.verify: expected a known session option, got boolean \(use tls: \{ rejectUnauthorized, ca \}\)/,
    ],
    [
      { proxies: {} },
      TypeError,
      /^options.proxies: expected a known session option, got object \(did you mean proxy\?\)$/,
    ],
  ])('%j fails at construction', (options, type, message) => {
    expect(() => mockSession(echo, options as never)).toThrow(type)
    expect(() => mockSession(echo, options as never)).toThrow(message)
  })

  it('assigning invalid auth later fails at once, naming the field', () => {
    const { session } = mockSession()
    expect(() => {
      session.auth = ['a', 'b', 'c'] as never
    }).toThrow(/auth: .*got array of length 3/)
  })

  it('the bare core class says it needs a platform', () => {
    expect(() => new Session()).toThrow(/has no platform/)
  })

  it('a platform whose capabilities need a feature it does not supply says which', () => {
    const { session } = mockSession(echo)
    const platform = (session.constructor as typeof Session).platform
    const lacking = (features: Platform['features']): typeof Session =>
      class extends Session {
        static override readonly platform: Platform = { ...platform, name: 'lacking', features }
      }
    expect(() => new (lacking({}))()).toThrow(
      /features\.followRedirects: the lacking platform's capabilities need it, but it supplies none/,
    )
    const { resolveProxy: _proxy, Autosave: _autosave, ...rest } = allFeatures
    const noProxy = lacking({ ...rest, Autosave: allFeatures.Autosave! })
    expect(() => new noProxy()).toThrow(/features\.resolveProxy: the lacking platform/)
    const noAutosave = lacking({ ...rest, resolveProxy: allFeatures.resolveProxy! })
    expect(() => new noAutosave({ autosave: { store: new MemoryStore(), key: 'k' } })).toThrow(
      /options\.autosave: the lacking platform/,
    )
    expect(new noAutosave()).toBeInstanceOf(Session)
  })
})

describe('merge rules (requests merge_setting / merge_hooks)', () => {
  it('sends session headers and params merged with the request, request winning', async () => {
    const { session, adapter } = mockSession(echo, {
      headers: { 'X-Test': 'true' },
      params: { a: '1', b: '2' },
    })
    const body = await session
      .get('http://h.test/p?z=0', { headers: { 'x-test2': 'true' }, params: { b: '3' } })
      .json<{
        url: string
        headers: Record<string, string>
      }>()
    expect(body.headers['x-test']).toBe('true')
    expect(body.headers['x-test2']).toBe('true')
    expect(body.url).toBe('http://h.test/p?z=0&a=1&b=3')
    expect(adapter.requests).toHaveLength(1)
  })

  it('null removes a session header or param for one request only', async () => {
    const { session } = mockSession(echo, { headers: { 'x-test': 'true' }, params: { a: '1' } })
    const first = await session
      .get('http://h.test/', { headers: { 'X-TEST': null }, params: { a: null } })
      .json<any>()
    expect(first.headers['x-test']).toBeUndefined()
    expect(first.url).toBe('http://h.test/')
    const second = await session.get('http://h.test/').json<any>()
    expect(second.headers['x-test']).toBe('true')
    expect(second.url).toBe('http://h.test/?a=1')
  })

  it('nothing request-level is written back to the session', async () => {
    const { session } = mockSession(echo, { headers: { a: '1' } })
    await session.get('http://h.test/', {
      headers: { b: '2' },
      params: { c: '3' },
      cookies: { d: '4' },
      auth: ['u', 'p'],
      timeout: 5000,
      hooks: { response: [() => undefined] },
    })
    expect([...session.headers]).toEqual([['a', '1']])
    expect(session.params.size).toBe(0)
    expect(session.cookies.size).toBe(0)
    expect(session.auth).toBeNull()
    expect(session.timeout).toBeUndefined()
    expect(session.hooks.response).toHaveLength(0)
  })

  it('request auth replaces session auth; auth: null sends none', async () => {
    const { session } = mockSession(echo, { auth: ['user', 'pass'] })
    expect((await session.get('http://h.test/').json<any>()).headers.authorization).toBe(
      'Basic dXNlcjpwYXNz',
    )
    expect(
      (await session.get('http://h.test/', { auth: { type: 'bearer', token: 'x' } }).json<any>())
        .headers.authorization,
    ).toBe('Bearer x')
    expect(
      (await session.get('http://h.test/', { auth: null }).json<any>()).headers.authorization,
    ).toBeUndefined()
  })

  it('an explicit request Authorization header beats session auth', async () => {
    const { session } = mockSession(echo, { auth: ['user', 'pass'] })
    const r = await session
      .get('http://h.test/', { headers: { Authorization: 'Token abc' } })
      .json<any>()
    expect(r.headers.authorization).toBe('Token abc')
  })

  it('hooks run session first, then request', async () => {
    const order: string[] = []
    const { session } = mockSession(echo, {
      hooks: { response: [() => void order.push('session')] },
    })
    await session.get('http://h.test/', { hooks: { response: [() => void order.push('request')] } })
    expect(order).toEqual(['session', 'request'])
  })

  it('request cookies are sent with jar cookies and hide a jar cookie set to null', async () => {
    const { session } = mockSession(echo)
    session.cookies.set('a', '1', { domain: 'h.test' })
    session.cookies.set('b', '2', { domain: 'h.test' })
    const r = await session.get('http://h.test/', { cookies: { b: null, c: '3' } }).json<any>()
    expect(r.headers.cookie).toBe('a=1; c=3')
  })
})

describe('credentials in the URL', () => {
  it('become basic auth (decoded) and leave the URL', async () => {
    const { session } = mockSession(echo)
    const r = await session.get('http://us%3Aer:p%C3%A4ss@h.test/x')
    const body: any = await r.json()
    expect(body.url).toBe('http://h.test/x')
    expect(r.url).toBe('http://h.test/x')
    expect(atob(body.headers.authorization.slice(6))).toBe('us:er:p\xc3\xa4ss')
  })

  it('request auth wins over URL credentials, which win over session auth', async () => {
    const { session } = mockSession(echo, { auth: ['s', 's'] })
    expect((await session.get('http://u:p@h.test/').json<any>()).headers.authorization).toBe(
      'Basic dTpw',
    )
    const r = await session
      .get('http://u:p@h.test/', { auth: { type: 'bearer', token: 't' } })
      .json<any>()
    expect(r.headers.authorization).toBe('Bearer t')
  })
})

describe('baseURL and foreign origins', () => {
  it('resolves relative URLs against baseURL', async () => {
    const { session } = mockSession(echo, { baseURL: 'https://api.test/v1/' })
    expect((await session.get('/users').json<any>()).url).toBe('https://api.test/v1/users')
  })

  it('an absolute URL to another origin is allowed but gets no session credentials', async () => {
    const { session } = mockSession(echo, {
      baseURL: 'https://api.test',
      auth: ['u', 'p'],
      headers: { authorization: 'x', 'x-secret': 's', accept: 'a/b' },
      sensitiveHeaders: ['x-secret'],
    })
    const r = await session.get('https://elsewhere.test/').json<any>()
    expect(r.headers.authorization).toBeUndefined()
    expect(r.headers['x-secret']).toBeUndefined()
    expect(r.headers.accept).toBe('a/b')
    const own = await session.get('https://api.test/x').json<any>()
    expect(own.headers.authorization).toBe('Basic dTpw')
  })

  it('a trusted origin gets the session credentials', async () => {
    const { session } = mockSession(echo, {
      baseURL: 'https://api.test',
      auth: ['u', 'p'],
      trustedOrigins: ['https://files.test'],
    })
    expect((await session.get('https://files.test/').json<any>()).headers.authorization).toBe(
      'Basic dTpw',
    )
  })
})

describe('bodies', () => {
  it.each([
    ['json', { json: { a: 1 } }, '{"a":1}', 'application/json'],
    [
      'form',
      { form: { a: '1', b: ['x', 'y'] } },
      'a=1&b=x&b=y',
      // `form` sends requests' exact type (no charset); a URLSearchParams body keeps fetch's.
      'application/x-www-form-urlencoded',
    ],
    ['string', { body: 'hello' }, 'hello', 'text/plain;charset=UTF-8'],
    [
      'URLSearchParams',
      { body: new URLSearchParams('q=1') },
      'q=1',
      'application/x-www-form-urlencoded;charset=UTF-8',
    ],
    ['Uint8Array', { body: new TextEncoder().encode('bytes') }, 'bytes', undefined],
    ['ArrayBuffer', { body: new TextEncoder().encode('buf').buffer }, 'buf', undefined],
    ['Blob', { body: new Blob(['blob'], { type: 'text/x-blob' }) }, 'blob', 'text/x-blob'],
  ])('%s', async (_name, init, body, type) => {
    const { session } = mockSession(echo)
    const r = await session.post('http://h.test/', init as never).json<any>()
    expect(r.body).toBe(body)
    expect(r.headers['content-type']).toBe(type)
  })

  it('json keeps a content-type the caller gave', async () => {
    const { session } = mockSession(echo)
    const r = await session
      .post('http://h.test/', { json: [1], headers: { 'content-type': 'application/vnd.x+json' } })
      .json<any>()
    expect(r.headers['content-type']).toBe('application/vnd.x+json')
  })

  it('FormData is sent as multipart', async () => {
    const { session } = mockSession(echo)
    const form = new FormData()
    form.append('field', 'value')
    const r = await session.post('http://h.test/', { body: form }).json<any>()
    expect(r.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    expect(r.body).toContain('name="field"')
  })

  it('a ReadableStream is sent with duplex half', async () => {
    const { session } = mockSession(echo)
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('streamed'))
        c.close()
      },
    })
    expect((await session.post('http://h.test/', { body: stream }).json<any>()).body).toBe(
      'streamed',
    )
  })

  it('only one of body, json and form', async () => {
    const { session } = mockSession(echo)
    await expect(session.post('http://h.test/', { json: 1, body: 'x' })).rejects.toThrow(
      /init: expected only one of body, json and form, got body and json/,
    )
  })

  it('json that cannot be serialised is a TypeError', async () => {
    const { session } = mockSession(echo)
    const circular: Record<string, unknown> = {}
    circular.self = circular
    await expect(session.post('http://h.test/', { json: circular })).rejects.toThrow(
      /init.json: expected a value that can be serialised as JSON/,
    )
  })
})

describe('response', () => {
  it('is a genuine Response with history, request, elapsed and raiseForStatus', async () => {
    const { session } = mockSession(
      () => new Response('nope', { status: 404, statusText: 'Not Found' }),
    )
    const r = await session.get('http://h.test/x')
    expect(r).toBeInstanceOf(Response)
    expect(r.url).toBe('http://h.test/x')
    expect(r.history).toEqual([])
    expect(r.request).toBeInstanceOf(Request)
    expect(r.elapsed).toBeGreaterThanOrEqual(0)
    expect(() => r.raiseForStatus()).toThrow(HTTPError)
    expect(() => r.raiseForStatus()).toThrow(
      'Request failed with status 404 Not Found: GET http://h.test/x',
    )
  })

  it('raiseForStatus returns the response for 2xx', async () => {
    const { session } = mockSession()
    const r = await session.get('http://h.test/')
    expect(r.raiseForStatus()).toBe(r)
  })

  it('the promise has json/text/arrayBuffer/blob shortcuts', async () => {
    const { session } = mockSession(() => new Response('{"a":1}'))
    expect(await session.get('http://h.test/').json()).toEqual({ a: 1 })
    expect(await session.get('http://h.test/').text()).toBe('{"a":1}')
    expect((await session.get('http://h.test/').arrayBuffer()).byteLength).toBe(7)
    expect((await session.get('http://h.test/').blob()).size).toBe(7)
  })
})

describe('s.fetch', () => {
  it('is bound and takes a URL plus init', async () => {
    const { session } = mockSession(echo, { headers: { 'x-s': '1' } })
    const { fetch } = session
    const r = await fetch('http://h.test/a', { method: 'POST', body: 'x' })
    expect(r).toBeInstanceOf(Response)
    expect(await r.json()).toMatchObject({ method: 'POST', body: 'x', headers: { 'x-s': '1' } })
  })

  it('takes a Request, keeping its method, headers and body', async () => {
    const { session } = mockSession(echo)
    const req = new Request('http://h.test/b', {
      method: 'PUT',
      headers: { 'x-r': '1' },
      body: 'payload',
    })
    expect(await (await session.fetch(req)).json()).toMatchObject({
      method: 'PUT',
      url: 'http://h.test/b',
      body: 'payload',
      headers: { 'x-r': '1' },
    })
  })
})

describe('hooks', () => {
  it('beforeRequest may replace the Request', async () => {
    const { session } = mockSession(echo, {
      hooks: {
        beforeRequest: [
          ({ request }) => {
            const r = new Request(request)
            r.headers.set('x-hooked', '1')
            return r
          },
        ],
      },
    })
    expect((await session.get('http://h.test/').json<any>()).headers['x-hooked']).toBe('1')
  })

  it('beforeRequest may answer with a Response and nothing is sent', async () => {
    const { session, adapter } = mockSession(echo)
    const r = await session.get('http://h.test/', {
      hooks: { beforeRequest: [() => new Response('cached')] },
    })
    expect(await r.text()).toBe('cached')
    expect(adapter.requests).toHaveLength(0)
  })

  it('response hooks receive one context object and may replace the response', async () => {
    const seen: unknown[] = []
    const { session } = mockSession(echo, {
      hooks: {
        response: [
          (ctx) => {
            seen.push(Object.keys(ctx).sort())
            return new Response('replaced', { status: 201 })
          },
        ],
      },
    })
    const r = await session.get('http://h.test/')
    expect(seen).toEqual([['request', 'response', 'session']])
    expect(r.status).toBe(201)
    expect(await r.text()).toBe('replaced')
    expect(r.history).toEqual([])
  })

  it('error hooks see failures and may replace the error or recover', async () => {
    const failing = (): Response => {
      throw new TypeError('network down')
    }
    const errors: unknown[] = []
    const { session } = mockSession(failing, {
      hooks: { error: [({ error }) => void errors.push(error)] },
    })
    await expect(session.get('http://h.test/')).rejects.toBeInstanceOf(ConnectionError)
    expect(errors[0]).toBeInstanceOf(ConnectionError)

    const recovered = await session.get('http://h.test/', {
      hooks: { error: [() => new Response('fallback')] },
    })
    expect(await recovered.text()).toBe('fallback')

    class Custom extends Error {}
    await expect(
      session.get('http://h.test/', { hooks: { error: [() => new Custom('mine')] } }),
    ).rejects.toBeInstanceOf(Custom)
  })
})

describe('mount', () => {
  it('the longest prefix wins', async () => {
    const { session } = mockSession(() => new Response('default'))
    session.mount('https://api.test/', new MockAdapter(() => new Response('api')))
    session.mount('https://api.test/v2/', new MockAdapter(() => new Response('v2')))
    expect(await session.get('https://api.test/v1/x').text()).toBe('api')
    expect(await session.get('https://API.test/v2/x').text()).toBe('v2')
    expect(await session.get('https://other.test/').text()).toBe('default')
  })

  it('no adapter for a URL is a NoAdapterError', async () => {
    const { session } = mockSession()
    await expect(session.get('ftp://files.test/a')).rejects.toBeInstanceOf(NoAdapterError)
    await expect(session.get('ftp://files.test/a')).rejects.toThrow(
      'No adapter is mounted for ftp://files.test/a',
    )
  })

  it('a mounted adapter serves any scheme', async () => {
    const { session } = mockSession()
    session.mount('ftp://', new MockAdapter(() => new Response('ftp!')))
    expect(await session.get('ftp://files.test/a').text()).toBe('ftp!')
  })

  it('s.adapters lists the mounts, live, and refuses changes that routing would ignore', async () => {
    const { session } = mockSession(() => new Response('default'))
    const api = new MockAdapter(() => new Response('api'))
    const adapters = session.adapters
    expect(adapters).toBeInstanceOf(Map)
    session.mount('https://api.test/', api)
    expect([...adapters]).toEqual([['https://api.test/', api]])
    const other = new MockAdapter(() => new Response('other'))
    const writable = adapters as Map<string, MockAdapter>
    expect(() => writable.set('https://other.test/', other)).toThrow(TypeError)
    expect(() => writable.set('https://other.test/', other)).toThrow(
      /^session\.adapters\.set\(\): the map is read-only; use session\.mount\(prefix, adapter\)$/,
    )
    expect(() => writable.delete('https://api.test/')).toThrow(/read-only/)
    expect(() => writable.clear()).toThrow(/read-only/)
    expect([...session.adapters]).toEqual([['https://api.test/', api]])
    expect(await session.get('https://other.test/').text()).toBe('default')
    expect(await session.get('https://api.test/x').text()).toBe('api')
  })

  it('rejects a bad adapter with a TypeError', () => {
    const { session } = mockSession()
    expect(() => session.mount('x', {} as never)).toThrow(
      /mount\(adapter\): expected an object with a fetch/,
    )
  })
})

describe('close', () => {
  it('closes adapters; later requests fail with ClosedSessionError', async () => {
    const { session, adapter } = mockSession()
    await session.get('http://h.test/')
    await session.close()
    expect(adapter.closed).toBe(true)
    const error = await session.get('http://h.test/').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ClosedSessionError)
    expect(error).toBeInstanceOf(SessionError)
    expect(String(error)).toMatch(/The session is closed: GET http:\/\/h.test\/ was not sent/)
  })

  it('names the refused request without its credentials', async () => {
    const { session } = mockSession()
    await session.close()
    const error = await session.get('http://me:hunter2@h.test/').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ClosedSessionError)
    expect(String(error)).toMatch(/GET http:\/\/h\.test\/ was not sent/)
    expect(String(error)).not.toContain('hunter2')
  })

  it('await using closes the session', async () => {
    let captured: { closed: boolean } | undefined
    {
      await using s = mockSession().session
      captured = s
    }
    expect(captured.closed).toBe(true)
  })
})

describe('timeouts (emulated when the transport has none)', () => {
  const never = (_req: Request, ctx: { signal: AbortSignal }): Promise<Response> =>
    new Promise((_, reject) =>
      ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
    )

  it('total fires a TimeoutError that names the limit', async () => {
    const { session } = mockSession(never, { timeout: 20 })
    const error = await session.get('http://h.test/slow').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error).toMatchObject({ limit: 'total', timeout: 20 })
    expect(String(error)).toMatch(/total timeout of 20 ms was exceeded: GET http:\/\/h.test\/slow/)
  })

  it('response is emulated as a limit on waiting for headers', async () => {
    const { session } = mockSession(never)
    await expect(
      session.get('http://h.test/', { timeout: { response: 15 } }),
    ).rejects.toMatchObject({ limit: 'response' })
  })

  it("a user's own abort stays an AbortError", async () => {
    const { session } = mockSession(never, { timeout: 5000 })
    const controller = new AbortController()
    const pending = session.get('http://h.test/', { signal: controller.signal })
    controller.abort()
    const error = await pending.catch((e: unknown) => e)
    expect(error).not.toBeInstanceOf(TimeoutError)
    expect((error as Error).name).toBe('AbortError')
  })
})

describe('bad input', () => {
  it.each([
    [() => mockSession().session.get('relative'), InvalidURLError],
    [() => mockSession().session.get('http://h.test/', { timeout: 'x' as never }), TypeError],
    [() => mockSession().session.get('http://h.test/', { maxRedirects: -1 }), RangeError],
    [() => mockSession().session.get('http://h.test/', { cookies: { a: 1 as never } }), TypeError],
    [() => mockSession().session.request('GE T', 'http://h.test/'), TypeError],
  ])('%#', async (call, type) => {
    let error: unknown
    try {
      await call()
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(type)
  })

  it('an auth handler that returns something else is a TypeError', async () => {
    const { session } = mockSession(echo, { auth: (() => 'nope') as never })
    await expect(session.get('http://h.test/')).rejects.toThrow(
      /auth handler: expected it to return a Request, got string/,
    )
  })
})

describe('auth handlers', () => {
  it('modify the request and can answer a challenge once', async () => {
    let calls = 0
    const { session } = mockSession((req) => {
      calls++
      return req.headers.get('authorization') === 'Digest ok'
        ? new Response('in')
        : new Response('', { status: 401, headers: { 'www-authenticate': 'Digest x' } })
    })
    const handler = Object.assign((req: Request) => req, {
      onResponse: vi.fn(async (res: Response, retry: (r: Request) => Promise<Response>) => {
        if (res.status !== 401) return res
        return retry(new Request(res.url, { headers: { authorization: 'Digest ok' } }))
      }),
    })
    const r: SessionResponse = await session.get('http://h.test/', { auth: handler })
    expect(await r.text()).toBe('in')
    expect(calls).toBe(2)
  })
})

describe('beforeRedirect moving a hop to another origin', () => {
  it('drops credentials and session auth there, as a redirect would', async () => {
    const { session, adapter } = mockSession(
      (req) =>
        req.url === 'https://a.test/start'
          ? new Response(null, { status: 302, headers: { location: '/next' } })
          : new Response('ok'),
      {
        auth: ['u', 'p'],
        headers: { 'x-secret': 's' },
        sensitiveHeaders: ['x-secret'],
        hooks: {
          beforeRedirect: [
            ({ next }) => {
              next.url = new URL('https://evil.test/next')
            },
          ],
        },
      },
    )
    await session.get('https://a.test/start')
    const hop = adapter.requests[1]!
    expect(hop.url).toBe('https://evil.test/next')
    expect(hop.headers.get('authorization')).toBeNull()
    expect(hop.headers.get('x-secret')).toBeNull()
  })

  it('keeps them for a trusted origin', async () => {
    const { session, adapter } = mockSession(
      (req) =>
        req.url === 'https://a.test/start'
          ? new Response(null, { status: 302, headers: { location: '/next' } })
          : new Response('ok'),
      {
        auth: ['u', 'p'],
        trustedOrigins: ['https://sso.test'],
        hooks: {
          beforeRedirect: [
            ({ next }) => {
              next.url = new URL('https://sso.test/next')
            },
          ],
        },
      },
    )
    await session.get('https://a.test/start')
    expect(adapter.requests[1]!.headers.get('authorization')).toBe('Basic dTpw')
  })
})
