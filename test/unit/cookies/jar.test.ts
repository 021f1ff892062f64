import { describe, expect, it } from 'vitest'
import { CookieJar } from '../../../src/cookies/index.ts'
import { CookieConflictError } from '../../../src/errors.ts'

const T0 = Date.UTC(2030, 0, 1)
const at = (ms: number) => ({ now: new Date(ms) })
const day = 24 * 60 * 60 * 1000

/** Sets each header from `from`, then returns the Cookie header for `to`. */
function roundTrip(headers: string[], from: string, to = from, jar = new CookieJar()): string {
  for (const h of headers) jar.setCookie(h, from, at(T0))
  return jar.getCookieString(to, at(T0))
}

describe('storage (RFC 6265 §5.3, 6265bis §5.7)', () => {
  it.each([
    // [Set-Cookie headers, set from, sent to, expected Cookie header]
    // step 6: no Domain → host-only
    [['a=1'], 'http://example.com/', 'http://example.com/', 'a=1'],
    [['a=1'], 'http://example.com/', 'http://www.example.com/', ''],
    // steps 5–6: Domain → the host and its subdomains
    [['a=1; Domain=example.com'], 'http://www.example.com/', 'http://example.com/', 'a=1'],
    [['a=1; Domain=example.com'], 'http://www.example.com/', 'http://x.y.example.com/', 'a=1'],
    [['a=1; Domain=.EXAMPLE.com'], 'http://www.example.com/', 'http://example.com/', 'a=1'],
    // step 6: the host must domain-match the Domain attribute
    [['a=1; Domain=other.com'], 'http://example.com/', 'http://other.com/', ''],
    [['a=1; Domain=www.example.com'], 'http://example.com/', 'http://www.example.com/', ''],
    // step 5 (6265bis step 9): a public suffix is refused ...
    [['a=1; Domain=com'], 'http://example.com/', 'http://example.com/', ''],
    [['a=1; Domain=github.io'], 'http://me.github.io/', 'http://me.github.io/', ''],
    [['a=1; Domain=co.uk'], 'http://example.co.uk/', 'http://example.co.uk/', ''],
    // ... unless it is the host itself, which makes the cookie host-only
    [['a=1; Domain=localhost'], 'http://localhost/', 'http://localhost/', 'a=1'],
    [['a=1; Domain=localhost'], 'http://localhost/', 'http://x.localhost/', ''],
    // IP hosts: a Domain only when identical, never for other addresses
    [['a=1; Domain=127.0.0.1'], 'http://127.0.0.1/', 'http://127.0.0.1/', 'a=1'],
    [['a=1; Domain=0.0.1'], 'http://127.0.0.1/', 'http://127.0.0.1/', ''],
    // 6265bis step 7: a non-ASCII Domain attribute is refused
    [
      ['a=1; Domain=b\u00fccher.example'],
      'http://xn--bcher-kva.example/',
      'http://xn--bcher-kva.example/',
      '',
    ],
    // Domain=. is an empty domain-attribute: host-only
    [['a=1; Domain=.'], 'http://example.com/', 'http://example.com/', 'a=1'],
    // step 7: default-path is the directory of the request path
    [['a=1'], 'http://example.com/docs/page', 'http://example.com/docs/other', 'a=1'],
    [['a=1'], 'http://example.com/docs/page', 'http://example.com/', ''],
    [['a=1; Path=/'], 'http://example.com/docs/page', 'http://example.com/', 'a=1'],
    [['a=1; Path=x'], 'http://example.com/docs/page', 'http://example.com/', ''],
    // step 8 (6265bis step 15): Secure only from secure origins
    [['a=1; Secure'], 'http://example.com/', 'https://example.com/', ''],
    [['a=1; Secure'], 'https://example.com/', 'https://example.com/', 'a=1'],
    [['a=1; Secure'], 'https://example.com/', 'http://example.com/', ''],
    [['a=1; Secure'], 'http://localhost:3000/', 'http://localhost:3000/', 'a=1'],
    [['a=1; Secure'], 'http://127.0.0.1/', 'http://127.0.0.1/', 'a=1'],
    [['a=1; Secure'], 'wss://example.com/', 'https://example.com/', 'a=1'],
    // 6265bis step 20: __Secure- demands Secure (case-insensitive)
    [['__Secure-a=1'], 'https://example.com/', 'https://example.com/', ''],
    [['__secure-a=1; Secure'], 'https://example.com/', 'https://example.com/', '__secure-a=1'],
    [
      ['__Secure-a=1; Secure; Domain=example.com'],
      'https://www.example.com/',
      'https://example.com/',
      '__Secure-a=1',
    ],
    // 6265bis step 21: __Host- demands Secure, host-only and Path=/
    [
      ['__Host-a=1; Secure; Path=/'],
      'https://example.com/x/y',
      'https://example.com/',
      '__Host-a=1',
    ],
    [['__HOST-a=1; Secure; Path=/'], 'https://example.com/', 'https://example.com/', '__HOST-a=1'],
    [['__Host-a=1; Secure'], 'https://example.com/', 'https://example.com/', ''],
    [['__Host-a=1; Secure; Path=/x'], 'https://example.com/', 'https://example.com/x', ''],
    [['__Host-a=1; Path=/'], 'https://example.com/', 'https://example.com/', ''],
    [
      ['__Host-a=1; Secure; Path=/; Domain=example.com'],
      'https://example.com/',
      'https://example.com/',
      '',
    ],
    [
      ['__Host-a=1; Secure; Path=/; Domain=example.com'],
      'https://www.example.com/',
      'https://www.example.com/',
      '',
    ],
    // step 11: the same name, domain, host-only flag and path replaces
    [['a=1', 'a=2'], 'http://example.com/', 'http://example.com/', 'a=2'],
    [['a=1', 'a=2; Path=/x'], 'http://example.com/', 'http://example.com/x', 'a=2; a=1'],
    // 6265bis step 23: the host-only flag is part of the identity
    [['a=1', 'a=2; Domain=example.com'], 'http://example.com/', 'http://example.com/', 'a=1; a=2'],
    // Max-Age beats Expires, whatever the order (§5.3 step 3)
    [
      ['a=1; Max-Age=0; Expires=Fri, 01 Jan 2100 00:00:00 GMT'],
      'http://example.com/',
      'http://example.com/',
      '',
    ],
    [
      ['a=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT; Max-Age=-5'],
      'http://example.com/',
      'http://example.com/',
      '',
    ],
    [
      ['a=1; Expires=Fri, 01 Jan 2010 00:00:00 GMT; Max-Age=60'],
      'http://example.com/',
      'http://example.com/',
      'a=1',
    ],
    // a past Expires or Max-Age <= 0 deletes the stored cookie
    [
      ['a=1', 'a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT'],
      'http://example.com/',
      'http://example.com/',
      '',
    ],
    [['a=1', 'b=2', 'a=x; Max-Age=0'], 'http://example.com/', 'http://example.com/', 'b=2'],
    // ... but only the cookie of the same identity
    [['a=1', 'a=x; Max-Age=0; Path=/other'], 'http://example.com/', 'http://example.com/', 'a=1'],
    // cookies are not isolated by port or scheme (§8.5)
    [['a=1'], 'http://example.com:8080/', 'https://example.com:9090/', 'a=1'],
    // WebSocket URLs use the same jar
    [['a=1'], 'ws://example.com/', 'http://example.com/', 'a=1'],
  ])('%j from %s → %s sends %j', (headers, from, to, expected) => {
    expect(roundTrip(headers, from, to)).toBe(expected)
  })

  it('returns the stored cookie, or null for what the RFC ignores', () => {
    const jar = new CookieJar()
    expect(
      jar.setCookie('a=1; Path=/; HttpOnly; SameSite=Lax', 'https://example.com/x', at(T0)),
    ).toEqual({
      name: 'a',
      value: '1',
      domain: 'example.com',
      path: '/',
      expires: null,
      secure: false,
      httpOnly: true,
      hostOnly: true,
      sameSite: 'lax',
      creationTime: T0,
      lastAccessTime: T0,
    })
    expect(jar.setCookie('nonsense', 'https://example.com/')).toBeNull()
    expect(jar.setCookie('a=1; Domain=com', 'https://example.com/')).toBeNull()
  })

  it('never stores cookies for schemes other than http(s) and ws(s)', () => {
    const jar = new CookieJar()
    expect(jar.setCookie('a=1', 'ftp://example.com/')).toBeNull()
    expect(jar.setCookie('a=1', 'file:///tmp/x')).toBeNull()
    expect(jar.getCookies('ftp://example.com/')).toEqual([])
    expect(jar.size).toBe(0)
  })

  it('returns an already-expired cookie without storing it', () => {
    const jar = new CookieJar()
    const c = jar.setCookie('a=1; Max-Age=0', 'http://example.com/', at(T0))
    expect(c).toMatchObject({ name: 'a', expires: -Infinity })
    expect(jar.size).toBe(0)
  })

  it('keeps the creation time of a replaced cookie (§5.3 step 11.3) and its place in order', () => {
    const jar = new CookieJar()
    jar.setCookie('a=1', 'http://example.com/', at(T0))
    jar.setCookie('b=1', 'http://example.com/', at(T0 + 1000))
    const replaced = jar.setCookie('a=2; Secure', 'https://example.com/', at(T0 + 2000))
    expect(replaced).toMatchObject({ value: '2', creationTime: T0, lastAccessTime: T0 + 2000 })
    expect(jar.getCookieString('https://example.com/', at(T0 + 3000))).toBe('a=2; b=1')
  })

  it('caps Max-Age and Expires at 400 days (6265bis §5.6.1–5.6.2)', () => {
    const jar = new CookieJar()
    const a = jar.setCookie('a=1; Max-Age=999999999', 'http://example.com/', at(T0))
    const b = jar.setCookie(
      'b=1; Expires=Fri, 01 Jan 9999 00:00:00 GMT',
      'http://example.com/',
      at(T0),
    )
    const c = jar.setCookie('c=1; Max-Age=60', 'http://example.com/', at(T0))
    expect(a?.expires).toBe(T0 + 400 * day)
    expect(b?.expires).toBe(T0 + 400 * day)
    expect(c?.expires).toBe(T0 + 60_000)
  })

  it('expires cookies: a cookie past its expiry is neither sent nor counted', () => {
    const jar = new CookieJar()
    jar.setCookie('a=1; Max-Age=60', 'http://example.com/', at(T0))
    jar.setCookie('b=1', 'http://example.com/', at(T0))
    expect(jar.getCookieString('http://example.com/', at(T0 + 59_999))).toBe('a=1; b=1')
    const before = jar.revision
    expect(jar.getCookieString('http://example.com/', at(T0 + 60_000))).toBe('b=1')
    expect(jar.revision).toBe(before + 1) // the expiry removal is a change
    expect([...jar].map((c) => c.name)).toEqual(['b'])
  })

  it('follows a refreshed expiry: a cookie re-set with a later Max-Age outlives the first', () => {
    const jar = new CookieJar()
    jar.setCookie('a=1; Max-Age=60', 'http://example.com/', at(T0))
    jar.setCookie('a=2; Max-Age=120', 'http://example.com/', at(T0 + 30_000))
    expect(jar.getCookieString('http://example.com/', at(T0 + 100_000))).toBe('a=2')
    expect(jar.getCookieString('http://example.com/', at(T0 + 150_000))).toBe('')
  })

  it('follows a shortened expiry and a cookie that became a session cookie', () => {
    const jar = new CookieJar()
    jar.setCookie('a=1; Max-Age=600', 'http://example.com/', at(T0))
    jar.setCookie('a=2; Max-Age=60', 'http://example.com/', at(T0))
    jar.setCookie('b=1; Max-Age=60', 'http://example.com/', at(T0))
    jar.setCookie('b=2', 'http://example.com/', at(T0))
    expect(jar.getCookieString('http://example.com/', at(T0 + 61_000))).toBe('b=2')
    expect(jar.getCookieString('http://example.com/', at(T0 + 700_000))).toBe('b=2')
  })

  it('survives many expiring replacements (the expiry queue compacts)', () => {
    const jar = new CookieJar()
    for (let i = 0; i < 500; i++) {
      jar.setCookie(`k${i % 7}=${i}; Max-Age=${1000 - i}`, 'http://example.com/', at(T0 + i))
      jar.setCookie(`s${i % 5}=${i}; Max-Age=10`, 'http://example.com/', at(T0 + i))
      if (i % 50 === 0) jar.delete(`s${i % 5}`)
    }
    expect(jar.size).toBe(12)
    expect(jar.getCookies('http://example.com/', at(T0 + 2_000_000))).toEqual([])
    expect(jar.size).toBe(0)
  })
})

