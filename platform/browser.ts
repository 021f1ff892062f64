/**
 * Browser entry, picked by the `browser` export condition.
 *
 * A page cannot do what the session does elsewhere, so this entry hands those jobs to the
 * browser and says so instead of pretending:
 * - cookies live in the browser's own jar: the browser stores `Set-Cookie` (scripts never
 *   see it, Fetch §3.2.6 forbidden response-header names) and sends `Cookie` (a forbidden
 *   request-header name) as the request's `credentials` mode allows. By default that is
 *   `'include'` for the session's own origins (the `baseURL`'s origin, or the page's when
 *   there is none, plus `trustedOrigins`) and fetch's `'same-origin'` anywhere else: a
 *   public API answering `Access-Control-Allow-Origin: *` must not be sent credentials
 *   (Fetch §3.2.5 CORS check), as fetch, ky, ofetch and axios do by default. An explicit
 *   `credentials` (session or request) wins;
 * - relative URLs without a `baseURL` resolve against the page (`document.baseURI`, or the
 *   worker's `location`), as `fetch` resolves them;
 * - redirects are followed by the browser (`redirect: 'manual'` only yields an opaque
 *   response, Fetch §4.4), so there are no hops to see: `history` is empty;
 * - proxies, TLS and keep-alive belong to the browser.
 *
 * `session.cookies` is a {@link BrowserCookieJar} whose operations throw an error that says
 * this, so the in-memory jar and the public suffix list are not in a bundle that imports
 * only `Session`. `CookieJar` itself is still exported for standalone use.
 * @module
 */
import { Session as CoreSession } from '../src/session.ts'
import { ConnectionError, describeRequest, SessionStateError } from '../src/errors.ts'
import type { SessionError } from '../src/errors.ts'
import type { CookieJarState } from '../src/cookies/index.ts'
import type { Adapter, AdapterContext, CookieJarClass, Platform } from '../src/platform.ts'
import type { ResponsePromise, SessionOptions, SessionRequestInit } from '../src/types.ts'

const jarMessage =
  'in the browser, session cookies are kept by the browser itself (sent and stored as the ' +
  "request's credentials mode allows); scripts cannot read or set them through fetch-session. Use " +
  'document.cookie for cookies that are not HttpOnly, or `new CookieJar()` for a standalone jar'

function unsupported(operation: string): never {
  throw new TypeError(`session.cookies.${operation}: ${jarMessage}`)
}

/**
 * What `session.cookies` is in the browser: a stand-in for the browser's own cookie store,
 * which no script can list. Every operation that would read or write cookies throws a
 * `TypeError` explaining why; `toJSON()` returns an empty jar, because the browser's
 * cookies are not part of a saved session (they stay in the browser).
 */
class BrowserCookieJar {
  /** Always 0: nothing is ever stored here, so autosave never fires for cookies. */
  readonly revision: number = 0

  /** @throws {TypeError} the browser's cookie store cannot be enumerated. */
  get size(): number {
    return unsupported('size')
  }
  /** @throws {TypeError} */
  setCookie(): never {
    return unsupported('setCookie()')
  }
  /** @throws {TypeError} */
  getCookies(): never {
    return unsupported('getCookies()')
  }
  /** @throws {TypeError} */
  getCookieString(): never {
    return unsupported('getCookieString()')
  }
  /** @throws {TypeError} */
  set(): never {
    return unsupported('set()')
  }
  /** @throws {TypeError} */
  get(): never {
    return unsupported('get()')
  }
  /** @throws {TypeError} */
  delete(): never {
    return unsupported('delete()')
  }
  /** @throws {TypeError} */
  clear(): never {
    return unsupported('clear()')
  }
  /** @throws {TypeError} */
  toNetscape(): never {
    return unsupported('toNetscape()')
  }
  /** @throws {TypeError} */
  [Symbol.iterator](): never {
    return unsupported('[Symbol.iterator]()')
  }
  /**
   * The state of an empty default jar: the browser's cookies are not saved with the
   * session (restored elsewhere, the session starts with an empty jar).
   */
  toJSON(): CookieJarState {
    return {
      version: 1,
      // The defaults of `new CookieJar()` (src/cookies/validate.ts).
      options: {
        rejectPublicSuffixes: true,
        maxCookies: 3300,
        maxCookiesPerDomain: 180,
        allowNameless: false,
      },
      cookies: [],
    }
  }

  /**
   * Accepts saved state only when it holds no cookies: cookies saved elsewhere cannot be
   * put into the browser's jar (HttpOnly ones not at all), and dropping them silently would
   * send requests without them.
   * @throws {SessionStateError} at `options.path` when the state carries cookies.
   */
  static fromJSON(data: unknown, options?: { path?: string }): BrowserCookieJar {
    const parsed: unknown = typeof data === 'string' ? JSON.parse(data) : data
    const cookies = (parsed as { cookies?: unknown } | null)?.cookies
    if (Array.isArray(cookies) && cookies.length > 0) {
      throw new SessionStateError(
        options?.path ?? '',
        `a saved session with ${cookies.length} cookie(s) cannot be restored in the browser; ${jarMessage}`,
      )
    }
    return new BrowserCookieJar()
  }
}

/** `fetch` with the request's credentials mode; the browser follows redirects and keeps cookies. */
function createBrowserAdapter(): Adapter {
  return {
    fetch(request: Request, ctx: AdapterContext): Promise<Response> {
      return globalThis.fetch(request, {
        redirect: ctx.redirect,
        credentials: ctx.credentials ?? 'same-origin',
      })
    },
  }
}

interface PageGlobals {
  document?: { baseURI?: string }
  location?: { href: string; origin: string }
}

