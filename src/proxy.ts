/**
 * The proxy planner: merges the session's and the request's `proxy` settings, and picks the
 * proxy for one URL from them and (with `trustEnv`) the environment. Pure: the environment
 * comes in as a lookup function, and the platform's transport opens the connection.
 *
 * Sources: requests' `select_proxy`, `should_bypass_proxies`, `get_environ_proxies` and
 * `resolve_proxies`; CPython's `urllib.request.getproxies_environment` (lower case wins, the
 * httpoxy rule); curl's `NO_PROXY` matching (suffixes, ports, CIDR since 7.86).
 * @module
 */
import type { ProxyInit } from './types.ts'
import { invalid } from './util/validate.ts'

/** Normalised proxy settings of one request (session and request merged). */
export type ResolvedProxy =
  /** Nothing configured: the environment decides (when `trustEnv`). */
  | { readonly mode: 'environment' }
  /** `proxy: null`: connect directly and ignore the environment. */
  | { readonly mode: 'direct' }
  /**
   * Explicit proxies by key (`http`, `https`, `all`, `http://host`, `all://host`); a single
   * string is `{ all: url }`. `noProxy` is the map's `no_proxy` entry, if any.
   */
  | {
      readonly mode: 'map'
      readonly map: ReadonlyMap<string, string>
      readonly noProxy: string | undefined
    }

const proxySchemes = new Set(['http:', 'https:', 'socks5:', 'socks5h:'])
const keySchemes = new Set(['http', 'https', 'all'])

/**
 * Merges the session's `proxy` with the request's (requests' `merge_setting`): a request
 * string replaces everything; a request map merges over the session map per key, `null` or
 * `undefined` removing a key; a request `null` means a direct connection with no environment
 * proxy either. Validates and normalises every proxy URL (no scheme → `http://`).
 * @throws {TypeError} naming the field (`proxy`, `proxy.https`…) for a value of the wrong type, an unknown key or a bad proxy URL.
 * @example
 * resolveProxySettings({ https: 'proxy:3128' }, { http: 'http://other:8080' }, 'proxy')
 * // { mode: 'map', map: Map { 'https' → 'http://proxy:3128', 'http' → 'http://other:8080' }, noProxy: undefined }
 */
export function resolveProxySettings(
  session: ProxyInit | undefined,
  request: ProxyInit | undefined,
  field: string,
): ResolvedProxy {
  const base = resolveOne(session, field)
  if (request === undefined) return base
  const own = resolveOne(request, field)
  if (own.mode !== 'map' || request === null || typeof request === 'string') return own
  // A request map merges over the session's map (a session string is `{ all: url }`).
  const map = new Map(base.mode === 'map' ? base.map : [])
  let noProxy = base.mode === 'map' ? base.noProxy : undefined
  for (const [rawKey, value] of Object.entries(request)) {
    const key = rawKey.toLowerCase()
    if (key === 'no_proxy') {
      noProxy = value ?? undefined
    } else if (value === null || value === undefined) {
      map.delete(normaliseKey(rawKey, `${field}.${rawKey}`))
    }
  }
  for (const [key, value] of own.map) map.set(key, value)
  if (own.noProxy !== undefined) noProxy = own.noProxy
  return { mode: 'map', map, noProxy }
}

function resolveOne(init: ProxyInit | undefined, field: string): ResolvedProxy {
  if (init === undefined) return { mode: 'environment' }
  if (init === null) return { mode: 'direct' }
  if (typeof init === 'string') {
    return {
      mode: 'map',
      map: new Map([['all', normaliseProxyURL(init, field)]]),
      noProxy: undefined,
    }
  }
  if (typeof init !== 'object' || Array.isArray(init) || init instanceof URL) {
    throw invalid(field, 'a proxy URL string, a map of proxy URLs or null', init)
  }
  const map = new Map<string, string>()
  let noProxy: string | undefined
  for (const [rawKey, value] of Object.entries(init)) {
    const name = `${field}.${rawKey}`
    if (value === null || value === undefined) continue
    if (typeof value !== 'string') {
      throw invalid(name, 'a proxy URL string or null', value)
    }
    if (rawKey.toLowerCase() === 'no_proxy') {
      noProxy = value
      continue
    }
    map.set(normaliseKey(rawKey, name), normaliseProxyURL(value, name))
  }
  return { mode: 'map', map, noProxy }
}

// requests select_proxy keys: 'scheme', 'all', 'scheme://hostname', 'all://hostname'.
function normaliseKey(rawKey: string, field: string): string {
  const key = rawKey.toLowerCase()
  if (keySchemes.has(key)) return key
  const m = /^(https?|all):\/\/(.+)$/.exec(key)
  let host: string | undefined
  if (m?.[2] !== undefined) {
    try {
      const url = new URL(`http://${m[2]}`)
      if (url.port === '' && url.pathname === '/' && url.search === '' && !m[2].includes('@')) {
        host = url.hostname
      }
    } catch {
      // not a host; reported below
    }
  }
  if (m?.[1] === undefined || host === undefined) {
    throw invalid(
      field,
      `a proxy map key 'http', 'https', 'all', 'no_proxy', '<scheme>://<host>' or 'all://<host>' (no port or path)`,
      rawKey,
    )
  }
  return `${m[1]}://${host}`
}

