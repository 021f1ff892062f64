/**
 * The cookie jar: RFC 6265 / draft-ietf-httpbis-rfc6265bis, in memory, synchronous.
 * @module
 */
export { CookieJar } from './jar.ts'
export { splitSetCookie } from './split.ts'
export { parseCookieDate } from './date.ts'
export type {
  Cookie,
  CookieAccessOptions,
  CookieAttributes,
  CookieFilter,
  CookieJarOptions,
  CookieJarState,
  CookieState,
  SameSite,
} from './types.ts'