/** The page's base URL (`document.baseURI`, or a worker's `location`), if there is a page. */
function pageBase(): string | undefined {
  const { document, location } = globalThis as PageGlobals
  return document?.baseURI ?? location?.href
}

// WHATWG URL: a scheme followed by `:` makes a URL absolute.
const absoluteURL = /^[a-z][a-z\d+\-.]*:/i

/**
 * The request URL as the session will see it: a relative URL with no `baseURL` resolves
 * against the page, as `fetch` does (Fetch §5.4 Request constructor step 5, "parse input
 * with baseURL" = the current settings object's API base URL). Without a page the URL is
 * left as it is, and the session says a relative URL needs a `baseURL`.
 */
function pageRelative(session: CoreSession, url: string | URL): string | URL {
  if (typeof url !== 'string' || absoluteURL.test(url) || session.baseURL !== undefined) return url
  const base = pageBase()
  return base === undefined ? url : new URL(url, base).href
}

/**
 * The credentials mode for a request that sets none (nor its session): `'include'` for the
 * session's own origins, the `baseURL`'s origin (the page's when there is none) and
 * `trustedOrigins`; fetch's default `'same-origin'` for any other origin.
 */
function defaultCredentialsFor(session: CoreSession, url: string | URL): RequestCredentials {
  const base = session.baseURL ?? pageBase()
  try {
    const own = [base, ...session.trustedOrigins].map((o) => o && new URL(o).origin)
    return own.includes(new URL(url, base).origin) ? 'include' : 'same-origin'
  } catch {
    return 'same-origin' // a bad URL: the session reports it (and sends nothing)
  }
}

/** The request's init with the default credentials mode filled in where nothing sets one. */
function withCredentials(
  session: CoreSession,
  url: string | URL,
  init: SessionRequestInit | undefined,
): SessionRequestInit | undefined {
  // Bad input (not an object) is left for the session to report as it is.
  if (init !== undefined && (typeof init !== 'object' || init === null)) return init
  if (init?.credentials !== undefined || session.credentials !== undefined) return init
  return { ...init, credentials: defaultCredentialsFor(session, url) }
}

// Fetch §4.1 main fetch: a network error, a CORS rejection and a blocked request all reject
// with the same TypeError ("Failed to fetch", "NetworkError when attempting to fetch
// resource.", "Load failed"); the page is not told which.
function mapBrowserError(
  error: unknown,
  request: Request,
  _ctx: AdapterContext,
): SessionError | undefined {
  if (!(error instanceof TypeError)) return undefined
  return new ConnectionError(
    `Network error or CORS rejection (the browser does not say which; see the console): ${describeRequest(request)}`,
    { request, cause: error },
  )
}

const browserPlatform: Platform = {
  name: 'browser',
  capabilities: {
    manualRedirect: false,
    readSetCookie: false,
    sendCookie: false,
    proxy: false,
    tls: false,
    transportTimeouts: false,
    keepAlive: false,
    poolSettings: false,
    credentialsMode: true,
    // Chromium refuses a streamed body over HTTP/1.1 (it needs HTTP/2 or HTTP/3), and a page
    // cannot tell which one a request will use: https://developer.chrome.com/docs/capabilities/web-apis/fetch-streaming-requests#restrictions
    streamUploads: false,
  },
  createAdapter: createBrowserAdapter,
  env: () => undefined,
  mapError: mapBrowserError,
  // BrowserCookieJar stands in for the in-memory jar on purpose (see above); the cast
  // is needed because the real class has #private fields, which TypeScript types nominally.
  CookieJar: BrowserCookieJar as unknown as CookieJarClass,
  // Fetch's own default; the browser `Session` picks `'include'` for its own origins.
  defaultCredentials: 'same-origin',
  // None of the optional parts: the browser plans redirects, picks proxies and parses
  // Set-Cookie itself, and its jar never changes under the session (nothing to autosave).
  features: {},
}

export * from '../src/index.ts'

/**
 * A `Session` bound to the browser: the browser follows redirects and keeps cookies.
 * Requests to the session's own origins (the `baseURL`'s, or the page's when there is none,
 * plus `trustedOrigins`) carry `credentials: 'include'`; requests elsewhere carry fetch's
 * default `'same-origin'`, so public APIs that answer `Access-Control-Allow-Origin: *` work.
 * A `credentials` option (session or request) wins. Relative URLs without a `baseURL`
 * resolve against the page, as `fetch` does.
 * @example
 * import { Session } from 'fetch-session'
 * const api = new Session({ baseURL: 'https://api.example', headers: { 'x-client': 'web' } })
 * await api.post('/login', { json: { user: 'ada' } }) // the browser stores the session cookie
 * const me = await api.get('/me').json()                // …and sends it back
 */
export class Session extends CoreSession {
  /** The browser platform binding. */
  static override readonly platform: Platform = browserPlatform

  constructor(options?: SessionOptions) {
    super(options)
    const fetch = this.fetch
    ;(this as { fetch: CoreSession['fetch'] }).fetch = (input, init) => {
      if (input instanceof Request) return fetch(input, init) // its own credentials mode
      const url = pageRelative(this, input)
      return fetch(url, withCredentials(this, url, init))
    }
  }

  override getAdapter(url: string | URL): Adapter {
    return super.getAdapter(pageRelative(this, url))
  }

  override request(method: string, url: string | URL, init?: SessionRequestInit): ResponsePromise {
    const target = pageRelative(this, url)
    return super.request(method, target, withCredentials(this, target, init))
  }
  // The shortcuts go through `request()` above (the core's call its private start directly).
  static {
    for (const method of ['get', 'head', 'options', 'delete', 'post', 'put', 'patch'] as const) {
      this.prototype[method] = function (this: Session, url, init) {
        return this.request(method.toUpperCase(), url, init)
      }
    }
  }
}
