import { describe, expect, it } from 'vitest'
import {
  normaliseProxyURL,
  resolveProxySettings,
  selectProxy,
  shouldBypassProxy,
  type ResolvedProxy,
} from '../../src/proxy.ts'
import type { ProxyInit } from '../../src/types.ts'

function envOf(vars: Record<string, string>): (key: string) => string | undefined {
  return (key) => vars[key]
}
const noEnv = envOf({})

function pick(
  url: string,
  session: ProxyInit | undefined,
  request?: ProxyInit,
  vars: Record<string, string> = {},
  trustEnv = true,
): string | null {
  return selectProxy(
    new URL(url),
    resolveProxySettings(session, request, 'proxy'),
    envOf(vars),
    trustEnv,
  )
}

describe('resolveProxySettings: merge rules (requests merge_setting)', () => {
  it('nothing configured leaves it to the environment', () => {
    expect(resolveProxySettings(undefined, undefined, 'proxy')).toEqual({ mode: 'environment' })
  })

  it('a session null is a direct connection', () => {
    expect(resolveProxySettings(null, undefined, 'proxy')).toEqual({ mode: 'direct' })
  })

  it('a request null overrides a session proxy: direct, no environment either', () => {
    const resolved = resolveProxySettings('http://p.test:3128', null, 'proxy')
    expect(resolved).toEqual({ mode: 'direct' })
    expect(
      selectProxy(new URL('http://a.test/'), resolved, envOf({ http_proxy: 'http://env:1' }), true),
    ).toBeNull()
  })

  it('a string is { all: url }', () => {
    expect(resolveProxySettings('p.test:3128', undefined, 'proxy')).toEqual({
      mode: 'map',
      map: new Map([['all', 'http://p.test:3128']]),
      noProxy: undefined,
    })
  })

  it('a request string replaces the session map', () => {
    const resolved = resolveProxySettings({ https: 'http://s:1' }, 'http://r:2', 'proxy')
    expect(resolved).toEqual({
      mode: 'map',
      map: new Map([['all', 'http://r:2']]),
      noProxy: undefined,
    })
  })

  it('a request map merges over the session map per key, null removing a key', () => {
    const resolved = resolveProxySettings(
      { http: 'http://s-http:1', https: 'http://s-https:1', all: 'http://s-all:1' },
      { http: 'http://r-http:2', https: null, 'all://a.test': 'http://r-a:2' },
      'proxy',
    )
    expect(resolved).toEqual({
      mode: 'map',
      map: new Map([
        ['http', 'http://r-http:2'],
        ['all', 'http://s-all:1'],
        ['all://a.test', 'http://r-a:2'],
      ]),
      noProxy: undefined,
    })
  })

  it('a request map merges over a session string (which is { all })', () => {
    const resolved = resolveProxySettings('http://s:1', { https: 'http://r:2' }, 'proxy')
    expect(resolved.mode === 'map' && [...resolved.map]).toEqual([
      ['all', 'http://s:1'],
      ['https', 'http://r:2'],
    ])
  })

  it('a request map can remove the session string with { all: null }', () => {
    const resolved = resolveProxySettings('http://s:1', { all: null }, 'proxy')
    expect(resolved).toEqual({ mode: 'map', map: new Map(), noProxy: undefined })
  })

  it('no_proxy is merged too, and removed by null', () => {
    const session: ProxyInit = { all: 'http://s:1', no_proxy: 'a.test' }
    expect(
      (resolveProxySettings(session, { no_proxy: 'b.test' }, 'proxy') as { noProxy: unknown })
        .noProxy,
    ).toBe('b.test')
    expect(
      (resolveProxySettings(session, { no_proxy: null }, 'proxy') as { noProxy: unknown }).noProxy,
    ).toBeUndefined()
    expect((resolveProxySettings(session, {}, 'proxy') as { noProxy: unknown }).noProxy).toBe(
      'a.test',
    )
  })

  it('never mutates the session settings', () => {
    const session = { http: 'http://s:1' }
    resolveProxySettings(session, { http: null, https: 'http://r:2' }, 'proxy')
    expect(session).toEqual({ http: 'http://s:1' })
  })

  it('keys are case-insensitive and hosts normalised', () => {
    const resolved = resolveProxySettings(
      { HTTPS: 'http://p:1', 'ALL://API.Test': 'http://q:1' },
      undefined,
      'proxy',
    )
    expect(resolved.mode === 'map' && [...resolved.map.keys()]).toEqual(['https', 'all://api.test'])
  })

  it.each([
    [42, 'proxy: expected a proxy URL string, a map of proxy URLs or null, got number'],
    [
      ['http://p:1'],
      'proxy: expected a proxy URL string, a map of proxy URLs or null, got array of length 1',
    ],
    [
      new URL('http://p:1'),
      'proxy: expected a proxy URL string, a map of proxy URLs or null, got URL object',
    ],
    [{ https: 3128 }, 'proxy.https: expected a proxy URL string or null, got number'],
    [{ ftp: 'http://p:1' }, /^proxy\.ftp: expected a proxy map key/],
    [{ 'http://a.test:8080': 'http://p:1' }, /no port or path/],
    [{ 'http://a.test/x': 'http://p:1' }, /no port or path/],
    [{ 'ftp://a.test': 'http://p:1' }, /expected a proxy map key/],
    [
      { https: 'ftp://p:1' },
      /^proxy\.https: expected an http:, https:, socks5: or socks5h: proxy URL/,
    ],
    [{ https: 'http://' }, /^proxy\.https: expected a valid proxy URL/],
    [{ https: 'socks5://' }, /^proxy\.https: expected a valid proxy URL/],
    ['http://[::1', /^proxy: expected a valid proxy URL/],
  ])('rejects %j with a TypeError naming the field', (init, message) => {
    expect(() => resolveProxySettings(init as never, undefined, 'proxy')).toThrow(TypeError)
    expect(() => resolveProxySettings(init as never, undefined, 'proxy')).toThrow(message)
  })

  it('validates the request value under the same field name', () => {
    expect(() => resolveProxySettings(undefined, { http: 1 } as never, 'init.proxy')).toThrow(
      'init.proxy.http: expected a proxy URL string or null, got number',
    )
  })
})

