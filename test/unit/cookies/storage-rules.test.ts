// Saved state, cookies.txt and jar.set() follow the storage rules of Set-Cookie, so none of
// them can plant a cookie a server could not have set.
import { describe, expect, it } from 'vitest'
import { CookieJar } from '../../../src/cookies/index.ts'
import { SessionStateError } from '../../../src/errors.ts'
import { fieldOf } from '../../../src/util/validate.ts'
import { cookieRecord } from '../../helpers/cookie-record.ts'

const FUTURE = Date.UTC(2031, 0, 1)

const good = cookieRecord

function caught(call: () => unknown): unknown {
  try {
    call()
  } catch (error) {
    return error
  }
  return undefined
}

describe('CookieJar.fromJSON', () => {
  it.each<[string, Record<string, unknown>, string, RegExp]>([
    [
      'a domain cookie for com',
      { domain: 'com', hostOnly: false },
      'domain',
      /not a public suffix/,
    ],
    ['a domain cookie for co.uk', { domain: 'co.uk', hostOnly: false }, 'domain', /public suffix/],
    [
      'a domain with a space',
      { domain: 'a example' },
      'domain',
      /expected a host name, got "a example"/,
    ],
    ['a domain with a slash', { domain: 'a.example/x' }, 'domain', /expected a host name/],
    [
      'name and value over 4096 bytes',
      { value: 'v'.repeat(4096) },
      'value',
      /at most 4096 bytes of name and value together, got 4097 bytes/,
    ],
    ['__Secure- without secure', { name: '__Secure-id' }, 'secure', /true for a __Secure- cookie/],
    ['__Host- without secure', { name: '__Host-id' }, 'secure', /true for a __Host- cookie/],
    [
      '__Host- as a domain cookie',
      { name: '__Host-id', secure: true, hostOnly: false },
      'hostOnly',
      /host-only/,
    ],
    [
      '__Host- with another path',
      { name: '__Host-id', secure: true, path: '/x' },
      'path',
      /"\/" for a __Host- cookie/,
    ],
    [
      'a __proto__ key',
      JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>,
      '__proto__',
      /unknown field/,
    ],
    ['a constructor key', { constructor: 'x' }, 'constructor', /unknown field/],
  ])('refuses %s with a SessionStateError naming it', (_, patch, field, message) => {
    const error = caught(() =>
      CookieJar.fromJSON(
        { version: 1, cookies: [{ ...good }, { ...good, name: 'b', ...patch }] },
        {
          path: 'cookies',
        },
      ),
    )
    expect(error).toBeInstanceOf(SessionStateError)
    expect((error as SessionStateError).path).toBe(`cookies.cookies[1].${field}`)
    expect((error as SessionStateError).message).toMatch(message)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('keeps what Set-Cookie could store: host-only for a public suffix, 4096 bytes, prefixes met', () => {
    const jar = CookieJar.fromJSON({
      version: 1,
      cookies: [
        { ...good, domain: 'localhost', hostOnly: true },
        { ...good, name: 'b', value: 'v'.repeat(4095) },
        { ...good, name: '__Host-id', secure: true },
        { ...good, name: '__Secure-id', secure: true, hostOnly: false, domain: 'a.example' },
      ],
    })
    expect(jar.size).toBe(4)
  })

  it('a jar saved with rejectPublicSuffixes: false may hold a suffix domain', () => {
    const jar = CookieJar.fromJSON({
      version: 1,
      options: { rejectPublicSuffixes: false },
      cookies: [{ ...good, domain: 'com', hostOnly: false }],
    })
    expect(jar.size).toBe(1)
  })

  it('unknown fields at the top and in options are refused too', () => {
    expect(
      (caught(() => CookieJar.fromJSON({ version: 1, cookies: [], extra: 1 })) as SessionStateError)
        .path,
    ).toBe('extra')
    expect(
      (
        caught(() =>
          CookieJar.fromJSON({ version: 1, options: { max: 1 }, cookies: [] }),
        ) as SessionStateError
      ).path,
    ).toBe('options.max')
  })
})

describe('CookieJar.fromNetscape', () => {
  const line = (domain: string, sub = 'FALSE', name = 'n', secure = 'FALSE', path = '/'): string =>
    `${domain}\t${sub}\t${path}\t${secure}\t${FUTURE / 1000}\t${name}\tv`

  it.each<[string, string, RegExp]>([
    [
      '.com as a domain cookie',
      line('.com', 'TRUE'),
      /domain: expected a domain that is not a public suffix/,
    ],
    ['.co.uk as a domain cookie', line('.co.uk', 'TRUE'), /public suffix/],
    [
      'a domain with a space',
      line('a example'),
      /domain: expected an ASCII host name, got "a example"/,
    ],
    ['a domain with a slash', line('a.example/x'), /domain: expected an ASCII host name/],
    [
      '__Secure- without secure',
      line('a.example', 'FALSE', '__Secure-x'),
      /secure: expected true for a __Secure- cookie/,
    ],
    [
      '__Host- as a domain cookie',
      line('.a.example', 'TRUE', '__Host-x', 'TRUE'),
      /include subdomains: expected a host-only cookie/,
    ],
  ])('refuses %s at its line', (_, text, message) => {
    const error = caught(() =>
      CookieJar.fromNetscape(`# Netscape HTTP Cookie File\n${line('ok.example')}\n${text}\n`),
    )
    expect(error).toBeInstanceOf(SessionStateError)
    expect((error as SessionStateError).path).toBe('line 3')
    expect((error as SessionStateError).message).toMatch(message)
  })

  it('reads a file that starts with a UTF-8 byte order mark', () => {
    const jar = CookieJar.fromNetscape(`\uFEFF${line('a.example')}\n`)
    expect(jar.get('n')).toBe('v')
    const commented = CookieJar.fromNetscape(
      `\uFEFF# Netscape HTTP Cookie File\n${line('a.example')}\n`,
    )
    expect(commented.size).toBe(1)
  })

  it('a host-only public suffix (a cookie of localhost) is kept', () => {
    expect(CookieJar.fromNetscape(line('localhost')).size).toBe(1)
  })
})

describe('jar.set', () => {
  it.each<[string, () => unknown, typeof TypeError | typeof RangeError, string, RegExp]>([
    [
      'a domain cookie for com',
      () => new CookieJar().set('a', '1', { domain: 'com', hostOnly: false }),
      TypeError,
      'attrs.domain',
      /attrs\.domain: expected a domain that is not a public suffix, unless the cookie is host-only, got "com"/,
    ],
    [
      'over 4096 bytes',
      () => new CookieJar().set('a', 'v'.repeat(4096)),
      RangeError,
      'value',
      /^value: expected at most 4096 bytes of name and value together, got 4097 bytes$/,
    ],
    [
      '__Secure- without secure',
      () => new CookieJar().set('__Secure-a', '1', { domain: 'a.example' }),
      TypeError,
      'attrs.secure',
      /true for a __Secure- cookie/,
    ],
    [
      '__Host- without a domain',
      () => new CookieJar().set('__Host-a', '1', { secure: true }),
      TypeError,
      'attrs.hostOnly',
      /got no domain/,
    ],
    [
      '__Host- as a domain cookie',
      () => new CookieJar().set('__Host-a', '1', { secure: true, domain: 'a.example' }),
      TypeError,
      'attrs.hostOnly',
      /got a domain cookie/,
    ],
    [
      '__Host- with another path',
      () =>
        new CookieJar().set('__Host-a', '1', {
          secure: true,
          domain: 'a.example',
          hostOnly: true,
          path: '/x',
        }),
      TypeError,
      'attrs.path',
      /"\/" for a __Host- cookie/,
    ],
  ])('refuses %s', (_, call, type, field, message) => {
    const error = caught(call)
    expect(error).toBeInstanceOf(type)
    expect(fieldOf(error)).toBe(field)
    expect((error as Error).message).toMatch(message)
  })

  it('a public suffix domain without hostOnly is taken as that host only', () => {
    const jar = new CookieJar()
    expect(jar.set('a', '1', { domain: 'com' }).hostOnly).toBe(true)
    expect(jar.getCookieString('https://shop.com/')).toBe('')
    expect(jar.set('b', '1', { domain: 'localhost' }).hostOnly).toBe(true)
    expect(jar.getCookieString('http://localhost/')).toBe('b=1')
  })

  it('prefixed cookies that meet their demands are stored', () => {
    const jar = new CookieJar()
    jar.set('__Host-a', '1', { secure: true, domain: 'a.example', hostOnly: true })
    jar.set('__Secure-b', '1', { secure: true, domain: 'a.example' })
    expect(jar.getCookieString('https://a.example/')).toBe('__Host-a=1; __Secure-b=1')
  })
})

// 6265bis §5.6 step 8: Set-Cookie ignores a Path attribute over 1024 bytes, so no way into the
// jar stores one.
describe('a path over 1024 bytes', () => {
  const long = `/${'x'.repeat(1024)}` // 1025 bytes
  const longest = `/${'\u00e9'.repeat(511)}x` // 1024 bytes of UTF-8

  it('is refused by fromJSON, naming the field', () => {
    const error = caught(() =>
      CookieJar.fromJSON({ version: 1, cookies: [{ ...good, path: long }] }, { path: 'cookies' }),
    )
    expect(error).toBeInstanceOf(SessionStateError)
    expect((error as SessionStateError).path).toBe('cookies.cookies[0].path')
    expect((error as SessionStateError).message).toMatch(/at most 1024 bytes, got 1025 bytes/)
  })

  it('is refused by fromNetscape at its line', () => {
    const text = `a.example\tFALSE\t${long}\tFALSE\t${FUTURE / 1000}\tn\tv\n`
    const error = caught(() => CookieJar.fromNetscape(text))
    expect(error).toBeInstanceOf(SessionStateError)
    expect((error as SessionStateError).message).toMatch(/path: expected at most 1024 bytes/)
  })

  it('is refused by jar.set as attrs.path', () => {
    const error = caught(() => new CookieJar().set('a', '1', { domain: 'a.example', path: long }))
    expect(error).toBeInstanceOf(TypeError)
    expect(fieldOf(error)).toBe('attrs.path')
  })

  it('1024 bytes is kept everywhere, and survives a round trip', () => {
    const jar = new CookieJar()
    jar.set('a', '1', { domain: 'a.example', path: longest })
    expect(CookieJar.fromJSON(jar.toJSON()).size).toBe(1)
  })

  it('Set-Cookie ignores such a Path attribute, and a cookie whose default path is that long', () => {
    const jar = new CookieJar()
    expect(jar.setCookie(`a=1; Path=${long}`, 'https://a.example/d/x')?.path).toBe('/d')
    expect(jar.setCookie('b=1', `https://a.example${long}/x`)).toBeNull()
    // (A URL's path is percent-encoded, so an ASCII one of 1024 bytes.)
    const ascii = `/${'x'.repeat(1023)}`
    expect(jar.setCookie('c=1', `https://a.example${ascii}/x`)?.path).toBe(ascii)
    // Whatever it stored saves and loads.
    expect(CookieJar.fromJSON(JSON.stringify(jar.toJSON())).size).toBe(2)
  })
})
