/**
 * The plan of one request: the request merged over the session (requests' `merge_setting`
 * and `merge_hooks`), validated, resolved once before the first attempt. Pure: no I/O.
 * @module
 */
import { resolveAuth, type ResolvedAuth } from './auth.ts'
import { checkPlatform, required } from './capabilities.ts'
import { resolveDebug } from './debug.ts'
import type { TlsOptions } from './platform.ts'
import { mergeHooks } from './hooks.ts'
import { credentialHeaders, dropsCredentials, normaliseOrigin } from './origin.ts'
import { firstHop, prepareBody } from './prepare.ts'
import { resolveProgress, type ResolvedProgress } from './progress.ts'
import type { ResolvedProxy } from './proxy.ts'
import type { HopState, RedirectPolicy } from './redirect.ts'
import type { ResolvedRetry } from './retry.ts'
import { resolveRetry } from './retry.ts'
import type { Session, SessionInternals } from './session.ts'
import type { BodyWant } from './shortcut.ts'
import { resolveTimeout, type ResolvedTimeout } from './timeout.ts'
import type { SessionError } from './errors.ts'
import type { DebugHandler, Hooks, SessionRequestInit } from './types.ts'
import { headerNames, mergeHeaders } from './util/headers.ts'
import { appendParams, mergeParams, resolveURL } from './util/url.ts'
import { checkNonNegative, invalid } from './util/validate.ts'

/** Everything one request needs, resolved once before the first attempt. */
export interface Plan {
  readonly session: Session
  readonly internals: SessionInternals
  readonly first: HopState
  readonly auth: ResolvedAuth | null
  readonly cookies: Map<string, string | null> | undefined
  readonly timeout: ResolvedTimeout
  readonly retry: ResolvedRetry
  readonly proxy: ResolvedProxy
  readonly maxRedirects: number
  /** Decoded bytes a body may have (`undefined`: no limit). */
  readonly maxResponseSize: number | undefined
  readonly allowRedirects: boolean
  /** Fetch's `RequestInit.redirect`: `'manual'` answers with the 3xx, `'error'` rejects on one. */
  readonly redirect: RequestRedirect
  /**
   * The mode each hop's `Request` and adapter get: `'manual'` where the session follows
   * redirects itself (always, whatever `Request` a hook returns); where the runtime follows
   * them (the browser), the request's mode.
   */
  readonly hopRedirect: RequestRedirect
  /** A final 4xx/5xx rejects with `HTTPError`. */
  readonly raiseForStatus: boolean
  /** The body the caller asked for through the promise (the body shortcut), if any. */
  readonly want: BodyWant | undefined
  readonly hooks: Hooks
  readonly policy: RedirectPolicy
  readonly credentials: RequestCredentials | undefined
  /** The platform's environment, each variable read at most once per request. */
  readonly env: (key: string) => string | undefined
  /** The session's TLS settings, with `trustEnv`'s CA bundle (`src/trust-env.ts`). */
  readonly tls: TlsOptions | undefined
  /** `trustEnv`'s CA bundle variable names no readable file: each `https:` hop fails. */
  readonly badBundle?: ((request: Request) => SessionError) | undefined
  /** `onDownloadProgress` / `onUploadProgress`: the request's, else the session's. */
  readonly progress: ResolvedProgress
  /** Receives one event per hop (`debug`, `FETCH_SESSION_DEBUG`); `undefined` when off. */
  readonly debug: DebugHandler | undefined
  /** Sent by `s.send(request)`: the first hop's `Cookie` is the request's, rebuilt on redirects. */
  readonly prepared?: boolean
  /**
   * Each hop's transport adds its default `User-Agent` when the hop has none
   * (`AdapterContext.defaultUserAgent`); `false` when the request's headers removed it with
   * `null` (requests drops a header set to `None`, its `User-Agent` too).
   */
  readonly defaultUserAgent: boolean
}

/**
 * The request merged over the session (requests' `merge_setting` / `merge_hooks`), validated,
 * with its first hop. Pure: reads the session, sends nothing.
 */
