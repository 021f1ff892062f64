/**
 * `Session`: holds the defaults every request starts from (python-requests' `Session`),
 * exposes `request/get/…/fetch/mount/close`, and delegates each request to `send()`.
 * @module
 */
import { MountTable } from './adapters.ts'
import { resolveAuth, type ResolvedAuth } from './auth.ts'
import type { Autosave } from './state/autosave.ts'
import type { CookieJar } from './cookies/jar.ts'
import { ClosedSessionError, describeRequest } from './errors.ts'
import { resolveHooks } from './hooks.ts'
import { checkFeatures, checkPlatform, required } from './capabilities.ts'
import type { Adapter, Platform, TlsOptions } from './platform.ts'
import type { ResolvedProxy } from './proxy.ts'
import { resolveRetry, type ResolvedRetry } from './retry.ts'
import { checkSend, planRequest, prepareRequest } from './prepared.ts'
import { checkHandler } from './progress.ts'
import { send, sendPlan } from './send.ts'
import {
  sessionFromState,
  sessionToState,
  type SessionClassLike,
  type SessionExtras,
  type SessionState,
  type ToJSONOptions,
} from './state/state.ts'
import { loadSession, saveSession, type SaveOptions, type StateStore } from './state/store.ts'
import { resolveTimeout, type ResolvedTimeout } from './timeout.ts'
import type {
  AuthInit,
  DebugHandler,
  Hooks,
  ProgressHandler,
  ProxyInit,
  ResponsePromise,
  RetryInit,
  SessionOptions,
  SessionRequestInit,
  SessionResponse,
  TimeoutInit,
} from './types.ts'
import { toHeaders } from './util/headers.ts'
import { checkBaseURL, toSearchParams } from './util/url.ts'
import { checkNonNegative, describeType, invalid } from './util/validate.ts'

function missing(what: string): never {
  throw new TypeError(
    `Session.platform.${what}: this Session class has no platform; import Session from 'fetch-session' (or a platform entry), not from its core`,
  )
}

/** The platform of the bare core class: every use fails with a clear message. */
const noPlatform: Platform = {
  name: 'none',
  capabilities: {
    manualRedirect: true,
    readSetCookie: true,
    sendCookie: true,
    proxy: false,
    tls: false,
    transportTimeouts: false,
    keepAlive: false,
  },
  createAdapter: () => missing('createAdapter'),
  env: () => undefined,
  mapError: () => undefined,
  get CookieJar(): never {
    return missing('CookieJar')
  },
  features: {},
}

/** Proxy settings where none can be set: the environment decides, and a proxy-less platform reads none. */
const environmentProxy: ResolvedProxy = { mode: 'environment' }

const knownOptions = new Set([
  'baseURL',
  'headers',
  'params',
  'auth',
  'cookies',
  'timeout',
  'maxRedirects',
  'sensitiveHeaders',
  'trustedOrigins',
  'retry',
  'hooks',
  'proxy',
  'trustEnv',
  'tls',
  'credentials',
  'connections',
  'allowH2',
  'autosave',
  'raiseForStatus',
  'onDownloadProgress',
  'onUploadProgress',
  'debug',
])

function checkBoolean(value: unknown, field: string): boolean {
  if (value === undefined) return false
  if (typeof value !== 'boolean') throw invalid(field, 'a boolean', value)
  return value
}

function isJar(value: unknown): value is CookieJar {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as CookieJar).getCookieString === 'function' &&
    typeof (value as CookieJar).setCookie === 'function'
  )
}

/** Validates and resolves a `proxy` setting with the platform's proxy feature, if it has one. */
function resolveProxy(
  platform: Platform,
  value: ProxyInit | undefined,
  field: string,
): ResolvedProxy {
  // Without the feature (the browser) a proxy is refused: by the constructor, and by send()
  // for one assigned later.
  const resolve = platform.features.resolveProxy
  return resolve ? resolve(value, undefined, field) : environmentProxy
}

function checkStringList(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value))
    throw new TypeError(`${field}: expected an array of strings, got ${describeType(value)}`)
  return value.map((v: unknown, i) => {
    if (typeof v !== 'string')
      throw new TypeError(`${field}[${i}]: expected a string, got ${describeType(v)}`)
    return v
  })
}

/**
 * A session: defaults merged into every request, a cookie jar that persists across requests
 * and redirects, pooled keep-alive connections, safe redirects, hooks, and state that can be
 * saved and restored.
 * @example
 * await using s = new Session({ baseURL: 'https://api.example', auth: ['user', 'pass'] })
 * s.headers.set('x-test', 'true')
 * const me = await s.get('/me').json()
 */
