import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  decodeLocation,
  planRedirect,
  rebuildMethod,
  redirectStatuses,
  type HopState,
  type RedirectPolicy,
} from '../../src/redirect.ts'
import { normaliseOrigin, shouldStripAuth } from '../../src/origin.ts'
import { mockSession } from '../helpers/test-session.ts'

const noPolicy: RedirectPolicy = { trustedOrigins: new Set(), sensitiveHeaders: [] }

function hop(url: string, init: Partial<Omit<HopState, 'url'>> = {}): HopState {
  return {
    url: new URL(url),
    method: 'GET',
    headers: new Headers(),
    body: { value: null, replayable: true },
    authAllowed: true,
    requestCookiesAllowed: true,
    ...init,
  }
}

function redirect(status: number, location?: string): { status: number; headers: Headers } {
  const headers = new Headers()
  if (location !== undefined) headers.set('location', location)
  return { status, headers }
}

function follow(state: HopState, status: number, location: string, policy = noPolicy): HopState {
  const plan = planRedirect(state, redirect(status, location), policy)
  if (plan.type !== 'follow') throw new Error(`expected follow, got ${JSON.stringify(plan)}`)
  return plan.next
}

function secretHeaders(): Headers {
  return new Headers({
    authorization: 'Bearer secret',
    'proxy-authorization': 'Basic cHJveHk6c2VjcmV0',
    cookie: 'sid=secret',
    'x-api-key': 'secret',
    accept: 'application/json',
  })
}

describe('redirectStatuses', () => {
  it.each([301, 302, 303, 307, 308])('%i is followed', (status) => {
    expect(redirectStatuses.has(status)).toBe(true)
  })
  // RFC 9110 §15.4.1 (300 Multiple Choices) and §15.4.5 (304) are not redirects to follow.
  it.each([200, 300, 304, 305, 306, 400])('%i is not followed', (status) => {
    expect(planRedirect(hop('http://a.test/'), redirect(status, '/b'), noPolicy)).toEqual({
      type: 'final',
    })
  })
})

describe('planRedirect: Location', () => {
  it.each([
    // [hop url, Location, next url, source]
    ['http://a.test/x/y', '/b', 'http://a.test/b', 'relative path, RFC 3986 §5.2'],
    ['http://a.test/x/y', 'z?q=1', 'http://a.test/x/z?q=1', 'relative segment'],
    ['http://a.test/x', '//b.test/c', 'http://b.test/c', 'scheme-relative'],
    ['https://a.test/x', 'http://a.test/y', 'http://a.test/y', 'absolute'],
    ['http://a.test/x', '/\\b.test/c', 'http://b.test/c', 'WHATWG URL: backslash is a slash'],
    ['http://a.test/x', '  /b  ', 'http://a.test/b', 'surrounding whitespace is trimmed'],
    ['http://a.test/', '/caf\u00c3\u00a9', 'http://a.test/caf%C3%A9', 'UTF-8 bytes read as latin1'],
    ['http://a.test/', '/\u00e9', 'http://a.test/%C3%A9', 'invalid UTF-8 keeps latin1'],
    // RFC 9110 §10.2.2: fragments
    ['http://a.test/x#frag', '/b', 'http://a.test/b#frag', 'inherits the fragment'],
    ['http://a.test/x#frag', '/b#own', 'http://a.test/b#own', 'its own fragment wins'],
    ['http://a.test/x#frag', '/b#', 'http://a.test/b#', 'an empty fragment wins'],
    ['http://a.test/x', '/b#own', 'http://a.test/b#own', 'a fragment is kept'],
    // Library-specific: userinfo from the server is dropped
    ['http://a.test/x', 'http://u:p@b.test/', 'http://b.test/', 'userinfo is dropped'],
  ])('%s + Location %j → %s (%s)', (from, location, to) => {
    expect(follow(hop(from), 302, location).url.href).toBe(to)
  })

  // requests get_redirect_target: without Location it is not a redirect.
  it.each([undefined, '', '   '])('a %j Location makes the 3xx final', (location) => {
    expect(planRedirect(hop('http://a.test/'), redirect(302, location), noPolicy)).toEqual({
      type: 'final',
    })
  })

  // Fetch §4.4 step 5; got CVE-2022-33987 (redirect to a UNIX socket).
  it.each([
    'file:///etc/passwd',
    'data:text/html,<script>alert(1)</script>',
    'javascript:alert(1)',
    'ftp://a.test/x',
    'ws://a.test/x',
    'mailto:a@b.test',
  ])('a %s Location is refused', (location) => {
    const plan = planRedirect(hop('http://a.test/'), redirect(301, location), noPolicy)
    expect(plan.type).toBe('refuse')
    expect(plan.type === 'refuse' && plan.reason).toMatch(/scheme .* is not http: or https:/)
  })

  it('an unparsable Location is refused with the value in the reason', () => {
    const plan = planRedirect(hop('http://a.test/'), redirect(302, 'http://[::1'), noPolicy)
    expect(plan).toEqual({
      type: 'refuse',
      reason: 'the Location "http://[::1" is not a valid URL',
    })
  })

  it('decodeLocation leaves ASCII alone and re-decodes UTF-8 bytes', () => {
    expect(decodeLocation('/plain?q=1')).toBe('/plain?q=1')
    expect(decodeLocation('/\u00e2\u0082\u00ac')).toBe('/\u20ac')
    // A runtime that already decoded the value (code units above 255) is left alone.
    expect(decodeLocation('/\u65e5\u00e9')).toBe('/\u65e5\u00e9')
  })
})

