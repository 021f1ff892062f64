/**
 * The jar's internal cookie record and the orders defined over it.
 * @module
 */
import type { SameSite } from './parse.ts'
import type { Cookie } from './types.ts'

/** The bucket a record lives in; `null` once the record has been removed. */
export interface Owner {
  readonly domain: string
}

/** A stored cookie. Mutable only inside the jar; users see {@link toCookie} snapshots. */
export class StoredCookie {
  name: string
  value: string
  domain: string
  path: string
  expires: number | null
  secure: boolean
  httpOnly: boolean
  hostOnly: boolean
  sameSite: SameSite | undefined
  creationTime: number
  lastAccessTime: number
  /** Creation order among equal creation times (tough-cookie's creationIndex). */
  seq: number
  /** The bucket holding the record, `null` after removal (the expiry queue skips those). */
  owner: Owner | null = null

  constructor(
    name: string,
    value: string,
    domain: string,
    path: string,
    expires: number | null,
    secure: boolean,
    httpOnly: boolean,
    hostOnly: boolean,
    sameSite: SameSite | undefined,
    creationTime: number,
    lastAccessTime: number,
    seq: number,
  ) {
    this.name = name
    this.value = value
    this.domain = domain
    this.path = path
    this.expires = expires
    this.secure = secure
    this.httpOnly = httpOnly
    this.hostOnly = hostOnly
    this.sameSite = sameSite
    this.creationTime = creationTime
    this.lastAccessTime = lastAccessTime
    this.seq = seq
  }

  /** A copy (not in any bucket). */
  clone(): StoredCookie {
    return new StoredCookie(
      this.name,
      this.value,
      this.domain,
      this.path,
      this.expires,
      this.secure,
      this.httpOnly,
      this.hostOnly,
      this.sameSite,
      this.creationTime,
      this.lastAccessTime,
      this.seq,
    )
  }
}

/** A snapshot of a record in the public {@link Cookie} shape. */
export function toCookie(r: StoredCookie): Cookie {
  // Two literals rather than adding `sameSite` afterwards: each shape is then built in one
  // allocation.
  return r.sameSite === undefined
    ? {
        name: r.name,
        value: r.value,
        domain: r.domain,
        path: r.path,
        expires: r.expires,
        secure: r.secure,
        httpOnly: r.httpOnly,
        hostOnly: r.hostOnly,
        creationTime: r.creationTime,
        lastAccessTime: r.lastAccessTime,
      }
    : {
        name: r.name,
        value: r.value,
        domain: r.domain,
        path: r.path,
        expires: r.expires,
        secure: r.secure,
        httpOnly: r.httpOnly,
        hostOnly: r.hostOnly,
        sameSite: r.sameSite,
        creationTime: r.creationTime,
        lastAccessTime: r.lastAccessTime,
      }
}

/**
 * Creation order: the order of iteration, `toJSON()` and `toNetscape()`, and of cookies of
 * equal path length in the Cookie header (RFC 6265 §5.4 step 2; for equal times, insertion
 * order, which the RFC leaves open).
 */
export function creationOrder(a: StoredCookie, b: StoredCookie): number {
  return a.creationTime - b.creationTime || a.seq - b.seq
}

/**
 * Eviction order (RFC 6265 §5.3 step 12, 6265bis §5.7 step 22): non-secure before secure,
 * then the earliest last-access time first.
 */
export function evictionOrder(a: StoredCookie, b: StoredCookie): number {
  return Number(a.secure) - Number(b.secure) || a.lastAccessTime - b.lastAccessTime || a.seq - b.seq
}
