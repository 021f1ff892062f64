/**
 * Public option and value types. Documentation lives on the types so the editor hover is
 * the manual.
 * @module
 */
import type { AutosaveOptions } from './state/autosave.ts'
import type { CookieJar } from './cookies/jar.ts'
import type { Cookie } from './cookies/types.ts'
import type { Adapter, TlsOptions } from './platform.ts'
import type { Session } from './session.ts'

/** A query-string value; `null`/`undefined` remove a session key for one request. */
export type ParamValue = string | number | boolean | bigint
/**
 * Query parameters: a `URLSearchParams`, a query string, pairs, or a record whose array
 * values become repeated keys (`{ tag: ['a', 'b'] }` → `tag=a&tag=b`).
 */
export type ParamsInit =
  | URLSearchParams
  | string
  | Iterable<readonly [string, ParamValue]>
  | Record<string, ParamValue | readonly ParamValue[] | null | undefined>

/**
 * Headers: anything `new Headers()` takes, or a record in which `null`/`undefined` remove
 * a session default for one request and arrays become repeated values. Pairs are typed
 * `readonly string[]` (each must hold exactly a name and a value; checked when given) so
 * that every lib's `HeadersInit` (`string[][]` in Node's types) fits.
 */
export type HeadersInitLike =
  | Headers
  | Iterable<readonly string[]>
  | Record<string, string | readonly string[] | null | undefined>

/**
 * Authentication: `[user, password]` or `{ type: 'basic' }` for HTTP Basic (UTF-8),
 * `{ type: 'bearer', token }`, `{ type: 'digest', username, password }` for HTTP Digest
 * (RFC 7616: answered on the 401 challenge, then preemptively), or an {@link AuthHandler}.
 */
export type AuthInit =
  | readonly [username: string, password: string]
  | { readonly type: 'basic'; readonly username: string; readonly password: string }
  | { readonly type: 'bearer'; readonly token: string }
  | { readonly type: 'digest'; readonly username: string; readonly password: string }
  | AuthHandler

/**
 * Custom authentication: returns the request to send (usually a copy with an
 * `Authorization` header). `onResponse` may answer a challenge (Digest, token refresh) by
 * calling `retry(request)` once with a new request.
 * @example
 * const auth: AuthHandler = (req) => { const r = new Request(req); r.headers.set('x-api-key', key); return r }
 */
export interface AuthHandler {
  (request: Request): Request | Promise<Request>
  /**
   * Sees each response to a request this handler authenticated; may answer a challenge by
   * returning `retry(newRequest)` (once). `request` is the request that was sent; where its
   * body can be sent again (anything but a one-shot stream) that body is still unread, even
   * on runtimes whose `fetch` reads the body of the request it sends (Deno, Bun, browsers).
   */
  onResponse?:
    | ((
        response: Response,
        retry: (request: Request) => Promise<Response>,
        request: Request,
      ) => Response | Promise<Response>)
    | undefined
}

/** Timeouts in milliseconds. A number is the `total` limit. */
export interface TimeoutOptions {
  /** TCP + TLS connection set-up (transports that support it). */
  connect?: number | undefined
  /** Waiting for response headers, and between body chunks (requests' read timeout). */
  response?: number | undefined
  /** The whole request, every redirect hop and retry included, until headers arrive. */
  total?: number | undefined
  /**
   * Reading the whole body, from the final headers on. Past it the body errors with
   * `TimeoutError` (`limit: 'body'`). Default none, so a long stream is never cut.
   */
  body?: number | undefined
}
export type TimeoutInit = number | TimeoutOptions

/** Retry policy (default: no retries). A number is `{ limit }`. */
export interface RetryOptions {
  /** How many retries after the first attempt. Default 0. */
  limit?: number | undefined
  /** Methods that may be retried. Default: the idempotent ones (GET HEAD OPTIONS PUT DELETE TRACE). */
  methods?: readonly string[] | undefined
  /** Statuses that cause a retry. Default 408 413 429 500 502 503 504. */
  statusCodes?: readonly number[] | undefined
  /** Base delay in ms for exponential backoff (`backoff * 2^(attempt-1)`, with jitter). Default 300. */
  backoff?: number | undefined
  /** Cap on any single delay in ms, `Retry-After` included. Default 30 000. */
  maxDelay?: number | undefined
  /** Honour `Retry-After` (seconds or HTTP-date). Default true. */
  respectRetryAfter?: boolean | undefined
}
export type RetryInit = number | RetryOptions

/** A proxy per scheme (`http`, `https`) or per `scheme://host`, as requests' `proxies`; `null` removes a key. */
export type ProxyMap = Record<string, string | null | undefined>
/** One proxy URL for every request, a per-scheme map, or `null` for none. */
export type ProxyInit = string | ProxyMap | null

