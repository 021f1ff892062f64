import { describe, expect, it } from 'vitest'
import { CookieJar } from '../../src/cookies/index.ts'
import { SessionStateError } from '../../src/errors.ts'
import type { Session } from '../../src/session.ts'
import { sessionFromState } from '../../src/state/read.ts'
import type { SessionClassLike } from '../../src/state/schema.ts'
import { sessionToState } from '../../src/state/write.ts'
import type { AuthHandler, BeforeRequestHook } from '../../src/types.ts'
import { MockAdapter } from '../helpers/mock-adapter.ts'
import { mockSession } from '../helpers/test-session.ts'

const day = 24 * 60 * 60 * 1000

function classOf(session: Session): SessionClassLike<Session> {
  return session.constructor as unknown as SessionClassLike<Session>
}

/** A round trip through JSON text, the way a file or a store sees it. */
function roundTrip(session: Session, extras?: Parameters<typeof sessionFromState>[2]): Session {
  const text = JSON.stringify(sessionToState(session))
  return sessionFromState(classOf(session), JSON.parse(text), extras)
}

/** What arrived at the transport for one request, in a comparable form. */
async function sent(session: Session, url: string): Promise<Record<string, unknown>> {
  const adapter = new MockAdapter()
  session.mount('https://', adapter)
  await session.get(url)
  const r = adapter.requests.at(-1)!
  return { method: r.method, url: r.url, headers: [...r.headers] }
}

function configured(): Session {
  const { session } = mockSession(undefined, {
    baseURL: 'https://api.example/v1/',
    headers: { accept: 'application/json', 'x-multi': ['a', 'b'] },
    params: [
      ['tag', 'a'],
      ['tag', 'b'],
    ],
    auth: ['sharat', 'pa:ss wörd'],
    timeout: { connect: 500, total: 4000 },
    maxRedirects: 3,
    retry: { limit: 2, statusCodes: [503] },
    proxy: { https: 'http://user:secret@proxy.test:3128', no_proxy: 'localhost' },
    trustEnv: false,
    tls: { ca: ['/etc/ca.pem'], cert: '/etc/me.pem', key: '/etc/me.key' },
    sensitiveHeaders: ['x-api-key'],
    trustedOrigins: ['https://login.example'],
    credentials: 'same-origin',
    connections: 4,
    allowH2: true,
  })
  session.cookies.setCookie('sid=abc; Path=/; Secure; HttpOnly', 'https://api.example/login')
  session.cookies.setCookie(`pref=dark; Max-Age=${30 * 24 * 3600}`, 'https://api.example/')
  return session
}