/**
 * Validates a proxy URL and returns it as `scheme://[user:pass@]host[:port]`. A URL without a
 * scheme gets `http://` (requests' `prepend_scheme_if_needed`).
 * @throws {TypeError} naming `field` for a non-string, an unparsable URL or an unsupported scheme.
 * @example
 * normaliseProxyURL('proxy.local:3128', 'proxy') // 'http://proxy.local:3128'
 */
export function normaliseProxyURL(value: string, field: string): string {
  if (typeof value !== 'string') {
    throw invalid(field, 'a proxy URL string', value)
  }
  const text = value.trim()
  let url: URL
  try {
    url = new URL(/^[a-z][a-z\d+.-]*:\/\//i.test(text) ? text : `http://${text}`)
  } catch {
    throw invalid(field, 'a valid proxy URL', redact(value))
  }
  if (!proxySchemes.has(url.protocol)) {
    throw invalid(field, 'an http:, https:, socks5: or socks5h: proxy URL', redact(value), {
      hint: `the scheme is ${url.protocol}`,
    })
  }
  if (url.hostname === '') {
    throw invalid(field, 'a valid proxy URL', redact(value))
  }
  const userinfo =
    url.username === '' && url.password === ''
      ? ''
      : `${url.username}${url.password === '' ? '' : `:${url.password}`}@`
  return `${url.protocol}//${userinfo}${url.host}`
}

/**
 * The proxy to use for `url`, or `null` for a direct connection.
 *
 * Order: the explicit map in requests' order — `scheme://host`, `scheme`, `all://host`,
 * `all`; then, when `trustEnv`, `<scheme>_proxy` and `all_proxy` from the environment, lower
 * case before upper case. A host on the bypass list (the map's `no_proxy`, else `NO_PROXY`
 * when `trustEnv`) goes direct whichever proxy was found.
 * @throws {TypeError} naming the environment variable when it holds an invalid proxy URL.
 * @example
 * selectProxy(new URL('https://api.test/'), resolveProxySettings('http://p:3128', undefined, 'proxy'), () => undefined, true)
 * // 'http://p:3128'
 */
export function selectProxy(
  url: URL,
  settings: ResolvedProxy,
  env: (key: string) => string | undefined,
  trustEnv: boolean,
): string | null {
  if (settings.mode === 'direct') return null
  const scheme = url.protocol.slice(0, -1)
  let proxy: string | undefined
  // The environment variable `proxy` came from; its value is validated after the bypass check.
  let variable: string | undefined
  if (settings.mode === 'map') {
    const host = url.hostname
    // requests utils.py select_proxy: most specific key first.
    for (const key of [`${scheme}://${host}`, scheme, `all://${host}`, 'all']) {
      proxy = settings.map.get(key)
      if (proxy !== undefined) break
    }
  }
  if (proxy === undefined && trustEnv) {
    // requests resolve_proxies: environ_proxies.get(scheme, environ_proxies.get('all')).
    for (const name of [scheme, 'all']) {
      proxy = readEnv(env, name)
      if (proxy !== undefined) {
        variable = name
        break
      }
    }
  }
  if (proxy === undefined) return null
  // The bypass list is read only when there is a proxy to bypass: the environment is read on
  // every request, and a platform's lookup may be costly.
  const bypass =
    (settings.mode === 'map' ? settings.noProxy : undefined) ??
    (trustEnv ? readEnv(env, 'no') : undefined)
  // NOTE(spec): requests applies NO_PROXY to environment proxies only; like curl, a listed host
  // is reached directly whichever way the proxy was configured.
  if (bypass !== undefined && shouldBypassProxy(url, bypass)) return null
  return variable === undefined ? proxy : normaliseProxyURL(proxy, envName(env, variable))
}

/**
 * Reads `<name>_proxy`: the lower-case variable wins when it is set at all (an empty value
 * then means "none"), as in CPython's `getproxies_environment` and curl.
 */
function readEnv(env: (key: string) => string | undefined, name: string): string | undefined {
  const lower = env(`${name}_proxy`)
  if (lower !== undefined) return lower.trim() === '' ? undefined : lower
  const upper = env(`${name.toUpperCase()}_PROXY`)
  if (upper === undefined || upper.trim() === '') return undefined
  // CVE-2016-5385/CVE-2016-1000110 (httpoxy): in a CGI script, HTTP_PROXY can be set by a
  // client's `Proxy:` header, so the upper-case form is ignored when REQUEST_METHOD is set.
  // (Read only when there is an upper-case value to ignore: one environment read less.)
  return name === 'http' && env('REQUEST_METHOD') !== undefined ? undefined : upper
}

function envName(env: (key: string) => string | undefined, name: string): string {
  return env(`${name}_proxy`) !== undefined ? `${name}_proxy` : `${name.toUpperCase()}_PROXY`
}

const defaultPorts: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' }

/**
 * Whether `url` is on a `NO_PROXY`-style list: entries separated by commas or spaces; `*`
 * matches everything; a domain matches itself and its subdomains (a leading `.` or `*.` is
 * ignored); `host:port` matches that port only; IPv4/IPv6 addresses match exactly, and CIDR
 * blocks (`10.0.0.0/8`, `fd00::/8`) by prefix. Matching is case-insensitive.
 * @example
 * shouldBypassProxy(new URL('http://api.internal.test:8080/'), 'localhost,.internal.test') // true
 */
export function shouldBypassProxy(url: URL, list: string): boolean {
  const host = unbracket(url.hostname.toLowerCase()).replace(/\.$/, '')
  const port = url.port === '' ? (defaultPorts[url.protocol] ?? '') : url.port
  const hostIP = parseIP(host)
  for (const raw of list.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase()
    if (entry === '') continue
    if (entry === '*') return true
    const rule = parseRule(entry)
    if (rule === null) continue
    if (rule.port !== undefined && rule.port !== port) continue
    if (rule.kind === 'domain') {
      if (host === rule.name || host.endsWith(`.${rule.name}`)) return true
    } else if (hostIP !== null && hostIP.length === rule.address.length) {
      if (prefixMatch(hostIP, rule.address, rule.bits)) return true
    }
  }
  return false
}

type Rule =
  | { kind: 'domain'; name: string; port: string | undefined }
  | { kind: 'ip'; address: number[]; bits: number; port: string | undefined }

function parseRule(entry: string): Rule | null {
  let hostPart = entry
  let port: string | undefined
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry)
  if (bracketed?.[1] !== undefined) {
    hostPart = bracketed[1]
    port = bracketed[2]
  } else if ((entry.match(/:/g) ?? []).length === 1) {
    // host:port (a bare IPv6 address has several colons and no port)
    const [h = '', p = ''] = entry.split(':')
    if (!/^\d+$/.test(p)) return null
    hostPart = h
    port = p
  }
  if (port !== undefined) port = String(Number(port))
  const [addressText = '', bitsText] = hostPart.split('/')
  const address = parseIP(addressText)
  if (address !== null) {
    const max = address.length * 16
    const bits = bitsText === undefined ? max : Number(bitsText)
    if (!Number.isInteger(bits) || bits < 0 || bits > max) return null
    return { kind: 'ip', address, bits, port }
  }
  if (bitsText !== undefined) return null
  // curl and CPython ignore leading dots; '*.example' is the same as '.example'.
  const name = hostPart.replace(/^\*?\.+/, '').replace(/\.$/, '')
  return name === '' ? null : { kind: 'domain', name, port }
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
}