export class Session {
  /** The runtime binding; each platform entry's `Session` subclass sets it. */
  static readonly platform: Platform = noPlatform

  /** Default headers (case-insensitive; mutate freely). */
  headers: Headers
  /** Default query parameters. */
  params: URLSearchParams
  /** The cookie jar: every response's `Set-Cookie` lands here and matching cookies are sent. */
  cookies: CookieJar
  /** Hook lists; push to them freely. Session hooks run before request hooks. */
  hooks: Hooks
  /** Read `HTTP(S)_PROXY`, `ALL_PROXY` and `NO_PROXY` from the environment. */
  trustEnv: boolean
  /** TLS settings for the default transport (non-browser runtimes). Replace the object to change them. */
  tls: TlsOptions | undefined
  /** Extra headers stripped on an origin change, like `Authorization`. */
  sensitiveHeaders: string[]
  /** Origins that may receive credentials across a redirect. */
  trustedOrigins: string[]
  /** Browser credentials mode. */
  credentials: RequestCredentials | undefined
  /** Keep-alive connections per origin for the default transport. */
  readonly connections: number | undefined
  /** Negotiate HTTP/2 when the server offers it. */
  readonly allowH2: boolean
  /** A final 4xx/5xx response rejects with `HTTPError` (ky's `throwHttpErrors`). Default `false`. */
  raiseForStatus: boolean
  /** Download progress of every response body; a request's own handler replaces it. */
  onDownloadProgress: ProgressHandler | undefined
  /** Upload progress of every request body (where the runtime can stream one); a request's own handler replaces it. */
  onUploadProgress: ProgressHandler | undefined
  /**
   * One event per hop: `true` writes a line each to stderr (the console in a browser), a
   * function receives them. Unset, `FETCH_SESSION_DEBUG=1` turns it on under `trustEnv`.
   */
  debug: boolean | DebugHandler | undefined

  #baseURL: string | undefined
  #auth: ResolvedAuth | null = null
  #timeout: TimeoutInit | undefined
  #resolvedTimeout: ResolvedTimeout = {}
  #maxRedirects = 30
  #retry: RetryInit = 0
  #resolvedRetry: ResolvedRetry
  #proxy: ProxyInit | undefined
  #resolvedProxy: ResolvedProxy
  readonly #mounts = new MountTable()
  #defaultAdapter: Adapter | undefined
  #closed = false
  #autosave: Autosave | undefined

