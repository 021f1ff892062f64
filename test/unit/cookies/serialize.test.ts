import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  CookieJar,
  splitSetCookie,
  type Cookie,
  type CookieJarState,
} from '../../../src/cookies/index.ts'
import { SessionStateError } from '../../../src/errors.ts'
import { cookieRecord } from '../../helpers/cookie-record.ts'

const FUTURE = Date.UTC(2031, 0, 1)

const label = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/)
// Cookies a server could have set: a registrable domain (not a public suffix such as `a.jm`)
// and no `__Host-` prefix without its demands.
const domain = fc.array(label, { minLength: 1, maxLength: 2 }).map((l) => `${l.join('.')}.test`)
const name = fc
  .stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,8}$/)
  .filter((n) => !/^__host-/i.test(n))
const value = fc.stringMatching(/^[A-Za-z0-9!#$%&'()*+./:<>?@[\]^_`{|}~-]{0,10}$/)
const path = fc
  .array(fc.stringMatching(/^[a-z0-9]{1,4}$/), { maxLength: 3 })
  .map((s) => `/${s.join('/')}`)
// Whole seconds, so that the Netscape form (seconds) is exact too.
const expires = fc.option(
  fc.integer({ min: 1, max: 3_000_000 }).map((s) => FUTURE + s * 1000),
  {
    nil: null,
  },
)
const cookieState = fc.record({
  name,
  value,
  domain,
  path,
  expires,
  secure: fc.boolean(),
  httpOnly: fc.boolean(),
  hostOnly: fc.boolean(),
  sameSite: fc.constantFrom(undefined, 'strict', 'lax', 'none'),
  creationTime: fc.integer({ min: 1_600_000_000_000, max: 1_700_000_000_000 }),
  lastAccessTime: fc.integer({ min: 1_700_000_000_000, max: 1_750_000_000_000 }),
})

/** Drops duplicates of identity (later wins, as the jar does) and sorts by creation. */
function canonical(cookies: Record<string, unknown>[]): Record<string, unknown>[] {
  const byId = new Map<string, Record<string, unknown>>()
  for (const c of cookies) byId.set(`${c.name}\t${c.domain}\t${c.path}\t${c.hostOnly}`, c)
  return [...byId.values()]
    .map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)))
    .sort((a, b) => (a.creationTime as number) - (b.creationTime as number))
}

function stateOf(cookies: Record<string, unknown>[]): CookieJarState {
  return {
    version: 1,
    options: {
      rejectPublicSuffixes: true,
      maxCookies: null,
      maxCookiesPerDomain: null,
      allowNameless: false,
    },
    cookies: cookies as unknown as CookieJarState['cookies'],
  }
}

