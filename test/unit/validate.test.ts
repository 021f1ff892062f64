// Strict input: every option, setter, request init and saved field is checked when it is
// given, with one wording (`field: expected X, got Y`) and the field's path on the error.
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { CookieJar } from '../../src/cookies/index.ts'
import {
  ClosedSessionError,
  ConnectionError,
  InvalidURLError,
  SessionError,
  SessionStateError,
} from '../../src/errors.ts'
import { checkRequestInit } from '../../src/init.ts'
import { planRetry, resolveRetry } from '../../src/retry.ts'
import type { Session } from '../../src/session.ts'
import { sessionFromState } from '../../src/state/read.ts'
import type { SessionClassLike } from '../../src/state/schema.ts'
import { sessionToState } from '../../src/state/write.ts'
import { fieldOf, invalid, maxTimeout, tooDeep } from '../../src/util/validate.ts'
import { mockSession } from '../helpers/test-session.ts'

const echo = async (req: Request): Promise<Response> =>
  Response.json({
    url: req.url,
    headers: Object.fromEntries(req.headers),
    body: req.body ? await req.text() : null,
  })

/** The error a call throws or its promise rejects with. */
async function failure(call: () => unknown): Promise<unknown> {
  try {
    await call()
  } catch (error) {
    return error
  }
  return undefined
}

function classOf(session: Session): SessionClassLike<Session> {
  return session.constructor as unknown as SessionClassLike<Session>
}

/** The state of a plain session, as JSON would give it back. */
function plainState(): Record<string, unknown> {
  const { session } = mockSession()
  return JSON.parse(JSON.stringify(sessionToState(session))) as Record<string, unknown>
}

function restore(state: unknown): unknown {
  const { session } = mockSession()
  try {
    return sessionFromState(classOf(session), state)
  } catch (error) {
    return error
  }
}

