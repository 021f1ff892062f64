/**
 * The jar's index: where cookies live and how they are found, removed, expired and evicted.
 * `CookieJar` (jar.ts) makes the RFC's decisions and calls this.
 *
 * One bucket per cookie domain, and in each bucket one list per cookie path, in creation
 * order. A lookup for `https://a.b.example.com/x/y` reads the buckets `a.b.example.com`,
 * `b.example.com`, `example.com` and `com` (a map lookup each, the chain cached per host) and
 * the bucket of `set()` cookies without a domain; in each, it reads only the lists of the
 * paths that path-match `/x/y` (`/x/y`, `/x/`, `/x`, `/`). Its cost depends on the cookies
 * that match, never on the size of the jar or of the site. Expiry is a min-heap, so "remove
 * expired cookies at any time" costs one comparison per call. Limits are counted per site
 * (registrable domain).
 * @module
 */
import { domainMatch, isIPAddress } from './domain.ts'
import { ExpiryQueue } from './expiry-queue.ts'
import { pathMatch } from './path.ts'
import { registrableDomain } from './public-suffix.ts'
import { StoredCookie, creationOrder, evictionOrder } from './record.ts'

/** The cookies of one registrable domain, for per-site limits. */
export class Site {
  readonly key: string
  count = 0
  /** Secure cookies in the site: the "leave secure cookies alone" scan runs only when > 0. */
  secure = 0
  readonly buckets: Set<Bucket> = new Set()
  constructor(key: string) {
    this.key = key
  }
}

/** The cookies of one cookie domain, by path. */
export class Bucket {
  readonly domain: string
  readonly site: Site
  /** Cookie path → the cookies of this domain and path, in {@link creationOrder}. */
  readonly paths: Map<string, StoredCookie[]> = new Map()
  count = 0
  constructor(domain: string, site: Site) {
    this.domain = domain
    this.site = site
  }

  /** Every cookie of the bucket. */
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

/** The stored cookies and their indexes. */
export class CookieIndex {
  readonly #maxCookies: number
  readonly #maxPerSite: number
  readonly #buckets = new Map<string, Bucket>()
  readonly #sites = new Map<string, Site>()
  readonly #chains = new Map<string, Bucket[]>()
  readonly #paths = new Map<string, string[]>()
  readonly #expiry = new ExpiryQueue()
  #size = 0
  #seq = 0
  #revision = 0

  constructor(maxCookies: number, maxPerSite: number) {
    this.#maxCookies = maxCookies
    this.#maxPerSite = maxPerSite
  }

  /** How many cookies are stored (the caller expires first). */
  get size(): number {
    return this.#size
  }

  /** Grows on every change to the stored set. */
  get revision(): number {
    return this.#revision
  }

  /** The bucket of a cookie domain, if any cookie has it. */
  bucket(domain: string): Bucket | undefined {
    return this.#buckets.get(domain)
  }

  /**
   * 6265bis §5.7 step 16 ("Leave Secure Cookies Alone"): whether a secure cookie named `name`
   * exists whose domain overlaps `domain` and whose path `path` path-matches.
   */
  shadowsSecure(bucket: Bucket | undefined, domain: string, name: string, path: string): boolean {
    const site = bucket?.site ?? this.#sites.get(this.#siteKey(domain))
    if (site === undefined || site.secure === 0) return false
    for (const b of site.buckets) {
      if (!domainMatch(b.domain, domain) && !domainMatch(domain, b.domain)) continue
      for (const c of b.cookies()) {
        if (c.secure && c.name === name && pathMatch(path, c.path)) return true
      }
    }
    return false
  }

  /**
   * The cookies for a request (RFC 6265 §5.4 steps 1–3): host, path, Secure and HttpOnly
   * rules, in Cookie-header order, last-access time set to `now`.
   */
  match(host: string, path: string, secure: boolean, http: boolean, now: number): StoredCookie[] {
    this.expire(now)
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

  /** Cookies named `name`, optionally only in `domain` and at `path`, in creation order. */
  find(name: string, domain: string | undefined, path: string | undefined): StoredCookie[] {
    const buckets = domain === undefined ? this.#buckets.values() : [this.#buckets.get(domain)]
    const found: StoredCookie[] = []
    for (const b of buckets) {
      if (b === undefined) continue
      for (const c of b.cookies()) {
        if (c.name === name && (path === undefined || c.path === path)) found.push(c)
      }
    }
    return found.sort(creationOrder)
  }

  /** Removes these cookies (one change). */
  delete(records: StoredCookie[]): void {
    for (const c of records) this.remove(c)
    if (records.length > 0) this.#revision++
  }

  /** Removes every cookie, or those of one domain exactly. */
  clear(domain: string | undefined): void {
    if (domain === undefined) {
      if (this.#size === 0) return
      this.#buckets.clear()
      this.#sites.clear()
      this.#chains.clear()
      this.#expiry.clear()
      this.#size = 0
      this.#revision++
      return
    }
    const bucket = this.#buckets.get(domain)
    if (bucket === undefined) return
    this.delete([...bucket.cookies()])
  }

  /** Every stored cookie, in creation order. */
  records(): StoredCookie[] {
    const all: StoredCookie[] = []
    for (const b of this.#buckets.values()) for (const c of b.cookies()) all.push(c)
    return all.sort(creationOrder)
  }

  #siteKey(domain: string): string {
    return domain === '' ? '' : registrableDomain(domain)
  }

  /**
   * RFC 6265 §5.3 steps 11–12: replace the cookie of the same identity (name, domain,
   * host-only flag, path — 6265bis step 23) keeping its creation time, insert, then enforce
   * the limits.
   */
  store(
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
      this.remove(old)
    }
    // A cookie that is already expired is stored and evicted at once (§5.3 step 12).
    if (expired) return record
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

    // Library-specific (RFC 6265 §6.1 sets only minimums): Chromium's limits and purge
    // targets, 180 → 150 per site and 3300 → 3000 in all (net/cookies/cookie_monster.h).
    if (site.count > this.#maxPerSite) {
      this.#evict(
        [...site.buckets].flatMap((b) => [...b.cookies()]),
        this.#maxPerSite,
        5 / 6,
      )
    }
    if (this.#size > this.#maxCookies) {
      this.#evict(this.records(), this.#maxCookies, 10 / 11)
    }
    return record
  }

  /** The stored cookie with the identity of `record` (6265bis §5.7 step 23), if any. */
  same(bucket: Bucket | undefined, record: StoredCookie): StoredCookie | undefined {
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
    for (let i = 0; i < excess; i++) this.remove(cookies[i] as StoredCookie)
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
  remove(record: StoredCookie, queued = true): void {
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
  expire(now: number): void {
    if (this.#expiry.next > now) return
    const expired = this.#expiry.popExpired(now)
    // A record can come up twice (a refreshed expiry); the second time it is already gone.
    for (const r of expired) this.remove(r, false)
    if (expired.length > 0) this.#revision++
  }
}