describe('planRedirect: method and body', () => {
  // requests rebuild_method; Fetch §4.4 step 12.
  it.each([
    [301, 'POST', 'GET'],
    [302, 'POST', 'GET'],
    [303, 'POST', 'GET'],
    [303, 'PUT', 'GET'],
    [303, 'DELETE', 'GET'],
    [303, 'PATCH', 'GET'],
    [303, 'GET', 'GET'],
    [303, 'HEAD', 'HEAD'],
    [301, 'HEAD', 'HEAD'],
    [301, 'PUT', 'PUT'], // NOTE(spec): requests would drop the body; Fetch keeps PUT and its body
    [302, 'DELETE', 'DELETE'], // NOTE(spec): requests turns any 302 but HEAD into GET
    [307, 'POST', 'POST'],
    [308, 'POST', 'POST'],
    [307, 'PATCH', 'PATCH'],
    [308, 'PUT', 'PUT'],
  ])('%i turns %s into %s', (status, method, expected) => {
    expect(rebuildMethod(method, status)).toBe(expected)
    const state = hop('http://a.test/', { method, body: { value: 'x=1', replayable: true } })
    expect(follow(state, status, '/b').method).toBe(expected)
  })

  it.each([301, 302, 303])(
    '%i turns POST into GET and drops the body and its headers',
    (status) => {
      const headers = new Headers({
        'content-type': 'application/json',
        'content-length': '7',
        'content-encoding': 'gzip',
        'content-language': 'en',
        'content-location': '/x',
        'transfer-encoding': 'chunked',
        'x-keep': '1',
      })
      const next = follow(
        hop('http://a.test/', {
          method: 'POST',
          headers,
          body: { value: '{"a":1}', replayable: true },
        }),
        status,
        '/b',
      )
      expect(next.body).toEqual({ value: null, replayable: true })
      expect([...next.headers.keys()]).toEqual(['x-keep'])
    },
  )

  it.each([307, 308])('%i keeps the method, body and Content-Type', (status) => {
    const body = { value: '{"a":1}', replayable: true }
    const headers = new Headers({ 'content-type': 'application/json' })
    const next = follow(hop('http://a.test/', { method: 'POST', headers, body }), status, '/b')
    expect(next.method).toBe('POST')
    expect(next.body).toBe(body)
    expect(next.headers.get('content-type')).toBe('application/json')
  })

  // Fetch §4.4 step 11: a body whose source is null cannot be replayed → network error.
  it.each([
    [307, 'POST'],
    [308, 'PUT'],
    [301, 'PUT'],
  ])('%i with a one-shot %s stream body is refused with a clear reason', (status, method) => {
    const stream = new ReadableStream()
    const plan = planRedirect(
      hop('http://a.test/', { method, body: { value: stream, replayable: false } }),
      redirect(status, '/b'),
      noPolicy,
    )
    expect(plan.type).toBe('refuse')
    expect(plan.type === 'refuse' && plan.reason).toMatch(
      new RegExp(`${status} redirect must resend the ${method} body.*one-shot stream`),
    )
  })

  it('a one-shot stream body on 303 is dropped, not refused', () => {
    const next = follow(
      hop('http://a.test/', {
        method: 'POST',
        body: { value: new ReadableStream(), replayable: false },
      }),
      303,
      '/b',
    )
    expect(next).toMatchObject({ method: 'GET', body: { value: null, replayable: true } })
  })
})