  constructor(options: SessionOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`options: expected an object, got ${describeType(options)}`)
    }
    for (const key of Object.keys(options)) {
      if (!knownOptions.has(key))
        throw new TypeError(`options: unknown option ${JSON.stringify(key)}`)
    }
    const platform = (this.constructor as typeof Session).platform
    this.#baseURL = checkBaseURL(options.baseURL, 'options.baseURL')
    this.headers = toHeaders(options.headers, 'options.headers')
    this.params = toSearchParams(options.params, 'options.params')
    this.auth = options.auth ?? null
    this.cookies = this.#initialJar(options.cookies, platform)
    // Options the platform cannot honour fail at once instead of being ignored.
    checkFeatures(platform)
    // The platform's own jar class is fine (the browser's stand-in, restored by fromJSON).
    const jar = options.cookies
    checkPlatform(platform, 'options.', {
      proxy: options.proxy,
      tls: options.tls,
      foreignCookies: isJar(jar) && !(jar instanceof platform.CookieJar),
      beforeRedirect: options.hooks?.beforeRedirect?.length,
      autosave: options.autosave,
    })
    this.timeout = options.timeout
    this.maxRedirects = options.maxRedirects ?? 30
    this.sensitiveHeaders = checkStringList(options.sensitiveHeaders, 'options.sensitiveHeaders')
    this.trustedOrigins = checkStringList(options.trustedOrigins, 'options.trustedOrigins')
    this.#resolvedRetry = resolveRetry(options.retry, 'options.retry')
    this.#retry = options.retry ?? 0
    this.hooks = resolveHooks(options.hooks, 'options.hooks')
    this.#resolvedProxy = resolveProxy(platform, options.proxy, 'options.proxy')
    this.#proxy = options.proxy
    this.trustEnv = options.trustEnv ?? true
    this.tls = options.tls
    this.credentials = options.credentials
    this.connections =
      options.connections === undefined
        ? undefined
        : checkNonNegative(options.connections, 'options.connections', true)
    this.allowH2 = options.allowH2 ?? false
    this.raiseForStatus = checkBoolean(options.raiseForStatus, 'options.raiseForStatus')
    this.onDownloadProgress = checkHandler(options.onDownloadProgress, 'options.onDownloadProgress')
    this.onUploadProgress = checkHandler(options.onUploadProgress, 'options.onUploadProgress')
    const { debug } = options
    if (debug !== undefined && typeof debug !== 'boolean' && typeof debug !== 'function')
      throw invalid('options.debug', 'a boolean or a function', debug)
    this.debug = debug
    // Last: it reads the finished session (issue 5 item 7).
    if (options.autosave !== undefined) {
      this.#autosave = new (required(platform, 'Autosave'))(this, options.autosave)
    }
  }

  #initialJar(init: SessionOptions['cookies'], platform: Platform): CookieJar {
    if (isJar(init)) return init
    const jar = new platform.CookieJar()
    if (init === undefined || init === null) return jar
    if (typeof init !== 'object' || Array.isArray(init)) {
      throw new TypeError(
        `options.cookies: expected a CookieJar or a record of cookie values, got ${describeType(init)}`,
      )
    }
    // Dict cookies (requests' cookiejar_from_dict) are bound to the baseURL's host when there is one.
    const domain = this.#baseURL === undefined ? undefined : new URL(this.#baseURL).hostname
    for (const [name, value] of Object.entries(init)) {
      if (typeof value !== 'string') {
        throw new TypeError(
          `options.cookies[${JSON.stringify(name)}]: expected a string, got ${describeType(value)}`,
        )
      }
      jar.set(name, value, domain === undefined ? {} : { domain })
    }
    return jar
  }

  /** Relative request URLs are joined to it (see README: "Base URL"). */
  get baseURL(): string | undefined {
    return this.#baseURL
  }
  set baseURL(value: string | URL | undefined) {
    this.#baseURL = checkBaseURL(value, 'session.baseURL')
  }

  /** Default authentication; assigning validates at once (`TypeError` naming the field). */
  get auth(): AuthInit | null {
    return this.#auth?.init ?? null
  }
  set auth(value: AuthInit | null) {
    this.#auth = resolveAuth(value, 'auth')
  }

  /** Default timeout in ms (`number` = total) or `{ connect, response, total }`. */
  get timeout(): TimeoutInit | undefined {
    return this.#timeout
  }
  set timeout(value: TimeoutInit | undefined) {
    this.#resolvedTimeout = resolveTimeout(value, 'timeout')
    this.#timeout = value
  }

  /** Redirects followed before `TooManyRedirectsError`. Default 30. */
  get maxRedirects(): number {
    return this.#maxRedirects
  }
  set maxRedirects(value: number) {
    this.#maxRedirects = checkNonNegative(value, 'maxRedirects', true)
  }

  /** Retry policy; a number is `{ limit }`. Default 0. */
  get retry(): RetryInit {
    return this.#retry
  }
  set retry(value: RetryInit) {
    this.#resolvedRetry = resolveRetry(value, 'retry')
    this.#retry = value
  }

  /** Proxy URL, per-scheme map, or `null` (non-browser runtimes). */
  get proxy(): ProxyInit | undefined {
    return this.#proxy
  }
  set proxy(value: ProxyInit | undefined) {
    this.#resolvedProxy = resolveProxy(
      (this.constructor as typeof Session).platform,
      value,
      'proxy',
    )
    this.#proxy = value
  }

  /** Mounted adapters by prefix (the platform's default transport is not listed). */
  get adapters(): ReadonlyMap<string, Adapter> {
    return this.#mounts.entries
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed
  }

  /**
   * Sends a request with the session's defaults merged in.
   * @throws {SessionError} for failures of the request lifecycle (never for a 4xx/5xx: see `raiseForStatus()`).
   */
  request(method: string, url: string | URL, init?: SessionRequestInit): ResponsePromise {
    if (typeof method !== 'string' || !/^[!#$%&'*+\-.^_`|~\w]+$/.test(method)) {
      throw new TypeError(`method: expected an HTTP method token, got ${describeType(method)}`)
    }
    return this.#start(method, url, init)
  }
  /** `GET url`. */
  get(url: string | URL, init?: SessionRequestInit): ResponsePromise {
    return this.#start('GET', url, init)
  }
  /** `HEAD url`. */
  head(url: string | URL, init?: SessionRequestInit): ResponsePromise {
    return this.#start('HEAD', url, init)
  }
  /** `OPTIONS url`. */
  options(url: string | URL, init?: SessionRequestInit): ResponsePromise {
    return this.#start('OPTIONS', url, init)
  }
  /** `DELETE url`. */
  delete(url: string | URL, init?: SessionRequestInit): ResponsePromise {
    return this.#start('DELETE', url, init)
  }
  /** `POST url`. */
  post(url: string | URL, init?: SessionRequestInit): ResponsePromise {
    return this.#start('POST', url, init)
  }
  /** `PUT url`. */
  put(url: string | URL, init?: SessionRequestInit): ResponsePromise {
    return this.#start('PUT', url, init)
  }
  /** `PATCH url`. */
  patch(url: string | URL, init?: SessionRequestInit): ResponsePromise {
    return this.#start('PATCH', url, init)
  }

  /**
   * A bound function with the WHATWG `fetch` signature, for libraries that take a `fetch`.
   * A `Request` input keeps its method, headers, body and signal; `init` overrides them.
   * @example
   * const client = createClient({ fetch: s.fetch })
   */
  readonly fetch: (input: string | URL | Request, init?: SessionRequestInit) => Promise<Response> =
    (input, init) => {
      if (input instanceof Request) {
        const fromRequest: SessionRequestInit = {
          headers: input.headers,
          body: input.body,
          signal: input.signal,
          credentials: input.credentials,
          redirect: input.redirect,
          ...init,
        }
        if (input.body && init?.body === undefined) fromRequest.duplex = 'half'
        return this.#start(init?.method?.toUpperCase() ?? input.method, input.url, fromRequest)
      }
      return this.#start(init?.method?.toUpperCase() ?? 'GET', input, init)
    }

  /**
   * The request merged over the session as its first hop would be sent (requests'
   * `prepare_request`): headers, params, body, the jar's `Cookie`, basic or bearer auth.
   * Nothing is sent; an auth handler (a function, Digest) runs when it is sent.
   * @example
   * const req = s.prepareRequest('POST', '/upload', { json: data })
   * req.headers.set('x-signature', await sign(req))
   * const r = await s.send(req)
   */
  prepareRequest(method: string, url: string | URL, init?: SessionRequestInit): Request {
    if (typeof method !== 'string' || !/^[!#$%&'*+\-.^_`|~\w]+$/.test(method))
      throw invalid('method', 'an HTTP method token', method)
    return prepareRequest(this, this.#internals(), method, url, init ?? {})
  }

  /**
   * Sends a `Request` as it is (requests' `Session.send`): no session headers, params or
   * auth are merged in, but the session's cookie jar, redirects, hooks, retries and auth
   * handler apply. `init` takes per-request options only (`timeout`, `allowRedirects`,
   * `hooks`, `retry`, `onDownloadProgress`…).
   * @throws {TypeError} for an `init` key that belongs on the `Request` (`headers`, `body`…).
   * @example
   * const r = await s.send(s.prepareRequest('GET', '/me'), { timeout: 5000 })
   */
  send(request: Request, init?: SessionRequestInit): ResponsePromise {
    checkSend(request, init ?? {})
    return this.#begin(describeSent(request), () =>
      planRequest(this, this.#internals(), request, init ?? {}).then((plan) =>
        sendPlan(plan, init?.signal ?? request.signal),
      ),
    )
  }

  /**
   * The adapter that serves `url` (requests' `get_adapter`): the mounted one with the
   * longest matching prefix, else the platform's transport for `http:` and `https:`.
   * @throws {NoAdapterError} for another scheme with nothing mounted.
   */
  getAdapter(url: string | URL): Adapter {
    const href = String(url)
    return this.#adapterFor(href, () => new Request(href))
  }

  #start(method: string, url: string | URL, init: SessionRequestInit | undefined): ResponsePromise {
    return this.#begin(`${method} ${String(url)}`, () =>
      send(this, this.#internals(), method, url, init ?? {}),
    )
  }

  #begin(what: string, run: () => Promise<SessionResponse>): ResponsePromise {
    const promise = this.#closed
      ? Promise.reject(new ClosedSessionError(`The session is closed: ${what} was not sent`))
      : run()
    const autosave = this.#autosave
    // Autosave after every response (or failure: redirect hops may have set cookies).
    if (autosave) {
      const notify = (): void => {
        autosave.notify()
      }
      void promise.then(notify, notify)
    }
    return withShortcuts(promise)
  }

  #internals(): SessionInternals {
    return {
      platform: (this.constructor as typeof Session).platform,
      auth: this.#auth,
      timeout: this.#resolvedTimeout,
      retry: this.#resolvedRetry,
      proxy: this.#resolvedProxy,
      adapterFor: (url, request) => this.#adapterFor(url, request),
      isClosed: () => this.#closed,
    }
  }

  #adapterFor(url: string, request: () => Request): Adapter {
    const mounted = this.#mounts.lookup(url)
    if (mounted) return mounted
    if (!/^https?:/i.test(url)) return this.#mounts.require(url, request())
    this.#defaultAdapter ??= (this.constructor as typeof Session).platform.createAdapter({
      connections: this.connections,
      allowH2: this.allowH2,
    })
    return this.#defaultAdapter
  }

  /**
   * Mounts a transport for URLs starting with `prefix` (longest prefix wins), like
   * requests' `Session.mount`. The platform's transport serves `http://` and `https://`.
   * @example
   * s.mount('https://api.test/', { fetch: async (req) => Response.json({ ok: true }) })
   */
  mount(prefix: string, adapter: Adapter): void {
    this.#mounts.mount(prefix, adapter)
  }

  /** Releases pooled connections. Requests after `close()` fail with `ClosedSessionError`. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const adapters = new Set([this.#defaultAdapter, ...this.#mounts.entries.values()])
    try {
      await this.#autosave?.close()
    } finally {
      await Promise.all([...adapters].map(async (a) => a?.close?.()))
    }
  }

  /**
   * The session as versioned plain JSON (see README "Saving sessions"): `JSON.stringify(s)`
   * works. Hooks, handler auth and adapters are left out and listed in `omitted`.
   * @example
   * fs.writeFileSync('me.json', JSON.stringify(s.toJSON({ secrets: false })))
   */
  toJSON(options?: ToJSONOptions | string): SessionState {
    return sessionToState(this, options)
  }

  /**
   * A session restored from `toJSON()` output (an object or its JSON text), of this class
   * (so the platform is kept). `extras` gives back what state cannot hold.
   * @throws {SessionStateError} naming the JSON path of the bad field.
   * @example
   * const s = Session.fromJSON(fs.readFileSync('me.json', 'utf8'), { hooks: { response: [log] } })
   */
  static fromJSON<T extends typeof Session>(
    this: T,
    state: SessionState | string,
    extras?: SessionExtras,
  ): InstanceType<T> {
    return sessionFromState(this as unknown as SessionClassLike<InstanceType<T>>, state, extras)
  }

  /**
   * Saves the session in `store` under `key`; resolves to the new revision.
   * @throws {StateConflictError} when another writer saved since this session loaded or saved.
   * @example
   * await s.save(new FileStore('.sessions'), 'sharat')
   */
  save(store: StateStore, key: string, options?: SaveOptions): Promise<number> {
    return saveSession(this, store, key, options)
  }

  /**
   * Loads the session saved in `store` under `key`, or resolves `null` when there is none.
   * @throws {SessionStateError} when the stored state is invalid (names the JSON path).
   * @example
   * const s = (await Session.load(store, 'sharat')) ?? new Session()
   */
  static load<T extends typeof Session>(
    this: T,
    store: StateStore,
    key: string,
    extras?: SessionExtras,
  ): Promise<InstanceType<T> | null> {
    return loadSession(this as unknown as SessionClassLike<InstanceType<T>>, store, key, extras)
  }

  /** `await using s = new Session()` closes it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  /** `using s = new Session()` starts closing it at the end of the block. */
  [Symbol.dispose](): void {
    void this.close()
  }
}

