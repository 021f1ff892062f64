/**
 * `Session`: holds the defaults every request starts from (python-requests' `Session`),
 * exposes `request/get/…/fetch/mount/close`, and delegates each request to `send()`.
 * @module
 */
import { MountTable } from './adapters.ts'
import { resolveAuth, type ResolvedAuth } from './auth.ts'
import type { Autosave } from './state/autosave.ts'
import type { CookieJar } from './cookies/jar.ts'
import { ClosedSessionError, describeRequest, redactURL } from './errors.ts'
import { resolveHooks } from './hooks.ts'
import { checkFeatures, checkPlatform, required } from './capabilities.ts'
import type { Adapter, Platform, TlsOptions } from './platform.ts'
import type { ResolvedProxy } from './proxy.ts'
import { responsePromise } from './response-promise.ts'
import {
  checkDebug,
  checkMethod,
  checkOptionKeys,
  checkSize,
  initError,
  isJar,
  noPlatform,
  resolveProxy,
  resolveTls,
  toJar,
} from './session-options.ts'
import { resolveRetry, type ResolvedRetry } from './retry.ts'
import { checkSend, planRequest, prepareRequest } from './prepared.ts'
import { checkHandler } from './progress.ts'
import { send, sendPlan } from './send.ts'
import type { BodyShortcut, BodyWant } from './shortcut.ts'
import { sessionFromState } from './state/read.ts'
import type {
  SessionClassLike,
  SessionExtras,
  SessionState,
  ToJSONOptions,
} from './state/schema.ts'
import { sessionToState } from './state/write.ts'
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
  HeadersInitLike,
  ParamsInit,
  SessionOptions,
  SessionRequestInit,
  SessionResponse,
  TimeoutInit,
} from './types.ts'
import { toHeaders } from './util/headers.ts'
import {
  checkBoolean,
  checkCredentials,
  checkHeaderName,
  checkOrigin,
  checkStringList,
} from './settings.ts'
import { checkBaseURL, resolveURL, toSearchParams } from './util/url.ts'
import { frozenCopy } from './util/frozen.ts'
import { checkNonNegative, fieldOf, invalid } from './util/validate.ts'

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

  readonly #connections: number | undefined
  readonly #allowH2: boolean
  #raiseForStatus = false
  #onDownloadProgress: ProgressHandler | undefined
  #onUploadProgress: ProgressHandler | undefined
  #debug: boolean | DebugHandler | undefined

  #baseURL: string | undefined
  #headers!: Headers
  #params!: URLSearchParams
  #cookies!: CookieJar
  #hooks!: Hooks
  #trustEnv = true
  #tls: TlsOptions | undefined
  #sensitiveHeaders: readonly string[] = []
  #trustedOrigins: readonly string[] = []
  #credentials: RequestCredentials | undefined
  #auth: ResolvedAuth | null = null
  #timeout: TimeoutInit | undefined
  #resolvedTimeout: ResolvedTimeout = {}
  #maxRedirects = 30
  #maxResponseSize: number | undefined
  #retry: RetryInit = 0
  #resolvedRetry: ResolvedRetry
  #proxy: ProxyInit | undefined
  #resolvedProxy: ResolvedProxy
  readonly #mounts = new MountTable()
  #defaultAdapter: Adapter | undefined
  #closed = false
  /** Aborted by `close()`: what the core itself ends (requests it sends with a `Request`, bodies it wraps). */
  #closer: AbortController | undefined
  #autosave: Autosave | undefined

  constructor(options: SessionOptions = {}) {
    checkOptionKeys(options)
    const platform = (this.constructor as typeof Session).platform
    this.#baseURL = checkBaseURL(options.baseURL, 'options.baseURL')
    this.#headers = toHeaders(options.headers, 'options.headers')
    this.#params = toSearchParams(options.params, 'options.params')
    this.#auth = frozenAuth(resolveAuth(options.auth ?? null, 'options.auth', platform.features))
    this.#cookies = this.#toJar(options.cookies, 'options.cookies')
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
      connections: options.connections,
      allowH2: options.allowH2,
      credentials: options.credentials,
    })
    this.#resolvedTimeout = resolveTimeout(options.timeout, 'options.timeout')
    this.#timeout = frozenCopy(options.timeout ?? undefined)
    this.#maxRedirects = checkNonNegative(options.maxRedirects ?? 30, 'options.maxRedirects', true)
    this.#maxResponseSize = checkSize(options.maxResponseSize, 'options.maxResponseSize')
    this.#sensitiveHeaders = Object.freeze(
      checkStringList(options.sensitiveHeaders, 'options.sensitiveHeaders', checkHeaderName),
    )
    this.#trustedOrigins = Object.freeze(
      checkStringList(options.trustedOrigins, 'options.trustedOrigins', checkOrigin),
    )
    this.#resolvedRetry = resolveRetry(options.retry, 'options.retry')
    this.#retry = frozenCopy(options.retry ?? 0)
    this.#hooks = resolveHooks(options.hooks, 'options.hooks')
    this.#resolvedProxy = resolveProxy(platform, options.proxy, 'options.proxy')
    this.#proxy = frozenCopy(options.proxy)
    this.#trustEnv = checkBoolean(options.trustEnv ?? true, 'options.trustEnv')
    this.#tls = frozenCopy(resolveTls(platform, options.tls, 'options.tls'))
    this.#credentials = checkCredentials(options.credentials, 'options.credentials')
    this.#connections =
      options.connections === undefined
        ? undefined
        : checkNonNegative(options.connections, 'options.connections', true)
    this.#allowH2 = checkBoolean(options.allowH2 ?? false, 'options.allowH2')
    this.#raiseForStatus = checkBoolean(options.raiseForStatus ?? false, 'options.raiseForStatus')
    this.#onDownloadProgress = checkHandler(
      options.onDownloadProgress,
      'options.onDownloadProgress',
    )
    this.#onUploadProgress = checkHandler(options.onUploadProgress, 'options.onUploadProgress')
    this.#debug = checkDebug(options.debug, 'options.debug')
    // Last: autosave reads the finished session.
    if (options.autosave !== undefined) {
      this.#autosave = new (required(platform, 'Autosave'))(this, options.autosave)
    }
  }

  /** A `CookieJar` as is, or a record of cookie values in a new jar of the platform's class. */
  #toJar(init: unknown, field: string): CookieJar {
    return toJar((this.constructor as typeof Session).platform, init, field, this.#baseURL)
  }

  /** Default headers (case-insensitive; mutate freely). Assigning takes what the constructor takes. */
  get headers(): Headers {
    return this.#headers
  }
  set headers(value: HeadersInitLike | undefined) {
    this.#headers = toHeaders(value, 'session.headers')
  }

  /** Default query parameters (mutate freely). Assigning takes what the constructor takes. */
  get params(): URLSearchParams {
    return this.#params
  }
  set params(value: ParamsInit | undefined) {
    this.#params = toSearchParams(value, 'session.params')
  }

  /**
   * The cookie jar: every response's `Set-Cookie` lands here and matching cookies are sent.
   * Assigning takes a `CookieJar` or a record of cookie values (a new jar), as the constructor.
   */
  get cookies(): CookieJar {
    return this.#cookies
  }
  set cookies(value: CookieJar | Record<string, string> | undefined) {
    const jar = this.#toJar(value, 'session.cookies')
    const platform = (this.constructor as typeof Session).platform
    checkPlatform(platform, 'session.', { foreignCookies: !(jar instanceof platform.CookieJar) })
    this.#cookies = jar
  }

  /** Hook lists; push to them freely. Session hooks run before request hooks. */
  get hooks(): Hooks {
    return this.#hooks
  }
  set hooks(value: Partial<Hooks> | undefined) {
    this.#hooks = resolveHooks(value, 'session.hooks')
  }

  /** Read `HTTP(S)_PROXY`, `ALL_PROXY` and `NO_PROXY` from the environment. */
  get trustEnv(): boolean {
    return this.#trustEnv
  }
  set trustEnv(value: boolean | undefined) {
    this.#trustEnv = checkBoolean(value ?? true, 'session.trustEnv')
  }

  /**
   * TLS settings for the default transport (non-browser runtimes): a frozen copy. Assign a new
   * object to change them (it is checked like the option).
   */
  get tls(): Readonly<TlsOptions> | undefined {
    return this.#tls
  }
  set tls(value: TlsOptions | undefined) {
    const platform = (this.constructor as typeof Session).platform
    this.#tls = frozenCopy(resolveTls(platform, value, 'session.tls'))
  }

  /**
   * Extra headers stripped on an origin change, like `Authorization`. A frozen array: assign a
   * new list to change it (`s.sensitiveHeaders = [...s.sensitiveHeaders, 'x-api-key']`).
   */
  get sensitiveHeaders(): readonly string[] {
    return this.#sensitiveHeaders
  }
  set sensitiveHeaders(value: readonly string[] | undefined) {
    this.#sensitiveHeaders = Object.freeze(
      checkStringList(value, 'session.sensitiveHeaders', checkHeaderName),
    )
  }

  /**
   * Origins that may receive credentials across a redirect. A frozen array: assign a new list
   * to change it, so every entry is checked when it is given.
   */
  get trustedOrigins(): readonly string[] {
    return this.#trustedOrigins
  }
  set trustedOrigins(value: readonly string[] | undefined) {
    this.#trustedOrigins = Object.freeze(
      checkStringList(value, 'session.trustedOrigins', checkOrigin),
    )
  }

  /** Browser credentials mode (`omit`, `same-origin` or `include`). */
  get credentials(): RequestCredentials | undefined {
    return this.#credentials
  }
  set credentials(value: RequestCredentials | undefined) {
    checkPlatform((this.constructor as typeof Session).platform, 'session.', { credentials: value })
    this.#credentials = checkCredentials(value, 'session.credentials')
  }

  /**
   * Keep-alive connections per origin for the default transport. Fixed when the pool is made,
   * so it has no setter: assigning throws (in strict code, as modules are).
   */
  get connections(): number | undefined {
    return this.#connections
  }

  /** Negotiate HTTP/2 when the server offers it. Fixed like `connections`. */
  get allowH2(): boolean {
    return this.#allowH2
  }

  /** Relative request URLs are joined to it (docs/sessions.md, "Base URL"). */
  get baseURL(): string | undefined {
    return this.#baseURL
  }
  set baseURL(value: string | URL | undefined) {
    this.#baseURL = checkBaseURL(value, 'session.baseURL')
  }

  /**
   * Default authentication (credentials as a frozen copy, a handler as given); assigning
   * validates at once (`TypeError` naming the field).
   */
  get auth(): AuthInit | null {
    return this.#auth?.init ?? null
  }
  set auth(value: AuthInit | null | undefined) {
    const features = (this.constructor as typeof Session).platform.features
    this.#auth = frozenAuth(resolveAuth(value, 'session.auth', features))
  }

  /**
   * Default timeout in ms (`number` = total) or `{ connect, response, total, body }`
   * (docs/limits.md), as a frozen copy: assign a new value to change it.
   */
  get timeout(): TimeoutInit | undefined {
    return this.#timeout
  }
  set timeout(value: TimeoutInit | undefined) {
    this.#resolvedTimeout = resolveTimeout(value, 'session.timeout')
    this.#timeout = frozenCopy(value ?? undefined)
  }

  /** Redirects followed before `TooManyRedirectsError`. Default 30. */
  get maxRedirects(): number {
    return this.#maxRedirects
  }
  set maxRedirects(value: number | undefined) {
    this.#maxRedirects = checkNonNegative(value ?? 30, 'session.maxRedirects', true)
  }

  /**
   * The largest response body accepted, in decoded bytes (`undefined`: no limit, the
   * default). A body that grows past it errors with `ResponseTooLargeError` while it is read.
   */
  get maxResponseSize(): number | undefined {
    return this.#maxResponseSize
  }
  set maxResponseSize(value: number | undefined) {
    this.#maxResponseSize = checkSize(value, 'session.maxResponseSize')
  }

  /** Download progress of every response body; a request's own handler replaces it. */
  get onDownloadProgress(): ProgressHandler | undefined {
    return this.#onDownloadProgress
  }
  set onDownloadProgress(value: ProgressHandler | undefined) {
    this.#onDownloadProgress = checkHandler(value, 'session.onDownloadProgress')
  }

  /**
   * Upload progress of every request body (where the runtime can stream one); a request's own
   * handler replaces it.
   */
  get onUploadProgress(): ProgressHandler | undefined {
    return this.#onUploadProgress
  }
  set onUploadProgress(value: ProgressHandler | undefined) {
    this.#onUploadProgress = checkHandler(value, 'session.onUploadProgress')
  }

  /**
   * One event per hop: `true` writes a line each to stderr (the console in a browser), a
   * function receives them. Unset, `FETCH_SESSION_DEBUG=1` turns it on under `trustEnv`.
   */
  get debug(): boolean | DebugHandler | undefined {
    return this.#debug
  }
  set debug(value: boolean | DebugHandler | undefined) {
    this.#debug = checkDebug(value, 'session.debug')
  }

  /**
   * A final 4xx/5xx response rejects with `HTTPError` (ky's `throwHttpErrors`). Default
   * `false`. `s.fetch` does not follow it (fetch resolves with any status) unless its own
   * init sets `raiseForStatus: true`.
   */
  get raiseForStatus(): boolean {
    return this.#raiseForStatus
  }
  set raiseForStatus(value: boolean | undefined) {
    this.#raiseForStatus = checkBoolean(value ?? false, 'session.raiseForStatus')
  }

  /** Retry policy; a number is `{ limit }`. Default 0. A frozen copy: assign to change it. */
  get retry(): RetryInit {
    return this.#retry
  }
  set retry(value: RetryInit | undefined) {
    this.#resolvedRetry = resolveRetry(value, 'session.retry')
    this.#retry = frozenCopy(value ?? 0)
  }

  /**
   * Proxy URL, per-scheme map, or `null` (non-browser runtimes). A map is a frozen copy:
   * assign a new one to change it.
   */
  get proxy(): ProxyInit | undefined {
    return this.#proxy
  }
  set proxy(value: ProxyInit | undefined) {
    this.#resolvedProxy = resolveProxy(
      (this.constructor as typeof Session).platform,
      value,
      'session.proxy',
    )
    this.#proxy = frozenCopy(value)
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
    checkMethod(method)
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
   * It keeps fetch's contract: it resolves with any status, whatever the session's
   * `raiseForStatus` (a library handed it reads the status itself, and may take a rejection
   * for a network failure and retry); only `raiseForStatus: true` in its own `init` rejects
   * a 4xx/5xx with `HTTPError`.
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
        fromRequest.raiseForStatus ??= false
        return this.#start(
          init?.method?.toUpperCase() ?? input.method,
          input.url,
          fromRequest,
          false,
        )
      }
      return this.#start(init?.method?.toUpperCase() ?? 'GET', input, fetchInit(init), false)
    }

  /**
   * `strict` checks the init's keys (the session's methods). `s.fetch` ignores unknown keys as
   * fetch does (Fetch §5.3: a dictionary's unknown members are ignored), because libraries
   * handed it pass their own options through (ofetch its `onRequest`, Next.js its `next`).
   */
  #start(
    method: string,
    url: string | URL,
    init: SessionRequestInit | undefined,
    strict = true,
  ): ResponsePromise {
    // The URL's userinfo never reaches the message (`ClosedSessionError`).
    return this.#begin(`${method} ${redactURL(url)}`, (want) => {
      const badInit = strict ? initError(init) : undefined
      return badInit
        ? Promise.reject(badInit)
        : send(this, this.#internals(), method, url, init ?? {}, want)
    })
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
    checkMethod(method)
    const bad = initError(init)
    if (bad) throw bad
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
    return this.#begin(describeRequest(request), () =>
      planRequest(this, this.#internals(), request, init ?? {}).then((plan) =>
        sendPlan(plan, init?.signal ?? request.signal),
      ),
    )
  }

  /**
   * The adapter that serves `url` (requests' `get_adapter`): the mounted one with the
   * longest matching prefix, else the platform's transport for `http:` and `https:`. A
   * relative `url` resolves against `baseURL`, as a request's does.
   * @throws {TypeError} for a `url` that is not a string or `URL`, or that does not resolve
   *   to a URL (a relative one without `baseURL`).
   * @throws {NoAdapterError} for another scheme with nothing mounted.
   * @example
   * const s = new Session({ baseURL: 'https://api.example/' })
   * s.getAdapter('users') // the adapter for https://api.example/users
   */
  getAdapter(url: string | URL): Adapter {
    let href: string
    try {
      href = resolveURL(url, this.baseURL).href
    } catch (cause) {
      if (fieldOf(cause) !== undefined) throw cause
      throw invalid(
        'url',
        'an absolute URL, or a path under baseURL',
        typeof url === 'string' ? redactURL(url) : url,
        { cause },
      )
    }
    return this.#adapterFor(href, () => new Request(href))
  }

  /** Starts a request unless the session is closed; autosave hears of every outcome. */
  #begin(
    what: string,
    run: (want: BodyWant) => Promise<SessionResponse | BodyShortcut>,
  ): ResponsePromise {
    return responsePromise((want) => {
      const promise = this.#closed
        ? Promise.reject(new ClosedSessionError(`The session is closed: ${what} was not sent`))
        : run(want)
      const autosave = this.#autosave
      // Autosave after every response (or failure: redirect hops may have set cookies).
      if (autosave) {
        const notify = (): void => {
          autosave.notify()
        }
        void promise.then(notify, notify)
      }
      return promise
    })
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
      closeSignal: () => this.#closeSignal(),
    }
  }

  /** Made on first use; already aborted when that use comes after `close()`. */
  #closeSignal(): AbortSignal {
    if (!this.#closer) {
      this.#closer = new AbortController()
      if (this.#closed) this.#closer.abort(closedError())
    }
    return this.#closer.signal
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

  /**
   * With `autosave`: saves now if a save is pending and waits for saves in flight. Without
   * autosave it resolves at once.
   * @throws the first background autosave error not given to `autosave.onError` (a
   * `StateConflictError`, a failing store), unless a later save of the session succeeded.
   * @example
   * await s.post('/login', { auth: ['sharat', password] })
   * await s.flush() // the login's cookies are in the store now
   */
  async flush(): Promise<void> {
    await this.#autosave?.flush()
  }

  /**
   * Ends the session: requests still waiting for headers or for a retry reject, and bodies
   * still being received error, with `ClosedSessionError`; then pooled connections close and the promise
   * resolves. Requests after `close()` fail with `ClosedSessionError`. Where the transport owns
   * no pool (browsers, Workers), only later requests are refused.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#closer?.abort(closedError())
    const adapters = new Set([this.#defaultAdapter, ...this.#mounts.entries.values()])
    try {
      await this.#autosave?.close()
    } finally {
      await Promise.all([...adapters].map(async (a) => a?.close?.()))
    }
  }

  /**
   * The session as versioned plain JSON (docs/saving.md): `JSON.stringify(s)`
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
    this.platform.features.rejectForeignState?.(state)
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

/**
 * `s.fetch`'s init: the session's `raiseForStatus` does not apply (fetch resolves with any
 * status), so an init that does not set it gets `false`. Bad input is left as it is.
 */
function fetchInit(init: SessionRequestInit | undefined): SessionRequestInit | undefined {
  if (init !== undefined && init !== null && typeof init !== 'object') return init
  return init?.raiseForStatus === undefined ? { ...init, raiseForStatus: false } : init
}

function closedError(): ClosedSessionError {
  return new ClosedSessionError('The session was closed while the request was in flight')
}

/** Resolved auth whose credentials (`init`) cannot be changed in place; a handler is kept. */
function frozenAuth(auth: ResolvedAuth | null): ResolvedAuth | null {
  if (auth && typeof auth.init === 'object') Object.freeze(auth.init)
  return auth
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
  /** A signal that `close()` aborts with a `ClosedSessionError`. */
  closeSignal(): AbortSignal
}