/** Context passed to `beforeRequest` hooks. */
export interface BeforeRequestContext {
  /** The request about to be sent. */
  request: Request
  readonly session: Session
  /** 0 for the first attempt, then 1, 2… for retries. */
  readonly attempt: number
  /** 0 for the first hop, then 1, 2… for redirect hops. */
  readonly hop: number
}
/** May return a replacement `Request`, or a `Response` to answer without sending anything. */
export type BeforeRequestHook = (
  ctx: BeforeRequestContext,
) => void | Request | Response | Promise<void | Request | Response>

/** The next hop of a redirect, editable by `beforeRedirect` hooks. */
export interface RedirectHop {
  url: URL
  method: string
  headers: Headers
}
/** Context passed to `beforeRedirect` hooks. */
export interface BeforeRedirectContext {
  /** The request that received the redirect. */
  readonly request: Request
  /** The 3xx response. */
  readonly response: Response
  /** The hop about to be made; edit its url, method or headers. */
  readonly next: RedirectHop
  readonly session: Session
  /** 1 for the first redirect. */
  readonly hop: number
}
/** Return `false` to stop following: the 3xx becomes the final response. */
export type BeforeRedirectHook = (
  ctx: BeforeRedirectContext,
) => void | false | Promise<void | false>

/** Context passed to `response` hooks. */
export interface ResponseContext {
  readonly request: Request
  response: SessionResponse
  readonly session: Session
}
/** May return a replacement response. */
export type ResponseHook = (ctx: ResponseContext) => void | Response | Promise<void | Response>

/** Context passed to `error` hooks. */
export interface ErrorContext {
  readonly request: Request | undefined
  error: unknown
  readonly session: Session
  readonly attempt: number
}
/** May return a replacement error, or a `Response` to recover; otherwise observes. */
export type ErrorHook = (
  ctx: ErrorContext,
) => void | Error | Response | Promise<void | Error | Response>

/** Context passed to `beforeRetry` hooks. */
export interface BeforeRetryContext {
  readonly request: Request
  /** The failed response, when the retry is for a status. */
  readonly response: Response | undefined
  /** The error, when the retry is for a failure. */
  readonly error: unknown
  /** 1 for the first retry. */
  readonly attempt: number
  /** Milliseconds until the retry is sent. */
  readonly delay: number
  readonly session: Session
}
/** Return `false` to give up: the last response is returned or the last error thrown. */
export type BeforeRetryHook = (ctx: BeforeRetryContext) => void | false | Promise<void | false>

/** Hooks; session hooks run first, then request hooks. */
export interface Hooks {
  beforeRequest: BeforeRequestHook[]
  beforeRedirect: BeforeRedirectHook[]
  response: ResponseHook[]
  error: ErrorHook[]
  beforeRetry: BeforeRetryHook[]
}

/** How far a body has moved (ky's shape). */
export interface Progress {
  /** 0 to 1; 0 throughout when the total is unknown, and exactly 1 only in the last event. */
  percent: number
  /** Bytes so far (decoded bytes for a response body). */
  transferredBytes: number
  /** The expected total, or 0 when unknown (no `Content-Length`, a compressed response, a stream). */
  totalBytes: number
}
/**
 * Called with the progress and the chunk that moved: once at the start (`percent: 0`, an
 * empty chunk), once per chunk, and once at the end (`percent: 1`, an empty chunk).
 * @example
 * await s.get(url, { onDownloadProgress: (p) => console.log(Math.round(p.percent * 100)) })
 */
export type ProgressHandler = (progress: Progress, chunk: Uint8Array) => void

/** One hop as the `debug` option reports it. Never holds a secret. */
export interface DebugEvent {
  method: string
  /** The URL without userinfo or fragment, secret-looking query values (`token`, `key`, `sig`…) as `REDACTED`. */
  url: string
  /** The response status, or 0 when the hop failed (see `error`). */
  status: number
  /** Milliseconds from the start of the hop to its response headers. */
  ms: number
  /** 0 for the first attempt, then 1, 2… for retries. */
  attempt: number
  /** 0 for the first hop, then 1, 2… for redirect hops. */
  hop: number
  /**
   * What the session did next: `'follow'` (to `location`), `'final'` (not a redirect),
   * `'not-followed'` (`allowRedirects: false` or a `redirect` mode), `'stopped'` (a
   * `beforeRedirect` hook), `'refused'` (an unsafe Location or a spent body), `'too-many'`
   * (`maxRedirects`), `'failed'` (no response: see `error`).
   */
  redirect: 'follow' | 'final' | 'not-followed' | 'stopped' | 'refused' | 'too-many' | 'failed'
  /** The next URL (redacted) when `redirect` is `'follow'`. */
  location?: string
  /** Credentials dropped for the next hop: header names, `'auth'`, `'cookies'` (request cookies). */
  stripped: string[]
  /** Names (never values) of the cookies this hop's `Set-Cookie` stored. */
  cookies: string[]
  /** The error's name (`ConnectionError`, `TimeoutError`…) when the hop failed; never its message. */
  error?: string
}
/** Receives each {@link DebugEvent}. */
export type DebugHandler = (event: DebugEvent) => void

