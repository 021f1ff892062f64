/**
 * Argument checks of the jar's public methods, and the storage rules every way into the jar
 * shares (`Set-Cookie`, `set()`, saved state, cookies.txt). Programmer mistakes are
 * `TypeError`s (or `RangeError`s) from `invalid()` that name the field and the type
 * received; nothing here is a `SessionError`.
 * @module
 */
import { serialize } from 'cookie'
import { invalid } from '../util/validate.ts'
import { canonicalDomain } from './domain.ts'
import { exceeds, maxAttributeBytes, maxNameValueBytes, type SameSite } from './parse.ts'
import { isPublicSuffix } from './public-suffix.ts'
import type {
  CookieAccessOptions,
  CookieAttributes,
  CookieFilter,
  CookieJarOptions,
} from './types.ts'

function fail(field: string, expected: string, value: unknown): never {
  throw invalid(field, expected, value)
}

export const securePrefix = 1
export const hostPrefix = 2

/** Which cookie prefix (6265bis §4.1.3) `name` carries, case-insensitively (6265bis §5.7). */
export function prefixOf(name: string): number {
  if (name.charCodeAt(0) !== 0x5f || name.charCodeAt(1) !== 0x5f) return 0
  const head = name.slice(0, 9).toLowerCase()
  return head === '__secure-' ? securePrefix : head.startsWith('__host-') ? hostPrefix : 0
}

/**
 * Whether a canonical domain is a host name a URL can have: no spaces, slashes or other
 * URL delimiters, a `:` only inside an IPv6 literal's brackets, and already in the URL
 * parser's normal form.
 */
export function isHostName(domain: string): boolean {
  const bracketed = domain.startsWith('[') && domain.endsWith(']')
  if (/[\s/?#@\\%]/.test(domain) || (domain.includes(':') && !bracketed)) return false
  try {
    return new URL(`http://${domain}/`).hostname === domain
  } catch {
    return false
  }
}

function utf8Length(s: string): number {
  return s.length * 3 <= maxNameValueBytes ? s.length : new TextEncoder().encode(s).length
}

/** The cookie fields the storage rules look at. */
export interface StorageCandidate {
  readonly name: string
  readonly value: string
  readonly domain: string
  readonly path: string
  readonly secure: boolean
  readonly hostOnly: boolean
}

/** The first storage rule a cookie breaks: its field, what was expected, what it has. */
export interface StorageProblem {
  readonly field: 'name' | 'value' | 'domain' | 'path' | 'secure' | 'hostOnly'
  readonly expected: string
  readonly got: string
}

/**
 * The storage rules of `Set-Cookie` (6265bis §5.6–5.7) that hold for a cookie wherever it
 * comes from, so saved state, cookies.txt and `jar.set()` cannot plant what a server could
 * not: a domain that is a host name and, unless host-only, not a public suffix (step 9: else
 * every `*.com` would get it); at most 4096 bytes of name and value (§5.6 step 5); the
 * `__Secure-` and `__Host-` prefixes' demands (steps 20–21); a path of at most 1024 bytes
 * (§5.6 step 8). `domain: ''` is the jar's own
 * "every host" form of `set()` without a domain. Returns `undefined` when all hold.
 */
export function storageProblem(
  c: StorageCandidate,
  rejectPublicSuffixes: boolean,
): StorageProblem | undefined {
  const quoted = JSON.stringify(c.domain)
  if (c.domain !== '' && !isHostName(c.domain)) {
    return { field: 'domain', expected: 'a host name', got: quoted }
  }
  if (rejectPublicSuffixes && !c.hostOnly && c.domain !== '' && isPublicSuffix(c.domain)) {
    return {
      field: 'domain',
      expected: 'a domain that is not a public suffix, unless the cookie is host-only',
      got: quoted,
    }
  }
  const bytes = utf8Length(c.name + c.value)
  if (bytes > maxNameValueBytes) {
    return {
      field: 'value',
      expected: `at most ${maxNameValueBytes} bytes of name and value together`,
      got: `${bytes} bytes`,
    }
  }
  const prefix = prefixOf(c.name)
  if (prefix !== 0 && !c.secure) {
    const which = prefix === hostPrefix ? '__Host-' : '__Secure-'
    return { field: 'secure', expected: `true for a ${which} cookie`, got: 'false' }
  }
  if (prefix === hostPrefix && (!c.hostOnly || c.domain === '')) {
    return {
      field: 'hostOnly',
      expected: 'a host-only cookie with a domain for a __Host- cookie',
      got: c.domain === '' ? 'no domain' : 'a domain cookie',
    }
  }
  if (prefix === hostPrefix && c.path !== '/') {
    return { field: 'path', expected: '"/" for a __Host- cookie', got: JSON.stringify(c.path) }
  }
  // 6265bis §5.6 step 8: `Set-Cookie` ignores a Path over 1024 bytes (and the jar ignores a
  // cookie whose default path is that long), so no cookie holds one.
  if (exceeds(c.path, maxAttributeBytes)) {
    return {
      field: 'path',
      expected: `at most ${maxAttributeBytes} bytes`,
      got: `${new TextEncoder().encode(c.path).length} bytes`,
    }
  }
  return undefined
}

function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') fail(field, 'a boolean', value)
  return value
}

function limit(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || Number.isNaN(value)) fail(field, 'a number', value)
  if (value < 1 || (!Number.isInteger(value) && value !== Infinity)) {
    throw invalid(field, 'an integer >= 1 or Infinity', value, { range: true })
  }
  return value
}