describe('HttpOnly and non-HTTP access (§5.3 steps 10–11, §5.4 step 1)', () => {
  it('a non-HTTP API cannot set an HttpOnly cookie', () => {
    const jar = new CookieJar()
    expect(jar.setCookie('a=1; HttpOnly', 'http://example.com/', { http: false })).toBeNull()
    expect(jar.size).toBe(0)
  })

  it('a non-HTTP API cannot overwrite an HttpOnly cookie, nor read it', () => {
    const jar = new CookieJar()
    jar.setCookie('a=1; HttpOnly', 'http://example.com/')
    jar.setCookie('b=1', 'http://example.com/')
    expect(jar.setCookie('a=2', 'http://example.com/', { http: false })).toBeNull()
    expect(jar.getCookieString('http://example.com/', { http: false })).toBe('b=1')
    expect(jar.getCookieString('http://example.com/')).toBe('a=1; b=1')
  })
})

describe('"Leave Secure Cookies Alone" (6265bis §5.7 step 16)', () => {
  it('an insecure origin cannot shadow a secure cookie of the same name', () => {
    const jar = new CookieJar()
    jar.setCookie('sid=secret; Secure; Domain=example.com', 'https://example.com/')
    expect(jar.setCookie('sid=evil', 'http://example.com/')).toBeNull()
    expect(jar.setCookie('sid=evil; Domain=example.com', 'http://www.example.com/')).toBeNull()
    expect(jar.setCookie('sid=evil', 'http://www.example.com/deep/path')).toBeNull()
    expect(jar.getCookieString('https://example.com/')).toBe('sid=secret')
  })

  it('does not block other names, non-overlapping paths or unrelated domains', () => {
    const jar = new CookieJar()
    jar.setCookie('sid=secret; Secure; Path=/app', 'https://example.com/')
    expect(jar.setCookie('other=1', 'http://example.com/')).not.toBeNull()
    expect(jar.setCookie('sid=1; Path=/', 'http://example.com/')).not.toBeNull() // "/" does not path-match "/app"
    expect(jar.setCookie('sid=1', 'http://other.example/')).not.toBeNull()
    expect(jar.setCookie('sid=2; Secure; Path=/app', 'https://example.com/')).not.toBeNull()
  })
})