describe('toJSON / fromJSON', () => {
  it('round-trips losslessly: creation order, host-only flag, expiry, last access (property)', () => {
    fc.assert(
      fc.property(fc.array(cookieState, { maxLength: 12 }), (cookies) => {
        const expected = canonical(cookies)
        const jar = CookieJar.fromJSON(stateOf(cookies))
        const json = jar.toJSON()
        expect(json.cookies).toEqual(expected)
        // …and again through a JSON string.
        const again = CookieJar.fromJSON(JSON.stringify(jar))
        expect(again.toJSON()).toEqual(json)
      }),
      { numRuns: 150 },
    )
  })

  it('keeps the jar options, with Infinity written as null', () => {
    const jar = new CookieJar({
      rejectPublicSuffixes: false,
      maxCookies: Infinity,
      maxCookiesPerDomain: 70,
      allowNameless: true,
    })
    expect(jar.toJSON().options).toEqual({
      rejectPublicSuffixes: false,
      maxCookies: null,
      maxCookiesPerDomain: 70,
      allowNameless: true,
    })
    const again = CookieJar.fromJSON(jar.toJSON())
    expect(again.toJSON().options).toEqual(jar.toJSON().options)
    expect(again.setCookie('a=1; Domain=com', 'http://example.com/')).not.toBeNull() // PSL off
    expect(again.setCookie('nameless', 'http://example.com/')).not.toBeNull()
  })

  it('restored cookies keep working: sent, replaced with their creation time, expired', () => {
    const jar = new CookieJar()
    jar.setCookie('a=1; Max-Age=600', 'https://example.com/x', { now: new Date(FUTURE) })
    const copy = CookieJar.fromJSON(JSON.stringify(jar))
    expect(copy.getCookieString('https://example.com/x', { now: new Date(FUTURE + 1) })).toBe('a=1')
    const replaced = copy.setCookie('a=2', 'https://example.com/x', { now: new Date(FUTURE + 2) })
    expect(replaced?.creationTime).toBe(FUTURE)
    expect(
      copy.getCookieString('https://example.com/x', { now: new Date(FUTURE + 10_000_000) }),
    ).toBe('a=2')
  })

  it('drops cookies that have expired, and defaults a missing lastAccessTime and options', () => {
    const jar = CookieJar.fromJSON({
      version: 1,
      cookies: [
        {
          name: 'old',
          value: '1',
          domain: 'a.example',
          path: '/',
          expires: 1000,
          secure: false,
          httpOnly: false,
          hostOnly: true,
          creationTime: 1,
        },
        {
          name: 'new',
          value: '1',
          domain: 'a.example',
          path: '/',
          expires: null,
          secure: false,
          httpOnly: false,
          hostOnly: true,
          creationTime: 5,
        },
      ],
    })
    expect([...jar]).toEqual([expect.objectContaining({ name: 'new', lastAccessTime: 5 })])
    expect(jar.toJSON().options).toEqual({
      rejectPublicSuffixes: true,
      maxCookies: 3300,
      maxCookiesPerDomain: 180,
      allowNameless: false,
    })
  })

  const good = cookieRecord
  it.each([
    ['{', '', /^expected JSON, got unparsable text/],
    [[], '', /^expected object, got array of length 0/],
    [null, '', /^expected object, got null/],
    [{ version: 2, cookies: [] }, 'version', /^version: expected 1, got 2/],
    [{ cookies: [] }, 'version', /^version: expected 1, got undefined/],
    [{ version: 1 }, 'cookies', /^cookies: expected array, got undefined/],
    [{ version: 1, options: 3, cookies: [] }, 'options', /^options: expected object, got number/],
    [
      { version: 1, options: { maxCookies: 0 }, cookies: [] },
      'options.maxCookies',
      /expected integer >= 1 or null, got 0/,
    ],
    [{ version: 1, options: { maxCookies: 'x' }, cookies: [] }, 'options.maxCookies', /got string/],
    [
      { version: 1, options: { rejectPublicSuffixes: 1 }, cookies: [] },
      'options.rejectPublicSuffixes',
      /expected boolean, got number/,
    ],
    [{ version: 1, cookies: [5] }, 'cookies[0]', /expected object, got number/],
    [
      { version: 1, cookies: [{ ...good, name: 3 }] },
      'cookies[0].name',
      /expected string, got number/,
    ],
    [
      { version: 1, cookies: [good, { ...good, name: 'a;b' }] },
      'cookies[1].name',
      /without control characters or ";", got "a;b"/,
    ],
    [{ version: 1, cookies: [{ ...good, value: 'x\ny' }] }, 'cookies[0].value', /got "x\\ny"/],
    [
      { version: 1, cookies: [{ ...good, domain: 'b\u00fccher.example' }] },
      'cookies[0].domain',
      /expected an ASCII host name/,
    ],
    [
      { version: 1, cookies: [{ ...good, path: 'x' }] },
      'cookies[0].path',
      /expected a path starting with "\/", got "x"/,
    ],
    [
      { version: 1, cookies: [{ ...good, expires: '2030' }] },
      'cookies[0].expires',
      /^cookies\[0\]\.expires: expected number or null, got string "2030"$/,
    ],
    [{ version: 1, cookies: [{ ...good, expires: Number.NaN }] }, 'cookies[0].expires', /got NaN/],
    [
      { version: 1, cookies: [{ ...good, creationTime: null }] },
      'cookies[0].creationTime',
      /expected number, got null/,
    ],
    [
      { version: 1, cookies: [{ ...good, lastAccessTime: 'x' }] },
      'cookies[0].lastAccessTime',
      /expected number, got string/,
    ],
    [
      { version: 1, cookies: [{ ...good, secure: 'yes' }] },
      'cookies[0].secure',
      /expected boolean, got string/,
    ],
    [
      { version: 1, cookies: [{ ...good, sameSite: 'loose' }] },
      'cookies[0].sameSite',
      /got "loose"/,
    ],
    [{ version: 1, cookies: [{ ...good, sameSite: 1 }] }, 'cookies[0].sameSite', /got number/],
  ])('%j fails at %j', (input, path, message) => {
    let error: unknown
    try {
      CookieJar.fromJSON(input)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(SessionStateError)
    expect((error as SessionStateError).path).toBe(path)
    expect((error as SessionStateError).message).toMatch(message)
  })

  it('prefixes the path given by the caller (a jar inside a session document)', () => {
    expect(() =>
      CookieJar.fromJSON(
        { version: 1, cookies: [{ ...good }, { ...good, expires: 'x' }] },
        { path: 'cookies' },
      ),
    ).toThrow('cookies.cookies[1].expires: expected number or null, got string')
    expect(() => CookieJar.fromJSON('nope', { path: 'cookies' })).toThrow(/^cookies: expected JSON/)
  })
})

describe('toNetscape / fromNetscape (curl and wget cookies.txt)', () => {
  it("writes curl's format: #HttpOnly_, leading dot and TRUE for domain cookies, 0 for session", () => {
    const jar = new CookieJar()
    jar.setCookie('sid=abc; HttpOnly; Secure; Path=/', 'https://example.com/')
    jar.setCookie('lang=en; Domain=example.com; Path=/docs; Max-Age=60', 'https://example.com/', {
      now: new Date(FUTURE),
    })
    jar.set('global', '1') // no domain: no cookies.txt form
    jar.setCookie('tab=a\tb', 'https://example.com/') // a tab inside a value: no form either
    const lines = jar.toNetscape().split('\n')
    expect(lines[0]).toBe('# Netscape HTTP Cookie File')
    expect(lines).toContain('#HttpOnly_example.com\tFALSE\t/\tTRUE\t0\tsid\tabc')
    expect(lines).toContain(`.example.com\tTRUE\t/docs\tFALSE\t${FUTURE / 1000 + 60}\tlang\ten`)
    expect(lines.some((l) => l.includes('global') || l.includes('tab'))).toBe(false)
    expect(jar.size).toBe(4)
  })

  it('round-trips (property): what it writes it reads back', () => {
    fc.assert(
      fc.property(fc.array(cookieState, { maxLength: 10 }), (cookies) => {
        const jar = CookieJar.fromJSON(stateOf(cookies))
        const back = CookieJar.fromNetscape(jar.toNetscape())
        const strip = (c: Cookie) => {
          const { creationTime: _c, lastAccessTime: _l, sameSite: _s, ...rest } = c
          return rest
        }
        expect([...back].map(strip)).toEqual([...jar].map(strip))
      }),
      { numRuns: 150 },
    )
  })

  it('reads a file written by curl: comments, blank lines, CRLF, a 6-field line', () => {
    const text = [
      '# Netscape HTTP Cookie File',
      '# https://curl.se/docs/http-cookies.html',
      '# This file was generated by libcurl! Edit at your own risk.',
      '',
      '#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\tabc',
      `.example.com\tTRUE\t/x\tTRUE\t${FUTURE / 1000}\tlang\ten`,
      'example.org\tfalse\t/\tfalse\t0\tempty',
      '   ',
      '',
    ].join('\r\n')
    const jar = CookieJar.fromNetscape(text)
    expect(
      [...jar].map(({ name, value, domain, path, secure, httpOnly, hostOnly, expires }) => ({
        name,
        value,
        domain,
        path,
        secure,
        httpOnly,
        hostOnly,
        expires,
      })),
    ).toEqual([
      {
        name: 'sid',
        value: 'abc',
        domain: '127.0.0.1',
        path: '/',
        secure: false,
        httpOnly: true,
        hostOnly: true,
        expires: null,
      },
      {
        name: 'lang',
        value: 'en',
        domain: 'example.com',
        path: '/x',
        secure: true,
        httpOnly: false,
        hostOnly: false,
        expires: FUTURE,
      },
      {
        name: 'empty',
        value: '',
        domain: 'example.org',
        path: '/',
        secure: false,
        httpOnly: false,
        hostOnly: true,
        expires: null,
      },
    ])
  })

  it('drops expired lines and passes jar options through', () => {
    const jar = CookieJar.fromNetscape('a.example\tFALSE\t/\tFALSE\t1000\told\t1\n', {
      maxCookies: 5,
    })
    expect(jar.size).toBe(0)
    expect(jar.toJSON().options.maxCookies).toBe(5)
  })

  it.each([
    ['a.example\tFALSE\t/', 'line 1', /expected 7 tab-separated fields, got 3/],
    ['\n\na.example\tFALSE\t/\tFALSE\t0\tn\tv\textra', 'line 3', /got 8/],
    ['\tFALSE\t/\tFALSE\t0\tn\tv', 'line 1', /domain: expected an ASCII host name, got ""/],
    [
      'b\u00fccher.example\tFALSE\t/\tFALSE\t0\tn\tv',
      'line 1',
      /domain: expected an ASCII host name/,
    ],
    [
      'a.example\tMAYBE\t/\tFALSE\t0\tn\tv',
      'line 1',
      /include subdomains: expected TRUE or FALSE, got "MAYBE"/,
    ],
    ['a.example\tFALSE\t/\tYES\t0\tn\tv', 'line 1', /secure: expected TRUE or FALSE, got "YES"/],
    [
      'a.example\tFALSE\tx\tFALSE\t0\tn\tv',
      'line 1',
      /path: expected a path starting with "\/", got "x"/,
    ],
    [
      'a.example\tFALSE\t/\tFALSE\tsoon\tn\tv',
      'line 1',
      /expires: expected whole seconds, got "soon"/,
    ],
    ['a.example\tFALSE\t/\tFALSE\t0\t\tv', 'line 1', /name: expected a cookie name, got ""/],
    ['a.example\tFALSE\t/\tFALSE\t0\ta;b\tv', 'line 1', /name: expected a cookie name/],
    ['a.example\tFALSE\t/\tFALSE\t0\tn\tv\u0001', 'line 1', /value: expected a cookie value/],
  ])('%j fails at %s', (text, path, message) => {
    let error: unknown
    try {
      CookieJar.fromNetscape(text)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(SessionStateError)
    expect((error as SessionStateError).path).toBe(path)
    expect((error as SessionStateError).message).toMatch(message)
  })

  it('refuses a non-string with a TypeError naming text', () => {
    expect(() => CookieJar.fromNetscape(3 as never)).toThrow(
      Object.assign(new TypeError('text: expected a string, got number'), { field: 'text' }),
    )
  })
})

describe('splitSetCookie (folded Set-Cookie, set-cookie-parser rules)', () => {
  it.each([
    ['a=1', ['a=1']],
    ['a=1, b=2', ['a=1', 'b=2']],
    [
      'a=1; Expires=Wed, 09 Jun 2021 10:18:14 GMT, b=2; Path=/',
      ['a=1; Expires=Wed, 09 Jun 2021 10:18:14 GMT', 'b=2; Path=/'],
    ],
    ['a=x,y; Path=/', ['a=x,y; Path=/']], // a comma not followed by name= stays
    ['', []],
  ])('%j → %j', (input, expected) => {
    expect(splitSetCookie(input)).toEqual(expected)
  })

  it('refuses a non-string', () => {
    expect(() => splitSetCookie(null as never)).toThrow(
      Object.assign(new TypeError('headerValue: expected a string, got null'), {
        field: 'headerValue',
      }),
    )
    expect(() => splitSetCookie(1 as never)).toThrow(/got number/)
  })
})
