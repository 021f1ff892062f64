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

/** Options of {@link parseSetCookie}. */
export interface ParseOptions {
  /**
   * Accept cookies without a name (`Set-Cookie: token`, `=token`) as 6265bis §5.6 step 3 does.
   * Off by default: RFC 6265 §5.2 steps 2 and 5 ignore them, and so does the http-state corpus.
   */
  allowNameless?: boolean
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

function exceeds(s: string, limit: number): boolean {
  return s.length > limit || (s.length * 3 > limit && utf8Length(s) > limit)
}

// RFC 6265 §5.2: "Remove any leading or trailing WSP characters" (SP and HTAB only).
function trimWSP(s: string): string {
  let start = 0
  let end = s.length
  while (start < end && (s.charCodeAt(start) === 0x20 || s.charCodeAt(start) === 0x09)) start++
  while (end > start && (s.charCodeAt(end - 1) === 0x20 || s.charCodeAt(end - 1) === 0x09)) end--
  return start === 0 && end === s.length ? s : s.slice(start, end)
}

/**
 * Parses one `Set-Cookie` header value by RFC 6265 §5.2 / 6265bis §5.6. Returns `null` when
 * the algorithm says to ignore the string entirely: control characters, no name (unless
 * `allowNameless`), or more than 4096 octets of name and value.
 * @example
 * parseSetCookie('sid=1; Path=/; Max-Age=60; HttpOnly')
 * // { name: 'sid', value: '1', maxAge: 60, path: '/', httpOnly: true, ... }
 */
export function parseSetCookie(input: string, options?: ParseOptions): ParsedSetCookie | null {
  if (controlChars.test(input)) return null // 6265bis §5.6 step 1

  // Step 2: the name-value-pair runs up to the first ";".
  const semi = input.indexOf(';')
  const pair = semi === -1 ? input : input.slice(0, semi)
  // Step 3: split at the first "=".
  const eq = pair.indexOf('=')
  let name: string
  let value: string
  if (eq === -1) {
    // NOTE(spec): RFC 6265 §5.2 step 2 ignores a pair without "="; 6265bis §5.6 step 3
    // makes it a nameless cookie. The http-state corpus (tests 0004, 0023–0028, MOZILLA0014)
    // still expects RFC 6265, so the 6265bis reading is behind `allowNameless`.
    if (options?.allowNameless !== true) return null
    name = ''
    value = trimWSP(pair)
  } else {
    name = trimWSP(pair.slice(0, eq)) // step 4
    value = trimWSP(pair.slice(eq + 1))
  }
  if (name === '' && (value === '' || options?.allowNameless !== true)) return null // 6265 step 5
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
    const next = input.indexOf(';', pos + 1)
    const av = input.slice(pos + 1, next === -1 ? input.length : next)
    pos = next
    const avEq = av.indexOf('=')
    const attrName = trimWSP(avEq === -1 ? av : av.slice(0, avEq)).toLowerCase()
    const attrValue = avEq === -1 ? '' : trimWSP(av.slice(avEq + 1))
    if (exceeds(attrValue, maxAttributeBytes)) continue // 6265bis §5.6 step 8: ignore the av
    switch (attrName) {
      case 'expires': {
        // §5.2.1: a value that is not a cookie-date is ignored.
        const ms = parseCookieDate(attrValue)
        if (ms !== null) cookie.expires = ms
        break
      }
      case 'max-age':
        // §5.2.2: first character a DIGIT or "-", the rest DIGITs; otherwise ignored.
        if (maxAgeValue.test(attrValue)) cookie.maxAge = Number(attrValue)
        break
      case 'domain':
        // §5.2.3: an empty value is ignored ("SHOULD ignore the cookie-av entirely"); a
        // leading "." is dropped; the value is lower-cased.
        if (attrValue !== '') {
          cookie.domain = (
            attrValue.charCodeAt(0) === 0x2e ? attrValue.slice(1) : attrValue
          ).toLowerCase()
        }
        break
      case 'path':
        // §5.2.4: a value that is empty or not absolute means the default-path.
        cookie.path = attrValue.charCodeAt(0) === 0x2f ? attrValue : ''
        break
      case 'secure':
        cookie.secure = true // §5.2.5
        break
      case 'httponly':
        cookie.httpOnly = true // §5.2.6
        break
      case 'samesite': {
        // 6265bis §5.6.7: None / Strict / Lax, case-insensitive; anything else is "Default".
        const mode = attrValue.toLowerCase()
        cookie.sameSite = mode === 'strict' || mode === 'lax' || mode === 'none' ? mode : undefined
        break
      }
      default:
        break // unrecognised cookie-avs are ignored (§5.2 step 6)
    }
  }
  return cookie
}
