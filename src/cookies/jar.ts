/**
 * `CookieJar`: the RFC 6265 §5.3 storage decisions and §5.4 retrieval (as refined by
 * draft-ietf-httpbis-rfc6265bis §5.7–5.8), the manual API of requests' `RequestsCookieJar`,
 * and the JSON and cookies.txt forms, over the index of cookie-index.ts. Synchronous; no I/O.
 * @module
 */
import { CookieConflictError } from '../errors.ts'
import { CookieIndex } from './cookie-index.ts'
import { isDomainSuffix } from './domain.ts'
import { exceeds, maxAttributeBytes, parseSetCookie } from './parse.ts'
import { defaultPath } from './path.ts'
import { isPublicSuffix } from './public-suffix.ts'
import { StoredCookie, toCookie } from './record.ts'
import { fromNetscapeText, parseJarState, toJarState, toNetscapeText } from './serialize.ts'
import { toTarget, type Target } from './target.ts'
import { invalid } from '../util/validate.ts'
import type {
  Cookie,
  CookieAccessOptions,
  CookieAttributes,
  CookieFilter,
  CookieJarOptions,
  CookieJarState,
  CookieState,
} from './types.ts'
import {
  checkAccessOptions,
  checkAttributes,
  checkFilter,
  checkJarOptions,
  checkName,
  hostPrefix,
  prefixOf,
  securePrefix,
} from './validate.ts'

/** 6265bis §5.6.1 / §5.6.2: expiry is capped at 400 days from now. */
const maxAgeMs = 400 * 24 * 60 * 60 * 1000

function isASCII(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false
  return true
}

/**
 * An in-memory cookie jar implementing RFC 6265 and draft-ietf-httpbis-rfc6265bis for an
 * HTTP client: parsing, storage, retrieval, limits, and the manual API of requests'
 * `RequestsCookieJar`. Synchronous; no I/O; works in every runtime.
 * @example
 * const jar = new CookieJar()
 * jar.setCookie('sid=abc; Path=/; HttpOnly', 'https://example.com/login')
 * jar.getCookieString('https://example.com/account') // 'sid=abc'
 */
