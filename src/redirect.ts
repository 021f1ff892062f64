/**
 * The redirect planner: given one hop and its 3xx response, decides the next hop as pure
 * data (URL, method, headers, body, what credentials may still be sent), or that the
 * response is final, or that the redirect must be refused. `src/send.ts` performs the plan.
 *
 * Sources: requests' `SessionRedirectMixin` (`get_redirect_target`, `rebuild_method`,
 * `should_strip_auth`, `rebuild_auth`), Fetch §4.4 "HTTP-redirect fetch", RFC 9110 §15.4
 * and §10.2.2. Where requests leaked credentials, the stricter rule of the later fixes
 * (CVE-2014-1829, CVE-2018-18074, CVE-2023-32681) is taken, and any https→http downgrade
 * strips them too.
 * @module
 */
import { credentialHeaders, dropsCredentials } from './origin.ts'

/** The statuses that are followed (RFC 9110 §15.4; 300 and 304 are not redirects to follow). */
export const redirectStatuses: ReadonlySet<number> = new Set([301, 302, 303, 307, 308])

/** A body as the user gave it; `replayable: false` for a one-shot ReadableStream / async iterable. */
export interface BodySource {
  /** What to pass as `RequestInit.body` on the next hop. */
  readonly value: BodyInit | null
  /** `false` when the body can be read only once (a stream), so it cannot be sent again. */
  readonly replayable: boolean
}

/**
 * One hop, as pure data. `headers` never contains `Cookie` from the jar (rebuilt per hop by
 * the loop); it does contain user/session headers, including an `Authorization` the user set
 * as a header.
 */
export interface HopState {
  /** The URL of this hop. */
  url: URL
  /** The method of this hop, upper case for the standard methods. */
  method: string
  /** User and session headers (never the jar's `Cookie`). */
  headers: Headers
  /** The body to send on this hop. */
  body: BodySource
  /** Session/request `auth` may still be applied on this hop (sticky `false` once credentials were stripped). */
  authAllowed: boolean
  /** Request-level `cookies` may still be sent (sticky `false` once credentials were stripped). */
  requestCookiesAllowed: boolean
}

/** What the session lets through a redirect. */
export interface RedirectPolicy {
  /** Normalised origins (`https://a.test`, `http://b.test:8080`) allowed to keep credentials. */
  trustedOrigins: ReadonlySet<string>
  /** Extra header names (lower case) stripped like `Authorization`. */
  sensitiveHeaders: readonly string[]
}

/** The decision for one response. */
export type RedirectPlan =
  /** Not a redirect status, or no usable `Location`: the response is the final one. */
  | { type: 'final' }
  /** Follow: `next` is the hop to send. */
  | { type: 'follow'; next: HopState }
  /** The redirect must not be followed (`reason` says why); nothing more is fetched. */
  | { type: 'refuse'; reason: string }

// Fetch §4.4 step 12 "request-body-header name": Content-Encoding, Content-Language,
// Content-Location, Content-Type; requests' purged_headers add Content-Length and
// Transfer-Encoding. Every `Content-*` header describes the body, so all of them go.
const bodyHeaderPrefix = 'content-'
const bodyHeaders = ['transfer-encoding']

/**
 * Decides what to do with `response`, received for `hop`. Never mutates `hop`: the next hop
 * gets its own `Headers`.
 * @example
 * const plan = planRedirect(hop, { status: 302, headers: new Headers({ location: '/b' }) }, policy)
 * if (plan.type === 'follow') send(plan.next)
 */