/** Resolved {@link CookieJarOptions}. */
export interface ResolvedJarOptions {
  rejectPublicSuffixes: boolean
  maxCookies: number
  maxCookiesPerDomain: number
  allowNameless: boolean
}

/** Checks `new CookieJar(options)`. */
export function checkJarOptions(options: unknown): ResolvedJarOptions {
  if (options === undefined) {
    return {
      rejectPublicSuffixes: true,
      maxCookies: 3300,
      maxCookiesPerDomain: 180,
      allowNameless: false,
    }
  }
  if (typeof options !== 'object' || options === null) fail('options', 'an object', options)
  const o = options as CookieJarOptions
  return {
    rejectPublicSuffixes:
      optionalBoolean(o.rejectPublicSuffixes, 'options.rejectPublicSuffixes') ?? true,
    // Chromium's limits (net/cookies/cookie_monster.h: kMaxCookies 3300, kDomainMaxCookies
    // 180); RFC 6265 §6.1 asks for at least 3000 in all and 50 per domain.
    maxCookies: limit(o.maxCookies, 'options.maxCookies', 3300),
    maxCookiesPerDomain: limit(o.maxCookiesPerDomain, 'options.maxCookiesPerDomain', 180),
    allowNameless: optionalBoolean(o.allowNameless, 'options.allowNameless') ?? false,
  }
}

const defaultAccess = { now: 0, http: true }

/** Checks the `opts` of `setCookie`/`getCookies`/`getCookieString`; `now` in ms. */
export function checkAccessOptions(opts: unknown): { now: number; http: boolean } {
  if (opts === undefined) {
    defaultAccess.now = Date.now()
    return defaultAccess
  }
  if (typeof opts !== 'object' || opts === null) fail('opts', 'an object', opts)
  const { now, http } = opts as CookieAccessOptions
  let ms: number
  if (now === undefined) ms = Date.now()
  else if (now instanceof Date) {
    ms = now.getTime()
    if (Number.isNaN(ms)) {
      throw invalid('opts.now', 'a valid Date', now, { range: true, got: 'Invalid Date' })
    }
  } else fail('opts.now', 'a Date', now)
  return { now: ms, http: optionalBoolean(http, 'opts.http') ?? true }
}

/** Checks a cookie name passed to `get`/`delete`. */
export function checkName(name: unknown, field: string): asserts name is string {
  if (typeof name !== 'string') fail(field, 'a string', name)
}

