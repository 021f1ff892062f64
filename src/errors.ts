/**
 * The error tree. Every failure during the HTTP lifecycle is a `SessionError`:
 *
 * ```
 * SessionError                 (request?)
 * ├── HTTPError                (response)            raiseForStatus() on a 4xx/5xx
 * ├── TimeoutError             (limit)               connect | response | total | body
 * ├── ConnectionError          (cause)               DNS, refused, reset, TLS, a body cut short…
 * ├── ResponseTooLargeError     (limit)               a body past maxResponseSize
 * ├── TooManyRedirectsError    (response, history)   more than maxRedirects hops
 * ├── RedirectError                                  a hop that must not be followed
 * ├── InvalidURLError          (url)                 unparsable or unsupported URL
 * ├── NoAdapterError           (url)                 no mounted adapter for a URL
 * ├── ClosedSessionError                             a request on a closed session
 * ├── CABundleError            (variable, path)      REQUESTS_CA_BUNDLE names no readable file
 * ├── CookieConflictError      (name, domains)       jar.get(name) matched several domains
 * └── SessionStateError        (path)                bad fromJSON / load input
 *     └── StateConflictError   (key, expected, actual) save({ ifVersion }) lost a race
 * ```
 *
 * Programmer mistakes (a bad argument type or range) are plain `TypeError` / `RangeError`s
 * that name the field; only failures of a request or of saved state are `SessionError`s.
 *
 * `instanceof` works across the ESM and CommonJS builds and across duplicated bundles:
 * each instance carries the tags of its class chain under a registry symbol, and
 * `Symbol.hasInstance` reads those tags rather than the prototype chain (undici's brand
 * technique, with explicit tags because minifiers mangle class names).
 * @module
 */

const kTags = Symbol.for('fetch-session.error-tags')

/** Removes `user:pass@` from a URL so credentials never reach a message or a log. */
export function redactURL(url: string | URL): string {
  try {
    const u = new URL(String(url))
    if (u.username === '' && u.password === '') return u.href
    u.username = ''
    u.password = ''
    return u.href
  } catch {
    return String(url).replace(/\/\/[^/@]*@/, '//')
  }
}

/** `METHOD url` with userinfo removed, for error messages. */
export function describeRequest(request: Request | undefined): string {
  return request ? `${request.method} ${redactURL(request.url)}` : ''
}

/** Options common to every `SessionError`. */
export interface SessionErrorOptions {
  /** The request that was being sent, if any. */
  request?: Request | undefined
  /** The underlying error (ES2022 `cause`). */
  cause?: unknown
}

/**
 * Base class of every error this library throws during a request or while restoring state.
 * @example
 * try { await s.get('/x') } catch (e) { if (e instanceof SessionError) console.log(e.request?.url) }
 */
export class SessionError extends Error {
  /** The brand tag of this class; subclasses override it. */
  static readonly tag: string = 'SessionError'

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false
    const tags = (value as Record<symbol, unknown>)[kTags]
    return Array.isArray(tags) && tags.includes(this.tag)
  }

  /** The request being sent when the error happened. */
  readonly request: Request | undefined

  constructor(message: string, options?: SessionErrorOptions) {
    super(message, options && 'cause' in options ? { cause: options.cause } : undefined)
    this.request = options?.request
    const tags: string[] = []
    for (
      let c = new.target as { tag?: string } | null;
      c && Object.hasOwn(c, 'tag');
      c = Object.getPrototypeOf(c) as { tag?: string } | null
    ) {
      tags.push(c.tag as string)
    }
    Object.defineProperty(this, kTags, { value: tags })
    this.name = tags[0] ?? 'SessionError'
  }
}

/**
 * A response with a 4xx or 5xx status, thrown by `response.raiseForStatus()`.
 * @example
 * const r = await s.get('/missing'); r.raiseForStatus() // throws HTTPError: 404 Not Found: GET …
 */
export class HTTPError extends SessionError {
  static override readonly tag: string = 'HTTPError'
  /** The response whose status failed. */
  readonly response: Response