describe('planRedirect: credentials', () => {
  // Each row is a leak some client shipped; every credential header must be gone on the next
  // hop: Authorization (requests CVE-2014-1829, urllib3 CVE-2018-20060, superagent #1309,
  // undici #872), Proxy-Authorization (requests CVE-2014-1830, urllib3 CVE-2024-37891,
  // follow-redirects CVE-2024-28849, undici CVE-2024-24758), Cookie (urllib3 CVE-2023-43804,
  // follow-redirects CVE-2022-0155, undici CVE-2022-31151) and custom secret headers.
  it.each([
    ['http://a.test/', 'http://b.test/', 'host change'],
    ['https://a.test/', 'https://b.a.test/', 'subdomain: node-fetch CVE-2022-0235 kept them'],
    ['https://a.test/', 'https://a.test.evil.test/', 'a host that merely starts the same'],
    ['http://a.test/', 'http://a.test:8080/', 'port change: curl CVE-2022-27774'],
    ['http://a.test:8080/', 'http://a.test/', 'port change back to the default'],
    ['https://a.test/', 'http://a.test/', 'https→http downgrade: requests CVE-2018-18074'],
    ['https://a.test:8443/', 'http://a.test:8443/', 'downgrade on the same port'],
    ['http://a.test:8080/', 'https://a.test:8443/', 'upgrade on non-default ports'],
    ['http://a.test/', 'https://a.test:8443/', 'upgrade to a non-default port'],
    ['http://a.test:443/', 'https://a.test/', 'upgrade from a non-default http port'],
    ['http://127.0.0.1/', 'http://localhost/', 'IP literal → name'],
    ['http://[::1]/', 'http://[::2]/', 'IPv6 host change'],
  ])(
    '%s → %s strips Authorization, Proxy-Authorization, Cookie and sensitive headers (%s)',
    (from, to) => {
      const policy = { trustedOrigins: new Set<string>(), sensitiveHeaders: ['x-api-key'] }
      const next = follow(hop(from, { headers: secretHeaders() }), 302, to, policy)
      expect([...next.headers.keys()]).toEqual(['accept'])
      expect(next.authAllowed).toBe(false)
      expect(next.requestCookiesAllowed).toBe(false)
      expect(shouldStripAuth(new URL(from), new URL(to))).toBe(true)
    },
  )

  it.each([
    ['http://a.test/x', 'http://a.test/y', 'same origin'],
    ['http://a.test/', 'https://a.test/', 'requests: http→https upgrade on default ports'],
    ['http://a.test:80/', 'https://a.test:443/', 'explicit default ports'],
    ['https://a.test/', 'https://A.Test:443/z', 'host case and explicit default port'],
  ])('%s → %s keeps credentials (%s)', (from, to) => {
    const policy = { trustedOrigins: new Set<string>(), sensitiveHeaders: ['x-api-key'] }
    const next = follow(hop(from, { headers: secretHeaders() }), 307, to, policy)
    expect(new Set(next.headers.keys())).toEqual(new Set(secretHeaders().keys()))
    expect(next).toMatchObject({ authAllowed: true, requestCookiesAllowed: true })
  })

  it('a trustedOrigins target keeps every credential', () => {
    const policy = {
      trustedOrigins: new Set([normaliseOrigin('https://login.test')]),
      sensitiveHeaders: ['x-api-key'],
    }
    const next = follow(
      hop('https://a.test/', { headers: secretHeaders() }),
      302,
      'https://login.test:443/cb',
      policy,
    )
    expect(new Set(next.headers.keys())).toEqual(new Set(secretHeaders().keys()))
    expect(next).toMatchObject({ authAllowed: true, requestCookiesAllowed: true })
  })

  it('trust is per origin: another port of a trusted host is stripped', () => {
    const policy = { trustedOrigins: new Set(['https://login.test']), sensitiveHeaders: [] }
    const next = follow(
      hop('https://a.test/', { headers: secretHeaders() }),
      302,
      'https://login.test:8443/',
      policy,
    )
    expect(next.headers.has('authorization')).toBe(false)
  })

  it('stripping is sticky: coming back to the first origin does not restore auth', () => {
    const first = hop('https://a.test/', { headers: secretHeaders() })
    const away = follow(first, 302, 'https://b.test/')
    const back = follow(away, 302, 'https://a.test/')
    expect(back).toMatchObject({ authAllowed: false, requestCookiesAllowed: false })
    expect(back.headers.has('authorization')).toBe(false)
  })

  it('a trusted hop followed by an untrusted one strips on the second hop', () => {
    const policy = { trustedOrigins: new Set(['https://b.test']), sensitiveHeaders: [] }
    const viaTrusted = follow(
      hop('https://a.test/', { headers: secretHeaders() }),
      302,
      'https://b.test/',
      policy,
    )
    expect(viaTrusted.headers.get('authorization')).toBe('Bearer secret')
    const next = follow(viaTrusted, 302, 'https://c.test/', policy)
    expect(next.headers.has('authorization')).toBe(false)
  })

  it('never mutates the input hop', () => {
    const state = hop('https://a.test/#f', {
      method: 'POST',
      headers: secretHeaders(),
      body: { value: 'x', replayable: true },
    })
    state.headers.set('content-type', 'text/plain')
    const before = [...state.headers]
    const next = follow(state, 303, 'http://b.test/')
    expect([...state.headers]).toEqual(before)
    expect(state).toMatchObject({ method: 'POST', authAllowed: true, requestCookiesAllowed: true })
    expect(state.url.href).toBe('https://a.test/#f')
    expect(next.headers).not.toBe(state.headers)
  })

  it('property: a cross-host redirect never carries Authorization, Cookie or a sensitive header', () => {
    const host = fc.stringMatching(/^[a-z]{1,8}\.test$/)
    fc.assert(
      fc.property(
        host,
        host,
        fc.constantFrom('http:', 'https:'),
        fc.constantFrom('http:', 'https:'),
        fc.constantFrom(301, 302, 303, 307, 308),
        (a, b, s1, s2, status) => {
          fc.pre(a !== b)
          const policy = { trustedOrigins: new Set<string>(), sensitiveHeaders: ['x-api-key'] }
          const next = follow(
            hop(`${s1}//${a}/`, { headers: secretHeaders() }),
            status,
            `${s2}//${b}/`,
            policy,
          )
          expect([...next.headers.keys()]).toEqual(['accept'])
          expect(next.authAllowed).toBe(false)
        },
      ),
    )
  })
})