describe('retrieval (RFC 6265 §5.4)', () => {
  it('lists longer paths first, then earlier creation times (step 2)', () => {
    const jar = new CookieJar()
    jar.setCookie('a=1; Path=/', 'http://example.com/', at(T0))
    jar.setCookie('b=1; Path=/x/y', 'http://example.com/', at(T0 + 1))
    jar.setCookie('c=1; Path=/x', 'http://example.com/', at(T0 + 2))
    jar.setCookie('d=1; Path=/', 'http://example.com/', at(T0 - 5)) // created earlier than a
    jar.setCookie('e=1; Domain=example.com; Path=/x', 'http://example.com/', at(T0 + 3))
    jar.setCookie('f=1; Domain=example.com; Path=/x', 'http://www.example.com/', at(T0 + 1))
    expect(jar.getCookieString('http://example.com/x/y/z', at(T0 + 10))).toBe(
      'b=1; f=1; c=1; e=1; d=1; a=1',
    )
  })

  it('merges cookies of the host, its parent domains and set() cookies without a domain', () => {
    const jar = new CookieJar()
    jar.setCookie('host=1', 'http://a.b.example.com/', at(T0))
    jar.setCookie('parent=1; Domain=b.example.com', 'http://a.b.example.com/', at(T0 + 1))
    jar.setCookie('top=1; Domain=example.com', 'http://a.b.example.com/', at(T0 + 2))
    jar.set('any', '1')
    // (set() stamps the real time, earlier than T0: the domain-less cookie is the oldest.)
    expect(jar.getCookieString('http://a.b.example.com/', at(T0 + 5))).toBe(
      'any=1; host=1; parent=1; top=1',
    )
    expect(jar.getCookieString('http://c.b.example.com/', at(T0 + 5))).toBe(
      'any=1; parent=1; top=1',
    )
    expect(jar.getCookieString('http://127.0.0.1/', at(T0 + 5))).toBe('any=1')
  })

  it('updates the last-access time of the cookies it returns (step 3)', () => {
    const jar = new CookieJar()
    jar.setCookie('a=1', 'http://example.com/', at(T0))
    jar.setCookie('b=1; Path=/x', 'http://example.com/', at(T0))
    jar.getCookies('http://example.com/', at(T0 + 500))
    const byName = Object.fromEntries([...jar].map((c) => [c.name, c.lastAccessTime]))
    expect(byName).toEqual({ a: T0 + 500, b: T0 })
  })

  it('serialises a nameless cookie as its value alone (6265bis §5.8.3)', () => {
    const jar = new CookieJar({ allowNameless: true })
    jar.setCookie('token', 'http://example.com/')
    jar.setCookie('a=1', 'http://example.com/')
    expect(jar.getCookieString('http://example.com/')).toBe('token; a=1')
  })

  it('refuses a nameless cookie posing as a prefixed one (6265bis §5.7 step 3)', () => {
    const jar = new CookieJar({ allowNameless: true })
    expect(jar.setCookie('__Secure-x=1; Secure', 'https://example.com/')).not.toBeNull()
    expect(jar.setCookie('=__Secure-x=1', 'https://example.com/')).toBeNull()
    expect(jar.setCookie('__host-y', 'https://example.com/')).toBeNull()
  })

  it('returns snapshots: changing a returned cookie does not change the jar', () => {
    const jar = new CookieJar()
    jar.setCookie('a=1', 'http://example.com/')
    const [c] = jar.getCookies('http://example.com/')
    c!.value = 'changed'
    expect(jar.getCookieString('http://example.com/')).toBe('a=1')
  })

  it('works for URL objects and reuses the parse of a repeated URL string', () => {
    const jar = new CookieJar()
    const url = 'http://example.com/a/b'
    jar.setCookie('a=1', url)
    jar.setCookie('b=1', url)
    expect(jar.getCookieString(url)).toBe('a=1; b=1')
    expect(jar.getCookieString(new URL(url))).toBe('a=1; b=1')
  })
})

