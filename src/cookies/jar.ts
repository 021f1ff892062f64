/**
 * `CookieJar`: RFC 6265 §5.3 storage and §5.4 retrieval (as refined by
 * draft-ietf-httpbis-rfc6265bis §5.7–5.8) over an in-memory index, with a sync API.
 *
 * The index: one bucket per cookie domain, and in each bucket one list per cookie path, in
 * creation order. A lookup for `https://a.b.example.com/x/y` reads the buckets
 * `a.b.example.com`, `b.example.com`, `example.com` and `com` (a map lookup each, the chain
 * cached per host) and the bucket of `set()` cookies without a domain; in each, it reads only
 * the lists of the paths that path-match `/x/y` (`/x/y`, `/x/`, `/x`, `/`). Its cost depends
 * on the cookies that match, never on the size of the jar or of the site. Expiry is a min-heap, so
 * "remove expired cookies at any time" costs one comparison per call. Limits are counted per
 * site (registrable domain).
 * @module
 */
import { CookieConflictError } from '../errors.ts'
import { domainMatch, isDomainSuffix, isIPAddress } from './domain.ts'
import { toTarget, type Target } from './target.ts'
import { ExpiryQueue } from './expiry-queue.ts'
import { parseSetCookie } from './parse.ts'
import { defaultPath, pathMatch } from './path.ts'
import { isPublicSuffix, registrableDomain } from './public-suffix.ts'
import { StoredCookie, creationOrder, evictionOrder, toCookie } from './record.ts'
import { fromNetscapeText, parseJarState, toJarState, toNetscapeText } from './serialize.ts'
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
  describeType,
} from './validate.ts'

/** 6265bis §5.6.1 / §5.6.2: expiry is capped at 400 days from now. */
const maxAgeMs = 400 * 24 * 60 * 60 * 1000

class Site {
  readonly key: string
  count = 0
  /** Secure cookies in the site: the "leave secure cookies alone" scan runs only when > 0. */
  secure = 0
  readonly buckets = new Set<Bucket>()
  constructor(key: string) {
    this.key = key
  }
}

class Bucket {
  readonly domain: string
  readonly site: Site
  /** Cookie path → the cookies of this domain and path, in {@link creationOrder}. */
  readonly paths = new Map<string, StoredCookie[]>()
  count = 0
  constructor(domain: string, site: Site) {
    this.domain = domain
    this.site = site
  }

  *cookies(): Generator<StoredCookie> {
    for (const list of this.paths.values()) yield* list
  }
}

/**
 * Every cookie path that path-matches `path` (RFC 6265 §5.1.4), longest first: the path
 * itself, and for each `/` in it the prefix ending with that `/` and the prefix before it.
 */
function matchingPaths(path: string): string[] {
  const out = [path]
  let last = path.length
  for (let i = path.length - 1; i >= 0; i--) {
    if (path.charCodeAt(i) !== 0x2f) continue
    if (i + 1 < last) out.push(path.slice(0, i + 1))
    if (i > 0) out.push(path.slice(0, i))
    last = i
  }
  return out
}

function isASCII(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false
  return true
}

const securePrefix = 1
const hostPrefix = 2