describe('sessionToState', () => {
  it('writes every setting as plain JSON, with the tuple auth tagged as basic', () => {
    const state = sessionToState(configured())
    expect(state).toMatchObject({
      version: 1,
      baseURL: 'https://api.example/v1/',
      headers: [
        ['accept', 'application/json'],
        ['x-multi', 'a, b'],
      ],
      params: [
        ['tag', 'a'],
        ['tag', 'b'],
      ],
      auth: { type: 'basic', username: 'sharat', password: 'pa:ss wörd' },
      timeout: { connect: 500, total: 4000 },
      maxRedirects: 3,
      retry: { limit: 2, statusCodes: [503] },
      proxy: { https: 'http://user:secret@proxy.test:3128', no_proxy: 'localhost' },
      trustEnv: false,
      tls: { ca: ['/etc/ca.pem'], cert: '/etc/me.pem', key: '/etc/me.key' },
      sensitiveHeaders: ['x-api-key'],
      trustedOrigins: ['https://login.example'],
      credentials: 'same-origin',
      connections: 4,
      allowH2: true,
      omitted: [],
    })
    expect((state.cookies as { cookies: { name: string }[] }).cookies.map((c) => c.name)).toEqual([
      'sid',
      'pref',
    ])
    expect(JSON.parse(JSON.stringify(state))).toEqual(state)
  })

  it('writes unset settings as null, and a direct proxy (null) as false', () => {
    const { session } = mockSession()
    const state = sessionToState(session)
    expect(state).toMatchObject({
      baseURL: null,
      auth: null,
      timeout: null,
      proxy: null,
      tls: null,
    })
    session.proxy = null
    expect(sessionToState(session).proxy).toBe(false)
  })

  it('saves a repeated header joined the way it restores (fast-check counterexample)', async () => {
    // Headers joins "" and "" as ", ", which append() would store as ",".
    const { session } = mockSession(undefined, {
      headers: [
        ['x-c', ''],
        ['x-c', ''],
        ['x-d', 'a'],
        ['x-d', ''],
      ],
    })
    const state = sessionToState(session)
    expect(state.headers).toEqual([
      ['x-c', ','],
      ['x-d', 'a,'],
    ])
    const restored = roundTrip(session)
    expect(sessionToState(restored).headers).toEqual(state.headers)
    expect(await sent(restored, 'https://api.example/')).toEqual(
      await sent(session, 'https://api.example/'),
    )
  })

  it('treats the property name JSON.stringify passes as "no options"', () => {
    const session = configured()
    expect(sessionToState(session, 'session')).toEqual(sessionToState(session))
  })

  it('lists hooks, handler auth and mounted adapters in omitted', () => {
    const { session } = mockSession()
    const handler: AuthHandler = (r) => r
    session.auth = handler
    session.hooks.response.push(
      () => undefined,
      () => undefined,
    )
    session.hooks.beforeRequest.push(() => undefined)
    session.mount('https://x.test/', new MockAdapter())
    const state = sessionToState(session)
    expect(state.auth).toBeNull()
    expect(state.omitted).toEqual([
      'hooks.beforeRequest[0]',
      'hooks.response[0]',
      'hooks.response[1]',
      'adapters["https://x.test/"]',
      'auth',
    ])
  })

  it('lists the progress and debug handlers in omitted (functions are never saved)', () => {
    const { session } = mockSession()
    session.onDownloadProgress = () => undefined
    session.onUploadProgress = () => undefined
    session.debug = () => undefined
    expect(sessionToState(session).omitted).toEqual([
      'onDownloadProgress',
      'onUploadProgress',
      'debug',
    ])
    session.debug = true
    expect(sessionToState(session).omitted).toEqual(['onDownloadProgress', 'onUploadProgress'])
  })

  it('secrets: false leaves out auth, proxy and URL userinfo, the TLS key and credential headers (Cookie too)', () => {
    const session = configured()
    session.headers.set('authorization', 'Bearer t')
    session.headers.set('x-api-key', 'k')
    // A default Cookie header is a credential too (the same list the redirect follower strips).
    session.headers.set('cookie', 'sid=secret')
    session.baseURL = 'https://me:pw@api.example/v1/'
    const state = sessionToState(session, { secrets: false })
    expect(state.auth).toBeNull()
    expect(state.proxy).toEqual({ https: 'http://proxy.test:3128/', no_proxy: 'localhost' })
    expect(state.baseURL).toBe('https://api.example/v1/')
    expect(state.tls).toEqual({ ca: ['/etc/ca.pem'], cert: '/etc/me.pem' })
    expect(state.headers.map(([name]) => name)).toEqual(['accept', 'x-multi'])
    expect(state.omitted).toEqual([
      'auth',
      'headers["authorization"]',
      'headers["cookie"]',
      'headers["x-api-key"]',
      'baseURL credentials',
      'proxy.https credentials',
      'tls.key',
    ])
    // Cookies stay: they are the login, and the reason saved state is a credential.
    expect((state.cookies as { cookies: unknown[] }).cookies).toHaveLength(2)
    expect(JSON.stringify(state)).not.toMatch(/secret|pw@|me\.key|Bearer|sharat/)
  })

  it('strips userinfo from a proxy given as one string', () => {
    const { session } = mockSession(undefined, { proxy: 'http://u:p@proxy.test:8080' })
    const state = sessionToState(session, { secrets: false })
    expect(state.proxy).toBe('http://proxy.test:8080/')
    expect(state.omitted).toEqual(['proxy credentials'])
  })

  it.each<[string, unknown, string]>([
    ['a number', 1, 'toJSON(options): expected an object, got number'],
    ['null', null, 'toJSON(options): expected an object, got null'],
    [
      'secrets as a string',
      { secrets: 'no' },
      'toJSON(options).secrets: expected a boolean, got string "no"',
    ],
  ])('rejects %s as options with a TypeError', (_, options, message) => {
    expect(() => sessionToState(configured(), options as never)).toThrow(TypeError)
    expect(() => sessionToState(configured(), options as never)).toThrow(message)
  })
})

