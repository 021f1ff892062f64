/**
 * Building what is sent: the body source from `json` / `form` / `body`, the first hop, and
 * the `Request` of each hop (headers, the jar's `Cookie` header). Pure: no I/O.
 * @module
 */
import { required } from './capabilities.ts'
import type { CookieJar } from './cookies/jar.ts'
import type { Plan } from './plan.ts'
import type { BodySource, HopState } from './redirect.ts'
import type { SessionRequestInit } from './types.ts'
import { toSearchParams } from './util/url.ts'
import { invalid } from './util/validate.ts'

const noBody: BodySource = { value: null, replayable: true }

function isStream(value: unknown): value is ReadableStream {
  return typeof ReadableStream !== 'undefined' && value instanceof ReadableStream
}

/**
 * The body of a request and the `content-type` it implies: `json` is serialised with
 * `JSON.stringify`, `form` is urlencoded, anything else is passed through as `fetch` takes
 * it. A `ReadableStream` is one-shot (`replayable: false`).
 * @throws {TypeError} when more than one of `body`, `json`, `form` is given, or `json` cannot be serialised.
 */
export function prepareBody(init: SessionRequestInit): {
  body: BodySource
  contentType: string | undefined
} {
  const set = (v: unknown): number => (v === undefined || v === null ? 0 : 1)
  if (set(init.body) + set(init.json) + set(init.form) > 1) {
    const given = (['body', 'json', 'form'] as const).filter(
      (k) => init[k] !== undefined && init[k] !== null,
    )
    throw invalid('init', 'only one of body, json and form', init, {
      got: given.join(' and '),
    })
  }
  if (init.json !== undefined) {
    let text: string | undefined
    try {
      text = JSON.stringify(init.json)
    } catch (cause) {
      throw invalid('init.json', 'a value that can be serialised as JSON', init.json, { cause })
    }
    if (text === undefined)
      throw invalid('init.json', 'a value that can be serialised as JSON', init.json)
    return { body: { value: text, replayable: true }, contentType: 'application/json' }
  }
  if (init.form !== undefined && init.form !== null) {
    const form = toSearchParams(init.form, 'init.form').toString()
    return {
      body: { value: form, replayable: true },
      // requests models.py prepare_body: exactly this type, no charset parameter.
      contentType: 'application/x-www-form-urlencoded',
    }
  }
  const value = init.body
  if (value === undefined || value === null) return { body: noBody, contentType: undefined }
  return { body: { value, replayable: !isStream(value) }, contentType: undefined }
}

/** The `Cookie` header for a URL: the jar's cookies with request-level cookies laid over them. */
export function cookieHeader(
  jar: CookieJar,
  url: URL,
  overlay: ReadonlyMap<string, string | null> | undefined,
): string {
  if (!overlay || overlay.size === 0) return jar.getCookieString(url)
  const pairs: string[] = []
  for (const cookie of jar.getCookies(url)) {
    if (!overlay.has(cookie.name))
      pairs.push(cookie.name === '' ? cookie.value : `${cookie.name}=${cookie.value}`)
  }
  for (const [name, value] of overlay) if (value !== null) pairs.push(`${name}=${value}`)
  return pairs.join('; ')
}

/** Validates request-level cookies (`{ name: value }`, `null` hides a jar cookie). */
export function toCookieOverlay(
  init: unknown,
  field: string,
): Map<string, string | null> | undefined {
  if (init === undefined || init === null) return undefined
  if (typeof init !== 'object' || Array.isArray(init)) {
    throw invalid(field, 'a record of cookie values', init)
  }
  const overlay = new Map<string, string | null>()
  for (const [name, value] of Object.entries(init)) {
    if (value === null || value === undefined) overlay.set(name, null)
    else if (typeof value !== 'string') {
      throw invalid(`${field}[${JSON.stringify(name)}]`, 'a string or null', value)
    } else if (/[;\r\n\0]/.test(name + value) || /[=\s]/.test(name)) {
      throw invalid(`${field}[${JSON.stringify(name)}]`, 'a valid cookie name and value', value, {
        secret: true,
      })
    } else overlay.set(name, value)
  }
  return overlay
}

/** Per-hop request settings that are not part of the hop itself. */
export interface RequestExtras {
  readonly cookie: string
  readonly signal: AbortSignal
  readonly redirect: RequestRedirect
  readonly credentials: RequestCredentials | undefined
}

/** Builds the `Request` of one hop. The hop's headers are copied, never shared. */
export function buildRequest(hop: HopState, extras: RequestExtras): Request {
  const headers = new Headers(hop.headers)
  // requests models.py prepare_cookies: an explicit Cookie header wins over the jar.
  if (extras.cookie && !headers.has('cookie')) headers.set('cookie', extras.cookie)
  const init: RequestInit & { duplex?: 'half' } = {
    method: hop.method,
    headers,
    signal: extras.signal,
    redirect: extras.redirect,
  }
  if (hop.body.value !== null) {
    init.body = hop.body.value
    if (!hop.body.replayable) init.duplex = 'half'
  }
  if (extras.credentials !== undefined) init.credentials = extras.credentials
  return new Request(hop.url, init)
}

/** Creates the first hop. */
export function firstHop(url: URL, method: string, headers: Headers, body: BodySource): HopState {
  return { url, method, headers, body, authAllowed: true, requestCookiesAllowed: true }
}

/**
 * The `Cookie` header the session sends to `url` (by default the hop's): the jar's cookies,
 * with the request's own `cookies` where the hop may carry them. `''` where the runtime
 * sends cookies itself (a browser).
 */
export function cookieFor(plan: Plan, hop: HopState, url: URL = hop.url): string {
  const { platform } = plan.internals
  return platform.capabilities.sendCookie
    ? required(platform, 'cookieHeader')(
        plan.session.cookies,
        url,
        hop.requestCookiesAllowed ? plan.cookies : undefined,
      )
    : ''
}