export class CookieJar {
  readonly #rejectPublicSuffixes: boolean
  readonly #maxCookies: number
  readonly #maxPerSite: number
  readonly #allowNameless: boolean
  readonly #store: CookieIndex
  // The last URL string and its parse: a response's Set-Cookie headers, and the Cookie
  // header of the request before it, all name the same URL.
  #lastHref: string | undefined
  #lastTarget: Target | null = null
  readonly #scratch = new StoredCookie(
    '',
    '',
    '',
    '/',
    null,
    false,
    false,
    false,
    undefined,
    0,
    0,
    0,
  )

  /**
   * @throws {TypeError} for an option of the wrong type; {@link RangeError} for a limit below 1.
   */
  constructor(options?: CookieJarOptions) {
    const o = checkJarOptions(options)
    this.#rejectPublicSuffixes = o.rejectPublicSuffixes
    this.#maxCookies = o.maxCookies
    this.#maxPerSite = o.maxCookiesPerDomain
    this.#allowNameless = o.allowNameless
    this.#store = new CookieIndex(o.maxCookies, o.maxCookiesPerDomain)
  }

  /** How many cookies are stored (expired ones are removed first). */
  get size(): number {
    this.#store.expire(Date.now())
    return this.#store.size
  }

  /**
   * A counter that increases on every change to the stored set of cookies (store, replace,
   * delete, expiry, eviction, clear) and not on last-access updates: compare it to know
   * whether the jar needs saving.
   */
  get revision(): number {
    return this.#store.revision
  }

  // ------------------------------------------------------------------ HTTP: storage

  /**
   * Stores the cookie of one `Set-Cookie` header value received from `url` (RFC 6265 §5.3,
   * 6265bis §5.7). Returns the stored cookie, or `null` when the RFC says to ignore it: a
   * malformed header, a `Domain` that does not cover the host or is a public suffix, `Secure`
   * from an insecure origin, a broken `__Secure-`/`__Host-` prefix, an HttpOnly cookie from a
   * non-HTTP API. A cookie that is already expired deletes its namesake and is returned
   * without being stored. Never throws for a malformed header.
   * @throws {TypeError} when `url` is not a URL or `setCookieHeader` not a string.
   * @example
   * jar.setCookie('theme=dark; Max-Age=3600', 'https://example.com/') // { name: 'theme', ... }
   * jar.setCookie('bad; Domain=com', 'https://example.com/')         // null
   */
  setCookie(setCookieHeader: string, url: string | URL, opts?: CookieAccessOptions): Cookie | null {
    if (typeof setCookieHeader !== 'string') {
      throw invalid('setCookieHeader', 'a string', setCookieHeader)
    }
    const target = this.#target(url)
    const { now, http } = checkAccessOptions(opts)
    if (target === null) return null
    this.#store.expire(now)
    const parsed = parseSetCookie(setCookieHeader, this.#allowNameless)
    if (parsed === null) return null
    const { host } = target

    // 6265bis §5.7 step 3: a nameless cookie may not pose as a prefixed one.
    if (parsed.name === '' && prefixOf(parsed.value) !== 0) return null

    // §5.3 step 3 / 6265bis step 5: Max-Age wins over Expires; both capped at 400 days.
    let expires: number | null = null
    if (parsed.maxAge !== null) {
      expires = parsed.maxAge <= 0 ? -Infinity : now + Math.min(parsed.maxAge * 1000, maxAgeMs)
    } else if (parsed.expires !== null) {
      expires = Math.min(parsed.expires, now + maxAgeMs)
    }

    // §5.3 steps 4–6 / 6265bis steps 7–10: the Domain attribute.
    let domain = host
    let hostOnly = true
    if (parsed.domain !== null && parsed.domain !== '') {
      let attr: string | null = parsed.domain
      // 6265bis step 7: a Domain attribute that is not ASCII is refused.
      if (!isASCII(attr)) return null
      // 6265bis step 9: a public suffix is refused unless it is the host itself, in which
      // case the cookie becomes host-only.
      // (An IP address is never its own public suffix: the list's `*` rule takes its last byte.)
      if (this.#rejectPublicSuffixes && isPublicSuffix(attr)) {
        if (attr !== host) return null
        attr = null
      }
      if (attr !== null) {
        // Step 10: the host must domain-match the attribute; IP hosts only match exactly.
        // (domainMatch without re-testing whether the host is an IP: the target knows.)
        if (attr !== host && (target.ip || !isDomainSuffix(host, attr))) return null
        domain = attr
        hostOnly = false
      }
    }

    // §5.3 step 7: the path.
    const path = parsed.path === null || parsed.path === '' ? defaultPath(target.path) : parsed.path
    // NOTE(spec): a Path attribute over 1024 bytes was ignored by the parser (6265bis §5.6
    // step 8); a default path that long is ignored with its cookie (§5.7 allows ignoring any
    // cookie), so no stored cookie has a path saved state could not hold (validate.ts).
    if (exceeds(path, maxAttributeBytes)) return null

    // 6265bis step 15: Secure only from a secure origin.
    if (parsed.secure && !target.secure) return null
    // §5.3 step 10: HttpOnly cookies cannot come from a non-HTTP API.
    if (parsed.httpOnly && !http) return null

    const prefix = prefixOf(parsed.name)
    // 6265bis step 20: the __Secure- prefix (case-insensitive) demands Secure.
    if (prefix === securePrefix && !parsed.secure) return null
    // 6265bis step 21: __Host- demands Secure, host-only, and an explicit Path=/.
    if (
      prefix === hostPrefix &&
      (!parsed.secure || !hostOnly || parsed.path === null || path !== '/')
    ) {
      return null
    }

    const bucket = this.#store.bucket(domain)
    // 6265bis step 16 ("Leave Secure Cookies Alone"): an insecure origin may not shadow a
    // secure cookie of the same name whose domain overlaps and whose path covers this one.
    if (
      !parsed.secure &&
      !target.secure &&
      this.#store.shadowsSecure(bucket, domain, parsed.name, path)
    ) {
      return null
    }

    // The candidate is written into a scratch record: a replacement (the common case for a
    // server re-sending its cookies) is then copied over the stored one with no allocation.
    const record = this.#scratch
    record.name = parsed.name
    record.value = parsed.value
    record.domain = domain
    record.path = path
    record.expires = expires
    record.secure = parsed.secure
    record.httpOnly = parsed.httpOnly
    record.hostOnly = hostOnly
    // NOTE(spec): 6265bis §5.7 steps 17–19 restrict SameSite cookies by the request's
    // site-for-cookies; a session has no top-level site (every request is same-site), so the
    // attribute is stored and serialised but does not restrict anything.
    record.sameSite = parsed.sameSite
    record.creationTime = now
    record.lastAccessTime = now
    const old = this.#store.same(bucket, record)
    // §5.3 step 11.2: a non-HTTP API may not overwrite an HttpOnly cookie.
    if (old !== undefined && old.httpOnly && !http) return null
    // A new cookie needs its own record; a replacement is copied over the old one.
    return toCookie(
      this.#store.store(old === undefined ? record.clone() : record, old, false, bucket),
    )
  }

  // ---------------------------------------------------------------- HTTP: retrieval

  /**
   * The cookies to send to `url`, in RFC 6265 §5.4 order: longer paths first, then earlier
   * creation. Secure cookies only for secure origins; HttpOnly ones only when `http` is not
   * `false`. Updates their last-access time.
   * @throws {TypeError} when `url` is not a URL.
   */
  getCookies(url: string | URL, opts?: CookieAccessOptions): Cookie[] {
    const matched = this.#match(url, opts)
    const out: Cookie[] = []
    for (const r of matched) out.push(toCookie(r))
    return out
  }

  /**
   * The value of the `Cookie` request header for `url` (RFC 6265 §5.4 step 4): `name=value`
   * pairs joined by `; `, in §5.4 order, or `''` when there are none.
   * @throws {TypeError} when `url` is not a URL.
   * @example
   * jar.getCookieString('https://example.com/') // 'sid=abc; theme=dark'
   */
  getCookieString(url: string | URL, opts?: CookieAccessOptions): string {
    const matched = this.#match(url, opts)
    let header = ''
    for (let i = 0; i < matched.length; i++) {
      const r = matched[i] as StoredCookie
      if (i > 0) header += '; '
      // 6265bis §5.8.3 step 4.1: a nameless cookie is serialised as its value alone.
      header += r.name === '' ? r.value : `${r.name}=${r.value}`
    }
    return header
  }

  #match(url: string | URL, opts: CookieAccessOptions | undefined): StoredCookie[] {
    const target = this.#target(url)
    const { now, http } = checkAccessOptions(opts)
    if (target === null) return []
    return this.#store.match(target.host, target.path, target.secure, http, now)
  }

  #target(url: unknown): Target | null {
    if (typeof url === 'string' && url === this.#lastHref) return this.#lastTarget
    const target = toTarget(url)
    if (typeof url === 'string') {
      this.#lastHref = url
      this.#lastTarget = target
    }
    return target
  }

  // ---------------------------------------------------------------------- manual API

  /**
   * Stores a cookie directly, as requests' `RequestsCookieJar.set(name, value, domain=...)`.
   * Without `attrs.domain` the cookie gets `domain: ''` and is sent to **every** host (still
   * honouring `path`, `secure` and `expires`); pass `domain` to scope it. An `expires` in the
   * past deletes the cookie of that name, domain and path.
   * @throws {TypeError} for a name or value the `cookie` package would refuse, or a bad attribute.
   * @example
   * jar.set('token', 'abc', { domain: 'api.example.com', secure: true })
   */
  set(name: string, value: string, attrs?: CookieAttributes): Cookie {
    // Library-specific (not in RFC): a cookie without a domain (`domain: ''`) matches every
    // host, as python-requests' jar.set() does; `hostOnly` lets the caller pin one host.
    const a = checkAttributes(name, value, attrs, this.#rejectPublicSuffixes)
    const now = Date.now()
    this.#store.expire(now)
    const record = new StoredCookie(
      name,
      value,
      a.domain,
      a.path,
      a.expires,
      a.secure,
      a.httpOnly,
      a.hostOnly,
      a.sameSite,
      now,
      now,
      0,
    )
    const bucket = this.#store.bucket(a.domain)
    return toCookie(this.#store.store(record, this.#store.same(bucket, record), false, bucket))
  }

  /**
   * The value of the cookie named `name` (requests' `jar.get`), narrowed by `filter`; expired
   * cookies are never returned.
   * @throws {CookieConflictError} when several cookies match (several domains or paths);
   *   pass `{ domain }` or `{ path }` to choose one.
   * @throws {TypeError} when `name` is not a string or `filter` is malformed.
   */
  get(name: string, filter?: CookieFilter): string | undefined {
    checkName(name, 'name')
    const found = this.#find(name, filter)
    if (found.length > 1) {
      throw new CookieConflictError(name, [...new Set(found.map((c) => c.domain))])
    }
    return found[0]?.value
  }

  /**
   * Removes the cookies named `name` that match `filter`; returns how many were removed.
   * @throws {TypeError} when `name` is not a string or `filter` is malformed.
   */
  delete(name: string, filter?: CookieFilter): number {
    checkName(name, 'name')
    const found = this.#find(name, filter)
    this.#store.delete(found)
    return found.length
  }

  /**
   * Removes every cookie, or those whose domain is `filter.domain` (exactly: subdomains keep
   * theirs, as Python's `CookieJar.clear(domain)`).
   * @throws {TypeError} when `filter` is malformed.
   */
  clear(filter?: Pick<CookieFilter, 'domain'>): void {
    this.#store.clear(checkFilter(filter).domain)
  }

  /** Every stored cookie (snapshots), in creation order. */
  *[Symbol.iterator](): IterableIterator<Cookie> {
    for (const r of this.#all()) yield toCookie(r)
  }

  #find(name: string, filter: CookieFilter | undefined): StoredCookie[] {
    const f = checkFilter(filter)
    this.#store.expire(Date.now())
    return this.#store.find(name, f.domain, f.path)
  }

  #all(): StoredCookie[] {
    this.#store.expire(Date.now())
    return this.#store.records()
  }

  // ------------------------------------------------------------------ serialisation

  /** The versioned, lossless JSON form ({@link CookieJarState}); `JSON.stringify(jar)` works. */
  toJSON(): CookieJarState {
    return toJarState(
      {
        rejectPublicSuffixes: this.#rejectPublicSuffixes,
        maxCookies: this.#maxCookies,
        maxCookiesPerDomain: this.#maxPerSite,
        allowNameless: this.#allowNameless,
      },
      this.#all(),
    )
  }

  /**
   * Restores a jar from `toJSON()` output (an object or its JSON string). Expired cookies
   * are dropped.
   * @param options.path Prefix of the JSON paths in error messages (`cookies` when the jar is
   *   a field of a larger document).
   * @throws {SessionStateError} naming the path of the bad field, e.g.
   *   `cookies[3].expires: expected number or null, got string`.
   */
  static fromJSON(data: unknown, options?: { path?: string }): CookieJar {
    const state = parseJarState(data, options?.path ?? '')
    const jar = new this({
      rejectPublicSuffixes: state.options.rejectPublicSuffixes,
      maxCookies: state.options.maxCookies ?? Infinity,
      maxCookiesPerDomain: state.options.maxCookiesPerDomain ?? Infinity,
      allowNameless: state.options.allowNameless,
    })
    jar.#load(state.cookies)
    return jar
  }

  /**
   * The jar as a Netscape / curl / wget `cookies.txt` file: one tab-separated line per
   * cookie, `#HttpOnly_` before the domain of HttpOnly cookies, `0` as the expiry of session
   * cookies. Cookies without a domain (`set()` without `domain`) have no such form and are
   * left out.
   *
   * For Python's `http.cookiejar.MozillaCookieJar`, pass `{ sessionExpires: '' }`: Python
   * drops a cookie whose expiry is `0` as expired and reads an empty expiry as a session
   * cookie (load it with `ignore_discard=True`), while curl drops a line with an empty one.
   * @example
   * fs.writeFileSync('cookies.txt', jar.toNetscape()) // then: curl -b cookies.txt …
   * fs.writeFileSync('py-cookies.txt', jar.toNetscape({ sessionExpires: '' }))
   * @throws {TypeError} for a `sessionExpires` other than `0` or `''`.
   */
  toNetscape(options?: { sessionExpires?: 0 | '' | undefined }): string {
    const sessionExpires = options?.sessionExpires ?? 0
    if (sessionExpires !== 0 && sessionExpires !== '') {
      throw invalid('options.sessionExpires', "0 or ''", sessionExpires)
    }
    return toNetscapeText(this.#all(), sessionExpires)
  }

  /**
   * Reads a Netscape / curl / wget `cookies.txt` file (`curl -c`). Lines starting with `#`
   * are comments except `#HttpOnly_`; expired cookies are dropped; file order becomes
   * creation order.
   * @throws {SessionStateError} naming the line of a malformed entry (`line 4: …`).
   */
  static fromNetscape(text: string, options?: CookieJarOptions): CookieJar {
    const jar = new this(options)
    jar.#load(fromNetscapeText(text, Date.now(), jar.#rejectPublicSuffixes))
    return jar
  }

  #load(cookies: CookieState[]): void {
    const now = Date.now()
    for (const s of cookies) {
      if (s.expires !== null && s.expires <= now) continue
      const record = new StoredCookie(
        s.name,
        s.value,
        s.domain,
        s.path,
        s.expires,
        s.secure,
        s.httpOnly,
        s.hostOnly,
        s.sameSite,
        s.creationTime,
        s.lastAccessTime,
        0,
      )
      const bucket = this.#store.bucket(record.domain)
      this.#store.store(record, this.#store.same(bucket, record), true, bucket)
    }
  }
}
