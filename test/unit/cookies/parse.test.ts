import { describe, expect, it } from 'vitest'
import { parseSetCookie, utf8Length, type ParsedSetCookie } from '../../../src/cookies/parse.ts'

const base: ParsedSetCookie = {
  name: 'a',
  value: 'b',
  expires: null,
  maxAge: null,
  domain: null,
  path: null,
  secure: false,
  httpOnly: false,
  sameSite: undefined,
}

describe('parseSetCookie: the name-value-pair (RFC 6265 §5.2 steps 1–5)', () => {
  it.each([
    ['a=b', { name: 'a', value: 'b' }], // step 3
    ['a=b=c', { name: 'a', value: 'b=c' }], // split at the first "="
    ['  a  =  b  ', { name: 'a', value: 'b' }], // step 4: trim WSP
    ['\ta\t=\tb\t', { name: 'a', value: 'b' }], // HTAB is WSP
    ['a=', { name: 'a', value: '' }], // an empty value is a value
    ['a="b c"', { name: 'a', value: '"b c"' }], // quotes are kept (§5.2 has no unquoting)
    ['a=b;', { name: 'a', value: 'b' }], // step 2: the pair ends at the first ";"
    ['a=b ; c', { name: 'a', value: 'b' }],
    ['a=\u00e9', { name: 'a', value: '\u00e9' }], // octets beyond ASCII are allowed
  ])('%j → %j', (input, expected) => {
    expect(parseSetCookie(input)).toEqual({ ...base, ...expected })
  })

  it.each([
    { input: '', why: 'empty' },
    { input: 'a', why: 'no "=" (RFC 6265 §5.2 step 2; the http-state corpus, test 0004)' },
    { input: '=b', why: 'empty name (RFC 6265 §5.2 step 5)' },
    { input: '  =b', why: 'name empty after trimming' },
    { input: ';a=b', why: 'the pair before the first ";" is empty' },
    { input: 'a=b\u0000c', why: 'NUL (6265bis §5.6 step 1)' },
    { input: 'a=b\rc', why: 'CR' },
    { input: 'a=b\nc', why: 'LF' },
    { input: 'a=b\u007f', why: 'DEL' },
    {
      input: 'a=b; Path=/\u0001',
      why: 'a control character in an attribute ignores the whole string',
    },
    { input: `a=${'x'.repeat(4096)}`, why: 'name + value over 4096 octets (6265bis §5.6 step 5)' },
    { input: `a=${'\u00e9'.repeat(2048)}`, why: '4097 octets in UTF-8 although 2049 code units' },
  ])('is ignored: $why', ({ input }) => {
    expect(parseSetCookie(input)).toBeNull()
  })

  it('accepts exactly 4096 octets of name and value', () => {
    expect(parseSetCookie(`a=${'x'.repeat(4095)}`)?.value).toHaveLength(4095)
  })

  it.each([
    ['token', { name: '', value: 'token' }], // 6265bis §5.6 step 3: no "=" → nameless
    ['=token', { name: '', value: 'token' }],
    [' token ; Secure', { name: '', value: 'token', secure: true }],
  ])('with allowNameless, %j → %j (6265bis)', (input, expected) => {
    expect(parseSetCookie(input, true)).toEqual({ ...base, ...expected })
  })

  it.each(['', '=', ' = ', ';x'])(
    'with allowNameless, %j (empty name and value) is ignored',
    (input) => {
      expect(parseSetCookie(input, true)).toBeNull()
    },
  )
})