/** Which cookie prefix (6265bis §4.1.3) `name` carries, case-insensitively (6265bis §5.7). */
function prefixOf(name: string): number {
  if (name.charCodeAt(0) !== 0x5f || name.charCodeAt(1) !== 0x5f) return 0
  const head = name.slice(0, 9).toLowerCase()
  return head === '__secure-' ? securePrefix : head.startsWith('__host-') ? hostPrefix : 0
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
  readonly #buckets = new Map<string, Bucket>()
  readonly #sites = new Map<string, Site>()
  readonly #chains = new Map<string, Bucket[]>()
  readonly #paths = new Map<string, string[]>()
  readonly #expiry = new ExpiryQueue()
  #size = 0
  #seq = 0
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
  #revision = 0

  /**
   * @throws {TypeError} for an option of the wrong type; {@link RangeError} for a limit below 1.
   */
  constructor(options?: CookieJarOptions) {
    const o = checkJarOptions(options)
    this.#rejectPublicSuffixes = o.rejectPublicSuffixes
    this.#maxCookies = o.maxCookies
    this.#maxPerSite = o.maxCookiesPerDomain
    this.#allowNameless = o.allowNameless
  }

  /** How many cookies are stored (expired ones are removed first). */
  get size(): number {
    this.#expire(Date.now())
    return this.#size
  }

  /**
   * A counter that increases on every change to the stored set of cookies (store, replace,
   * delete, expiry, eviction, clear) and not on last-access updates: compare it to know
   * whether the jar needs saving.
   */
  get revision(): number {
    return this.#revision
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
      throw new TypeError(
        `setCookieHeader: expected a string, got ${describeType(setCookieHeader)}`,
      )
    }
    const target = this.#target(url)
    const { now, http } = checkAccessOptions(opts)
    if (target === null) return null
    this.#expire(now)
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

    const bucket = this.#buckets.get(domain)
    const site = bucket?.site ?? this.#sites.get(this.#siteKey(domain))

    // 6265bis step 16 ("Leave Secure Cookies Alone"): an insecure origin may not shadow a
    // secure cookie of the same name whose domain overlaps and whose path covers this one.
    if (!parsed.secure && !target.secure && site !== undefined && site.secure > 0) {
      for (const b of site.buckets) {
        if (!domainMatch(b.domain, domain) && !domainMatch(domain, b.domain)) continue
        for (const c of b.cookies()) {
          if (c.secure && c.name === parsed.name && pathMatch(path, c.path)) return null
        }
      }
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
    record.sameSite = parsed.sameSite
    record.creationTime = now
    record.lastAccessTime = now
    const old = this.#same(bucket, record)
    // §5.3 step 11.2: a non-HTTP API may not overwrite an HttpOnly cookie.
    if (old !== undefined && old.httpOnly && !http) return null
    return toCookie(this.#store(record, old, false, bucket))
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
    this.#expire(now)
    const { host, path, secure } = target
    const out: StoredCookie[] = []
    const chain = this.#chain(host)
    if (chain.length === 0) return out
    // Host-only cookies need the exact host (§5.4 step 1): they match only in the host's own
    // bucket, which heads the chain when it exists.
    const own = (chain[0] as Bucket).domain === host ? chain[0] : undefined
    // §5.4 step 2: longer paths first; each candidate path has a different length.
    for (const candidate of this.#matchingPaths(path)) {
      const start = out.length
      let lists = 0
      for (const bucket of chain) {
        const list = bucket.paths.get(candidate)
        if (list === undefined) continue
        lists++
        for (const c of list) {
          // §5.4 step 1: domain (the chain holds only domains the host domain-matches),
          // Secure only over secure origins, HttpOnly only for HTTP.
          if (c.hostOnly && bucket !== own) continue
          if (c.secure && !secure) continue
          if (c.httpOnly && !http) continue
          c.lastAccessTime = now // §5.4 step 3
          out.push(c)
        }
      }
      // The same path in several buckets: earlier creation first across them (insertion
      // sort: the segment is short and made of sorted runs).
      if (lists > 1) {
        for (let i = start + 1; i < out.length; i++) {
          const c = out[i] as StoredCookie
          let j = i - 1
          while (j >= start && creationOrder(out[j] as StoredCookie, c) > 0) {
            out[j + 1] = out[j] as StoredCookie
            j--
          }
          out[j + 1] = c
        }
      }
    }
    return out
  }

  /** {@link matchingPaths}, cached per request path (the strings then keep their hashes). */
  #matchingPaths(path: string): string[] {
    let paths = this.#paths.get(path)
    if (paths === undefined) {
      paths = matchingPaths(path)
      if (this.#paths.size >= 4096) this.#paths.clear()
      this.#paths.set(path, paths)
    }
    return paths
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

  /** Buckets whose domain `host` domain-matches, plus the bucket of domain-less cookies. */
  #chain(host: string): Bucket[] {
    let chain = this.#chains.get(host)
    if (chain !== undefined) return chain
    chain = []
    const own = this.#buckets.get(host)
    if (own !== undefined) chain.push(own)
    if (!isIPAddress(host)) {
      for (let dot = host.indexOf('.'); dot !== -1; dot = host.indexOf('.', dot + 1)) {
        if (dot + 1 === host.length) break
        const parent = this.#buckets.get(host.slice(dot + 1))
        if (parent !== undefined) chain.push(parent)
      }
    }
    const wildcard = this.#buckets.get('')
    if (wildcard !== undefined && host !== '') chain.push(wildcard)
    if (this.#chains.size >= 4096) this.#chains.clear()
    this.#chains.set(host, chain)
    return chain
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
    const a = checkAttributes(name, value, attrs)
    const now = Date.now()
    this.#expire(now)
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
    const bucket = this.#buckets.get(a.domain)
    return toCookie(this.#store(record, this.#same(bucket, record), false, bucket))
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
    for (const c of found) this.#remove(c)
    if (found.length > 0) this.#revision++
    return found.length
  }

  /**
   * Removes every cookie, or those whose domain is `filter.domain` (exactly: subdomains keep
   * theirs, as Python's `CookieJar.clear(domain)`).
   * @throws {TypeError} when `filter` is malformed.
   */
  clear(filter?: Pick<CookieFilter, 'domain'>): void {
    const f = checkFilter(filter)
    if (f.domain === undefined) {
      if (this.#size === 0) return
      this.#buckets.clear()
      this.#sites.clear()
      this.#chains.clear()
      this.#expiry.clear()
      this.#size = 0
      this.#revision++
      return
    }
    const bucket = this.#buckets.get(f.domain)
    if (bucket === undefined) return
    for (const c of [...bucket.cookies()]) this.#remove(c)
    this.#revision++
  }

  /** Every stored cookie (snapshots), in creation order. */
  *[Symbol.iterator](): IterableIterator<Cookie> {
    for (const r of this.#all()) yield toCookie(r)
  }

  #find(name: string, filter: CookieFilter | undefined): StoredCookie[] {
    const f = checkFilter(filter)
    this.#expire(Date.now())
    const buckets = f.domain === undefined ? this.#buckets.values() : [this.#buckets.get(f.domain)]
    const found: StoredCookie[] = []
    for (const b of buckets) {
      if (b === undefined) continue
      for (const c of b.cookies()) {
        if (c.name === name && (f.path === undefined || c.path === f.path)) found.push(c)
      }
    }
    return found.sort(creationOrder)
  }

  #all(): StoredCookie[] {
    this.#expire(Date.now())
    return this.#records()
  }

  #records(): StoredCookie[] {
    const all: StoredCookie[] = []
    for (const b of this.#buckets.values()) for (const c of b.cookies()) all.push(c)
    return all.sort(creationOrder)
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
   * @example
   * fs.writeFileSync('cookies.txt', jar.toNetscape()) // then: curl -b cookies.txt …
   */
  toNetscape(): string {
    return toNetscapeText(this.#all())
  }

  /**
   * Reads a Netscape / curl / wget `cookies.txt` file (`curl -c`). Lines starting with `#`
   * are comments except `#HttpOnly_`; expired cookies are dropped; file order becomes
   * creation order.
   * @throws {SessionStateError} naming the line of a malformed entry (`line 4: …`).
   */
  static fromNetscape(text: string, options?: CookieJarOptions): CookieJar {
    const jar = new this(options)
    jar.#load(fromNetscapeText(text, Date.now()))
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
      const bucket = this.#buckets.get(record.domain)
      this.#store(record, this.#same(bucket, record), true, bucket)
    }
  }

  // ------------------------------------------------------------------- bookkeeping

  #siteKey(domain: string): string {
    return domain === '' ? '' : registrableDomain(domain)
  }

  /**
   * RFC 6265 §5.3 steps 11–12: replace the cookie of the same identity (name, domain,
   * host-only flag, path — 6265bis step 23) keeping its creation time, insert, then enforce
   * the limits.
   */
  #store(
    record: StoredCookie,
    old: StoredCookie | undefined,
    restoring: boolean,
    bucket: Bucket | undefined,
  ): StoredCookie {
    const expired = record.expires !== null && record.expires <= record.lastAccessTime
    if (old !== undefined) {
      this.#revision++
      if (!restoring) record.creationTime = old.creationTime
      if (!restoring && !expired) {
        // Step 11.3: the new cookie takes the old one's creation time, hence its place in
        // every order: it is written over the old record.
        this.#update(old, record)
        return old
      }
      this.#remove(old)
    }
    // A cookie that is already expired is stored and evicted at once (§5.3 step 12).
    if (expired) return record
    if (record === this.#scratch) record = record.clone()
    record.seq = this.#seq++

    if (bucket === undefined || bucket.count === 0) {
      bucket = this.#buckets.get(record.domain) ?? this.#createBucket(record.domain)
    }
    // Stored strings are shared with the bucket and the path list (memory per cookie).
    record.domain = bucket.domain
    const list = bucket.paths.get(record.path)
    if (list === undefined) {
      bucket.paths.set(record.path, [record])
    } else {
      record.path = (list[0] as StoredCookie).path
      // Creation order; a new cookie goes last, a replacement back to its old place.
      let lo = 0
      let hi = list.length
      if (creationOrder(list[hi - 1] as StoredCookie, record) < 0) lo = hi
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (creationOrder(list[mid] as StoredCookie, record) <= 0) lo = mid + 1
        else hi = mid
      }
      if (lo === list.length) list.push(record)
      else list.splice(lo, 0, record)
    }
    bucket.count++
    record.owner = bucket
    const site = bucket.site
    site.count++
    if (record.secure) site.secure++
    this.#size++
    if (record.expires !== null) this.#expiry.push(record, record.expires)
    this.#revision++

    if (site.count > this.#maxPerSite) {
      this.#evict(
        [...site.buckets].flatMap((b) => [...b.cookies()]),
        this.#maxPerSite,
        5 / 6,
      )
    }
    if (this.#size > this.#maxCookies) {
      this.#evict(this.#records(), this.#maxCookies, 10 / 11)
    }
    return record
  }

  /** The stored cookie with the identity of `record` (6265bis §5.7 step 23), if any. */
  #same(bucket: Bucket | undefined, record: StoredCookie): StoredCookie | undefined {
    const list = bucket?.paths.get(record.path)
    if (list !== undefined) {
      for (const c of list) if (c.name === record.name && c.hostOnly === record.hostOnly) return c
    }
    return undefined
  }

  /** Writes `next` over the stored record `old` of the same identity. */
  #update(old: StoredCookie, next: StoredCookie): void {
    const site = (old.owner as Bucket).site
    if (old.secure !== next.secure) site.secure += next.secure ? 1 : -1
    this.#expiry.update(old, old.expires, next.expires)
    old.value = next.value
    old.expires = next.expires
    old.secure = next.secure
    old.httpOnly = next.httpOnly
    old.sameSite = next.sameSite
    old.lastAccessTime = next.lastAccessTime
  }

  /** Removes the least valuable cookies ({@link evictionOrder}) until `limit * keep` remain. */
  #evict(cookies: StoredCookie[], limit: number, keep: number): void {
    const target = Math.max(1, Math.floor(limit * keep))
    cookies.sort(evictionOrder)
    const excess = cookies.length - target
    for (let i = 0; i < excess; i++) this.#remove(cookies[i] as StoredCookie)
  }

  #createBucket(domain: string): Bucket {
    const key = this.#siteKey(domain)
    let site = this.#sites.get(key)
    if (site === undefined) {
      site = new Site(key)
      this.#sites.set(key, site)
    }
    const bucket = new Bucket(domain, site)
    site.buckets.add(bucket)
    this.#buckets.set(domain, bucket)
    this.#chains.clear() // a new domain can join the chain of any host
    return bucket
  }

  /** Unlinks a record; `queued` is false for records the expiry queue has already let go. */
  #remove(record: StoredCookie, queued = true): void {
    const bucket = record.owner as Bucket | null
    if (bucket === null) return
    const list = bucket.paths.get(record.path) as StoredCookie[]
    list.splice(list.indexOf(record), 1)
    if (list.length === 0) bucket.paths.delete(record.path)
    bucket.count--
    record.owner = null
    const site = bucket.site
    site.count--
    if (record.secure) site.secure--
    this.#size--
    if (record.expires !== null && queued) this.#expiry.dropped()
    if (bucket.count === 0) {
      this.#buckets.delete(bucket.domain)
      site.buckets.delete(bucket)
      if (site.count === 0) this.#sites.delete(site.key)
      this.#chains.clear()
    }
  }

  /** RFC 6265 §5.3: "evict all expired cookies if, at any time, an expired cookie exists". */
  #expire(now: number): void {
    if (this.#expiry.next > now) return
    const expired = this.#expiry.popExpired(now)
    // A record can come up twice (a refreshed expiry); the second time it is already gone.
    for (const r of expired) this.#remove(r, false)
    if (expired.length > 0) this.#revision++
  }
}
