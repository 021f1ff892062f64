/**
 * The contract between the runtime-agnostic core and a runtime shim in `platform/`: type
 * definitions only (its runtime side, `checkPlatform()`, `required()` and the hop protocol's
 * key, is `src/capabilities.ts`). The core branches on `capabilities`, never on globals.
 * @module
 */
import type { rejectForeignState } from './state/foreign.ts'
import type { CookieJar } from './cookies/jar.ts'
import type { sendHopKey } from './capabilities.ts'
import type { plainHop } from './direct.ts'
import type { SessionError } from './errors.ts'
import type { Autosave } from './state/autosave.ts'
import type { splitSetCookie } from './cookies/split.ts'
import type { resolveProxySettings, selectProxy } from './proxy.ts'
import type { followRedirects } from './follow.ts'
import type { digestAuth } from './auth/digest.ts'
import type { envTls, netrcAuth } from './trust-env.ts'
import type { checkTls } from './settings.ts'
import type { cookieHeader, toCookieOverlay } from './prepare.ts'
import type { storeSetCookie } from './hop.ts'

/** What a runtime can do; the core reads only these flags. */
export interface Capabilities {
  /** `redirect: 'manual'` yields the real 3xx (not an opaque redirect), so the session follows hops itself. */
  readonly manualRedirect: boolean
  /** `Set-Cookie` is readable on responses, so the in-memory jar can be used. */
  readonly readSetCookie: boolean
  /** A `Cookie` request header can be sent (the browser forbids it). */
  readonly sendCookie: boolean
  /** Proxies can be configured per session. */
  readonly proxy: boolean
  /** TLS options (custom CA, client certificate, verification) can be set. */
  readonly tls: boolean
  /** The transport enforces `connect` and `response` timeouts itself. */
  readonly transportTimeouts: boolean
  /** Connection pools are owned by the session and released by `close()`. */
  readonly keepAlive: boolean
  /** `connections` and `allowH2` shape the session's own pool (Node's undici dispatchers). */
  readonly poolSettings: boolean
  /** The runtime applies a credentials mode to a cookie jar of its own (browsers), so `credentials` means something. */
  readonly credentialsMode: boolean
  /**
   * A body that can be sent again may go as a counting stream for upload progress (default
   * `true`). `false` where a streamed body can fail on a connection the session cannot see
   * in advance (Chromium streams request bodies over HTTP/2 and HTTP/3 only): such a body is
   * then sent as it is, its progress reported at the start and when the response arrives.
   */
  readonly streamUploads?: boolean | undefined
}

/** TLS settings (non-browser runtimes). PEM strings or file paths where the runtime can read files. */
export interface TlsOptions {
  /** Extra trusted CA certificate(s), PEM. */
  ca?: string | string[] | undefined
  /** Client certificate, PEM (mutual TLS). */
  cert?: string | undefined
  /** Client private key, PEM (mutual TLS). */
  key?: string | undefined
  /** `false` accepts any server certificate. Default `true`. */
  rejectUnauthorized?: boolean | undefined
}

/** Transport-level settings for one request hop, handed to the adapter. */
export interface AdapterContext {
  /**
   * The body as the user gave it (string, Blob, FormData, bytes, URLSearchParams, stream),
   * so an adapter that re-issues the request through another `fetch` can pass it on with
   * its length; `undefined` when a hook replaced the request (read `request.body` then).
   */
  readonly body: BodyInit | null | undefined
  /** Aborts on the user's signal or the `total` timeout. Already set on `request`. */
  readonly signal: AbortSignal
  /** Connect and response timeouts in ms, for transports that enforce them; `body` for one that limits bodies. */
  readonly timeout: {
    readonly connect?: number | undefined
    readonly response?: number | undefined
    readonly body?: number | undefined
  }
  /** The largest body accepted (decoded bytes), for a transport that limits bodies. */
  readonly maxResponseSize?: number | undefined
  /** The proxy URL for this hop, or `null` for a direct connection. */
  readonly proxy: string | null
  /** The session's TLS settings. */
  readonly tls: TlsOptions | undefined
  /** `'manual'` when the session follows redirects itself; `'follow'` where it cannot. */
  readonly redirect: RequestRedirect
  /** Browser credentials mode. */
  readonly credentials: RequestCredentials | undefined
  /**
   * The transport adds `User-Agent: fetch-session/<version>` when the request carries none;
   * `false` when the request removed it (`headers: { 'user-agent': null }`), so none is added
   * (Deno and Bun then send their own; browsers always send theirs). Absent: added.
   */
  readonly defaultUserAgent?: boolean | undefined
}