describe('normaliseOrigin', () => {
  it.each([
    ['https://api.example', 'https://api.example'],
    ['HTTPS://API.Example:443', 'https://api.example'],
    ['http://b.test:8080/', 'http://b.test:8080'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseOrigin(input)).toBe(expected)
  })

  it.each([
    ['api.example', /expected an origin/],
    ['ftp://a.test', /http: or https: origin/],
    ['https://a.test/path', /bare origin/],
    ['https://a.test?q', /bare origin/],
    ['https://a.test#x', /bare origin/],
    ['https://u:p@a.test', /bare origin/],
  ])('rejects %j with a TypeError naming the field', (input, message) => {
    expect(() => normaliseOrigin(input, 'trustedOrigins[2]')).toThrow(TypeError)
    expect(() => normaliseOrigin(input, 'trustedOrigins[2]')).toThrow(/^trustedOrigins\[2\]/)
    expect(() => normaliseOrigin(input)).toThrow(message)
  })

  it.each([
    [42, 'number'],
    [null, 'null'],
    [['https://a.test'], 'array of length 1'],
  ])('rejects %j naming its type', (input, type) => {
    expect(() => normaliseOrigin(input as never)).toThrow(
      Object.assign(new TypeError(`trustedOrigins: expected an origin string, got ${type}`), {
        field: 'trustedOrigins',
      }),
    )
  })
})