describe('normaliseProxyURL', () => {
  it.each([
    ['proxy.test:3128', 'http://proxy.test:3128'], // requests prepend_scheme_if_needed
    ['http://proxy.test:3128/', 'http://proxy.test:3128'],
    ['HTTPS://Proxy.Test', 'https://proxy.test'],
    ['http://user:p%40ss@proxy.test:8080', 'http://user:p%40ss@proxy.test:8080'],
    ['http://user@proxy.test', 'http://user@proxy.test'],
    ['socks5://127.0.0.1:1080', 'socks5://127.0.0.1:1080'],
    ['[::1]:3128', 'http://[::1]:3128'],
    ['  http://p.test:1  ', 'http://p.test:1'],
  ])('%j → %j', (input, expected) => {
    expect(normaliseProxyURL(input, 'proxy')).toBe(expected)
  })

  it('a non-string is a TypeError naming the field and the type', () => {
    expect(() => normaliseProxyURL(3128 as never, 'proxy.http')).toThrow(
      Object.assign(new TypeError('proxy.http: expected a proxy URL string, got number'), {
        field: 'proxy.http',
      }),
    )
  })

  it('never repeats the password in an error message', () => {
    expect(() => normaliseProxyURL('http://user:secret@[bad', 'proxy')).toThrow(
      'proxy: expected a valid proxy URL, got string "http://***@[bad"',
    )
    expect(() => normaliseProxyURL('http://user:secret@[bad', 'proxy')).not.toThrow(/secret/)
  })
})

describe('selectProxy: explicit settings (requests select_proxy)', () => {
  const map = {
    'http://a.test': 'http://scheme-host:1',
    http: 'http://scheme:1',
    'all://a.test': 'http://all-host:1',
    all: 'http://all:1',
  }
  it.each([
    ['http://a.test/x', 'http://scheme-host:1', 'scheme://host first'],
    ['http://b.test/x', 'http://scheme:1', 'then scheme'],
    ['https://a.test/x', 'http://all-host:1', 'then all://host'],
    ['https://b.test/x', 'http://all:1', 'then all'],
    ['http://A.TEST:8080/x', 'http://scheme-host:1', 'host match ignores case and port'],
  ])('%s → %s (%s)', (url, expected) => {
    expect(pick(url, map)).toBe(expected)
  })

  it('an IPv6 host key matches', () => {
    expect(pick('http://[::1]:8080/', { 'http://[::1]': 'http://p:1' })).toBe('http://p:1')
  })

  it('without a matching key and without trustEnv the connection is direct', () => {
    expect(
      pick(
        'https://a.test/',
        { http: 'http://p:1' },
        undefined,
        { https_proxy: 'http://env:1' },
        false,
      ),
    ).toBeNull()
  })

  it('explicit keys win over the environment', () => {
    expect(
      pick('https://a.test/', { all: 'http://mine:1' }, undefined, { https_proxy: 'http://env:1' }),
    ).toBe('http://mine:1')
  })

  it('the environment fills a scheme the map lacks (requests resolve_proxies)', () => {
    expect(
      pick('https://a.test/', { http: 'http://mine:1' }, undefined, { HTTPS_PROXY: 'env:1' }),
    ).toBe('http://env:1')
  })
})