/**
 * An IP address as 16-bit groups (2 for IPv4, 8 for IPv6), or `null` for a name. Parsing goes
 * through the WHATWG URL parser, so every form it accepts (`0x7f.1`, `::ffff:1.2.3.4`) is
 * canonicalised the same way as the request URL's host.
 */
function parseIP(text: string): number[] | null {
  if (text === '') return null
  if (text.includes(':')) {
    let host: string
    try {
      host = new URL(`http://[${text}]/`).hostname
    } catch {
      return null
    }
    return expandIPv6(unbracket(host))
  }
  if (!/^[\d.x]+$/i.test(text)) return null
  let host: string
  try {
    host = new URL(`http://${text}/`).hostname
  } catch {
    return null
  }
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host)
  if (!m) return null
  const [a, b, c, d] = m.slice(1).map(Number) as [number, number, number, number]
  return [(a << 8) | b, (c << 8) | d]
}

function expandIPv6(canonical: string): number[] | null {
  const [head = '', tail] = canonical.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  const fill = tail === undefined ? 0 : 8 - left.length - right.length
  const groups = [...left, ...Array<string>(fill).fill('0'), ...right].map((g) => parseInt(g, 16))
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : null
}

function prefixMatch(address: number[], network: number[], bits: number): boolean {
  for (let i = 0; i < address.length; i++) {
    const take = Math.max(0, Math.min(16, bits - i * 16))
    if (take === 0) return true
    const mask = (0xffff << (16 - take)) & 0xffff
    if (((address[i] ?? 0) & mask) !== ((network[i] ?? 0) & mask)) return false
  }
  return true
}

function redact(value: string): string {
  return value.replace(/^([a-z][a-z\d+.-]*:\/\/)?[^/@]*@/i, '$1***@')
}