describe('invalid(): the one wording', () => {
  it('names the field, what was expected and the type received, with the path on the error', () => {
    const error = invalid('options.retry.limit', 'a non-negative integer', 'x')
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toBe(
      'options.retry.limit: expected a non-negative integer, got string "x"',
    )
    expect(fieldOf(error)).toBe('options.retry.limit')
  })

  it('shows a number for a RangeError and keeps secrets out', () => {
    expect(invalid('timeout', 'at most 5', 9, { range: true })).toBeInstanceOf(RangeError)
    expect(invalid('timeout', 'at most 5', 9, { range: true }).message).toBe(
      'timeout: expected at most 5, got 9',
    )
    expect(invalid('auth.token', 'a token', 'hunter2', { secret: true }).message).not.toMatch(
      /hunter2/,
    )
  })

  it('no message in src/ uses another wording', async () => {
    const { readdirSync, readFileSync, statSync } = await import('node:fs')
    const { join } = await import('node:path')
    const files: string[] = []
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name)
        if (statSync(path).isDirectory()) walk(path)
        else if (path.endsWith('.ts')) files.push(path)
      }
    }
    walk('src')
    walk('platform')
    const offenders = files.filter((file) =>
      /must be [^`']*, received|, received \$\{|function describeType|function describe\(/.test(
        readFileSync(file, 'utf8').replace(/export function describeType/, ''),
      ),
    )
    expect(offenders).toEqual([])
  })
})

describe('session setters accept what the constructor accepts, or throw at the assignment', () => {
  it('headers = a record is sent', async () => {
    const { session } = mockSession(echo)
    session.headers = { 'x-a': 'b' }
    expect(session.headers).toBeInstanceOf(Headers)
    const body = await session.get('https://h.test/').json<{ headers: Record<string, string> }>()
    expect(body.headers['x-a']).toBe('b')
  })

  it('params = { a: 1 } is sent as a=1', async () => {
    const { session } = mockSession(echo)
    session.params = { a: 1 }
    expect(session.params).toBeInstanceOf(URLSearchParams)
    const body = await session.get('https://h.test/p').json<{ url: string }>()
    expect(body.url).toBe('https://h.test/p?a=1')
  })

  it("cookies = { a: '1' } makes a jar whose cookie is sent", async () => {
    const { session } = mockSession(echo)
    session.cookies = { a: '1' }
    expect(session.cookies).toBeInstanceOf(CookieJar)
    const body = await session.get('https://h.test/').json<{ headers: Record<string, string> }>()
    expect(body.headers.cookie).toBe('a=1')
  })

  it('cookies = a CookieJar is used as is', () => {
    const { session } = mockSession(echo)
    const jar = new CookieJar()
    session.cookies = jar
    expect(session.cookies).toBe(jar)
  })

  it('hooks = { response: [fn] } runs the hook', async () => {
    const { session } = mockSession(echo)
    let ran = 0
    session.hooks = { response: [() => void ran++] }
    await session.get('https://h.test/')
    expect(ran).toBe(1)
    expect(session.hooks.beforeRequest).toEqual([])
  })

  it.each<[string, (s: Session) => void, RegExp]>([
    ['headers', (s) => (s.headers = 5 as never), /^session\.headers: expected Headers/],
    ['headers', (s) => (s.headers = { 'x-a': 'a\r\nb' }), /^session\.headers\["x-a"\]: expected/],
    [
      'params',
      (s) => (s.params = { a: {} } as never),
      /^session\.params\["a"\]: expected a string/,
    ],
    ['cookies', (s) => (s.cookies = 5 as never), /^session\.cookies: expected a CookieJar/],
    [
      'cookies',
      (s) => (s.cookies = { a: 1 } as never),
      /^session\.cookies\["a"\]: expected a string/,
    ],
    [
      'hooks',
      (s) => (s.hooks = { onResponse: [] } as never),
      /^session\.hooks\.onResponse: expected a known hook/,
    ],
    [
      'hooks',
      (s) => (s.hooks = { response: [1] } as never),
      /^session\.hooks\.response\[0\]: expected a function/,
    ],
    [
      'trustEnv',
      (s) => (s.trustEnv = 'no' as never),
      /^session\.trustEnv: expected a boolean, got string/,
    ],
    [
      'tls',
      (s) => (s.tls = { verify: false } as never),
      /^session\.tls\.verify: expected a known TLS option/,
    ],
    ['tls', (s) => (s.tls = { ca: 1 } as never), /^session\.tls\.ca: expected PEM text/],
    [
      'sensitiveHeaders',
      (s) => (s.sensitiveHeaders = 'x' as never),
      /^session\.sensitiveHeaders: expected an array/,
    ],
    [
      'sensitiveHeaders',
      (s) => (s.sensitiveHeaders = ['bad\r\n']),
      /^session\.sensitiveHeaders\[0\]: expected a header name/,
    ],
    [
      'trustedOrigins',
      (s) => (s.trustedOrigins = ['not an origin']),
      /^session\.trustedOrigins\[0\]: expected an origin/,
    ],
    [
      'trustedOrigins',
      (s) => (s.trustedOrigins = ['https://a.test/path']),
      /^session\.trustedOrigins\[0\]: expected a bare origin/,
    ],
    [
      'credentials',
      (s) => (s.credentials = 'always' as never),
      /^session\.credentials: expected "omit", "same-origin" or "include"/,
    ],
    [
      'baseURL',
      (s) => (s.baseURL = 'localhost:8080'),
      /^session\.baseURL: expected an absolute http: or https: URL/,
    ],
    ['auth', (s) => (s.auth = 5 as never), /^session\.auth: expected/],
    ['timeout', (s) => (s.timeout = -1), /^session\.timeout: expected a non-negative/],
    [
      'maxRedirects',
      (s) => (s.maxRedirects = 1.5),
      /^session\.maxRedirects: expected a non-negative integer/,
    ],
    [
      'retry',
      (s) => (s.retry = 'x' as never),
      /^session\.retry: expected a number or a retry options object/,
    ],
    ['proxy', (s) => (s.proxy = 5 as never), /^session\.proxy: expected a proxy URL string/],
  ])('%s: a bad value throws at the assignment and changes nothing', (name, assign, message) => {
    const { session } = mockSession(echo, { baseURL: 'https://h.test/' })
    const before = (session as unknown as Record<string, unknown>)[name]
    const error = (() => {
      try {
        assign(session)
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(error instanceof TypeError || error instanceof RangeError).toBe(true)
    expect((error as Error).message).toMatch(message)
    expect(fieldOf(error)).toMatch(/^session\./)
    expect((session as unknown as Record<string, unknown>)[name]).toBe(before)
  })

  it('good values for the other setters are kept', () => {
    const { session } = mockSession(echo)
    session.trustEnv = false
    session.tls = { rejectUnauthorized: false }
    session.sensitiveHeaders = ['x-secret']
    session.trustedOrigins = ['https://sso.test']
    session.credentials = 'omit'
    expect([session.trustEnv, session.tls, session.credentials]).toEqual([
      false,
      { rejectUnauthorized: false },
      'omit',
    ])
    expect([session.sensitiveHeaders, session.trustedOrigins]).toEqual([
      ['x-secret'],
      ['https://sso.test'],
    ])
  })
})

describe('request init keys', () => {
  it.each<[Record<string, unknown>, RegExp]>([
    [
      { data: { a: 1 } },
      /^init\.data: expected a known request option, got object \(use json for JSON, form for a urlencoded form or body for raw bytes\)$/,
    ],
    [{ header: { a: '1' } }, /^init\.header: .*\(did you mean headers\?\)$/],
    [{ cookie: { a: '1' } }, /^init\.cookie: .*\(did you mean cookies\?\)$/],
    [{ query: { a: '1' } }, /^init\.query: .*\(did you mean params\?\)$/],
    [{ parms: { a: '1' } }, /^init\.parms: .*\(did you mean params\?\)$/],
    [{ allow_redirects: false }, /^init\.allow_redirects: .*\(did you mean allowRedirects\?\)$/],
    [{ timeOut: 5 }, /^init\.timeOut: .*\(did you mean timeout\?\)$/],
    [
      { proxies: { https: 'http://p.test:3128' } },
      /^init\.proxies: expected a known request option, got object \(did you mean proxy\?\)$/,
    ],
    [{ zzzzzz: 1 }, /^init\.zzzzzz: expected a known request option, got number$/],
    [
      { body: { a: 1 } },
      /^init\.body: expected a string, Blob, .*, got object \(send an object with json: \(JSON\) or form: \(urlencoded\)\)$/,
    ],
    [{ body: [1, 2] }, /^init\.body: expected a string, Blob/],
  ])('%j is a TypeError naming the key', async (init, message) => {
    const { session, adapter } = mockSession(echo)
    const error = await failure(() => session.post('https://h.test/', init as never))
    expect(error).toBeInstanceOf(TypeError)
    expect((error as Error).message).toMatch(message)
    expect(adapter.requests).toHaveLength(0)
  })

  it('s.fetch ignores unknown keys, as fetch does (ofetch passes its own options through)', async () => {
    const { session, adapter } = mockSession(echo)
    const onRequest = (): void => undefined
    const response = await session.fetch('https://h.test/', {
      method: 'POST',
      body: 'x',
      onRequest,
      next: { revalidate: 1 },
    } as never)
    expect(response.status).toBe(200)
    expect(adapter.requests).toHaveLength(1)
  })

  it('every documented key is accepted', () => {
    expect(() =>
      checkRequestInit({
        method: 'POST',
        headers: {},
        body: 'x',
        signal: null,
        credentials: 'omit',
        redirect: 'manual',
        duplex: 'half',
        params: {},
        auth: null,
        cookies: {},
        timeout: { total: 1, body: 1 },
        maxRedirects: 1,
        allowRedirects: true,
        hooks: {},
        retry: 0,
        proxy: null,
        raiseForStatus: true,
        maxResponseSize: 1,
        onDownloadProgress: () => undefined,
        onUploadProgress: () => undefined,
        keepalive: false,
        cache: 'no-store',
        mode: 'cors',
        referrer: '',
        referrerPolicy: 'no-referrer',
        integrity: '',
        priority: 'auto',
      }),
    ).not.toThrow()
  })

  it('bodies fetch takes are still sent', async () => {
    const { session } = mockSession(echo)
    for (const body of ['s', new URLSearchParams('a=1'), new Uint8Array([104]), new Blob(['b'])]) {
      await expect(session.post('https://h.test/', { body }).json()).resolves.toBeTruthy()
    }
  })
})

describe('baseURL: an absolute http(s) URL', () => {
  it.each([
    ['localhost:8080', /\(write http:\/\/localhost:8080 or https:\/\/localhost:8080\)/],
    ['javascript:alert(1)', /\(the scheme is javascript:\)/],
    ['file:///etc/', /\(the scheme is file:\)/],
    ['api', /expected an absolute http: or https: URL, got string "api"/],
  ])('%s is refused at construction and assignment', (baseURL, message) => {
    expect(() => mockSession(echo, { baseURL })).toThrow(message)
    const { session } = mockSession(echo)
    expect(() => (session.baseURL = baseURL)).toThrow(message)
    expect(session.baseURL).toBeUndefined()
  })

  it.each(['ftp://me:hunter2@h.test/', 'http://me:hunter2@bad host/'])(
    '%s is refused without its password in the message',
    (baseURL) => {
      expect(() => mockSession(echo, { baseURL })).toThrow(/^options\.baseURL: expected/)
      const error = (() => {
        try {
          mockSession(echo, { baseURL })
        } catch (e) {
          return e
        }
      })()
      expect(inspect(error)).not.toContain('hunter2')
    },
  )

  it('a request URL that cannot be parsed is refused without its password', async () => {
    const { session } = mockSession(echo)
    const error = await session.get('http://me:hunter2@bad host/').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidURLError)
    expect(inspect(error)).not.toContain('hunter2')
  })

  it('http and https bases are kept', () => {
    expect(mockSession(echo, { baseURL: 'http://localhost:8080' }).session.baseURL).toBe(
      'http://localhost:8080',
    )
  })
})

describe(`timeouts above ${maxTimeout} ms (a timer that would fire at once)`, () => {
  const tooLong = maxTimeout + 1

  it.each([tooLong, { total: tooLong }, { connect: tooLong }, { response: tooLong }])(
    'option %j is a RangeError',
    (timeout) => {
      expect(() => mockSession(echo, { timeout })).toThrow(RangeError)
      expect(() => mockSession(echo, { timeout })).toThrow(
        /^options\.timeout(\.\w+)?: expected at most 2147483647 ms .*, got 2147483648/,
      )
    },
  )

  it('the setter and the request init refuse it; the maximum itself is fine', async () => {
    const { session } = mockSession(echo)
    expect(() => (session.timeout = tooLong)).toThrow(RangeError)
    const error = await failure(() => session.get('https://h.test/', { timeout: tooLong }))
    expect(error).toBeInstanceOf(RangeError)
    expect(fieldOf(error)).toBe('init.timeout')
    session.timeout = maxTimeout
    await expect(session.get('https://h.test/', { timeout: maxTimeout })).resolves.toBeTruthy()
  })

  it('saved state with one is a SessionStateError at its path', () => {
    const state = plainState()
    state.timeout = { total: tooLong }
    const error = restore(state)
    expect(error).toBeInstanceOf(SessionStateError)
    expect((error as SessionStateError).path).toBe('timeout.total')
  })
})

describe('trustedOrigins and sensitiveHeaders are checked when given', () => {
  it.each<[Record<string, unknown>, RegExp]>([
    [{ trustedOrigins: ['not an origin'] }, /^options\.trustedOrigins\[0\]: expected an origin/],
    [
      { trustedOrigins: ['ftp://a.test'] },
      /^options\.trustedOrigins\[0\]: expected an http: or https: origin/,
    ],
    [{ sensitiveHeaders: ['bad\r\n'] }, /^options\.sensitiveHeaders\[0\]: expected a header name/],
    [
      { sensitiveHeaders: ['x-ok', 'x y'] },
      /^options\.sensitiveHeaders\[1\]: expected a header name/,
    ],
  ])('constructor: %j', (options, message) => {
    expect(() => mockSession(echo, options)).toThrow(message)
  })

  it.each<[string, unknown, string]>([
    ['trustedOrigins', ['not an origin'], 'trustedOrigins[0]'],
    ['sensitiveHeaders', ['x-ok', 'bad\r\n'], 'sensitiveHeaders[1]'],
  ])('fromJSON: %s %j fails at %s', (key, value, path) => {
    const state = plainState()
    state[key] = value
    const error = restore(state)
    expect(error).toBeInstanceOf(SessionStateError)
    expect((error as SessionStateError).path).toBe(path)
  })
})

describe('the state reader takes paths from error.field', () => {
  it('a proxy the session rejects is reported at its JSON path', () => {
    const state = plainState()
    state.proxy = { https: 'ftp://p.test' }
    const error = restore(state) as SessionStateError
    expect(error).toBeInstanceOf(SessionStateError)
    expect(error.path).toBe('proxy.https')
    expect(error.message).toMatch(
      /^proxy\.https: expected an http:, https:, socks5: or socks5h: proxy URL/,
    )
  })
})

describe('deep junk is named, not a stack overflow', () => {
  function deep(levels: number): unknown {
    let value: unknown = 1
    for (let i = 0; i < levels; i++) value = [value]
    return value
  }

  it('tooDeep finds the path; shared and cyclic objects are walked once', () => {
    expect(tooDeep({ a: [{ b: deep(40) }] }, 32)).toMatch(/^\.a\[0\]\.b(\[0\])+$/)
    expect(tooDeep({ a: deep(10) }, 32)).toBeUndefined()
    const shared: Record<string, unknown> = {}
    let node = shared
    for (let i = 0; i < 30; i++) node = node.x = node.y = {} as Record<string, unknown>
    expect(tooDeep(shared, 32)).toBeUndefined()
  })

  it('in a session state object', () => {
    const state = plainState()
    ;(state.cookies as { cookies: unknown[] }).cookies.push({ name: 'a', value: deep(200_000) })
    const error = restore(state) as SessionStateError
    expect(error).toBeInstanceOf(SessionStateError)
    expect(error.path).toMatch(/^cookies\.cookies\[0\]\.value\[0\]/)
    expect(error.message).toMatch(/nested more than 32 levels deep/)
  })

  it('in CookieJar.fromJSON', () => {
    const error = (() => {
      try {
        CookieJar.fromJSON({ version: 1, cookies: [{ name: deep(100_000) }] })
      } catch (e) {
        return e
      }
      return undefined
    })() as SessionStateError
    expect(error).toBeInstanceOf(SessionStateError)
    expect(error.path).toMatch(/^cookies\[0\]\.name\[0\]/)
  })
})

describe('a session closed while a request is in flight', () => {
  it('rejects with ClosedSessionError, not a plain TypeError', async () => {
    const { session, adapter } = mockSession(echo, {
      hooks: {
        beforeRequest: [
          async ({ session: s }) => {
            await s.close()
          },
        ],
      },
    })
    const error = await failure(() => session.get('https://h.test/'))
    expect(error).toBeInstanceOf(ClosedSessionError)
    expect(error).toBeInstanceOf(SessionError)
    expect(adapter.requests).toHaveLength(0)
  })
})

describe('retry delays never overflow a timer', () => {
  it(`a Retry-After of a year with maxDelay: Infinity waits ${maxTimeout} ms, not 1 ms`, () => {
    const retry = resolveRetry({ limit: 1, maxDelay: Infinity }, 'retry')
    const response = { status: 503, headers: new Headers({ 'retry-after': String(365 * 86400) }) }
    const outcome = { method: 'GET', bodyReplayable: true, response }
    expect(planRetry(1, outcome, retry, { now: 0, random: () => 0.5 })).toBe(maxTimeout)
    const backoff = resolveRetry({ limit: 60, backoff: 1000, maxDelay: Infinity }, 'retry')
    const error = { method: 'GET', bodyReplayable: true, error: new ConnectionError('reset') }
    expect(planRetry(60, error as never, backoff, { now: 0, random: () => 0.9 })).toBe(maxTimeout)
  })
})

describe('settings the platform cannot honour', () => {
  it('carry their field, so saved state names the path', () => {
    const error = (() => {
      try {
        mockSession(echo, { proxy: 'http://p.test:1' }, { proxy: false })
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(TypeError)
    expect(fieldOf(error)).toBe('options.proxy')
    expect((error as Error).message).toBe('options.proxy: the test platform cannot use a proxy')
  })
})

describe('settings fixed at construction', () => {
  it.each(['connections', 'allowH2', 'adapters', 'closed'])(
    'assigning %s throws instead of being ignored',
    (name) => {
      const { session } = mockSession(echo, { connections: 4 })
      expect(() => {
        ;(session as unknown as Record<string, unknown>)[name] = 1
      }).toThrow(TypeError)
      expect(session.connections).toBe(4)
    },
  )
})
