// Unit: s.prepareRequest(), s.send(), s.getAdapter(), response.cookies and response.next,
// through a MockAdapter.
import { describe, expect, it } from 'vitest'
import { NoAdapterError, ResponseTooLargeError } from '../../src/errors.ts'
import { MockAdapter } from '../helpers/mock-adapter.ts'
import { mockSession } from '../helpers/test-session.ts'

const echo = async (request: Request): Promise<Response> =>
  Response.json({
    method: request.method,
    url: request.url,
    headers: Object.fromEntries(request.headers),
    body: await request.text(),
  })

describe('prepareRequest', () => {
  it('merges headers, params, auth, body and the jar cookies; sends nothing', async () => {
    const { session, adapter } = mockSession(echo, {
      baseURL: 'http://a.test/api/',
      headers: { 'x-app': '1' },
      params: { v: '2' },
      auth: ['user', 'pass'],
    })
    session.cookies.set('sid', 'abc', { domain: 'a.test' })
    const req = session.prepareRequest('post', 'items', { json: { a: 1 }, params: { q: 'x' } })
    expect(adapter.requests).toHaveLength(0)
    expect(req.method).toBe('POST')
    expect(req.url).toBe('http://a.test/api/items?v=2&q=x')
    expect(req.headers.get('x-app')).toBe('1')
    expect(req.headers.get('content-type')).toBe('application/json')
    expect(req.headers.get('cookie')).toBe('sid=abc')
    expect(req.headers.get('authorization')).toBe(`Basic ${btoa('user:pass')}`)
    expect(await req.clone().text()).toBe('{"a":1}')
  })

  it('rejects a bad method with the field named', () => {
    const { session } = mockSession()
    expect(() => session.prepareRequest('GE T', 'http://a.test/')).toThrow(/^method: expected/)
  })
})

describe('send', () => {
  it('sends a signed prepared request as it is, with no second merge', async () => {
    const { session, adapter } = mockSession(echo, {
      headers: { 'x-app': '1' },
      params: { v: '2' },
    })
    const req = session.prepareRequest('PUT', 'http://a.test/x', { body: 'data' })
    req.headers.delete('x-app')
    const body = await req.clone().text()
    req.headers.set('x-signature', `sig(${req.method} ${req.url} ${body})`)
    const r = await session.send(req)
    const seen = (await r.json()) as { url: string; headers: Record<string, string>; body: string }
    expect(adapter.requests).toHaveLength(1)
    expect(seen.url).toBe('http://a.test/x?v=2')
    expect(seen.headers['x-app']).toBeUndefined()
    expect(seen.headers['x-signature']).toBe('sig(PUT http://a.test/x?v=2 data)')
    expect(seen.body).toBe('data')
  })

  it('does not add session headers or auth to a plain Request', async () => {
    const { session } = mockSession(echo, { headers: { 'x-app': '1' }, auth: ['u', 'p'] })
    const r = await session.send(new Request('http://a.test/plain'))
    const seen = (await r.json()) as { headers: Record<string, string> }
    expect(seen.headers['x-app']).toBeUndefined()
    expect(seen.headers.authorization).toBeUndefined()
  })

  it('follows redirects, replays a prepared body on 307 and rebuilds Cookie from the jar', async () => {
    const { session, adapter } = mockSession(async (request) => {
      const path = new URL(request.url).pathname
      if (path === '/start')
        return new Response(null, {
          status: 307,
          headers: { location: '/end', 'set-cookie': 'hop=1; Path=/' },
        })
      return echo(request)
    })
    session.cookies.set('sid', 'abc', { domain: 'a.test' })
    const req = session.prepareRequest('POST', 'http://a.test/start', { body: 'payload' })
    const r = await session.send(req)
    const seen = (await r.json()) as { headers: Record<string, string>; body: string }
    expect(r.history).toHaveLength(1)
    expect(seen.body).toBe('payload')
    expect(seen.headers.cookie).toBe('sid=abc; hop=1')
    expect(adapter.requests[0]?.headers.get('cookie')).toBe('sid=abc')
    expect(r.history[0]?.cookies.map((c) => c.name)).toEqual(['hop'])
    expect(r.cookies).toEqual([])
  })

  it('runs the session hooks and retries', async () => {
    let calls = 0
    const { session } = mockSession(() =>
      ++calls === 1 ? new Response('busy', { status: 503 }) : new Response('ok'),
    )
    const seen: string[] = []
    session.hooks.beforeRequest.push(({ request }) => {
      seen.push(request.url)
    })
    const r = await session.send(new Request('http://a.test/r'), {
      retry: { limit: 1, backoff: 1 },
    })
    expect(r.status).toBe(200)
    expect(seen).toEqual(['http://a.test/r', 'http://a.test/r'])
  })

  it('takes every per-request limit, maxResponseSize included', async () => {
    const { session } = mockSession(() => new Response('x'.repeat(100)))
    const r = await session.send(new Request('http://a.test/big'), { maxResponseSize: 10 })
    await expect(r.text()).rejects.toBeInstanceOf(ResponseTooLargeError)
  })

  it('refuses init keys that belong on the Request', () => {
    const { session } = mockSession()
    const req = new Request('http://a.test/')
    expect(() => session.send(req, { headers: { a: '1' } } as never)).toThrow(
      /^init\.headers: expected no value/,
    )
    expect(() => session.send('http://a.test/' as never)).toThrow(/^request: expected a Request/)
  })
})