/** Options of `new Session()`. Every one is also a mutable property of the session. */
export interface SessionOptions {
  /** Relative request URLs resolve against it (WHATWG URL rules; docs/sessions.md, "Base URL"). */
  baseURL?: string | URL | undefined
  /** Default headers. */
  headers?: HeadersInitLike | undefined
  /** Default query parameters. */
  params?: ParamsInit | undefined
  /** Default authentication. */
  auth?: AuthInit | null | undefined
  /** A jar to share, or initial cookies (`{ name: value }`, bound to `baseURL`'s host when given). */
  cookies?: CookieJar | Record<string, string> | undefined
  timeout?: TimeoutInit | undefined
  /** Default 30, as requests. */
  maxRedirects?: number | undefined
  /** Extra headers stripped on an origin change, like `Authorization`. */
  sensitiveHeaders?: readonly string[] | undefined
  /** Origins (`https://host[:port]`) that may receive credentials across a redirect. */
  trustedOrigins?: readonly string[] | undefined
  retry?: RetryInit | undefined
  hooks?: Partial<Hooks> | undefined
  /** Non-browser runtimes. */
  proxy?: ProxyInit | undefined
  /** Read HTTP(S)_PROXY / ALL_PROXY / NO_PROXY. Default true where the environment is readable. */
  trustEnv?: boolean | undefined
  /** Non-browser runtimes. */
  tls?: TlsOptions | undefined
  /**
   * The browser's credentials mode (which cookies the browser sends and stores). Browser
   * entry only. Default: `'include'` to the session's own origins (the `baseURL`'s origin, or
   * the page's when there is none, plus `trustedOrigins`) and fetch's `'same-origin'`
   * elsewhere, so a public API answering `Access-Control-Allow-Origin: *` is not refused by
   * CORS. Set here or per request, it applies to every URL.
   */
  credentials?: RequestCredentials | undefined
  /** Keep-alive connections per origin (Node). Default unlimited. */
  connections?: number | undefined
  /** Negotiate HTTP/2 when the server offers it (Node). Default false. */
  allowH2?: boolean | undefined
  /**
   * A final 4xx/5xx response rejects with `HTTPError`. Default `false`. Not applied by
   * `s.fetch`, which keeps fetch's contract (any status resolves) unless its own init sets
   * `raiseForStatus: true`.
   */
  raiseForStatus?: boolean | undefined
  /**
   * The largest response body accepted, in decoded bytes; a body that grows past it errors
   * with `ResponseTooLargeError` while it is read. Default none.
   */
  maxResponseSize?: number | undefined
  /** Save the session to `store` under `key` after responses that change the jar, and on `close()`. */
  autosave?: AutosaveOptions | undefined
  /** Download progress of every response body (a request's own handler replaces it). */
  onDownloadProgress?: ProgressHandler | undefined
  /** Upload progress of every request body, where the runtime can stream one (a request's own handler replaces it). */
  onUploadProgress?: ProgressHandler | undefined
  /**
   * One {@link DebugEvent} per hop: `true` writes a line each to stderr (the console in a
   * browser), a function receives them. Unset, `FETCH_SESSION_DEBUG=1` turns it on where the
   * environment is readable and `trustEnv` holds.
   */
  debug?: boolean | DebugHandler | undefined
}

