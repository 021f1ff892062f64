/**
 * The request lifecycle: the only code (with the redirect follower, `src/follow.ts`) that
 * awaits I/O. Its stages, in order:
 *
 * 1. resolve — merge the request over the session (`merge_setting`), validate, build hop 0
 * 2. attempt — for each try (retry policy decides, `beforeRetry` hooks can veto):
 *    a. per hop: Cookie from the jar → `Request` → auth → `beforeRequest` hooks → adapter
 *    b. store every hop's `Set-Cookie` in the jar before anything else
 *    c. `planRedirect` → `beforeRedirect` hooks → next hop, or the final response
 *       (`src/follow.ts`, a platform feature: where the runtime follows redirects itself,
 *       the one hop sent is the final response)
 * 3. decorate — `history`, `request`, `elapsed`, `raiseForStatus()`
 * 4. `response` hooks on the final response; `error` hooks on each failure
 * @module
 */
import { applyAuth, resolveAuth, type ResolvedAuth } from './auth.ts'
import {
  ClosedSessionError,
  ConnectionError,
  describeRequest,
  SessionError,
  TimeoutError,
} from './errors.ts'
import { mergeHooks } from './hooks.ts'
import { required, type AdapterContext, type HopContext, type HopResponse } from './platform.ts'
import { buildRequest, cookieHeader, firstHop, prepareBody, toCookieOverlay } from './prepare.ts'
import { credentialHeaders, dropsCredentials, normaliseOrigin } from './origin.ts'
import type { ResolvedProxy } from './proxy.ts'
import type { HopState, RedirectPolicy } from './redirect.ts'
import { decorateResponse, toRealmResponse } from './response.ts'
import { planRetry, resolveRetry, type ResolvedRetry } from './retry.ts'
import type { Session, SessionInternals } from './session.ts'
import { Deadline, resolveTimeout, sleep, type ResolvedTimeout } from './timeout.ts'
import type { Hooks, SessionRequestInit, SessionResponse } from './types.ts'
import { headerNames, mergeHeaders } from './util/headers.ts'
import { appendParams, mergeParams, resolveURL } from './util/url.ts'
import { checkNonNegative } from './util/validate.ts'

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
  readonly allowRedirects: boolean
  readonly hooks: Hooks
  readonly policy: RedirectPolicy
  readonly credentials: RequestCredentials | undefined
  /** The platform's environment, each variable read at most once per request. */
  readonly env: (key: string) => string | undefined
}

/** Sends one request through the session: the whole lifecycle, retries and redirects included. */
export async function send(
  session: Session,
  internals: SessionInternals,
  method: string,
  input: string | URL,
  init: SessionRequestInit,
): Promise<SessionResponse> {
  const plan = resolvePlan(session, internals, method, input, init)
  const deadline = new Deadline(init.signal, plan.timeout.total)
  try {
    const response = await attempts(plan, deadline)
    deadline.settle()
    return response
  } catch (error) {
    deadline.dispose()
    throw error
  }
}

