// issue 5 item 2: Session.fromJSON(JSON.parse(JSON.stringify(s))) sends the same requests as s,
// property-tested over generated sessions and jars: through a mounted recording adapter (every
// transport setting the adapter sees is compared too) and through a real loopback server.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Adapter, AdapterContext, SessionOptions } from '../../src/index.ts'
import { Session } from '../../platform/node.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

const name = fc.stringMatching(/^[a-z][a-z0-9_-]{0,7}$/)
const ascii = (maxLength: number): fc.Arbitrary<string> => fc.string({ maxLength })
const unicode = (maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: 'grapheme', maxLength })
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.option(arb, { nil: undefined })

const auth = fc.oneof(
  fc.constant(null),
  fc.tuple(ascii(10), ascii(10)),
  fc.record({ type: fc.constant('basic' as const), username: unicode(8), password: unicode(8) }),
  fc.record({ type: fc.constant('bearer' as const), token: ascii(24).map((t) => t.trim() || 't') }),
)

const timeout = fc.oneof(
  fc.integer({ min: 5_000, max: 60_000 }),
  fc.record(
    {
      connect: fc.integer({ min: 5_000, max: 60_000 }),
      response: fc.integer({ min: 5_000, max: 60_000 }),
      total: fc.integer({ min: 5_000, max: 60_000 }),
    },
    { requiredKeys: [] },
  ),
)

const retry = fc.oneof(
  fc.integer({ min: 0, max: 3 }),
  fc.record(
    {
      limit: fc.integer({ min: 0, max: 3 }),
      statusCodes: fc.subarray([429, 500, 502, 503]),
      methods: fc.subarray(['GET', 'PUT', 'DELETE']),
      backoff: fc.integer({ min: 0, max: 10 }),
      respectRetryAfter: fc.boolean(),
    },
    { requiredKeys: [] },
  ),
)

interface CookieSpec {
  name: string
  value: string
  host: string
  path: string
  domain: boolean
  maxAge: number | undefined
  secure: boolean
  httpOnly: boolean
  sameSite: string | undefined
  wildcard: boolean
}