  constructor(response: Response, options?: SessionErrorOptions) {
    const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`
    const what = options?.request ? `: ${describeRequest(options.request)}` : ''
    super(`Request failed with status ${status}${what}`, options)
    this.response = response
  }
}

/**
 * Which timeout fired: `connect` (TCP/TLS set-up), `response` (waiting for data), `total`
 * (until the final headers) or `body` (reading the whole body after them).
 */
export type TimeoutLimit = 'connect' | 'response' | 'total' | 'body'

/**
 * A timeout of the session or request fired. `limit` says which one; a user's own
 * `AbortSignal` never produces this error (it stays an `AbortError`).
 */
export class TimeoutError extends SessionError {
  static override readonly tag: string = 'TimeoutError'
  /** Which limit fired. */
  readonly limit: TimeoutLimit
  /** The limit in milliseconds. */
  readonly timeout: number

  constructor(limit: TimeoutLimit, timeout: number, options?: SessionErrorOptions) {
    const what = options?.request ? `: ${describeRequest(options.request)}` : ''
    super(`The ${limit} timeout of ${timeout} ms was exceeded${what}`, options)
    this.limit = limit
    this.timeout = timeout
  }
}

/** The connection failed (DNS, refused, reset, TLS). `cause` keeps the runtime's own error. */
export class ConnectionError extends SessionError {
  static override readonly tag: string = 'ConnectionError'
  /** The runtime's error code when it has one (`ECONNREFUSED`, `UND_ERR_SOCKET`…). */
  readonly code: string | undefined

  constructor(message: string, options?: SessionErrorOptions & { code?: string | undefined }) {
    super(message, options)
    this.code = options?.code
  }
}

/**
 * A response body grew past `maxResponseSize` (decoded bytes). Raised while the body is read,
 * before the bytes pile up in memory; the connection is closed.
 * @example
 * await s.get('/huge', { maxResponseSize: 1_000_000 }).text() // throws ResponseTooLargeError
 */
export class ResponseTooLargeError extends SessionError {
  static override readonly tag: string = 'ResponseTooLargeError'
  /** The limit in bytes that the body exceeded. */
  readonly limit: number

  constructor(limit: number, options?: SessionErrorOptions) {
    const what = options?.request ? `: ${describeRequest(options.request)}` : ''
    super(`The response body exceeded maxResponseSize of ${limit} bytes${what}`, options)
    this.limit = limit
  }
}

/** More than `maxRedirects` hops were needed. */
export class TooManyRedirectsError extends SessionError {
  static override readonly tag: string = 'TooManyRedirectsError'
  /** The last redirect response received. */
  readonly response: Response
  /** Every redirect response, oldest first, including `response`. */
  readonly history: Response[]

  constructor(
    maxRedirects: number,
    response: Response,
    history: Response[],
    options?: SessionErrorOptions,
  ) {
    const what = options?.request ? `: ${describeRequest(options.request)}` : ''
    super(`Exceeded ${maxRedirects} redirects${what}`, options)
    this.response = response
    this.history = history
  }
}

/**
 * A redirect that must not be followed: a `Location` with a scheme other than http or
 * https, or a hop whose body cannot be sent again (a one-shot stream on 307/308).
 */
export class RedirectError extends SessionError {
  static override readonly tag: string = 'RedirectError'
  /** The redirect response that could not be followed. */
  readonly response: Response | undefined

  constructor(message: string, options?: SessionErrorOptions & { response?: Response }) {
    super(message, options)
    this.response = options?.response
  }
}

/** A URL that cannot be parsed, or whose scheme no adapter handles. */
export class InvalidURLError extends SessionError {
  static override readonly tag: string = 'InvalidURLError'
  /** The offending URL, userinfo removed. */
  readonly url: string

  constructor(url: string, reason: string, options?: SessionErrorOptions) {
    super(`Invalid URL ${JSON.stringify(redactURL(url))}: ${reason}`, options)
    this.url = redactURL(url)
  }
}

/** No adapter is mounted for a URL (`s.mount(prefix, adapter)`, longest prefix wins). */
export class NoAdapterError extends SessionError {
  static override readonly tag: string = 'NoAdapterError'
  /** The URL that had no adapter, userinfo removed. */
  readonly url: string

  constructor(url: string, options?: SessionErrorOptions) {
    super(`No adapter is mounted for ${redactURL(url)}`, options)
    this.url = redactURL(url)
  }
}

/** A request on a session after `close()`. */
export class ClosedSessionError extends SessionError {
  static override readonly tag: string = 'ClosedSessionError'
}

/**
 * `trustEnv` found `REQUESTS_CA_BUNDLE` or `CURL_CA_BUNDLE` naming a path that is not a
 * readable file (missing, a directory, or not readable here), so an `https:` request cannot
 * be verified as the environment asks. Like requests' "Could not find a suitable TLS CA
 * certificate bundle, invalid path"; raised by the request that would use the bundle.
 */
export class CABundleError extends SessionError {
  static override readonly tag: string = 'CABundleError'
  /** The environment variable that named the path. */
  readonly variable: string
  /** The path it named. */
  readonly path: string

  constructor(variable: string, path: string, options?: SessionErrorOptions) {
    const what = options?.request ? ` (${describeRequest(options.request)})` : ''
    super(
      `Could not find a suitable TLS CA certificate bundle: ${variable}=${JSON.stringify(path)} ` +
        `is not a readable file; fix or unset the variable, or pass tls.ca${what}`,
      options,
    )
    this.variable = variable
    this.path = path
  }
}

/** `jar.get(name)` matched cookies in several domains; pass `{ domain }` to choose one. */
export class CookieConflictError extends SessionError {
  static override readonly tag: string = 'CookieConflictError'
  /** The cookie name asked for. */
  readonly cookieName: string
  /** The domains holding a cookie of that name. */
  readonly domains: string[]

  constructor(name: string, domains: string[]) {
    super(
      `There are several cookies named ${JSON.stringify(name)} (domains: ${domains.join(', ')}); ` +
        `pass { domain } or { path } to choose one`,
    )
    this.cookieName = name
    this.domains = domains
  }
}

/** Saved session or jar state that cannot be restored. `path` names the bad field. */
export class SessionStateError extends SessionError {
  static override readonly tag: string = 'SessionStateError'
  /** JSON path of the bad field, e.g. `cookies[3].expires`; empty for the whole document. */
  readonly path: string

  constructor(path: string, problem: string, options?: SessionErrorOptions) {
    super(path ? `${path}: ${problem}` : problem, options)
    this.path = path
  }
}

/** `save(store, key, { ifVersion })` found another writer's newer state. */
export class StateConflictError extends SessionStateError {
  static override readonly tag: string = 'StateConflictError'
  /** The store key. */
  readonly key: string
  /** The version the caller expected. */
  readonly expected: number | null
  /** The version found in the store. */
  readonly actual: number | null

  constructor(key: string, expected: number | null, actual: number | null) {
    super(
      '',
      `State ${JSON.stringify(key)} changed since it was read: expected revision ${String(expected)}, found ${String(actual)}`,
    )
    this.key = key
    this.expected = expected
    this.actual = actual
  }
}
