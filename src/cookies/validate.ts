/**
 * Argument checks of the jar's public methods. Programmer mistakes are `TypeError`s (or
 * `RangeError`s) that name the field and the type received; nothing here is a
 * `SessionError`.
 * @module
 */
import { serialize } from 'cookie'
import { canonicalDomain } from './domain.ts'
import type { SameSite } from './parse.ts'
import type {
  CookieAccessOptions,
  CookieAttributes,
  CookieFilter,
  CookieJarOptions,
} from './types.ts'

/** `null`, `array`, `Date`, `URL`… or `typeof`, for error messages. */
export function describeType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'object') {
    const ctor = (value as { constructor?: { name?: unknown } }).constructor
    return typeof ctor?.name === 'string' && ctor.name !== 'Object' ? ctor.name : 'object'
  }
  return typeof value
}

function fail(field: string, expected: string, value: unknown): never {
  throw new TypeError(`${field}: expected ${expected}, got ${describeType(value)}`)
}

function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') fail(field, 'a boolean', value)
  return value
}

function limit(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || Number.isNaN(value)) fail(field, 'a number', value)
  if (value < 1 || (!Number.isInteger(value) && value !== Infinity)) {
    throw new RangeError(`${field}: expected an integer >= 1 or Infinity, got ${value}`)
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
    if (Number.isNaN(ms)) throw new RangeError('opts.now: expected a valid Date, got Invalid Date')
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
    throw new TypeError(`${field}: expected a host name, got ${JSON.stringify(domain)}`)
  }
  try {
    return new URL(`http://${d}/`).hostname
  } catch {
    throw new TypeError(`${field}: expected a host name, got ${JSON.stringify(domain)}`)
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
export function checkAttributes(name: unknown, value: unknown, attrs: unknown): ResolvedAttributes {
  if (typeof name !== 'string') fail('name', 'a string', name)
  if (typeof value !== 'string') fail('value', 'a string', value)
  // The `cookie` package's RFC 6265 §4.1.1 rules (cookie-name is a token; cookie-value has
  // no CTL, space, ";" or non-ASCII), applied through its serializer with no encoding.
  try {
    serialize(name, 'x', { encode: (s) => s })
  } catch {
    throw new TypeError(
      `name: ${JSON.stringify(name)} is not a valid cookie name (RFC 6265 §4.1.1 token)`,
    )
  }
  try {
    serialize('x', value, { encode: (s) => s })
  } catch {
    throw new TypeError(
      `value: ${JSON.stringify(value)} is not a valid cookie value (RFC 6265 §4.1.1)`,
    )
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
      throw new TypeError(
        `attrs.path: expected a path starting with "/", got ${JSON.stringify(a.path)}`,
      )
    }
    path = a.path
  }

  let expires: number | null = null
  if (a.expires instanceof Date) {
    expires = a.expires.getTime()
    if (Number.isNaN(expires))
      throw new RangeError('attrs.expires: expected a valid Date, got Invalid Date')
  } else if (typeof a.expires === 'number') {
    if (!Number.isFinite(a.expires)) {
      throw new RangeError(`attrs.expires: expected a finite number of ms, got ${a.expires}`)
    }
    expires = a.expires
  } else if (a.expires !== undefined && a.expires !== null) {
    fail('attrs.expires', 'a Date, a number of ms or null', a.expires)
  }

  let sameSite: SameSite | undefined
  if (a.sameSite !== undefined) {
    const mode = typeof a.sameSite === 'string' ? a.sameSite.toLowerCase() : undefined
    if (mode !== 'strict' && mode !== 'lax' && mode !== 'none') {
      const got =
        typeof a.sameSite === 'string' ? JSON.stringify(a.sameSite) : describeType(a.sameSite)
      throw new TypeError(`attrs.sameSite: expected "strict", "lax" or "none", got ${got}`)
    }
    sameSite = mode
  }

  const hostOnly = optionalBoolean(a.hostOnly, 'attrs.hostOnly') ?? false
  if (hostOnly && domain === '') {
    throw new TypeError(
      'attrs.hostOnly: needs attrs.domain (a cookie without a domain goes to every host)',
    )
  }
  return {
    domain,
    path,
    expires,
    secure: optionalBoolean(a.secure, 'attrs.secure') ?? false,
    httpOnly: optionalBoolean(a.httpOnly, 'attrs.httpOnly') ?? false,
    hostOnly,
    sameSite,
  }
}
