import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  canonicalDomain,
  domainMatch,
  isIPAddress,
  isSecureOrigin,
} from '../../../src/cookies/domain.ts'
import { defaultPath, pathMatch } from '../../../src/cookies/path.ts'
import { isPublicSuffix, registrableDomain } from '../../../src/cookies/public-suffix.ts'
import { toTarget } from '../../../src/cookies/target.ts'

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/)
const hostName = fc.array(label, { minLength: 1, maxLength: 5 }).map((ls) => ls.join('.'))
const segment = fc.stringMatching(/^[a-zA-Z0-9._~-]{0,6}$/)
const uriPath = fc.array(segment, { maxLength: 5 }).map((s) => `/${s.join('/')}`)

describe('domainMatch (RFC 6265 §5.1.3)', () => {
  it.each([
    ['example.com', 'example.com', true], // identical
    ['www.example.com', 'example.com', true], // suffix after a "."
    ['a.b.example.com', 'example.com', true],
    ['example.com', 'www.example.com', false], // the domain is longer
    ['badexample.com', 'example.com', false], // suffix, but not after a "."
    ['www.example.com', 'com', true], // (public suffixes are refused elsewhere, §5.3 step 5)
    ['1.2.3.4', '1.2.3.4', true], // IP addresses match only exactly
    ['1.2.3.4', '2.3.4', false], // "the string is a host name (i.e., not an IP address)"
    ['[::1]', '[::1]', true],
    ['example.com', '', false], // an empty domain never matches by suffix
    ['', '', true],
  ])('%j domain-matches %j: %s', (host, domain, expected) => {
    expect(domainMatch(host, domain)).toBe(expected)
  })

  it('holds for a host and every dot-suffix of it, and for nothing shorter', () => {
    fc.assert(
      fc.property(hostName, (host) => {
        fc.pre(!isIPAddress(host))
        const labels = host.split('.')
        for (let i = 0; i < labels.length; i++) {
          expect(domainMatch(host, labels.slice(i).join('.'))).toBe(true)
        }
        // A proper suffix that does not start at a label boundary never matches.
        for (let i = 1; i < host.length; i++) {
          if (host[i - 1] !== '.') expect(domainMatch(host, host.slice(i))).toBe(false)
        }
      }),
    )
  })

  it('is antisymmetric for distinct names: a domain never matches its own subdomain', () => {
    fc.assert(
      fc.property(hostName, label, (domain, sub) => {
        const host = `${sub}.${domain}`
        fc.pre(!isIPAddress(host)) // all-digit labels can spell an IPv4 address
        expect(domainMatch(host, domain)).toBe(true)
        expect(domainMatch(domain, host)).toBe(false)
      }),
    )
  })
})

describe('canonicalDomain and isIPAddress', () => {
  it.each([
    ['Example.COM', 'example.com'],
    ['.example.com', 'example.com'],
    ['..example.com', '.example.com'],
    ['b\u00fccher.example', null], // non-ASCII: refused (6265bis §5.7)
    ['', ''],
  ])('canonicalDomain(%j) is %j', (input, expected) => {
    expect(canonicalDomain(input)).toBe(expected)
  })

  it.each([
    ['127.0.0.1', true],
    ['[::1]', true],
    ['::1', true],
    ['example.com', false],
    ['1.2.3', false],
    ['1.2.3.4.5', false],
  ])('isIPAddress(%j) is %s', (host, expected) => {
    expect(isIPAddress(host)).toBe(expected)
  })
})

describe('isSecureOrigin (6265bis §5.7 leaves "secure" to the user agent; browsers\' rules)', () => {
  it.each([
    ['https:', 'example.com', true],
    ['wss:', 'example.com', true],
    ['http:', 'example.com', false],
    ['ws:', 'example.com', false],
    ['http:', 'localhost', true],
    ['http:', 'app.localhost', true],
    ['http:', 'localhost.example.com', false],
    ['http:', '127.0.0.1', true],
    ['http:', '127.255.0.9', true],
    ['http:', '128.0.0.1', false],
    ['http:', '127.example.com', false],
    ['http:', '[::1]', true],
    ['http:', '[::2]', false],
  ])('%s//%s is secure: %s', (protocol, host, expected) => {
    expect(isSecureOrigin(protocol, host)).toBe(expected)
  })
})

describe('public suffixes (tldts, private domains included)', () => {
  it.each([
    ['com', true],
    ['co.uk', true],
    ['github.io', true], // a private-domain rule: browsers include them
    ['localhost', true], // the list's implicit "*" rule
    ['example.com', false],
    ['user.github.io', false],
  ])('isPublicSuffix(%j) is %s', (domain, expected) => {
    expect(isPublicSuffix(domain)).toBe(expected)
    expect(isPublicSuffix(domain)).toBe(expected) // the cached answer agrees
  })

  it.each([
    ['www.example.co.uk', 'example.co.uk'],
    ['a.user.github.io', 'user.github.io'],
    ['127.0.0.1', '127.0.0.1'],
    ['localhost', 'localhost'],
  ])('registrableDomain(%j) is %j', (host, expected) => {
    expect(registrableDomain(host)).toBe(expected)
  })
})