/** Stage 1: the request merged over the session (requests' `merge_setting` / `merge_hooks`). */
function resolvePlan(
  session: Session,
  internals: SessionInternals,
  method: string,
  input: string | URL,
  init: SessionRequestInit,
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
  if (init.auth !== undefined) auth = resolveAuth(init.auth, 'init.auth')
  else if (urlAuth) auth = urlAuth
  else if (foreign || headerNames(init.headers, 'init.headers').has('authorization')) auth = null
  else auth = internals.auth

  const { body, contentType } = prepareBody(init)
  if (contentType !== undefined && !headers.has('content-type'))
    headers.set('content-type', contentType)

  const hooks = mergeHooks(session.hooks, init.hooks)
  const cookies = toCookieOverlay(init.cookies, 'init.cookies')
  checkCapabilities(session, internals, init, hooks, cookies)
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
    maxRedirects:
      init.maxRedirects !== undefined
        ? checkNonNegative(init.maxRedirects, 'init.maxRedirects', true)
        : session.maxRedirects,
    allowRedirects: init.allowRedirects ?? true,
    hooks,
    policy,
    credentials: init.credentials ?? session.credentials ?? internals.platform.defaultCredentials,
    env: envOnce((key) => internals.platform.env(key)),
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

/**
 * What a platform cannot do fails loudly rather than silently doing something else
 * (the browser follows redirects itself and owns its cookie jar).
 */
function checkCapabilities(
  session: Session,
  internals: SessionInternals,
  init: SessionRequestInit,
  hooks: Hooks,
  cookies: Map<string, string | null> | undefined,
): void {
  const { name, capabilities: caps } = internals.platform
  // Session settings assigned after construction are checked here (the constructor checks its options).
  if (!caps.proxy && session.proxy !== undefined && session.proxy !== null) {
    throw new TypeError(`session.proxy: the ${name} platform cannot use a proxy`)
  }
  if (!caps.tls && session.tls !== undefined) {
    throw new TypeError(`session.tls: the ${name} platform has no TLS settings`)
  }
  if (init.proxy !== undefined && init.proxy !== null && !caps.proxy) {
    throw new TypeError(`init.proxy: the ${name} platform cannot use a proxy`)
  }
  if (!caps.manualRedirect && hooks.beforeRedirect.length > 0) {
    throw new TypeError(
      `hooks.beforeRedirect: the ${name} platform follows redirects itself, so redirect hooks cannot run`,
    )
  }
  if (!caps.sendCookie && cookies !== undefined) {
    throw new TypeError(`init.cookies: the ${name} platform sends the cookies of its own jar only`)
  }
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

/** Stage 2: attempts, each following its redirects; the retry policy decides on another. */
async function attempts(plan: Plan, deadline: Deadline): Promise<SessionResponse> {
  const { first } = plan
  const { platform } = plan.internals
  // Where the session follows redirects itself, the redirect follower (src/follow.ts) runs
  // each attempt; where the runtime does (the browser), one hop is the whole attempt.
  const follow = platform.capabilities.manualRedirect
    ? required(platform, 'followRedirects')
    : sendOnce
  for (let attempt = 0; ; attempt++) {
    let response: SessionResponse | undefined
    let failure: unknown
    try {
      response = await follow(plan, deadline, attempt)
    } catch (error) {
      failure = toSessionError(error, deadline)
    }
    if (failure !== undefined) {
      const recovered = await runErrorHooks(plan, failure, attempt)
      if (recovered instanceof Response) return runResponseHooks(plan, recovered)
      failure = recovered
    }
    const delay = deadline.aborted
      ? null
      : planRetry(
          attempt + 1,
          {
            method: first.method,
            bodyReplayable: first.body.replayable,
            response,
            error: failure,
          },
          plan.retry,
          { now: Date.now(), random: Math.random },
        )
    if (delay === null || !(await runBeforeRetry(plan, response, failure, attempt + 1, delay))) {
      // Whatever the transport or a hook threw, rethrown unchanged.
      if (failure !== undefined || !response) throw failure as Error
      // Without response hooks the decorated response is final as it is.
      if (plan.hooks.response.length === 0 && 'history' in response) return response
      return await runResponseHooks(plan, response)
    }
    await response?.body?.cancel().catch(() => undefined)
    await sleep(delay, deadline.signal)
  }
}

/**
 * One attempt where the runtime follows redirects itself (the browser): the one hop it sends
 * is the final response, and there is no history to see.
 */
async function sendOnce(plan: Plan, deadline: Deadline, attempt: number): Promise<SessionResponse> {
  const started = now()
  const sent = await sendHop(plan, plan.first, deadline, attempt, 0)
  return decorateResponse(responseOf(sent), {
    request: sent.request,
    history: [],
    elapsed: now() - started,
  })
}

/**
 * What one hop produced: its `Request` (made on the first call for a hop sent without one),
 * and the response, or for a transport fast-path hop the response `held` with its body unread.
 */
export type SentHop =
  | { readonly request: () => Request; readonly response: Response; readonly held?: undefined }
  | { readonly request: () => Request; readonly response?: undefined; readonly held: HopResponse }

/** The response of a sent hop, its stream made now for a body the transport still holds. */
export function responseOf(sent: SentHop): Response {
  return sent.held ? sent.held.response() : sent.response
}

/** Sends one hop: Cookie header, Request, auth, `beforeRequest` hooks, adapter, jar. */
export async function sendHop(
  plan: Plan,
  hop: HopState,
  deadline: Deadline,
  attempt: number,
  n: number,
): Promise<SentHop> {
  const { session, internals } = plan
  const { platform } = internals
  const caps = platform.capabilities
  deadline.throwIfAborted()
  const jar = session.cookies
  const cookie = caps.sendCookie
    ? cookieHeader(jar, hop.url, hop.requestCookiesAllowed ? plan.cookies : undefined)
    : ''
  const redirect: RequestRedirect = caps.manualRedirect
    ? 'manual'
    : plan.maxRedirects === 0 || !plan.allowRedirects
      ? 'manual'
      : 'follow'
  // The platform's fast path (Node), when this hop needs no `Request` before it is sent.
  const direct = platform.features.sendDirect?.(plan, hop, cookie, redirect, deadline)
  // `return await`: one microtask, where returning the promise from an async function costs three.
  if (direct) return await direct
  let request = buildRequest(hop, {
    cookie,
    signal: deadline.signal,
    redirect,
    credentials: plan.credentials,
  })
  let replaced = false
  if (plan.auth && hop.authAllowed) {
    const authed = await applyAuth(plan.auth, request)
    replaced = authed !== request
    request = authed
  }
  let response: Response | undefined
  for (const hook of plan.hooks.beforeRequest) {
    const result = await hook({ request, session, attempt, hop: n })
    if (result instanceof Response) {
      response = result
      break
    }
    if (result instanceof Request) {
      request = result
      replaced = true
    }
  }
  const ctx: AdapterContext = {
    body: replaced ? undefined : hop.body.value,
    signal: deadline.signal,
    timeout: { connect: plan.timeout.connect, response: plan.timeout.response },
    proxy: caps.proxy
      ? required(platform, 'selectProxy')(
          new URL(request.url),
          plan.proxy,
          plan.env,
          session.trustEnv,
        )
      : null,
    tls: session.tls,
    redirect: request.redirect,
    credentials: plan.credentials,
  }
  if (!response) {
    checkOpen(internals)
    const adapter = internals.adapterFor(request.url, request)
    response = await fetchWithLimits(plan, adapter.fetch.bind(adapter), request, ctx, deadline)
  }
  response = toRealmResponse(response, response.url || request.url)
  if (caps.readSetCookie) storeCookies(plan, response, response.url || request.url)
  const onResponse = plan.auth?.kind === 'handler' ? plan.auth.handler.onResponse : undefined
  if (onResponse && hop.authAllowed) {
    const adapter = internals.adapterFor(request.url, request)
    response = await onResponse(response, async (retried) => {
      const again = toRealmResponse(
        await fetchWithLimits(
          plan,
          adapter.fetch.bind(adapter),
          retried,
          { ...ctx, body: undefined },
          deadline,
        ),
        retried.url,
      )
      if (caps.readSetCookie) storeCookies(plan, again, retried.url)
      request = retried
      return again
    })
  }
  const sent = request
  return { request: () => sent, response }
}

/** @throws {ClosedSessionError} once the session is closed. */
export function checkOpen(internals: SessionInternals): void {
  if (internals.isClosed())
    throw new ClosedSessionError('The session was closed while the request was in flight')
}

/** Runs the adapter under the emulated connect/response limits where the transport has none. */
async function fetchWithLimits(
  plan: Plan,
  fetcher: (request: Request, ctx: AdapterContext) => Promise<Response>,
  request: Request,
  ctx: AdapterContext,
  deadline: Deadline,
): Promise<Response> {
  const { connect, response } = plan.timeout
  const emulate = !plan.internals.platform.capabilities.transportTimeouts && (connect || response)
  if (!emulate) return mapFailure(plan, fetcher(request, ctx), () => request, ctx, deadline)
  // NOTE(spec): without a transport that separates them, connect + response bound the wait for headers.
  const ms = (connect ?? 0) + (response ?? 0)
  const limit = deadline.limit(response ? 'response' : 'connect', ms)
  const limited = new Request(request, { signal: limit.signal })
  try {
    return await mapFailure(
      plan,
      fetcher(limited, { ...ctx, signal: limit.signal }),
      () => limited,
      ctx,
      deadline,
      limit.signal,
    )
  } finally {
    limit.clear()
  }
}

/** Translates a transport failure: the platform's mapping first, then the core's. */
async function mapFailure<T>(
  plan: Plan,
  pending: Promise<T>,
  request: () => Request,
  ctx: AdapterContext | HopContext,
  deadline: Deadline,
  signal?: AbortSignal,
): Promise<T> {
  try {
    return await pending
  } catch (error) {
    throw translateFailure(plan, error, request, ctx, deadline, signal)
  }
}

/** The error to throw for a transport failure: the platform's mapping first, then the core's. */
export function translateFailure(
  plan: Plan,
  error: unknown,
  request: () => Request,
  ctx: AdapterContext | HopContext,
  deadline: Deadline,
  signal?: AbortSignal,
): unknown {
  const watched = signal ?? deadline.current
  const reason: unknown = watched?.aborted ? watched.reason : undefined
  if (reason instanceof TimeoutError) return withRequest(reason, request())
  if (error instanceof TimeoutError) return withRequest(error, request())
  if (error instanceof SessionError) return error
  if (deadline.aborted) return deadline.signal.reason
  const full: AdapterContext = { ...ctx, signal: ctx.signal ?? deadline.signal }
  const mapped = plan.internals.platform.mapError(error, request(), full)
  if (mapped) return mapped
  if (error instanceof TypeError) {
    // Fetch §4.1: a network error rejects with a TypeError; the runtime's error stays the cause.
    return new ConnectionError(`Connection failed: ${describeRequest(request())}`, {
      request: request(),
      cause: error,
    })
  }
  return error
}

/** A `TimeoutError` raised by a timer knows no request; give it one for its message. */
function withRequest(error: TimeoutError, request: Request): TimeoutError {
  return error.request ? error : new TimeoutError(error.limit, error.timeout, { request })
}

function toSessionError(error: unknown, deadline: Deadline): unknown {
  const timeout = deadline.timeout
  if (timeout && !(error instanceof TimeoutError)) return timeout
  return error
}

/** Every hop's `Set-Cookie` reaches the jar before the next hop is built. */
function storeCookies(plan: Plan, response: Response, url: string): void {
  const headers = response.headers
  const values =
    typeof headers.getSetCookie === 'function'
      ? headers.getSetCookie()
      : required(plan.internals.platform, 'splitSetCookie')(headers.get('set-cookie') ?? '')
  storeSetCookie(plan, values, url)
}

/** Stores a hop's `Set-Cookie` values in the jar. */
export function storeSetCookie(plan: Plan, values: string[], url: string): void {
  if (values.length === 0) return
  const jar = plan.session.cookies
  for (const value of values) jar.setCookie(value, url)
}

async function runErrorHooks(plan: Plan, error: unknown, attempt: number): Promise<unknown> {
  let current = error
  for (const hook of plan.hooks.error) {
    const ctx = {
      request: current instanceof SessionError ? current.request : undefined,
      error: current,
      session: plan.session,
      attempt,
    }
    const result = await hook(ctx)
    if (result instanceof Response) return result
    if (result instanceof Error) current = result
  }
  return current
}

async function runBeforeRetry(
  plan: Plan,
  response: Response | undefined,
  error: unknown,
  attempt: number,
  delay: number,
): Promise<boolean> {
  const request =
    (response as SessionResponse | undefined)?.request ??
    (error instanceof SessionError ? error.request : undefined) ??
    new Request(plan.first.url, { method: plan.first.method, headers: plan.first.headers })
  for (const hook of plan.hooks.beforeRetry) {
    if ((await hook({ request, response, error, attempt, delay, session: plan.session })) === false)
      return false
  }
  return true
}

async function runResponseHooks(plan: Plan, response: Response): Promise<SessionResponse> {
  let current = response as SessionResponse
  if (!('history' in current)) {
    current = decorateResponse(current, {
      request: new Request(plan.first.url, { method: plan.first.method }),
      history: [],
      elapsed: 0,
    })
  }
  for (const hook of plan.hooks.response) {
    const ctx = { request: current.request, response: current, session: plan.session }
    const result = await hook(ctx)
    if (result instanceof Response && result !== current) {
      current =
        'history' in result
          ? (result as SessionResponse)
          : decorateResponse(result, {
              request: current.request,
              history: current.history,
              elapsed: current.elapsed,
            })
    }
  }
  return current
}

export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now()
}
