// Whatever the constructor accepts, toJSON writes and fromJSON reads back: for each saved option,
// its edge values, a round trip through JSON text and through a store.
import { describe, expect, it } from 'vitest'
import { CookieJar } from '../../src/cookies/index.ts'
import type { Session } from '../../src/session.ts'
import { sessionFromState } from '../../src/state/read.ts'
import type { SessionClassLike } from '../../src/state/schema.ts'
import { loadSession, MemoryStore, saveSession } from '../../src/state/store.ts'
import type { SessionOptions } from '../../src/types.ts'
import { maxTimeout } from '../../src/util/validate.ts'
import { mockSession } from '../helpers/test-session.ts'

const max = Number.MAX_SAFE_INTEGER

/** Every saved option with values at its edges that the constructor accepts. */
const edges: Record<string, unknown[]> = {
  baseURL: ['http://a.example', 'https://a.example:8443/p/?q#f', new URL('https://x.example/')],
  headers: [
    { 'x-a': ' v ' },
    [
      ['a', '1'],
      ['a', '2'],
    ],
    { x: '' },
    { x: 'caf\u00e9' },
  ],
  params: [{ a: ['1', '2'] }, 'a=1&a=2&b', { '': '' }],
  auth: [
    null,
    ['', ''],
    ['u:x', 'p\u00e9'],
    { type: 'bearer', token: '' },
    { type: 'basic', username: 'u', password: 'p' },
    { type: 'digest', username: 'u', password: 'p' },
  ],
  cookies: [
    { a: 'b' },
    new CookieJar({ maxCookies: Infinity, maxCookiesPerDomain: Infinity }),
    new CookieJar({ rejectPublicSuffixes: false }),
  ],
  timeout: [null, 0, maxTimeout, {}, { connect: 0, response: maxTimeout, total: 1, body: 2 }],
  maxRedirects: [0, max],
  retry: [
    null,
    0,
    max,
    { limit: max, backoff: 0, maxDelay: Infinity },
    { backoff: Infinity },
    { maxDelay: 1e300, backoff: Number.MIN_VALUE },
    { methods: new Set(['get', 'PATCH']), statusCodes: new Set([100, 599]) },
    { methods: [], statusCodes: [], respectRetryAfter: false },
  ],
  proxy: [
    null,
    undefined,
    'http://u:p@127.0.0.1:9',
    { https: 'http://127.0.0.1:1', http: null, no_proxy: 'a.example,b' },
    {},
  ],
  trustEnv: [true, false],
  tls: [{}, { ca: ['a', 'b'], cert: 'c', key: 'k', rejectUnauthorized: false }, { ca: 'x' }],
  sensitiveHeaders: [[], ['X-Api-Key', "!#$%&'*+-.^_`|~"]],
  trustedOrigins: [[], ['https://a.example:8443', 'http://[::1]:3000', 'HTTPS://A.EXAMPLE']],
  credentials: ['omit', 'same-origin', 'include'],
  connections: [0, 1, max],
  allowH2: [true, false],
  raiseForStatus: [true, false],
  maxResponseSize: [0, max],
}

const cases = Object.entries(edges).flatMap(([option, values]) =>
  values.map((value) => [option, value] as const),
)

function make(options: SessionOptions): Session {
  return mockSession(undefined, options).session
}
const cls = (s: Session): SessionClassLike<Session> =>
  s.constructor as unknown as SessionClassLike<Session>

describe('every value the constructor accepts round-trips', () => {
  it('the table covers every saved option', () => {
    const saved = Object.keys(make({}).toJSON()).filter((k) => k !== 'version' && k !== 'omitted')
    expect(Object.keys(edges).sort()).toEqual(saved.sort())
  })

  it.each(cases)('%s: %o', async (option, value) => {
    const s = make({
      [option]: value,
      ...(option === 'cookies' ? { baseURL: 'https://a.example' } : {}),
    })
    if (value instanceof CookieJar) value.set('c', 'v', { domain: 'a.example' })
    const state = s.toJSON()
    const text = JSON.stringify(state)
    const again = sessionFromState(cls(s), text)
    expect(JSON.stringify(again.toJSON())).toBe(text)
    for (const name of [
      'retry',
      'timeout',
      'proxy',
      'tls',
      'maxRedirects',
      'connections',
    ] as const) {
      expect(again[name]).toEqual(s[name])
    }
    // And through a store: save never writes what load refuses.
    const store = new MemoryStore()
    await saveSession(s, store, 'k')
    const loaded = await loadSession(cls(s), store, 'k')
    expect(JSON.stringify(loaded?.toJSON())).toBe(text)
  })

  it('an Infinity delay (no cap) is saved as null and read back as Infinity', () => {
    const s = make({ retry: { limit: 2, maxDelay: Infinity, backoff: Infinity } })
    const state = s.toJSON()
    expect(state.retry).toEqual({ limit: 2, maxDelay: null, backoff: null })
    const again = sessionFromState(cls(s), JSON.stringify(state))
    expect(again.retry).toEqual({ limit: 2, maxDelay: Infinity, backoff: Infinity })
  })

  it.each([
    ['maxRedirects', 2 ** 53],
    ['connections', 1e300],
    ['maxResponseSize', 2 ** 53],
  ])(
    '%s beyond a safe integer (%d) is refused when given, as state would refuse it',
    (option, value) => {
      expect(() => make({ [option]: value })).toThrow(RangeError)
    },
  )
})

describe('a subclass of Session', () => {
  it('saves without its own constructor being run: the runtime class reads the state back', async () => {
    const { Session: NodeSession } = await import('../../platform/node.ts')
    let built = 0
    class TokenSession extends NodeSession {
      constructor(token: string) {
        super({ auth: { type: 'bearer', token } })
        built++
      }
    }
    const s = new TokenSession('abc')
    const text = JSON.stringify(s)
    JSON.stringify(s)
    expect(built).toBe(1)
    expect(NodeSession.fromJSON(text).auth).toEqual({ type: 'bearer', token: 'abc' })
  })
})