export function planRedirect(
  hop: HopState,
  response: { status: number; headers: Pick<Headers, 'get'> },
  policy: RedirectPolicy,
): RedirectPlan {
  if (!redirectStatuses.has(response.status)) return { type: 'final' }
  const location = response.headers.get('location')
  // requests get_redirect_target: no Location → not a redirect. Library-specific: an empty
  // Location (which Fetch would resolve to the same URL, looping) is treated the same way.
  if (location === null || location.trim() === '') return { type: 'final' }

  let url: URL
  try {
    url = new URL(decodeLocation(location), hop.url)
  } catch {
    return { type: 'refuse', reason: `the Location ${JSON.stringify(location)} is not a valid URL` }
  }
  // Fetch §4.4 step 5: a Location whose scheme is not an HTTP(S) scheme is a network error
  // (file:, data:, javascript:, ftp: … must never be fetched on a server's say-so).
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      type: 'refuse',
      reason: `the Location scheme ${JSON.stringify(url.protocol)} is not http: or https:`,
    }
  }
  // RFC 9110 §10.2.2: a Location without a fragment inherits the fragment of the request URL.
  if (url.hash === '' && hop.url.hash !== '' && !location.includes('#')) url.hash = hop.url.hash
  // Library-specific: userinfo in a Location is dropped, so a server cannot inject
  // credentials (Fetch §4.4 step 8 fails such a cross-origin redirect instead).
  url.username = ''
  url.password = ''

  const method = rebuildMethod(hop.method, response.status)
  const headers = new Headers(hop.headers)
  let body = hop.body
  if (method !== hop.method) {
    // Fetch §4.4 step 12: a method change to GET drops the body and its headers.
    body = { value: null, replayable: true }
    dropBodyHeaders(headers)
  } else if (body.value !== null && !body.replayable) {
    // Fetch §4.4 step 11: a body whose source is gone cannot be sent again. Never send a
    // silently empty body instead (the 307/308 contract is "same method, same body").
    return {
      type: 'refuse',
      reason:
        `a ${response.status} redirect must resend the ${hop.method} body, but the body is a ` +
        'one-shot stream that was already consumed; pass a string, Blob, ArrayBuffer or ' +
        'FormData to allow it to be replayed',
    }
  }

  const { authAllowed, requestCookiesAllowed } = hop
  const next = { url, method, headers, body, authAllowed, requestCookiesAllowed }
  return { type: 'follow', next: stripCredentials(next, hop.url, policy) }
}

/**
 * Drops credentials from `hop` (in place) when it left `from`'s origin for one that may not
 * have them: credential and sensitive headers go, and session auth and request cookies stay
 * off for this hop and every later one. The one rule for a redirect and for a hop a
 * `beforeRedirect` hook moved.
 */
export function stripCredentials(hop: HopState, from: URL, policy: RedirectPolicy): HopState {
  if (dropsCredentials(from, hop.url, policy.trustedOrigins)) {
    for (const name of credentialHeaders) hop.headers.delete(name)
    for (const name of policy.sensitiveHeaders) hop.headers.delete(name)
    hop.authAllowed = false
    hop.requestCookiesAllowed = false
  }
  return hop
}

/**
 * The method of the next hop (requests' `rebuild_method`, narrowed to Fetch §4.4 step 12):
 * 301/302 turn POST into GET; 303 turns everything but HEAD into GET; 307/308 keep it.
 */
export function rebuildMethod(method: string, status: number): string {
  if (status === 303 && method !== 'HEAD' && method !== 'GET') return 'GET'
  // NOTE(spec): requests turns every 302 except HEAD into GET; Fetch and browsers change only
  // POST, and so do we (a 302 to a PUT keeps PUT and its body).
  if ((status === 301 || status === 302) && method === 'POST') return 'GET'
  return method
}

function dropBodyHeaders(headers: Headers): void {
  const names: string[] = []
  headers.forEach((_value, name) => {
    if (name.startsWith(bodyHeaderPrefix) || bodyHeaders.includes(name)) names.push(name)
  })
  for (const name of names) headers.delete(name)
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Runtimes hand header values over as latin1 (each byte one code unit, Fetch's "isomorphic
 * decode"). A server that sent UTF-8 bytes in `Location` meant UTF-8, so re-decode it when the
 * bytes are valid UTF-8, as browsers do (requests' `get_redirect_target` does the same with
 * `latin1` → `utf8`). Anything else is left alone for the URL parser to percent-encode.
 */
export function decodeLocation(value: string): string {
  let high = false
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if (code > 0xff) return value // already decoded by a runtime that does not use latin1
    if (code >= 0x80) high = true
  }
  if (!high) return value
  const bytes = new Uint8Array(value.length)
  for (let i = 0; i < value.length; i++) bytes[i] = value.charCodeAt(i)
  try {
    return utf8.decode(bytes)
  } catch {
    return value
  }
}