describe('defaultPath and pathMatch (RFC 6265 §5.1.4)', () => {
  it.each([
    ['', '/'], // empty
    ['x/y', '/'], // not starting with "/"
    ['/', '/'], // no more than one "/"
    ['/index.html', '/'],
    ['/docs/', '/docs'],
    ['/docs/guide/intro', '/docs/guide'],
    ['//x', '/'],
  ])('defaultPath(%j) is %j', (path, expected) => {
    expect(defaultPath(path)).toBe(expected)
  })

  it.each([
    ['/docs', '/docs', true], // identical
    ['/docs/', '/docs', true], // prefix followed by "/"
    ['/docs/intro', '/docs', true],
    ['/docs/intro', '/docs/', true], // prefix ending with "/"
    ['/docsearch', '/docs', false], // prefix, but neither rule
    ['/doc', '/docs', false],
    ['/', '/docs', false],
    ['/anything', '/', true],
    ['/Docs', '/docs', false], // case-sensitive
  ])('%j path-matches %j: %s', (requestPath, cookiePath, expected) => {
    expect(pathMatch(requestPath, cookiePath)).toBe(expected)
  })

  it('every request path matches its default-path and "/"; the default-path is a prefix', () => {
    fc.assert(
      fc.property(uriPath, (path) => {
        const d = defaultPath(path)
        expect(path.startsWith(d)).toBe(true)
        expect(pathMatch(path, d)).toBe(true)
        expect(pathMatch(path, '/')).toBe(true)
        expect(pathMatch(path, path)).toBe(true)
      }),
    )
  })

  it('a cookie path matches exactly when it is a prefix at a "/" boundary', () => {
    fc.assert(
      fc.property(uriPath, uriPath, (request, cookie) => {
        const expected =
          request === cookie ||
          (request.startsWith(cookie) && (cookie.endsWith('/') || request[cookie.length] === '/'))
        expect(pathMatch(request, cookie)).toBe(expected)
      }),
    )
  })
})

describe('toTarget: the fast path agrees with new URL()', () => {
  const outcome = (f: () => unknown): unknown => {
    try {
      return f()
    } catch (error) {
      return error instanceof TypeError ? 'TypeError' : error
    }
  }
  const reference = (href: string) => {
    const u = new URL(href)
    if (!['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol)) return null
    return {
      host: u.hostname,
      path: u.pathname,
      secure: isSecureOrigin(u.protocol, u.hostname),
      ip: isIPAddress(u.hostname),
    }
  }

  it.each([
    'https://www.example.com/a/b?q=1#f',
    'http://example.com',
    'http://EXAMPLE.com/',
    'http://example.com:8080/x',
    'http://example.com:99999/x',
    'http://127.1/x',
    'http://0x7f.0.0.1/',
    'http://[::1]:3000/p',
    'https://xn--bcher-kva.example/',
    'https://b\u00fccher.example/',
    'http://example.com/a/./b/../c',
    'http://example.com/%2e%2E/x',
    'http://example.com/a b',
    'http://example.com\\a\\b',
    ' http://example.com/ ',
    'http://exa\tmple.com/',
    'http://user:pass@example.com/x',
    'http://example.com./x',
    'wss://chat.example.com/socket',
    'ws://localhost/socket',
    'http://localhost:8888/cookie-parser-result/foo//qux',
    'http://example.com/caf\u00e9',
    'http://example.com/[x]',
    'http://example.com:/x',
    'ftp://example.com/x',
    'file:///etc/passwd',
    'data:text/plain,x',
  ])('%j', (href) => {
    expect(outcome(() => toTarget(href))).toEqual(outcome(() => reference(href)))
  })

  it('for generated URLs', () => {
    const scheme = fc.constantFrom('http', 'https', 'ws', 'wss', 'HTTP', 'ftp')
    const host = fc.oneof(
      hostName,
      fc.constantFrom('LOCALHOST', '127.0.0.1', '127.1', '[::1]', 'a..b', 'xn--a.com', '0x10'),
    )
    const port = fc.oneof(
      fc.constant(''),
      fc.integer({ min: 0, max: 70000 }).map((p) => `:${p}`),
    )
    const path = fc.stringMatching(/^(\/[a-zA-Z0-9._~%!$&'()*+,;=:@ \\[\]|^-]{0,8}){0,4}$/)
    const tail = fc.constantFrom('', '?q=1', '#x', '?a=b#c', '?x\ty')
    fc.assert(
      fc.property(scheme, host, port, path, tail, (s, h, p, pa, t) => {
        const href = `${s}://${h}${p}${pa}${t}`
        expect(outcome(() => toTarget(href))).toEqual(outcome(() => reference(href)))
      }),
      { numRuns: 1000 },
    )
  })

  it.each([
    [
      new URL('https://example.com/x'),
      { host: 'example.com', path: '/x', secure: true, ip: false },
    ],
    [
      { href: 'http://example.com/y' },
      { host: 'example.com', path: '/y', secure: false, ip: false },
    ],
  ])('reads a URL object or an object with an href: %j', (input, expected) => {
    expect(toTarget(input)).toEqual(expected)
  })

  it.each([
    ['not a url', /url: expected an absolute URL, got string "not a url"/],
    ['/relative', /url: expected an absolute URL/],
    [42, /url: expected a string or URL, got number/],
    [null, /url: expected a string or URL, got null/],
    [{ href: 3 }, /url: expected a string or URL, got object/],
  ])('refuses %j with a TypeError naming url', (input, message) => {
    expect(() => toTarget(input)).toThrow(TypeError)
    expect(() => toTarget(input)).toThrow(message)
  })
})

describe('the public-suffix cache', () => {
  it('answers correctly past its size bound', () => {
    for (let i = 0; i < 2100; i++) expect(isPublicSuffix(`d${i}.example.com`)).toBe(false)
    expect(isPublicSuffix('com')).toBe(true)
  })
})