describe('limits and eviction (RFC 6265 §5.3 step 12, §6.1)', () => {
  it('keeps at least 3000 cookies and 50 per domain by default', () => {
    const jar = new CookieJar()
    for (let d = 0; d < 60; d++) {
      for (let i = 0; i < 50; i++) jar.setCookie(`c${i}=1`, `http://site${d}.example/`)
    }
    expect(jar.size).toBe(3000)
  })

  it('evicts per site (registrable domain) down to 5/6 of the limit, least recently used first', () => {
    const jar = new CookieJar({ maxCookiesPerDomain: 6 })
    for (let i = 0; i < 6; i++)
      jar.setCookie(`c${i}=1`, `http://h${i % 2}.example.com/`, at(T0 + i))
    jar.getCookies('http://h0.example.com/', at(T0 + 10)) // touches c0, c2, c4
    jar.setCookie('new=1', 'http://h1.example.com/', at(T0 + 20))
    // 7 > 6: down to 5, dropping the two least recently used (c1, c3).
    expect([...jar].map((c) => c.name)).toEqual(['c0', 'c2', 'c4', 'c5', 'new'])
  })

  it('evicts non-secure cookies of a site before secure ones (6265bis §5.7 step 22)', () => {
    const jar = new CookieJar({ maxCookiesPerDomain: 3 })
    jar.setCookie('s=1; Secure', 'https://example.com/', at(T0))
    jar.setCookie('a=1', 'https://example.com/', at(T0 + 1))
    jar.setCookie('b=1', 'https://example.com/', at(T0 + 2))
    jar.setCookie('c=1', 'https://example.com/', at(T0 + 3))
    // 4 > 3: down to 2; the non-secure a and b go although s is the least recently used.
    expect([...jar].map((c) => c.name)).toEqual(['s', 'c'])
  })

  it('evicts across the jar when over maxCookies, least recently used first', () => {
    const jar = new CookieJar({ maxCookies: 11 })
    for (let i = 0; i < 11; i++) jar.setCookie(`c${i}=1`, `http://s${i}.example/`, at(T0 + i))
    jar.getCookies('http://s0.example/', at(T0 + 100))
    jar.setCookie('c11=1', 'http://s11.example/', at(T0 + 200))
    const names = [...jar].map((c) => c.name)
    expect(names).toHaveLength(10)
    expect(names).toContain('c0')
    expect(names).toContain('c11')
    expect(names).not.toContain('c1')
    expect(names).not.toContain('c2')
  })

  it('accepts Infinity as no limit', () => {
    const jar = new CookieJar({ maxCookies: Infinity, maxCookiesPerDomain: Infinity })
    for (let i = 0; i < 400; i++) jar.setCookie(`c${i}=1`, 'http://example.com/')
    expect(jar.size).toBe(400)
  })
})