describe('parseSetCookie: attributes (§5.2 step 6 and §5.2.1–5.2.6, 6265bis §5.6.7)', () => {
  it.each([
    // §5.2.1 Expires: a cookie-date, else ignored; the last valid one wins.
    ['Expires=Sun, 06 Nov 1994 08:49:37 GMT', { expires: Date.parse('1994-11-06T08:49:37Z') }],
    ['Expires=garbage', {}],
    ['Expires=Sun, 06 Nov 1994 08:49:37 GMT; Expires=garbage', { expires: 784111777000 }],
    // §5.2.2 Max-Age: -?DIGITs only.
    ['Max-Age=60', { maxAge: 60 }],
    ['Max-Age=-1', { maxAge: -1 }],
    ['Max-Age=0', { maxAge: 0 }],
    ['Max-Age=1.5', {}],
    ['Max-Age=+5', {}],
    ['Max-Age=', {}],
    ['Max-Age=-', {}],
    ['Max-Age=60; Max-Age=x', { maxAge: 60 }], // an invalid one does not reset
    ['Max-Age=60; Max-Age=30', { maxAge: 30 }], // the last one wins
    // §5.2.3 Domain: leading dot dropped, lower-cased, empty ignored.
    ['Domain=Example.COM', { domain: 'example.com' }],
    ['Domain=.example.com', { domain: 'example.com' }],
    ['Domain=..example.com', { domain: '.example.com' }], // only one dot is dropped
    ['Domain=', {}], // "SHOULD ignore the cookie-av entirely"
    ['Domain=a.com; Domain=', { domain: 'a.com' }],
    ['Domain=.', { domain: '' }],
    ['Domain=a.com; Domain=b.com', { domain: 'b.com' }],
    // §5.2.4 Path: absolute or the default-path marker ''.
    ['Path=/x', { path: '/x' }],
    ['Path=x', { path: '' }],
    ['Path=', { path: '' }],
    ['Path=/x; Path=y', { path: '' }], // the last Path wins even when it is not absolute
    // §5.2.5 / §5.2.6 flags, with or without a value.
    ['Secure', { secure: true }],
    ['Secure=no', { secure: true }],
    ['HttpOnly', { httpOnly: true }],
    // 6265bis §5.6.7 SameSite.
    ['SameSite=Lax', { sameSite: 'lax' }],
    ['SameSite=STRICT', { sameSite: 'strict' }],
    ['SameSite=none', { sameSite: 'none' }],
    ['SameSite=Strict; SameSite=bogus', {}], // an unknown value is "Default"
    ['SameSite=Laxer', {}],
    ['SameSite', {}],
    // Names are case-insensitive and trimmed; unknown attributes are ignored.
    ['  pAtH  =  /x  ', { path: '/x' }],
    ['SECURE; httponly', { secure: true, httpOnly: true }],
    ['Version=1; Comment=x; Priority=High; Partitioned', {}],
    ['; ; ;', {}],
    ['Expire=Sun, 06 Nov 1994 08:49:37 GMT', {}], // not "Expires"
    ['MaxAge=5', {}], // not "Max-Age"
    ['Pathx=/y; Domainx=z; Securex', {}],
  ])('a=b; %s → %j', (attrs, expected) => {
    expect(parseSetCookie(`a=b; ${attrs}`)).toEqual({ ...base, ...expected })
  })

  it('ignores an attribute value over 1024 octets (6265bis §5.6 step 8)', () => {
    expect(parseSetCookie(`a=b; Path=/${'x'.repeat(1023)}`)?.path).toHaveLength(1024)
    expect(parseSetCookie(`a=b; Path=/${'x'.repeat(1024)}`)?.path).toBeNull()
    expect(parseSetCookie(`a=b; Path=/${'\u00e9'.repeat(512)}`)?.path).toBeNull() // 1025 octets
    expect(parseSetCookie(`a=b; Path=/${'\u00e9'.repeat(300)}`)?.path).toHaveLength(301)
  })

  it('keeps going after an over-long attribute', () => {
    expect(parseSetCookie(`a=b; Path=/${'x'.repeat(2000)}; Secure`)?.secure).toBe(true)
  })
})

describe('utf8Length', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['\u00e9', 2],
    ['\u20ac', 3],
    ['\u{1f36a}', 4], // a surrogate pair
    ['\ud83c', 3], // a lone high surrogate is U+FFFD
    ['\udf6a', 3], // a lone low surrogate
    ['\ud83cx', 4],
  ])('%j is %d octets', (s, n) => {
    expect(utf8Length(s)).toBe(n)
    expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length)
  })
})
