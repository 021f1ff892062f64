/**
 * The Set-Cookie parsing algorithm of RFC 6265 §5.2, with the refinements of
 * draft-ietf-httpbis-rfc6265bis §5.6 (control characters, size limits, SameSite). Parsing
 * never throws: whatever the algorithm says to ignore comes back as `null`.
 * @module
 */
import { parseCookieDate } from './date.ts'

/** A SameSite enforcement mode as stored on a cookie (6265bis §5.6.7). */
export type SameSite = 'strict' | 'lax' | 'none'

/** The cookie-attribute-list of one Set-Cookie string, reduced to the last value of each attribute. */
export interface ParsedSetCookie {
  name: string
  value: string
  /** The last valid `Expires`, in ms since the epoch (before the 400-day cap). */
  expires: number | null
  /** The last valid `Max-Age`, in seconds (may be negative or huge; capped at storage). */
  maxAge: number | null
  /** The last `Domain`, leading dot removed and lower-cased (`''` for `Domain=.`); `null` if absent. */
  domain: string | null
  /** The last `Path`: its value, `''` when it was not absolute (default-path applies), `null` if absent. */
  path: string | null
  secure: boolean
  httpOnly: boolean
  /** The last `SameSite`; `undefined` for none or an unknown value ("Default"). */
  sameSite: SameSite | undefined
}

/** 6265bis §5.6 step 5: the name and value together may not exceed 4096 octets. */
export const maxNameValueBytes = 4096
/** 6265bis §5.6.1: an attribute value longer than 1024 octets is ignored. */
export const maxAttributeBytes = 1024

// 6265bis §5.6 step 1: %x00-08 / %x0A-1F / %x7F anywhere make the whole string ignored.
// eslint-disable-next-line no-control-regex -- control characters are exactly what is matched
const controlChars = /[\x00-\x08\x0a-\x1f\x7f]/
const maxAgeValue = /^-?\d+$/

/** UTF-8 length in octets; only computed when the UTF-16 length leaves the limit in doubt. */
export function utf8Length(s: string): number {
  let bytes = s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) continue
    if (c < 0x800) bytes += 1
    else {
      // 3 octets for one code unit; a surrogate pair is 4 octets for two code units, and a
      // lone surrogate is encoded as U+FFFD (3 octets).
      const d = s.charCodeAt(i + 1)
      if (c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) i++
      bytes += 2
    }
  }
  return bytes
}

/** Whether `s` is longer than `limit` bytes of UTF-8. */
export function exceeds(s: string, limit: number): boolean {
  return s.length > limit || (s.length * 3 > limit && utf8Length(s) > limit)
}

// RFC 6265 §5.2: "Remove any leading or trailing WSP characters" (SP and HTAB only). The
// parser works on indices into the header so that attributes it does not use cost nothing.
const isWSP = (c: number): boolean => c === 0x20 || c === 0x09

function lowerEquals(s: string, start: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    const c = s.charCodeAt(start + i)
    // ASCII case folding; control characters were refused before parsing, so `| 0x20`
    // can only turn an upper-case letter into its lower-case form.
    if (c !== lower.charCodeAt(i) && (c | 0x20) !== lower.charCodeAt(i)) return false
  }
  return true
}

const EXPIRES = 1
const MAX_AGE = 2
const DOMAIN = 3
const PATH = 4
const SECURE = 5
const HTTP_ONLY = 6
const SAME_SITE = 7

/** The attribute named by `s[start, end)`, case-insensitively; 0 for one the RFC ignores. */
function attributeId(s: string, start: number, end: number): number {
  switch (end - start) {
    case 4:
      return lowerEquals(s, start, 'path') ? PATH : 0
    case 6:
      return lowerEquals(s, start, 'domain') ? DOMAIN : lowerEquals(s, start, 'secure') ? SECURE : 0
    case 7:
      return lowerEquals(s, start, 'expires')
        ? EXPIRES
        : lowerEquals(s, start, 'max-age')
          ? MAX_AGE
          : 0
    case 8:
      return lowerEquals(s, start, 'httponly')
        ? HTTP_ONLY
        : lowerEquals(s, start, 'samesite')
          ? SAME_SITE
          : 0
    default:
      return 0
  }
}

/**
 * Parses one `Set-Cookie` header value by RFC 6265 §5.2 / 6265bis §5.6. Returns `null` when
 * the algorithm says to ignore the string entirely: control characters, no name, or more
 * than 4096 octets of name and value. `allowNameless` accepts cookies without a name
 * (`Set-Cookie: token`, `=token`) as 6265bis §5.6 step 3 does; RFC 6265 §5.2 steps 2 and 5
 * and the http-state corpus ignore them.
 * @example
 * parseSetCookie('sid=1; Path=/; Max-Age=60; HttpOnly')
 * // { name: 'sid', value: '1', maxAge: 60, path: '/', httpOnly: true, ... }
 */
