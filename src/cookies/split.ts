/**
 * Splitting a folded `Set-Cookie` header (several cookies joined by `, `, which is what
 * `Headers.get('set-cookie')` returns on runtimes without `Headers.getSetCookie()`).
 * @module
 */
import { splitCookiesString } from 'set-cookie-parser'
import { invalid } from '../util/validate.ts'

/**
 * Splits a comma-folded `Set-Cookie` value into its cookies. A comma separates cookies only
 * when the text after it reads as a new `name=` (set-cookie-parser's rule), so the comma of
 * `Expires=Wed, 09 Jun 2021 10:18:14 GMT` stays inside its cookie. RFC 6265 §3 warns that
 * folding is lossy; prefer `headers.getSetCookie()` where the runtime has it.
 * @example
 * splitSetCookie('a=1; Expires=Wed, 09 Jun 2021 10:18:14 GMT, b=2')
 * // ['a=1; Expires=Wed, 09 Jun 2021 10:18:14 GMT', 'b=2']
 */
export function splitSetCookie(headerValue: string): string[] {
  if (typeof headerValue !== 'string') {
    throw invalid('headerValue', 'a string', headerValue)
  }
  return splitCookiesString(headerValue)
}