describe('through Session + MockAdapter: hooks, jar, history and proxies line up', () => {
  function chain(request: Request): Response {
    const url = new URL(request.url)
    const next: Record<string, string> = {
      'https://a.test/start': 'https://b.test/middle',
      'https://b.test/middle': 'https://a.test/end',
    }
    const location = next[url.origin + url.pathname]
    const headers = new Headers({
      'set-cookie': `${url.hostname[0] ?? 'x'}${url.pathname.slice(1)}=1; Path=/`,
    })
    if (location === undefined) return new Response('done', { headers })
    headers.set('location', location)
    return new Response(null, { status: 302, headers })
  }

  it('a → b → a: auth only on the first hop, each hop gets its own jar cookies, history in order', async () => {
    const { session, adapter } = mockSession(chain, { auth: ['user', 'pass'] })
    const hops: number[] = []
    const r = await session.get('https://a.test/start', {
      hooks: { beforeRedirect: [({ hop }) => void hops.push(hop)] },
    })
    expect(await r.text()).toBe('done')
    expect(adapter.requests.map((q) => q.url)).toEqual([
      'https://a.test/start',
      'https://b.test/middle',
      'https://a.test/end',
    ])
    expect(adapter.requests.map((q) => q.headers.get('authorization'))).toEqual([
      `Basic ${btoa('user:pass')}`,
      null,
      null,
    ])
    expect(adapter.requests.map((q) => q.headers.get('cookie'))).toEqual([null, null, 'astart=1'])
    expect(r.history.map((h) => h.url)).toEqual(['https://a.test/start', 'https://b.test/middle'])
    expect(r.url).toBe('https://a.test/end')
    expect(hops).toEqual([1, 2])
    expect(session.cookies.get('bmiddle')).toBe('1')
  })

  it('the proxy is chosen again for every hop (requests rebuild_proxies)', async () => {
    const { session, adapter } = mockSession(chain, {
      proxy: { all: 'http://proxy.test:3128', no_proxy: 'b.test' },
    })
    await session.get('https://a.test/start')
    expect(adapter.contexts.map((c) => c.proxy)).toEqual([
      'http://proxy.test:3128',
      null,
      'http://proxy.test:3128',
    ])
  })

  it('a refused redirect sends nothing more', async () => {
    const { session, adapter } = mockSession(
      () => new Response(null, { status: 302, headers: { location: 'file:///etc/passwd' } }),
    )
    await expect(session.get('https://a.test/')).rejects.toThrow(/is not http: or https:/)
    expect(adapter.requests).toHaveLength(1)
  })
})
