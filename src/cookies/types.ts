/**
 * Public types of the cookie jar. The documentation lives on the types so that the editor
 * hover is the manual.
 * @module
 */
import type { SameSite } from './parse.ts'

export type { SameSite }

/**
 * A stored cookie (RFC 6265 §5.3 / 6265bis §5.7), as `getCookies()`, `setCookie()`, `set()`
 * and iteration return it. Every returned object is a snapshot: changing it does not change
 * the jar.
 */
export interface Cookie {
  name: string
  value: string
  /**
   * The host (host-only cookies) or the `Domain` attribute (domain cookies), canonical:
   * lower case, no leading dot. `''` for a cookie stored by `jar.set()` without a domain,
   * which is sent to every host.
   */
  domain: string
  path: string
  /** Expiry in ms since the epoch; `null` for a session cookie. */
  expires: number | null
  /** Sent only over secure origins (https:, wss:, and localhost / loopback over http). */
  secure: boolean
  /** Hidden from non-HTTP access (`{ http: false }`). */
  httpOnly: boolean
  /** Sent only to exactly `domain`, not to its subdomains (no `Domain` attribute was given). */
  hostOnly: boolean
  /** The `SameSite` attribute, stored and serialised (a session has no top-level site to enforce it against). */
  sameSite?: SameSite
  /** ms since the epoch; kept when a cookie is replaced (RFC 6265 §5.3 step 11.3). */
  creationTime: number
  /** ms since the epoch of the last time the cookie was sent or stored (§5.4 step 3). */
  lastAccessTime: number
}

/** Attributes of {@link CookieJar.set}. */
export interface CookieAttributes {
  /**
   * The domain the cookie belongs to; it is sent to this host and its subdomains (or to this
   * host only with `hostOnly: true`). When omitted, the cookie is stored with `domain: ''`
   * and sent to **every** host (requests' `RequestsCookieJar.set` behaviour): pass `domain`.
   */
  domain?: string | undefined
  /** Default `/`. */
  path?: string | undefined
  /** A `Date`, ms since the epoch, or `null`/omitted for a session cookie. A past date deletes. */
  expires?: Date | number | null | undefined
  secure?: boolean | undefined
  httpOnly?: boolean | undefined
  /** Library-specific: send only to exactly `domain`, not its subdomains. Needs `domain`. */
  hostOnly?: boolean | undefined
  /** `'strict'`, `'lax'` or `'none'` (any case). */
  sameSite?: SameSite | Capitalize<SameSite> | undefined
}

/** Narrows `get`, `delete` and `clear` to one domain and/or one path (compared exactly). */
export interface CookieFilter {
  /** The cookie's domain, compared case-insensitively, a leading dot ignored; `''` selects `set()` cookies without a domain. */
  domain?: string | undefined
  /** The cookie's path, compared exactly. */
  path?: string | undefined
}

/** Options of `new CookieJar()`. */
export interface CookieJarOptions {
  /**
   * Reject a `Domain` attribute that is a public suffix (`com`, `co.uk`, `github.io`) unless it
   * equals the request host (6265bis §5.7 step 9). Default true.
   */
  rejectPublicSuffixes?: boolean | undefined
  /**
   * Library-specific: when more than this many cookies are stored, expired ones go first, then
   * the least recently used, until 10/11 of the limit remain (Chromium: 3300 → 3000).
   * Default 3300; `Infinity` for no limit.
   */
  maxCookies?: number | undefined
  /**
   * Library-specific: the same per site (registrable domain, eTLD+1), non-secure cookies
   * first, until 5/6 of the limit remain (Chromium: 180 → 150). Default 180; RFC 6265 §6.1
   * asks for at least 50.
   */
  maxCookiesPerDomain?: number | undefined
  /**
   * Accept nameless cookies (`Set-Cookie: token`) as 6265bis does. Default false: RFC 6265
   * and the http-state corpus ignore them.
   */
  allowNameless?: boolean | undefined
}

/** Per-call options of `setCookie`, `getCookies` and `getCookieString`. */
export interface CookieAccessOptions {
  /** The current time (for deterministic tests). Default: now. */
  now?: Date | undefined
  /** `false` for a non-HTTP API (RFC 6265 §5.3 step 10, §5.4 step 1): HttpOnly rules apply. Default true. */
  http?: boolean | undefined
}

/** One cookie in {@link CookieJarState}. */
export type CookieState = Cookie

/**
 * The JSON form of a jar (`jar.toJSON()`, `CookieJar.fromJSON()`): versioned and lossless,
 * cookies in creation order. Limits of `Infinity` are written as `null`.
 */
export interface CookieJarState {
  version: 1
  options: {
    rejectPublicSuffixes: boolean
    maxCookies: number | null
    maxCookiesPerDomain: number | null
    allowNameless: boolean
  }
  cookies: CookieState[]
}