export function parseSetCookie(input: string, allowNameless = false): ParsedSetCookie | null {
  if (controlChars.test(input)) return null // 6265bis §5.6 step 1

  // Step 2: the name-value-pair runs up to the first ";".
  const n = input.length
  const semi = input.indexOf(';')
  const pairEnd = semi === -1 ? n : semi
  // Step 3: split at the first "=".
  let eq = input.indexOf('=')
  if (eq >= pairEnd) eq = -1
  // Step 4: trim WSP from name and value.
  let ns = 0
  let ne = eq === -1 ? 0 : eq
  let vs = eq === -1 ? 0 : eq + 1
  let ve = pairEnd
  if (eq === -1) {
    // NOTE(spec): RFC 6265 §5.2 step 2 ignores a pair without "="; 6265bis §5.6 step 3
    // makes it a nameless cookie. The http-state corpus (tests 0004, 0023–0028, MOZILLA0014)
    // still expects RFC 6265, so the 6265bis reading is behind `allowNameless`.
    if (!allowNameless) return null
  }
  while (ns < ne && isWSP(input.charCodeAt(ns))) ns++
  while (ne > ns && isWSP(input.charCodeAt(ne - 1))) ne--
  while (vs < ve && isWSP(input.charCodeAt(vs))) vs++
  while (ve > vs && isWSP(input.charCodeAt(ve - 1))) ve--
  if (ns === ne && (vs === ve || !allowNameless)) return null // 6265 step 5; 6265bis step 6
  const name = input.slice(ns, ne)
  const value = input.slice(vs, ve)
  if (exceeds(name + value, maxNameValueBytes)) return null // 6265bis §5.6 step 5

  const cookie: ParsedSetCookie = {
    name,
    value,
    expires: null,
    maxAge: null,
    domain: null,
    path: null,
    secure: false,
    httpOnly: false,
    sameSite: undefined,
  }

  // §5.2 step 6 onwards: each ";"-separated cookie-av, processed in order so that the last
  // occurrence of an attribute wins.
  let pos = semi
  while (pos !== -1) {
    const start = pos + 1
    const next = input.indexOf(';', start)
    const end = next === -1 ? n : next
    pos = next
    let avEq = start
    while (avEq < end && input.charCodeAt(avEq) !== 0x3d) avEq++
    let as = start
    let ae = avEq
    while (as < ae && isWSP(input.charCodeAt(as))) as++
    while (ae > as && isWSP(input.charCodeAt(ae - 1))) ae--
    const id = attributeId(input, as, ae)
    if (id === 0) continue // unrecognised cookie-avs are ignored (§5.2 step 6)
    let ts = avEq < end ? avEq + 1 : end
    let te = end
    while (ts < te && isWSP(input.charCodeAt(ts))) ts++
    while (te > ts && isWSP(input.charCodeAt(te - 1))) te--
    // 6265bis §5.6 step 8: an attribute value over 1024 octets is ignored.
    if (te - ts > maxAttributeBytes / 3 && exceeds(input.slice(ts, te), maxAttributeBytes)) continue
    switch (id) {
      case EXPIRES: {
        // §5.2.1: a value that is not a cookie-date is ignored.
        const ms = parseCookieDate(input.slice(ts, te))
        if (ms !== null) cookie.expires = ms
        break
      }
      case MAX_AGE: {
        // §5.2.2: first character a DIGIT or "-", the rest DIGITs; otherwise ignored.
        const v = input.slice(ts, te)
        if (maxAgeValue.test(v)) cookie.maxAge = Number(v)
        break
      }
      case DOMAIN:
        // §5.2.3: an empty value is ignored ("SHOULD ignore the cookie-av entirely"); a
        // leading "." is dropped; the value is lower-cased.
        if (ts < te) {
          cookie.domain = input.slice(input.charCodeAt(ts) === 0x2e ? ts + 1 : ts, te).toLowerCase()
        }
        break
      case PATH:
        // §5.2.4: a value that is empty or not absolute means the default-path.
        cookie.path = input.charCodeAt(ts) === 0x2f && ts < te ? input.slice(ts, te) : ''
        break
      case SECURE:
        cookie.secure = true // §5.2.5
        break
      case HTTP_ONLY:
        cookie.httpOnly = true // §5.2.6
        break
      default: {
        // SameSite, 6265bis §5.6.7: None / Strict / Lax, case-insensitive; anything else is
        // "Default". The literals are stored, so every cookie shares the same strings.
        const len = te - ts
        cookie.sameSite =
          len === 3 && lowerEquals(input, ts, 'lax')
            ? 'lax'
            : len === 6 && lowerEquals(input, ts, 'strict')
              ? 'strict'
              : len === 4 && lowerEquals(input, ts, 'none')
                ? 'none'
                : undefined
      }
    }
  }
  return cookie
}