describe('selectProxy: environment (trustEnv)', () => {
  it.each([
    ['http://a.test/', { HTTP_PROXY: 'http://up:1' }, 'http://up:1'],
    ['http://a.test/', { http_proxy: 'http://low:1' }, 'http://low:1'],
    ['http://a.test/', { http_proxy: 'http://low:1', HTTP_PROXY: 'http://up:1' }, 'http://low:1'], // lower case wins (CPython getproxies_environment, curl)
    ['http://a.test/', { http_proxy: '', HTTP_PROXY: 'http://up:1' }, null], // an empty lower-case value means none
    ['https://a.test/', { HTTPS_PROXY: 'p:1' }, 'http://p:1'], // no scheme → http://
    ['https://a.test/', { HTTP_PROXY: 'http://p:1' }, null], // the http proxy is not used for https
    ['https://a.test/', { ALL_PROXY: 'http://all:1' }, 'http://all:1'],
    ['https://a.test/', { all_proxy: 'http://all:1', HTTPS_PROXY: 'http://s:1' }, 'http://s:1'], // scheme before all
    ['https://a.test/', { https_proxy: '  ', ALL_PROXY: 'http://all:1' }, 'http://all:1'],
    // CVE-2016-5385 / CVE-2016-1000110 (httpoxy): under CGI, upper-case HTTP_PROXY is attacker-controlled
    ['http://a.test/', { HTTP_PROXY: 'http://evil:1', REQUEST_METHOD: 'GET' }, null],
    ['http://a.test/', { http_proxy: 'http://ok:1', REQUEST_METHOD: 'GET' }, 'http://ok:1'],
    ['https://a.test/', { HTTPS_PROXY: 'http://ok:1', REQUEST_METHOD: 'GET' }, 'http://ok:1'],
  ])('%s with %j → %s', (url, vars, expected) => {
    expect(pick(url, undefined, undefined, vars)).toBe(expected)
  })

  it('trustEnv false ignores every variable', () => {
    expect(
      pick(
        'http://a.test/',
        undefined,
        undefined,
        { HTTP_PROXY: 'http://p:1', ALL_PROXY: 'http://q:1' },
        false,
      ),
    ).toBeNull()
  })

  it('an invalid proxy URL in the environment is a TypeError naming the variable', () => {
    expect(() =>
      pick('https://a.test/', undefined, undefined, { HTTPS_PROXY: 'ftp://p:1' }),
    ).toThrow(/^HTTPS_PROXY: expected an http:/)
    expect(() =>
      pick('https://a.test/', undefined, undefined, { https_proxy: 'http://[x' }),
    ).toThrow(/^https_proxy: expected a valid proxy URL/)
  })

  it('NO_PROXY sends listed hosts direct, lower case first', () => {
    const vars = { HTTP_PROXY: 'http://p:1', NO_PROXY: 'a.test', no_proxy: 'b.test' }
    expect(pick('http://b.test/', undefined, undefined, vars)).toBeNull()
    expect(pick('http://a.test/', undefined, undefined, vars)).toBe('http://p:1')
  })

  it('NO_PROXY also bypasses an explicit proxy (curl; NOTE(spec): requests does not)', () => {
    expect(pick('http://a.test/', 'http://p:1', undefined, { NO_PROXY: 'a.test' })).toBeNull()
    expect(pick('http://a.test/', 'http://p:1', undefined, { NO_PROXY: 'a.test' }, false)).toBe(
      'http://p:1',
    )
  })

  it('the map no_proxy key replaces NO_PROXY', () => {
    const settings = { all: 'http://p:1', no_proxy: 'b.test' }
    expect(pick('http://b.test/', settings, undefined, { NO_PROXY: 'a.test' })).toBeNull()
    expect(pick('http://a.test/', settings, undefined, { NO_PROXY: 'a.test' })).toBe('http://p:1')
    expect(pick('http://b.test/', settings, undefined, {}, false)).toBeNull()
  })

  it('reads the environment through the lookup it is given, once per decision', () => {
    const seen: string[] = []
    const resolved: ResolvedProxy = { mode: 'environment' }
    selectProxy(new URL('https://a.test/'), resolved, (key) => (seen.push(key), undefined), true)
    // No proxy found: the bypass list is not read at all.
    expect(seen).toEqual(['https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'])
    expect(selectProxy(new URL('https://a.test/'), resolved, noEnv, true)).toBeNull()
  })

  it('reads NO_PROXY only once a proxy was found, and validates the proxy after the bypass', () => {
    const seen: string[] = []
    const env: Record<string, string> = { HTTPS_PROXY: 'not a url', NO_PROXY: 'a.test' }
    const lookup = (key: string): string | undefined => (seen.push(key), env[key])
    const resolved: ResolvedProxy = { mode: 'environment' }
    // A bypassed host goes direct even though the variable is invalid (nothing is proxied).
    expect(selectProxy(new URL('https://a.test/'), resolved, lookup, true)).toBeNull()
    expect(seen).toEqual(['https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'])
    expect(() => selectProxy(new URL('https://b.test/'), resolved, lookup, true)).toThrow(
      /HTTPS_PROXY/,
    )
  })
})