describe('revision', () => {
  it('increases on set, replace, delete, clear and eviction, not on reads', () => {
    const jar = new CookieJar({ maxCookiesPerDomain: 1 })
    const steps: number[] = [jar.revision]
    jar.setCookie('a=1', 'http://example.com/')
    steps.push(jar.revision)
    jar.setCookie('a=2', 'http://example.com/')
    steps.push(jar.revision)
    jar.getCookieString('http://example.com/')
    jar.getCookies('http://example.com/')
    expect(jar.revision).toBe(steps.at(-1))
    jar.setCookie('b=1', 'http://example.com/') // evicts a
    steps.push(jar.revision)
    jar.delete('b')
    steps.push(jar.revision)
    jar.set('c', '1', { domain: 'example.com' })
    steps.push(jar.revision)
    jar.clear()
    steps.push(jar.revision)
    for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeGreaterThan(steps[i - 1]!)
    jar.clear() // nothing to clear: no change
    jar.delete('nothing')
    expect(jar.revision).toBe(steps.at(-1))
  })
})

describe('manual API (requests RequestsCookieJar)', () => {
  it('set() without a domain stores domain "" and sends to every host', () => {
    const jar = new CookieJar()
    const c = jar.set('token', 'abc')
    expect(c).toMatchObject({ domain: '', hostOnly: false, path: '/', expires: null })
    expect(jar.getCookieString('http://a.example/')).toBe('token=abc')
    expect(jar.getCookieString('https://b.example/deep')).toBe('token=abc')
  })

  it('set() honours path, secure, expires, httpOnly and sameSite', () => {
    const jar = new CookieJar()
    jar.set('p', '1', { path: '/x' })
    jar.set('s', '1', { secure: true })
    jar.set('h', '1', { httpOnly: true, sameSite: 'Strict' })
    jar.set('e', '1', { expires: new Date(Date.now() + 60_000) })
    jar.set('n', '1', { expires: Date.now() + 60_000 })
    expect(jar.getCookieString('http://a.example/')).toBe('h=1; e=1; n=1')
    expect(jar.getCookieString('https://a.example/x', { http: false })).toBe('p=1; s=1; e=1; n=1')
    expect(jar.getCookies('http://a.example/').find((c) => c.name === 'h')?.sameSite).toBe('strict')
  })

  it('set() with a domain scopes the cookie to it and its subdomains, or the host alone', () => {
    const jar = new CookieJar()
    jar.set('d', '1', { domain: '.Example.com' })
    jar.set('h', '1', { domain: 'example.com', hostOnly: true })
    jar.set('i', '1', { domain: 'b\u00fccher.example' })
    expect(jar.getCookieString('http://example.com/')).toBe('d=1; h=1')
    expect(jar.getCookieString('http://www.example.com/')).toBe('d=1')
    expect(jar.getCookieString('http://xn--bcher-kva.example/')).toBe('i=1')
  })

  it('set() with a past expires deletes', () => {
    const jar = new CookieJar()
    jar.set('a', '1', { domain: 'example.com' })
    jar.set('a', '', { domain: 'example.com', expires: 0 })
    expect(jar.size).toBe(0)
  })

  it('get() returns the value, narrowed by domain and path; expired cookies are gone', () => {
    const jar = new CookieJar()
    jar.set('a', '1', { domain: 'one.example' })
    jar.set('a', '2', { domain: 'two.example' })
    jar.set('a', '3', { domain: 'two.example', path: '/x' })
    jar.set('b', '1', { domain: 'one.example', expires: Date.now() - 1 })
    expect(jar.get('a', { domain: 'ONE.example' })).toBe('1')
    expect(jar.get('a', { domain: 'two.example', path: '/x' })).toBe('3')
    expect(jar.get('b')).toBeUndefined()
    expect(jar.get('missing')).toBeUndefined()
  })

  it('get() that matches several cookies throws CookieConflictError listing the domains', () => {
    const jar = new CookieJar()
    jar.set('a', '1', { domain: 'one.example' })
    jar.set('a', '2', { domain: 'two.example' })
    let error: unknown
    try {
      jar.get('a')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(CookieConflictError)
    expect((error as CookieConflictError).domains).toEqual(['one.example', 'two.example'])
    expect((error as CookieConflictError).cookieName).toBe('a')
    expect(String(error)).toMatch(/one\.example, two\.example/)
  })

  it('delete() removes the matching cookies and returns how many', () => {
    const jar = new CookieJar()
    jar.set('a', '1', { domain: 'one.example' })
    jar.set('a', '2', { domain: 'two.example' })
    jar.set('a', '3', { domain: 'two.example', path: '/x' })
    jar.set('b', '1', { domain: 'two.example' })
    expect(jar.delete('a', { domain: 'two.example', path: '/x' })).toBe(1)
    expect(jar.delete('a')).toBe(2)
    expect(jar.delete('a')).toBe(0)
    expect([...jar].map((c) => c.name)).toEqual(['b'])
  })

  it('clear() empties the jar, or one domain exactly', () => {
    const jar = new CookieJar()
    jar.set('a', '1', { domain: 'example.com' })
    jar.set('b', '1', { domain: 'www.example.com' })
    jar.set('c', '1')
    jar.clear({ domain: 'example.com' })
    expect([...jar].map((c) => c.name)).toEqual(['b', 'c'])
    jar.clear({ domain: 'nothing.example' })
    expect(jar.size).toBe(2)
    jar.clear({ domain: '' })
    expect([...jar].map((c) => c.name)).toEqual(['b'])
    jar.clear()
    expect(jar.size).toBe(0)
    expect(jar.getCookieString('http://www.example.com/')).toBe('')
  })

  it('iterates snapshots in creation order', () => {
    const jar = new CookieJar()
    jar.setCookie('b=1', 'http://x.example/', at(T0 + 1))
    jar.setCookie('a=1', 'http://y.example/', at(T0))
    jar.set('c', '1') // stamped with the real time, before T0
    expect([...jar].map((c) => c.name)).toEqual(['c', 'a', 'b'])
  })
})

describe('bad input (TypeError / RangeError naming the field)', () => {
  const jar = new CookieJar()
  it.each([
    [() => new CookieJar(5 as never), TypeError, /options: expected an object, got number/],
    [
      () => new CookieJar({ rejectPublicSuffixes: 'no' as never }),
      TypeError,
      /options\.rejectPublicSuffixes: expected a boolean, got string/,
    ],
    [
      () => new CookieJar({ maxCookies: '5' as never }),
      TypeError,
      /options\.maxCookies: expected a number, got string/,
    ],
    [
      () => new CookieJar({ maxCookies: 0 }),
      RangeError,
      /options\.maxCookies: expected an integer >= 1 or Infinity, got 0/,
    ],
    [() => new CookieJar({ maxCookiesPerDomain: 1.5 }), RangeError, /options\.maxCookiesPerDomain/],
    [
      () => new CookieJar({ maxCookies: Number.NaN }),
      TypeError,
      /options\.maxCookies: expected a number/,
    ],
    [
      () => new CookieJar({ allowNameless: 1 as never }),
      TypeError,
      /options\.allowNameless: expected a boolean, got number/,
    ],
    [
      () => jar.setCookie(42 as never, 'http://a.example/'),
      TypeError,
      /setCookieHeader: expected a string, got number/,
    ],
    [
      () => jar.setCookie('a=1', 42 as never),
      TypeError,
      /url: expected a string or URL, got number/,
    ],
    [() => jar.setCookie('a=1', 'nope'), TypeError, /url: expected an absolute URL/],
    [
      () => jar.setCookie('a=1', 'http://a.example/', 'x' as never),
      TypeError,
      /opts: expected an object, got string/,
    ],
    [
      () => jar.setCookie('a=1', 'http://a.example/', null as never),
      TypeError,
      /opts: expected an object, got null/,
    ],
    [
      () => jar.getCookies('http://a.example/', { now: 5 as never }),
      TypeError,
      /opts\.now: expected a Date, got number/,
    ],
    [
      () => jar.getCookies('http://a.example/', { now: new Date(Number.NaN) }),
      RangeError,
      /opts\.now: expected a valid Date/,
    ],
    [
      () => jar.getCookieString('http://a.example/', { http: 'yes' as never }),
      TypeError,
      /opts\.http: expected a boolean, got string/,
    ],
    [() => jar.getCookieString([] as never), TypeError, /url: expected a string or URL, got array/],
    [() => jar.set(1 as never, 'v'), TypeError, /name: expected a string, got number/],
    [() => jar.set('n', null as never), TypeError, /value: expected a string, got null/],
    [
      () => jar.set('a b', 'v'),
      TypeError,
      /name: expected a cookie name \(RFC 6265 §4\.1\.1 token\), got "a b"/,
    ],
    [() => jar.set('a=b', 'v'), TypeError, /name: expected a cookie name .*, got "a=b"/],
    [() => jar.set('', 'v'), TypeError, /name: expected a cookie name .*, got ""/],
    [
      () => jar.set('n', 'a;b'),
      TypeError,
      /value: expected a cookie value \(RFC 6265 §4\.1\.1\), got a string of 3 characters$/,
    ],
    [
      () => jar.set('n', 'a b'),
      TypeError,
      /value: expected a cookie value .*, got a string of 3 characters$/,
    ],
    [() => jar.set('n', 'v', 'x' as never), TypeError, /attrs: expected an object, got string/],
    [
      () => jar.set('n', 'v', { domain: 5 as never }),
      TypeError,
      /attrs\.domain: expected a string, got number/,
    ],
    [
      () => jar.set('n', 'v', { domain: 'a b.com' }),
      TypeError,
      /attrs\.domain: expected a host name, got "a b\.com"/,
    ],
    [
      () => jar.set('n', 'v', { domain: 'a.com/x' }),
      TypeError,
      /attrs\.domain: expected a host name/,
    ],
    [
      () => jar.set('n', 'v', { domain: 'a.com:80' }),
      TypeError,
      /attrs\.domain: expected a host name/,
    ],
    [
      () => jar.set('n', 'v', { domain: 'a<b.com' }),
      TypeError,
      /attrs\.domain: expected a host name/,
    ],
    [
      () => jar.set('n', 'v', { path: 'x' }),
      TypeError,
      /attrs\.path: expected a path starting with "\/", got "x"/,
    ],
    [() => jar.set('n', 'v', { path: '/a;b' }), TypeError, /attrs\.path/],
    [
      () => jar.set('n', 'v', { path: 3 as never }),
      TypeError,
      /attrs\.path: expected a string, got number/,
    ],
    [
      () => jar.set('n', 'v', { expires: 'soon' as never }),
      TypeError,
      /attrs\.expires: expected a Date, a number of ms or null, got string/,
    ],
    [
      () => jar.set('n', 'v', { expires: new Date(Number.NaN) }),
      RangeError,
      /attrs\.expires: expected a valid Date/,
    ],
    [
      () => jar.set('n', 'v', { expires: Infinity }),
      RangeError,
      /attrs\.expires: expected a finite number/,
    ],
    [
      () => jar.set('n', 'v', { secure: 1 as never }),
      TypeError,
      /attrs\.secure: expected a boolean, got number/,
    ],
    [
      () => jar.set('n', 'v', { httpOnly: 'y' as never }),
      TypeError,
      /attrs\.httpOnly: expected a boolean/,
    ],
    [
      () => jar.set('n', 'v', { sameSite: 'loose' as never }),
      TypeError,
      /attrs\.sameSite: expected "strict", "lax" or "none", got "loose"/,
    ],
    [
      () => jar.set('n', 'v', { sameSite: 1 as never }),
      TypeError,
      /attrs\.sameSite: expected "strict", "lax" or "none", got number/,
    ],
    [
      () => jar.set('n', 'v', { hostOnly: true }),
      TypeError,
      /attrs\.hostOnly: expected attrs\.domain with it, got no domain/,
    ],
    [
      () => jar.set('n', 'v', { hostOnly: 'x' as never }),
      TypeError,
      /attrs\.hostOnly: expected a boolean/,
    ],
    [() => jar.get(undefined as never), TypeError, /name: expected a string, got undefined/],
    [() => jar.get('n', 'x' as never), TypeError, /filter: expected an object, got string/],
    [
      () => jar.get('n', { domain: 4 as never }),
      TypeError,
      /filter\.domain: expected a string, got number/,
    ],
    [
      () => jar.get('n', { path: 4 as never }),
      TypeError,
      /filter\.path: expected a string, got number/,
    ],
    [() => jar.delete(4 as never), TypeError, /name: expected a string, got number/],
    [() => jar.clear({ domain: 'a/b' }), TypeError, /filter\.domain: expected a host name/],
    [() => jar.clear(null as never), TypeError, /filter: expected an object, got null/],
  ])('%#: %s', (fn, type, message) => {
    expect(fn).toThrow(type)
    expect(fn).toThrow(message)
  })

  it('describes class instances by their class name', () => {
    expect(() => jar.set('n', 'v', { expires: new Map() as never })).toThrow(/got Map/)
  })
})

describe('edge cases of the index', () => {
  it('a name that merely starts with "__" carries no prefix', () => {
    expect(roundTrip(['__hello=1'], 'http://example.com/')).toBe('__hello=1')
  })

  it('a secure cookie on a sibling host does not block an insecure one', () => {
    const jar = new CookieJar()
    jar.setCookie('sid=1; Secure', 'https://a.example.com/')
    expect(jar.setCookie('sid=2', 'http://b.example.com/')).not.toBeNull()
  })

  it('a host with a trailing dot gets its own cookies only', () => {
    const jar = new CookieJar()
    jar.setCookie('a=1; Domain=example.com', 'http://www.example.com/')
    jar.setCookie('b=1', 'http://example.com./')
    expect(jar.getCookieString('http://example.com./')).toBe('b=1')
  })

  it('keeps working past the size of its lookup caches', () => {
    const jar = new CookieJar()
    jar.setCookie('a=1; Domain=example.com', 'http://example.com/')
    for (let i = 0; i < 4100; i++) {
      expect(jar.getCookieString(`http://h${i}.example.com/p${i}/x`)).toBe('a=1')
    }
  })

  it('orders a cookie created earlier before later ones on the same path', () => {
    const jar = new CookieJar()
    jar.setCookie('late=1', 'http://example.com/', at(T0 + 10))
    jar.setCookie('later=1', 'http://example.com/', at(T0 + 20))
    jar.setCookie('early=1', 'http://example.com/', at(T0))
    jar.setCookie('mid=1', 'http://example.com/', at(T0 + 15))
    expect(jar.getCookieString('http://example.com/', at(T0 + 30))).toBe(
      'early=1; late=1; mid=1; later=1',
    )
  })

  it('tracks the Secure flag through replacement and deletion', () => {
    const jar = new CookieJar()
    jar.setCookie('sid=1; Secure', 'https://example.com/')
    jar.setCookie('sid=2', 'https://example.com/') // secure → not secure
    expect(jar.setCookie('sid=3', 'http://example.com/')).not.toBeNull() // nothing to shadow now
    jar.setCookie('sid=4; Secure', 'https://example.com/')
    expect(jar.delete('sid')).toBe(1)
    expect(jar.setCookie('sid=5', 'http://example.com/')).not.toBeNull()
  })

  it('a session cookie replaced by a persistent one expires on time', () => {
    const jar = new CookieJar()
    jar.setCookie('a=1', 'http://example.com/', at(T0))
    jar.setCookie('a=2; Max-Age=10', 'http://example.com/', at(T0))
    expect(jar.getCookieString('http://example.com/', at(T0 + 11_000))).toBe('')
  })

  it('filters by a domain that holds nothing', () => {
    const jar = new CookieJar()
    jar.set('a', '1', { domain: 'one.example' })
    expect(jar.get('a', { domain: 'none.example' })).toBeUndefined()
    expect(jar.delete('a', { domain: 'none.example' })).toBe(0)
  })

  it('refuses an unbalanced IPv6 literal as a domain', () => {
    expect(() => new CookieJar().set('a', '1', { domain: '[::1' })).toThrow(/attrs\.domain/)
  })

  it('restores the later of two cookies with the same identity from JSON', () => {
    const c = {
      name: 'a',
      domain: 'a.example',
      path: '/',
      expires: null,
      secure: false,
      httpOnly: false,
      hostOnly: true,
    }
    const jar = CookieJar.fromJSON({
      version: 1,
      cookies: [
        { ...c, value: 'first', creationTime: 1, lastAccessTime: 1 },
        { ...c, value: 'second', creationTime: 2, lastAccessTime: 2 },
      ],
    })
    expect([...jar].map((x) => [x.value, x.creationTime])).toEqual([['second', 2]])
  })
})