/** A canonical domain from user input (`set`, filters): IDNA through the URL parser. */
function userDomain(domain: unknown, field: string): string {
  if (typeof domain !== 'string') fail(field, 'a string', domain)
  const d = canonicalDomain(domain) ?? domain
  if (d === '') return ''
  const bracketed = d.startsWith('[') && d.endsWith(']')
  if (/[\s/?#@\\%]/.test(d) || (d.includes(':') && !bracketed)) {
    throw invalid(field, 'a host name', domain, { got: JSON.stringify(domain) })
  }
  try {
    return new URL(`http://${d}/`).hostname
  } catch {
    throw invalid(field, 'a host name', domain, { got: JSON.stringify(domain) })
  }
}

/** Checks a {@link CookieFilter}; the domain comes back canonical. */
export function checkFilter(filter: unknown): { domain?: string; path?: string } {
  if (filter === undefined) return {}
  if (typeof filter !== 'object' || filter === null) fail('filter', 'an object', filter)
  const f = filter as CookieFilter
  const out: { domain?: string; path?: string } = {}
  if (f.domain !== undefined) out.domain = userDomain(f.domain, 'filter.domain')
  if (f.path !== undefined) {
    if (typeof f.path !== 'string') fail('filter.path', 'a string', f.path)
    out.path = f.path
  }
  return out
}

/** Resolved attributes of `jar.set()`. */
export interface ResolvedAttributes {
  domain: string
  path: string
  expires: number | null
  secure: boolean
  httpOnly: boolean
  hostOnly: boolean
  sameSite: SameSite | undefined
}

// eslint-disable-next-line no-control-regex -- control characters are what is refused
const badPath = /[\x00-\x1f\x7f;]/

/** Checks `jar.set(name, value, attrs)`. Name and value follow the `cookie` package's rules. */
export function checkAttributes(
  name: unknown,
  value: unknown,
  attrs: unknown,
  rejectPublicSuffixes = true,
): ResolvedAttributes {
  if (typeof name !== 'string') fail('name', 'a string', name)
  if (typeof value !== 'string') fail('value', 'a string', value)
  // The `cookie` package's RFC 6265 §4.1.1 rules (cookie-name is a token; cookie-value has
  // no CTL, space, ";" or non-ASCII), applied through its serializer with no encoding.
  try {
    serialize(name, 'x', { encode: (s) => s })
  } catch {
    throw invalid('name', 'a cookie name (RFC 6265 §4.1.1 token)', name, {
      got: JSON.stringify(name),
    })
  }
  try {
    serialize('x', value, { encode: (s) => s })
  } catch {
    // The value may be a secret: its content stays out of the message.
    throw invalid('value', 'a cookie value (RFC 6265 §4.1.1)', value, { secret: true })
  }
  if (attrs !== undefined && (typeof attrs !== 'object' || attrs === null)) {
    fail('attrs', 'an object', attrs)
  }
  const a = (attrs ?? {}) as CookieAttributes
  const domain = a.domain === undefined ? '' : userDomain(a.domain, 'attrs.domain')

  let path = '/'
  if (a.path !== undefined) {
    if (typeof a.path !== 'string') fail('attrs.path', 'a string', a.path)
    if (a.path.charCodeAt(0) !== 0x2f || badPath.test(a.path)) {
      throw invalid('attrs.path', 'a path starting with "/"', a.path, {
        got: JSON.stringify(a.path),
      })
    }
    path = a.path
  }

  let expires: number | null = null
  if (a.expires instanceof Date) {
    expires = a.expires.getTime()
    if (Number.isNaN(expires)) {
      throw invalid('attrs.expires', 'a valid Date', a.expires, {
        range: true,
        got: 'Invalid Date',
      })
    }
  } else if (typeof a.expires === 'number') {
    if (!Number.isFinite(a.expires)) {
      throw invalid('attrs.expires', 'a finite number of ms', a.expires, { range: true })
    }
    expires = a.expires
  } else if (a.expires !== undefined && a.expires !== null) {
    fail('attrs.expires', 'a Date, a number of ms or null', a.expires)
  }

  let sameSite: SameSite | undefined
  if (a.sameSite !== undefined) {
    const mode = typeof a.sameSite === 'string' ? a.sameSite.toLowerCase() : undefined
    if (mode !== 'strict' && mode !== 'lax' && mode !== 'none') {
      throw invalid('attrs.sameSite', '"strict", "lax" or "none"', a.sameSite, {
        ...(typeof a.sameSite === 'string' ? { got: JSON.stringify(a.sameSite) } : {}),
      })
    }
    sameSite = mode
  }

  const given = optionalBoolean(a.hostOnly, 'attrs.hostOnly')
  if (given === true && domain === '') {
    throw invalid('attrs.hostOnly', 'attrs.domain with it', a.hostOnly, {
      got: 'no domain',
      hint: 'a cookie without a domain goes to every host',
    })
  }
  // 6265bis §5.7 step 9: a public-suffix Domain that is the host itself makes the cookie
  // host-only. `set()` has no request host, so a public suffix given as the domain (`localhost`,
  // `com`) is taken as that host, unless `hostOnly: false` asks for every host below it.
  const hostOnly = given ?? (domain !== '' && rejectPublicSuffixes && isPublicSuffix(domain))
  const resolved = {
    domain,
    path,
    expires,
    secure: optionalBoolean(a.secure, 'attrs.secure') ?? false,
    httpOnly: optionalBoolean(a.httpOnly, 'attrs.httpOnly') ?? false,
    hostOnly,
    sameSite,
  }
  const problem = storageProblem({ name, value, ...resolved }, rejectPublicSuffixes)
  if (problem) {
    const field = problem.field === 'value' ? 'value' : `attrs.${problem.field}`
    throw invalid(field, problem.expected, undefined, {
      got: problem.got,
      range: problem.field === 'value',
    })
  }
  return resolved
}