/**
 * Something that turns a `Request` into a `Response`: the platform's default transport, or
 * one mounted with `session.mount(prefix, adapter)` (a mock, a cache, a recorder…).
 * @example
 * s.mount('https://api.test/', { fetch: async (req) => Response.json({ url: req.url }) })
 */
export interface Adapter {
  /** Sends one request hop. Must not follow redirects when `ctx.redirect` is `'manual'`. */
  fetch(request: Request, ctx: AdapterContext): Promise<Response>
  /** Releases pooled connections. */
  close?(): void | Promise<void>
}

/** Session-wide transport settings a platform needs to build its default adapter. */
export interface AdapterOptions {
  /** Maximum connections per origin (keep-alive pool size); unlimited when absent. */
  readonly connections?: number | undefined
  /** Negotiate HTTP/2 when the server offers it (ALPN). */
  readonly allowH2?: boolean | undefined
}

/** A runtime binding: what each `platform/<runtime>.ts` supplies to `Session`. */
export interface Platform {
  /** `node`, `deno`, `bun`, `workerd`, `browser` or `default`. */
  readonly name: string
  readonly capabilities: Capabilities
  /** Builds the session's default transport (called lazily, once per session). */
  createAdapter(options: AdapterOptions): Adapter
  /** Reads an environment variable (for `trustEnv`); `undefined` where there is none or no permission. */
  env(key: string): string | undefined
  /**
   * Reads a text file, `undefined` when it is missing or unreadable (never prompts), `null`
   * when the runtime does not permit looking (Deno without `--allow-read` for it), for
   * `trustEnv`'s `.netrc` and CA bundle. Absent where there are no files (browsers, Workers).
   */
  readonly readFile?: ((path: string) => string | null | undefined) | undefined
  /** Translates a runtime error into a `SessionError`, or returns `undefined` to use the core's mapping. */
  mapError(error: unknown, request: Request, ctx: AdapterContext): SessionError | undefined
  /**
   * The cookie jar class sessions use (`new CookieJar()`, `CookieJar.fromJSON()`). Supplied by
   * the entry so that a runtime which never reads `Set-Cookie` (the browser) need not bundle it.
   */
  readonly CookieJar: CookieJarClass
  /**
   * The optional parts of the core this platform uses (`allFeatures` from `src/features.ts`,
   * or fewer), so that a runtime which cannot use one does not bundle it. Internal: left out
   * of the published types, so the core's internal types stay out of them too.
   * @internal
   */
  readonly features: Features
  /**
   * The credentials mode of a request whose init and session set none (the browser:
   * `'same-origin'`; its entry fills in `'include'` for the session's own origins first).
   */
  readonly defaultCredentials?: RequestCredentials | undefined
}

/** The static side of a cookie jar class. */
export interface CookieJarClass {
  new (): CookieJar
  fromJSON(data: unknown, options?: { path?: string }): CookieJar
}