export function resolvePlan(
  session: Session,
  internals: SessionInternals,
  method: string,
  input: string | URL,
  init: SessionRequestInit,
  want?: BodyWant,
): Plan {
  const url = resolveURL(input, session.baseURL)
  appendParams(url, mergeParams(session.params, init.params, 'init.params'))
  const urlAuth = takeUserinfo(url)

  // An absolute URL to another origin than baseURL is allowed, but the session's own
  // credentials follow the redirect policy: they do not go to an origin they were not meant for.
  const policy = redirectPolicy(session)
  const foreign =
    session.baseURL !== undefined &&
    dropsCredentials(new URL(session.baseURL), url, policy.trustedOrigins)
  const omit = foreign ? new Set([...credentialHeaders, ...policy.sensitiveHeaders]) : undefined
  const headers = mergeHeaders(session.headers, init.headers, 'init.headers', omit)

  // Auth: request `auth` > credentials in the URL > a request Authorization header > session auth.
  let auth: ResolvedAuth | null
  if (init.auth !== undefined)
    auth = resolveAuth(init.auth, 'init.auth', internals.platform.features)
  else if (urlAuth) auth = urlAuth
  else if (foreign || headerNames(init.headers, 'init.headers').has('authorization')) auth = null
  else auth = internals.auth

  const env = envOnce((key) => internals.platform.env(key))
  // requests merge_environment_settings: `.netrc` when the request has no auth at all.
  const trust = session.trustEnv ? internals.platform.features.trustEnv : undefined
  if (auth === null && init.auth === undefined && trust && !headers.has('authorization'))
    auth = trust.netrcAuth(session, internals.platform, env)
  const envTls = trust
    ? trust.envTls(session, session.tls, internals.platform, env)
    : { tls: session.tls, badBundle: undefined }

  const { body, contentType } = prepareBody(init)
  if (contentType !== undefined && !headers.has('content-type'))
    headers.set('content-type', contentType)

  const hooks = mergeHooks(session.hooks, init.hooks)
  const { platform } = internals
  // Request-level cookies go into the `Cookie` header the session builds (not in the browser).
  const cookies = platform.capabilities.sendCookie
    ? required(platform, 'cookieOverlay')(init.cookies, 'init.cookies')
    : undefined
  // Session settings assigned after construction are checked here (the constructor checks its options).
  checkPlatform(platform, 'session.', { proxy: session.proxy, tls: session.tls })
  checkPlatform(platform, 'init.', {
    proxy: init.proxy,
    foreignCookies: init.cookies !== undefined && init.cookies !== null,
  })
  checkPlatform(platform, '', { beforeRedirect: hooks.beforeRedirect.length })
  const maxRedirects =
    init.maxRedirects !== undefined
      ? checkNonNegative(init.maxRedirects, 'init.maxRedirects', true)
      : session.maxRedirects
  const allowRedirects = init.allowRedirects ?? true
  const redirect = redirectMode(init.redirect)
  return {
    session,
    internals,
    first: firstHop(url, method.toUpperCase(), headers, body),
    auth,
    cookies,
    timeout:
      init.timeout !== undefined ? resolveTimeout(init.timeout, 'init.timeout') : internals.timeout,
    retry: init.retry !== undefined ? resolveRetry(init.retry, 'init.retry') : internals.retry,
    proxy:
      init.proxy !== undefined
        ? required(internals.platform, 'resolveProxy')(session.proxy, init.proxy, 'init.proxy')
        : internals.proxy,
    maxRedirects,
    maxResponseSize:
      init.maxResponseSize !== undefined && init.maxResponseSize !== null
        ? checkNonNegative(init.maxResponseSize, 'init.maxResponseSize', true)
        : session.maxResponseSize,
    allowRedirects,
    redirect,
    hopRedirect: platform.capabilities.manualRedirect
      ? 'manual'
      : redirect !== 'follow'
        ? redirect
        : maxRedirects === 0 || !allowRedirects
          ? 'manual'
          : 'follow',
    raiseForStatus: flag(init.raiseForStatus, 'init.raiseForStatus', session.raiseForStatus),
    want,
    hooks,
    policy,
    credentials: init.credentials ?? session.credentials ?? internals.platform.defaultCredentials,
    env,
    tls: envTls.tls,
    badBundle: envTls.badBundle,
    progress: resolveProgress(session, init),
    debug: resolveDebug(session, env),
    defaultUserAgent:
      headers.has('user-agent') || !headerNames(init.headers, 'init.headers').has('user-agent'),
  }
}

/**
 * An environment lookup that reads each variable once: the proxy variables are read per
 * request (so a change between requests is seen) but not again on every redirect hop.
 */
function envOnce(env: (key: string) => string | undefined): (key: string) => string | undefined {
  const seen = new Map<string, string | undefined>()
  return (key) => {
    if (!seen.has(key)) seen.set(key, env(key))
    return seen.get(key)
  }
}

function flag(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw invalid(field, 'a boolean', value)
  return value
}

const redirectModes = new Set<unknown>(['follow', 'manual', 'error'])

/** Fetch's `RequestInit.redirect`, `'follow'` by default. */
function redirectMode(value: unknown): RequestRedirect {
  if (value === undefined) return 'follow'
  if (!redirectModes.has(value))
    throw invalid('init.redirect', "'follow', 'manual' or 'error'", value)
  return value as RequestRedirect
}

/**
 * Credentials in the URL become basic auth and leave the URL (requests' `get_auth_from_url`;
 * Fetch forbids constructing a Request from such a URL).
 */
function takeUserinfo(url: URL): ResolvedAuth | null {
  if (url.username === '' && url.password === '') return null
  const auth = resolveAuth(
    [decodeURIComponent(url.username), decodeURIComponent(url.password)],
    'url',
  )
  url.username = ''
  url.password = ''
  return auth
}

/** The last policy built per session, with copies of the arrays it was built from. */
const policies = new WeakMap<
  Session,
  { trusted: readonly string[]; sensitive: readonly string[]; policy: RedirectPolicy }
>()

function sameEntries(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

/**
 * The session's redirect policy, rebuilt only when `trustedOrigins` or `sensitiveHeaders`
 * changed (replaced or edited in place) since the last request.
 */
function redirectPolicy(session: Session): RedirectPolicy {
  const { trustedOrigins, sensitiveHeaders } = session
  const cached = policies.get(session)
  if (
    cached &&
    sameEntries(cached.trusted, trustedOrigins) &&
    sameEntries(cached.sensitive, sensitiveHeaders)
  )
    return cached.policy
  const policy: RedirectPolicy = {
    trustedOrigins: new Set(trustedOrigins.map((o) => normaliseOrigin(o, 'trustedOrigins'))),
    sensitiveHeaders: sensitiveHeaders.map((h) => h.toLowerCase()),
  }
  policies.set(session, { trusted: [...trustedOrigins], sensitive: [...sensitiveHeaders], policy })
  return policy
}