describe('getAdapter', () => {
  it('returns the mounted adapter with the longest prefix, else the transport', () => {
    const { session, adapter } = mockSession()
    const short = new MockAdapter()
    const long = new MockAdapter()
    session.mount('http://a.test/', short)
    session.mount('http://a.test/api/', long)
    expect(session.getAdapter('http://a.test/api/x')).toBe(long)
    expect(session.getAdapter('HTTP://A.TEST/other')).toBe(short)
    expect(session.getAdapter('http://b.test/')).toBe(adapter)
    expect(() => session.getAdapter('ftp://a.test/')).toThrow(NoAdapterError)
  })

  it('resolves a relative URL against baseURL, as a request URL', () => {
    const { session, adapter } = mockSession(undefined, { baseURL: 'http://a.test/api/' })
    const api = new MockAdapter()
    session.mount('http://a.test/api/v2/', api)
    expect(session.getAdapter('x')).toBe(adapter)
    expect(session.getAdapter('v2/users')).toBe(api)
    expect(session.getAdapter('/v2/users')).toBe(api)
    expect(session.getAdapter(new URL('http://a.test/api/v2/'))).toBe(api)
  })

  it.each([
    ['a number', 42, undefined, 'url: expected a string or URL, got number'],
    [
      'a relative URL without baseURL',
      'users',
      undefined,
      'url: expected an absolute URL, or a path under baseURL',
    ],
    [
      'an unparsable URL',
      'http://[bad',
      'http://a.test/',
      'url: expected an absolute URL, or a path under baseURL',
    ],
  ])('rejects %s with a TypeError naming the field', (_what, value, baseURL, message) => {
    const { session } = mockSession(undefined, baseURL === undefined ? {} : { baseURL })
    let error: unknown
    try {
      session.getAdapter(value as string)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(TypeError)
    expect((error as { field?: string }).field).toBe('url')
    expect((error as Error).message).toContain(message)
  })

  it('never repeats the password of a URL it rejects', () => {
    const { session } = mockSession()
    expect(() => session.getAdapter('http://u:s3cret@[bad')).toThrow(TypeError)
    try {
      session.getAdapter('http://u:s3cret@[bad')
    } catch (error) {
      expect((error as Error).message).not.toContain('s3cret')
    }
  })
})

describe('response.cookies and response.next', () => {
  const redirecting = (request: Request): Response => {
    const url = new URL(request.url)
    if (url.pathname === '/start')
      return new Response(null, {
        status: 302,
        headers: [
          ['location', 'http://b.test/end'],
          ['set-cookie', 'a=1; Path=/'],
          ['set-cookie', 'gone=; Max-Age=0'],
        ],
      })
    return Response.json({ authorization: request.headers.get('authorization') })
  }

  it('lists what this response stored, never a deletion', async () => {
    const { session } = mockSession(redirecting)
    const r = await session.get('http://a.test/start', { allowRedirects: false })
    expect(r.cookies.map((c) => [c.name, c.value])).toEqual([['a', '1']])
  })

  it('plans next with the credentials stripped across origins; null when followed', async () => {
    const { session } = mockSession(redirecting, { auth: { type: 'bearer', token: 't0k' } })
    const r = await session.post('http://a.test/start', {
      allowRedirects: false,
      headers: { 'x-secret': 's' },
      body: 'x',
    })
    expect(r.status).toBe(302)
    const next = r.next
    expect(next?.method).toBe('GET')
    expect(next?.url).toBe('http://b.test/end')
    expect(next?.headers.get('authorization')).toBeNull()
    expect(next?.body).toBeNull()
    const final = await session.send(next!)
    expect(await final.json()).toEqual({ authorization: null })
    expect(final.next).toBeNull()
    const followed = await session.get('http://a.test/start')
    expect(followed.next).toBeNull()
  })

  it('keeps auth and cookies on a same-origin next', async () => {
    const { session } = mockSession(
      (request) =>
        new URL(request.url).pathname === '/start'
          ? new Response(null, {
              status: 301,
              headers: { location: '/end', 'set-cookie': 'k=v; Path=/' },
            })
          : new Response('end'),
      { auth: ['u', 'p'] },
    )
    const r = await session.get('http://a.test/start', { allowRedirects: false })
    expect(r.next?.url).toBe('http://a.test/end')
    expect(r.next?.headers.get('authorization')).toBe(`Basic ${btoa('u:p')}`)
    expect(r.next?.headers.get('cookie')).toBe('k=v')
  })
})

describe('where the runtime follows redirects (the browser)', () => {
  it('reports one debug event, download progress, and never a next', async () => {
    const events: unknown[] = []
    const percents: number[] = []
    const { session } = mockSession(
      () => new Response('hello', { headers: { 'content-length': '5' } }),
      { debug: (e) => events.push(e), onDownloadProgress: (p) => percents.push(p.percent) },
      { manualRedirect: false, readSetCookie: false, sendCookie: false },
    )
    const r = await session.get('http://a.test/x?token=t0p', { allowRedirects: false })
    expect(await r.text()).toBe('hello')
    expect(r.next).toBeNull()
    expect(r.cookies).toEqual([])
    expect(percents).toEqual([0, 1 - Number.EPSILON, 1])
    expect(events).toMatchObject([
      { method: 'GET', url: 'http://a.test/x?token=REDACTED', status: 200, redirect: 'final' },
    ])
  })
})
