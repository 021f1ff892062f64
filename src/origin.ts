/**
 * Origins and credentials: when an origin change must drop credentials, and the normal form of a
 * `trustedOrigins` entry. Used by the redirect planner and, where the runtime follows redirects
 * itself (the browser), by the request planner alone.
 * @module
 */
import { invalid } from './util/validate.ts'

const defaultPorts = { 'http:': '80', 'https:': '443' } as const

/**
 * Headers that carry credentials, dropped with session auth where credentials must not go.
 * Authorization: requests CVE-2014-1829 (sessions.py rebuild_auth), urllib3 CVE-2018-20060.
 * Proxy-Authorization: requests CVE-2014-1830, urllib3 CVE-2024-37891, undici CVE-2024-24758.
 * Cookie: urllib3 CVE-2023-43804, follow-redirects CVE-2022-0155, undici CVE-2022-31151.
 */
export const credentialHeaders: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
]

/**
 * Whether going from `from` to `to` must drop credentials: {@link shouldStripAuth}, unless
 * `to` is one of the session's trusted origins.
 */
export function dropsCredentials(from: URL, to: URL, trustedOrigins: ReadonlySet<string>): boolean {
  return shouldStripAuth(from, to) && !trustedOrigins.has(to.origin)
}

/**
 * Whether credentials must be dropped between `from` and `to` (requests' `should_strip_auth`,
 * tightened): any change of scheme, host or port strips them, except the upgrade
 * `http://host[:80]` → `https://host[:443]`. An https→http downgrade always strips them.
 */
export function shouldStripAuth(from: URL, to: URL): boolean {
  if (from.origin === to.origin) return false
  // requests #4716 / CVE-2018-18074 fix: the same host upgraded to https on default ports
  // keeps its credentials (nothing is exposed that was not already sent in clear).
  return !(
    from.protocol === 'http:' &&
    to.protocol === 'https:' &&
    from.hostname === to.hostname &&
    effectivePort(from) === defaultPorts['http:'] &&
    effectivePort(to) === defaultPorts['https:']
  )
}

function effectivePort(url: URL): string {
  // Only http: and https: URLs reach here (other Location schemes are refused first).
  return url.port || (url.protocol === 'https:' ? defaultPorts['https:'] : defaultPorts['http:'])
}

/**
 * Validates one `trustedOrigins` entry and returns its WHATWG origin (`https://a.test`,
 * `http://b.test:8080`): scheme and host lower case, default port dropped.
 * @throws {TypeError} naming `field` when the entry is not a string or not a bare http(s) origin.
 * @example
 * normaliseOrigin('HTTPS://API.Example:443') // 'https://api.example'
 */
export function normaliseOrigin(origin: string, field = 'trustedOrigins'): string {
  if (typeof origin !== 'string') {
    throw invalid(field, 'an origin string', origin)
  }
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    throw invalid(field, 'an origin such as "https://api.example"', origin)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(field, 'an http: or https: origin', origin)
  }
  if (
    url.username !== '' ||
    url.password !== '' ||
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== '' ||
    /[?#]/.test(origin)
  ) {
    throw invalid(field, 'a bare origin (scheme, host and optional port)', origin, {
      // Never repeat a password in a message.
      secret: url.username !== '' || url.password !== '',
    })
  }
  return url.origin
}