describe('shouldBypassProxy (NO_PROXY rules: requests should_bypass_proxies, curl)', () => {
  it.each([
    ['http://a.test/', '*', true],
    ['http://a.test/', 'a.test', true],
    ['http://A.Test./', 'a.test', true], // case and trailing dot
    ['http://x.a.test/', 'a.test', true], // subdomains match
    ['http://x.a.test/', '.a.test', true],
    ['http://a.test/', '.a.test', true], // a leading dot is ignored (curl 7.86, CPython)
    ['http://x.y.a.test/', '*.a.test', true],
    ['http://xa.test/', 'a.test', false], // not a label boundary
    ['http://a.test.evil/', 'a.test', false],
    ['http://b.test/', 'a.test, b.test', true], // commas and spaces
    ['http://b.test/', 'a.test b.test', true],
    ['http://b.test/', ' , ,a.test,, ', false],
    ['http://a.test:8080/', 'a.test:8080', true], // ports
    ['http://a.test/', 'a.test:8080', false],
    ['http://a.test/', 'a.test:80', true], // the default port counts
    ['https://a.test/', 'a.test:443', true],
    ['http://localhost:3000/', 'localhost', true],
    ['http://127.0.0.1:3000/', '127.0.0.1', true], // IPv4
    ['http://127.0.0.1:3000/', '127.0.0.1:3000', true],
    ['http://127.0.0.2/', '127.0.0.1', false],
    ['http://10.1.2.3/', '10.0.0.0/8', true], // CIDR
    ['http://11.1.2.3/', '10.0.0.0/8', false],
    ['http://192.168.1.77/', '192.168.1.64/26', true],
    ['http://192.168.1.128/', '192.168.1.64/26', false],
    ['http://1.2.3.4/', '0.0.0.0/0', true],
    ['http://0x7f.1/', '127.0.0.1', true], // WHATWG URL canonicalises the host
    ['http://[::1]/', '::1', true], // IPv6
    ['http://[::1]:8080/', '[::1]:8080', true],
    ['http://[::1]/', '[::1]:8080', false],
    ['http://[fd00::5]/', 'fd00::/8', true],
    ['http://[fe80::5]/', 'fd00::/8', false],
    ['http://[::ffff:7f00:1]/', '::ffff:127.0.0.1', true],
    ['http://127.0.0.1/', '::1', false], // families never mix
    ['http://a.test/', '10.0.0.0/33', false], // an invalid prefix is ignored
    ['http://a.test/', 'a.test/8', false],
    ['http://a.test/', ':80', false],
    ['http://a.test/', 'zz::1, 999.0.0.1', false], // neither an address nor a match
    ['http://[::1]/', '[zz::1]', false],
  ])('%s against %j → %s', (url, list, expected) => {
    expect(shouldBypassProxy(new URL(url), list)).toBe(expected)
  })
})