const cookie = (hosts: readonly string[]): fc.Arbitrary<CookieSpec> =>
  fc.record({
    name,
    value: fc.stringMatching(/^[A-Za-z0-9!#$%&'()*+\-./:<=>?@[\]^_`{|}~]{0,12}$/),
    host: fc.constantFrom(...hosts),
    path: fc.constantFrom('/', '/a', '/a/b'),
    domain: fc.boolean(),
    maxAge: maybe(fc.integer({ min: 60, max: 10_000_000 })),
    secure: fc.boolean(),
    httpOnly: fc.boolean(),
    sameSite: maybe(fc.constantFrom('Lax', 'Strict', 'None')),
    wildcard: fc.boolean(),
  })

function fillJar(session: Session, cookies: CookieSpec[], scheme: string, port = ''): void {
  for (const c of cookies) {
    if (c.wildcard) {
      // requests' RequestsCookieJar.set(): no domain, sent to every host.
      session.cookies.set(c.name, c.value, { path: c.path })
      continue
    }
    let header = `${c.name}=${c.value}; Path=${c.path}`
    if (c.domain) header += `; Domain=${c.host.replace(/^sub\./, '')}`
    if (c.maxAge !== undefined) header += `; Max-Age=${c.maxAge}`
    if (c.secure) header += '; Secure'
    if (c.httpOnly) header += '; HttpOnly'
    if (c.sameSite) header += `; SameSite=${c.sameSite}`
    session.cookies.setCookie(header, `${scheme}://${c.host}${port}/`)
  }
}

const settings = {
  headers: fc.array(
    fc.tuple(
      name.map((n) => `x-${n}`),
      ascii(16).map((v) => v.trim()),
    ),
    {
      maxLength: 5,
    },
  ),
  params: fc.array(fc.tuple(unicode(6), unicode(6)), { maxLength: 4 }),
  auth,
  timeout: maybe(timeout),
  maxRedirects: fc.integer({ min: 0, max: 40 }),
  retry,
  sensitiveHeaders: fc.array(
    name.map((n) => `x-${n}`),
    { maxLength: 2 },
  ),
  trustedOrigins: fc.array(fc.constantFrom('https://h.test', 'https://other.test'), {
    maxLength: 2,
  }),
  // `credentials` is the browser's (Node refuses it); its round trip is in test/unit/state-session.test.ts.
  connections: maybe(fc.integer({ min: 1, max: 16 })),
  allowH2: fc.boolean(),
}

interface RequestSpec {
  method: string
  target: string
  json: boolean
}

const requests = (targets: readonly string[]): fc.Arbitrary<RequestSpec[]> =>
  fc.array(
    fc.record({
      method: fc.constantFrom('GET', 'POST', 'DELETE', 'PATCH'),
      target: fc.constantFrom(...targets),
      json: fc.boolean(),
    }),
    { minLength: 1, maxLength: 4 },
  )

/** Sends each request; records what happened (the adapter or server records what was sent). */
async function sendAll(session: Session, specs: RequestSpec[]): Promise<unknown[]> {
  const outcomes: unknown[] = []
  for (const spec of specs) {
    try {
      const r = await session.request(
        spec.method,
        spec.target,
        spec.json ? { json: { n: 1, s: 'é' } } : {},
      )
      outcomes.push({ status: r.status, url: r.url, body: await r.text() })
    } catch (error) {
      outcomes.push({ error: (error as Error).name, message: (error as Error).message })
    }
  }
  return outcomes
}

/** Records every request and the transport settings it came with. */
class Recorder implements Adapter {
  readonly seen: unknown[] = []
  async fetch(request: Request, ctx: AdapterContext): Promise<Response> {
    this.seen.push({
      method: request.method,
      url: request.url,
      headers: [...request.headers],
      body: await request.text(),
      proxy: ctx.proxy,
      timeout: ctx.timeout,
      tls: ctx.tls,
      credentials: ctx.credentials,
      redirect: ctx.redirect,
    })
    return new Response('ok', { headers: { 'set-cookie': 'seen=1; Path=/' } })
  }
}

describe('round trips through a recording adapter', () => {
  it('the restored session sends the same requests with the same transport settings', async () => {
    const hosts = ['h.test', 'sub.h.test', 'other.test']
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          ...settings,
          baseURL: maybe(
            fc.constantFrom('https://h.test/', 'https://sub.h.test/a/', 'http://h.test/'),
          ),
          proxy: fc.constantFrom<SessionOptions['proxy']>(undefined, null, 'http://p.test:3128', {
            https: 'http://u:pw@p.test:1080',
            no_proxy: 'localhost,.internal',
          }),
          trustEnv: fc.boolean(),
          tls: maybe(
            fc.record(
              {
                ca: fc.constant(['/etc/ca.pem']).map((ca) => [...ca]),
                cert: fc.constant('/etc/me.pem'),
                key: fc.constant('/etc/me.key'),
                rejectUnauthorized: fc.boolean(),
              },
              { requiredKeys: [] },
            ),
          ),
        }),
        fc.array(cookie(hosts), { maxLength: 8 }),
        requests([
          '',
          'a',
          'a/b?x=1',
          '/a/b/c',
          'https://sub.h.test/a/b',
          'https://other.test/',
          'http://h.test/a',
        ]),
        async (options, cookies, specs) => {
          const original = new Session(options)
          fillJar(original, cookies, 'https')
          const a = new Recorder()
          original.mount('https://', a)
          original.mount('http://', a)

          const text = JSON.stringify(original)
          const b = new Recorder()
          const restored = Session.fromJSON(JSON.parse(text) as never, {
            adapters: { 'https://': b, 'http://': b },
          })
          expect(JSON.stringify(restored)).toBe(text)
          expect(await sendAll(restored, specs)).toEqual(await sendAll(original, specs))
          expect(b.seen).toEqual(a.seen)
        },
      ),
      { numRuns: 150 },
    )
  })
})

describe('round trips against a loopback server', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(async () => {
    await server.close()
  })

  it('the server receives the same requests from the restored session', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ ...settings, trustEnv: fc.constant(false), proxy: fc.constant(null) }),
        fc.array(cookie(['127.0.0.1']), { maxLength: 6 }),
        requests([
          'echo',
          '/echo?x=1',
          'cookies',
          '/cookies/set?fresh=1',
          '/redirect/302?to=/echo',
          '/status/404',
        ]),
        async (options, cookies, specs) => {
          const original = new Session({ ...options, baseURL: `${server.origin}/` })
          fillJar(original, cookies, 'http', `:${server.port}`)
          const restored = Session.fromJSON(JSON.parse(JSON.stringify(original)) as never)

          const start = server.log.length
          const fromOriginal = await sendAll(original, specs)
          const middle = server.log.length
          const fromRestored = await sendAll(restored, specs)
          expect(fromRestored).toEqual(fromOriginal)
          const strip = (entries: TestServer['log']): unknown[] =>
            entries.map(({ method, url, headers }) => ({ method, url, headers }))
          expect(strip(server.log.slice(middle))).toEqual(strip(server.log.slice(start, middle)))
          await Promise.all([original.close(), restored.close()])
        },
      ),
      { numRuns: 25 },
    )
  })
})