/** Per-request options: `RequestInit` plus the session extras. */
export interface SessionRequestInit extends Omit<RequestInit, 'headers' | 'signal'> {
  headers?: HeadersInitLike | undefined
  params?: ParamsInit | undefined
  /** Serialised with `JSON.stringify`; sets `content-type: application/json` unless given. */
  json?: unknown
  /** Sent as `application/x-www-form-urlencoded`. */
  form?: ParamsInit | undefined
  /** Replaces the session's auth; `null` sends none. */
  auth?: AuthInit | null | undefined
  /** Cookies for this request only (never stored in the jar). */
  cookies?: Record<string, string | null | undefined> | undefined
  timeout?: TimeoutInit | undefined
  maxRedirects?: number | undefined
  /** Replaces the session's `maxResponseSize` (decoded bytes) for this request. */
  maxResponseSize?: number | undefined
  /** Default true. `false` returns the 3xx itself. */
  allowRedirects?: boolean | undefined
  /**
   * A final 4xx/5xx response rejects with `HTTPError`; overrides the session's setting.
   * `s.fetch` takes only this one (the session's does not apply to it).
   */
  raiseForStatus?: boolean | undefined
  hooks?: Partial<Hooks> | undefined
  retry?: RetryInit | undefined
  proxy?: ProxyInit | undefined
  signal?: AbortSignal | null | undefined
  /** `'half'` for a streaming request body (Fetch's `RequestInit.duplex`). */
  duplex?: 'half' | undefined
  /** Download progress of this response's body; replaces the session's handler. */
  onDownloadProgress?: ProgressHandler | undefined
  /**
   * Upload progress of this request's body; replaces the session's handler. The body is then
   * sent as a stream (chunked), where the runtime can stream one (not Firefox or Safari).
   */
  onUploadProgress?: ProgressHandler | undefined
}

/** A genuine `Response` plus what the session knows about how it was obtained. */
export interface SessionResponse extends Response {
  /** The redirect responses, oldest first. */
  readonly history: SessionResponse[]
  /** What was sent last (the final hop). */
  readonly request: Request
  /** Milliseconds from sending the first hop to receiving the final headers. */
  readonly elapsed: number
  /**
   * The cookies this response's own `Set-Cookie` stored in the session's jar (each `history`
   * entry has its own); `[]` where the runtime hides `Set-Cookie` (browsers).
   * @example
   * const r = await s.get('/login'); r.cookies.map((c) => c.name) // ['sid']
   */
  readonly cookies: Cookie[]
  /**
   * With `allowRedirects: false`, the request the session would send next for this redirect
   * (as the redirect follower plans it: method, body, credentials stripped across origins,
   * the jar's cookies), ready for `s.send()`; `null` for a response that is not followed.
   * @example
   * let r = await s.get(url, { allowRedirects: false })
   * while (r.next) r = await s.send(r.next, { allowRedirects: false })
   */
  readonly next: Request | null
  /**
   * Throws `HTTPError` for a 4xx/5xx status; returns the response otherwise.
   * @throws {HTTPError}
   */
  raiseForStatus(): this
  /**
   * The `Link` header parsed (RFC 8288), keyed by relation type, else by URL (requests'
   * `response.links`).
   * @example
   * const next = (await s.get('/items')).links.next?.url
   */
  readonly links: Record<string, Link>
  /** A 301, 302, 303, 307 or 308 with a `Location` header (requests' `is_redirect`). */
  readonly isRedirect: boolean
  /** A 301 or 308 with a `Location` header (requests' `is_permanent_redirect`). */
  readonly isPermanentRedirect: boolean
  /**
   * The body's lines as they arrive, decoded as UTF-8, without their line ends (requests'
   * `iter_lines`). Reads the body; breaking out of the loop cancels it.
   * @example
   * for await (const line of response.lines()) console.log(line)
   */
  lines(): AsyncIterableIterator<string>
  /**
   * The body parsed as `text/event-stream` (server-sent events, the HTML standard's rules),
   * event by event as they arrive. Reads the body; breaking out of the loop cancels it.
   * @example
   * for await (const { event, data } of response.events()) console.log(event, data)
   */
  events(): AsyncIterableIterator<ServerSentEvent>
}

/** One link of a `Link` header: its target and parameters (`rel`, `title`, `type`…). */
export interface Link {
  /** The target, as written between `<` and `>` (not resolved). */
  url: string
  rel?: string | undefined
  [param: string]: string | undefined
}

/** One server-sent event (the HTML standard's `MessageEvent` fields for an event stream). */
export interface ServerSentEvent {
  /** The `event:` field, or `'message'`. */
  event: string
  /** The `data:` lines joined with `\n`. */
  data: string
  /** The last event ID the stream set (`id:`), `''` when none. */
  id: string
  /** The reconnection time in ms the stream last set (`retry:`), if any. */
  retry: number | undefined
}

/** The promise of a response, with body shortcuts: `await s.get(url).json()`. */
export interface ResponsePromise extends Promise<SessionResponse> {
  json<T = unknown>(): Promise<T>
  text(): Promise<string>
  arrayBuffer(): Promise<ArrayBuffer>
  blob(): Promise<Blob>
  /** The response's {@link SessionResponse.lines}: `for await (const l of s.get(url).lines())`. */
  lines(): AsyncIterableIterator<string>
  /** The response's {@link SessionResponse.events}: `for await (const e of s.get(url).events())`. */
  events(): AsyncIterableIterator<ServerSentEvent>
}

/** What `s.mount()` takes. */
export type { Adapter }