describe('sessionFromState', () => {
  it('restores a session that sends exactly the same requests', async () => {
    const session = configured()
    const restored = roundTrip(session)
    expect(restored.constructor).toBe(session.constructor)
    expect(sessionToState(restored)).toEqual(sessionToState(session))
    for (const url of ['users?page=2', 'https://api.example/', '/other']) {
      expect(await sent(restored, url)).toEqual(await sent(session, url))
    }
  })

  it('keeps raiseForStatus and maxResponseSize; a document without them reads as the defaults', () => {
    const { session } = mockSession(undefined, { raiseForStatus: true, maxResponseSize: 1024 })
    const restored = roundTrip(session)
    expect(restored.raiseForStatus).toBe(true)
    expect(restored.maxResponseSize).toBe(1024)
    const older: Record<string, unknown> = { ...sessionToState(session) }
    delete older.raiseForStatus
    delete older.maxResponseSize
    const cls = session.constructor as SessionClassLike<Session>
    const read = sessionFromState(cls, older)
    expect(read.raiseForStatus).toBe(false)
    expect(read.maxResponseSize).toBeUndefined()
  })

  it('keeps proxy null (direct) apart from unset (environment)', () => {
    const { session } = mockSession(undefined, { proxy: null })
    expect(roundTrip(session).proxy).toBeNull()
    const { session: unset } = mockSession()
    expect(roundTrip(unset).proxy).toBeUndefined()
  })

  it('restores bearer auth and the jar options', () => {
    const { session } = mockSession(undefined, {
      auth: { type: 'bearer', token: 'tok' },
      cookies: new CookieJar({ rejectPublicSuffixes: false }),
    })
    const restored = roundTrip(session)
    expect(restored.auth).toEqual({ type: 'bearer', token: 'tok' })
    expect(restored.cookies.toJSON().options.rejectPublicSuffixes).toBe(false)
  })

  it('takes hooks, a handler auth and adapters back through extras', async () => {
    const { session } = mockSession()
    session.auth = (r) => r
    const calls: string[] = []
    const hook: BeforeRequestHook = ({ request }) => {
      calls.push(request.url)
    }
    const adapter = new MockAdapter(() => new Response('from adapter'))
    const auth: AuthHandler = (request) => {
      const r = new Request(request)
      r.headers.set('x-key', 'k')
      return r
    }
    const restored = roundTrip(session, {
      hooks: { beforeRequest: [hook] },
      auth,
      adapters: { 'https://x.test/': adapter },
    })
    const response = await restored.get('https://x.test/a')
    await expect(response.text()).resolves.toBe('from adapter')
    expect(calls).toEqual(['https://x.test/a'])
    expect(adapter.requests[0]!.headers.get('x-key')).toBe('k')
    expect([...restored.adapters.keys()]).toEqual(['https://x.test/'])
  })

  it('accepts adapters as a Map', () => {
    const { session } = mockSession()
    const adapter = new MockAdapter()
    const restored = roundTrip(session, { adapters: new Map([['https://m.test/', adapter]]) })
    expect(restored.adapters.get('https://m.test/')).toBe(adapter)
  })

  it('lets extras.auth: null remove the saved auth', () => {
    const restored = roundTrip(configured(), { auth: null })
    expect(restored.auth).toBeNull()
  })

  it('drops cookies that expired while the state was saved', () => {
    const session = configured()
    const state = sessionToState(session)
    const jar = state.cookies as { cookies: { name: string; expires: number | null }[] }
    jar.cookies[1]!.expires = Date.now() - day
    const restored = sessionFromState(classOf(session), state)
    expect([...restored.cookies].map((c) => c.name)).toEqual(['sid'])
  })

  it.each<[string, (s: Record<string, unknown>) => void, string, RegExp]>([
    [
      'a cookie whose expires is a string',
      (s) => {
        ;(s.cookies as { cookies: Record<string, unknown>[] }).cookies[0]!.expires = 'tomorrow'
      },
      'cookies.cookies[0].expires',
      /^cookies\.cookies\[0\]\.expires: expected /,
    ],
    [
      'a cookie whose path is not absolute',
      (s) => {
        ;(s.cookies as { cookies: Record<string, unknown>[] }).cookies[1]!.path = 'docs'
      },
      'cookies.cookies[1].path',
      /^cookies\.cookies\[1\]\.path: expected a path starting with "\/"/,
    ],
    ['a jar of the wrong type', (s) => (s.cookies = []), 'cookies', /^cookies: /],
    [
      'a proxy URL the session rejects',
      (s) => (s.proxy = { https: 'ftp://proxy.test' }),
      'proxy.https',
      /^proxy\.https/,
    ],
    ['a baseURL that is not absolute', (s) => (s.baseURL = 'api'), 'baseURL', /absolute URL/],
    [
      'a bearer token the auth rules reject',
      (s) => (s.auth = { type: 'bearer', token: 'a\r\nb' }),
      'auth.token',
      /^auth\.token: expected a token without CR or LF, got a string of 4 characters$/,
    ],
  ])('rejects %s with a SessionStateError naming the path', (_, patch, path, message) => {
    const session = configured()
    const state = JSON.parse(JSON.stringify(sessionToState(session))) as Record<string, unknown>
    patch(state)
    let caught: unknown
    try {
      sessionFromState(classOf(session), state)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(SessionStateError)
    expect((caught as SessionStateError).path).toBe(path)
    expect((caught as Error).message).toMatch(message)
  })

  it.each<[string, unknown, string]>([
    ['a string', 'x', 'fromJSON(extras): expected an object, got string "x"'],
    [
      'hooks as an array',
      { hooks: [] },
      'fromJSON(extras).hooks: expected an object, got array of length 0',
    ],
    [
      'adapters as a string',
      { adapters: 'x' },
      'fromJSON(extras).adapters: expected a Map or an object, got string "x"',
    ],
  ])('rejects extras that are %s with a TypeError', (_, extras, message) => {
    const session = configured()
    expect(() =>
      sessionFromState(classOf(session), sessionToState(session), extras as never),
    ).toThrow(Object.assign(new TypeError(message), { field: message.split(':')[0] }))
  })
})