/** Optional parts of the core; a platform supplies those its capabilities call for. */
export interface Features {
  /** The redirect follower (needed with `capabilities.manualRedirect`). */
  readonly followRedirects?: typeof followRedirects
  /** Proxy settings: validation and the choice per URL (needed with `capabilities.proxy`). */
  readonly resolveProxy?: typeof resolveProxySettings
  readonly selectProxy?: typeof selectProxy
  /** Splits a combined `Set-Cookie` where `Headers.getSetCookie` is missing (with `capabilities.readSetCookie`). */
  readonly splitSetCookie?: typeof splitSetCookie
  /** `autosave`: meaningful only where responses change the session's own jar. */
  readonly Autosave?: typeof Autosave
  /** Internal: the fast-path variant of one hop (`src/direct.ts`), for an entry whose transport is a {@link HopSender}. */
  readonly plainHop?: typeof plainHop | undefined
  /** `auth: { type: 'digest' }` (RFC 7616); elsewhere users import `digestAuth` themselves. */
  readonly digestAuth?: typeof digestAuth
  /** `trustEnv`'s `.netrc` and CA bundle (used where `Platform.readFile` exists). */
  readonly trustEnv?: { readonly netrcAuth: typeof netrcAuth; readonly envTls: typeof envTls }
  /** `fromJSON` naming input that is plainly not saved state (a dict of cookies, a pickle). */
  readonly rejectForeignState?: typeof rejectForeignState
  /** The shape of `tls` (with `capabilities.tls`; elsewhere a request with `tls` is refused). */
  readonly checkTls?: typeof checkTls
  /** The jar's `Cookie` header and request-level `cookies` (with `capabilities.sendCookie`). */
  readonly cookieHeader?: typeof cookieHeader
  readonly cookieOverlay?: typeof toCookieOverlay
  /** Stores a response's `Set-Cookie` in the jar (with `capabilities.readSetCookie`). */
  readonly storeSetCookie?: typeof storeSetCookie
}

/**
 * Internal, not public API: one hop as plain data, for a transport that can send it without
 * a `Request` (the default Node adapter). The core hands a hop over this way only when no
 * hook, auth handler or mounted adapter needs the `Request`, and builds the `Request` later
 * from the same data if anything asks for it.
 */
export interface OutgoingHop {
  /** The URL of the hop. */
  readonly url: URL
  /** `url.href`: what a `Request` of this hop has as `url`. */
  readonly href: string
  /** Upper case, one of the methods a `Request` accepts without a check. */
  readonly method: string
  /** The header list a `Request` of this hop would hold (the jar's `Cookie` included). */
  readonly headers: Headers
  /** `null`, a string, bytes, `URLSearchParams` or a `Blob` (never a stream or `FormData`). */
  readonly body: BodyInit | null
}

/** Internal: the context of an {@link OutgoingHop}; `signal` is absent when nothing can abort. */
export type HopContext = Omit<AdapterContext, 'signal'> & {
  readonly signal: AbortSignal | undefined
}

/**
 * Internal: a response whose headers arrived and whose body has not been handed to a stream
 * yet. Exactly one of `response()` and `discard()` must be called, once.
 */
export interface HopResponse {
  readonly status: number
  readonly statusText: string
  /** A header as `Headers.get(name)` would give it, or `null`. */
  header(name: string): string | null
  /** The `Location` value as `Headers.get('location')` would give it, or `null`. */
  readonly location: string | null
  /** The `Set-Cookie` values, as `Headers.getSetCookie()` would list them. */
  getSetCookie(): string[]
  /** The whole body, decoded, without a stream (the body shortcut). */
  read(): Promise<Uint8Array>
  /** A genuine `Response` with the status, headers and URL, and no body. */
  head(): Response
  /** The genuine `Response` with its body streaming. */
  response(): Response
  /** Drops the body by the policy of `src/drain.ts`: read through when small, cancelled otherwise. */
  discard(): Promise<void>
}

/** Internal: an adapter that can send an {@link OutgoingHop} (the default Node adapter). */
export interface HopSender {
  [sendHopKey](hop: OutgoingHop, ctx: HopContext): Promise<HopResponse>
}