/** What `send()` needs from a session beyond its public properties. */
export interface SessionInternals {
  readonly platform: Platform
  readonly auth: ResolvedAuth | null
  readonly timeout: ResolvedTimeout
  readonly retry: ResolvedRetry
  readonly proxy: ResolvedProxy
  /** The mounted adapter or the platform's transport; `request` names the hop in an error. */
  adapterFor(url: string, request: () => Request): Adapter
  isClosed(): boolean
}

function describeSent(request: unknown): string {
  return request instanceof Request ? `${request.method} ${request.url}` : 'the request'
}

/**
 * The body parsed as JSON; a body that is not JSON rejects with a `SyntaxError` naming the
 * request and the status, the parser's error as its `cause`.
 */
async function parseJSON<T>(response: SessionResponse): Promise<T> {
  const text = await response.text()
  try {
    return JSON.parse(text) as T
  } catch (cause) {
    const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`
    throw new SyntaxError(
      `The response to ${describeRequest(response.request)} (${status}) is not valid JSON`,
      { cause },
    )
  }
}

/** Adds `.json() .text() .arrayBuffer() .blob()` to a response promise. */
function withShortcuts(promise: Promise<SessionResponse>): ResponsePromise {
  const p = promise as ResponsePromise
  p.json = <T>() => promise.then((r) => parseJSON<T>(r))
  p.text = () => promise.then((r) => r.text())
  p.arrayBuffer = () => promise.then((r) => r.arrayBuffer())
  p.blob = () => promise.then((r) => r.blob())
  return p
}
