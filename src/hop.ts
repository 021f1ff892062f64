/**
 * One hop, start to end: `Cookie` from the jar → `Request` → auth → `beforeRequest` hooks →
 * adapter → `Set-Cookie` stored, before anything else sees the response. The only place that
 * stores `Set-Cookie` (httpx's `_send_single_request` extracts cookies in one place; requests
 * does it in four).
 *
 * The platform's fast path is a variant of this hop, not a second lifecycle: where the
 * transport speaks the hop protocol (`HopSender`, Node) and nothing needs the `Request`
 * before it is sent, the hop goes as plain data (`Platform.features.outgoingHop`), and its
 * `Request` is made by the same builder, from the same data, only if something asks for it.
 * @module
 */
import { applyAuth } from './auth.ts'
import { required, sendHopKey } from './capabilities.ts'
import { discardBody } from './drain.ts'
import type { Cookie } from './cookies/types.ts'
import { ClosedSessionError, describeRequest } from './errors.ts'
import type { Plan } from './plan.ts'
import type { AdapterContext, HopContext, HopResponse, HopSender, OutgoingHop } from './platform.ts'
import { buildRequest, cookieHeader } from './prepare.ts'
import { trackUpload } from './progress.ts'
import type { HopState } from './redirect.ts'
import { toRealmResponse } from './response.ts'
import type { Deadline } from './timeout.ts'
import { fetchWithLimits, translateFailure } from './transport.ts'

/**
 * A hop whose response headers arrived. Its body is still undecided: `response()` hands it
 * over (a genuine `Response`, made once), `discard()` drops it by the one policy of
 * `src/drain.ts`, and `head()` is the `Response` for `history` (no body once dropped).
 */
export interface SentHop {
  readonly status: number
  /** The `Location` value as `Headers.get('location')` gives it, or `null`. */
  readonly location: string | null
  /** The hop's `Request`: the one sent, or made now from the data that was sent. */
  readonly request: () => Request
  readonly response: () => Response
  readonly head: () => Response
  readonly discard: () => Promise<void>
  /** The cookies this hop's `Set-Cookie` stored in the jar (the response's `cookies`). */
  readonly cookies: Cookie[]
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
  deadline.throwIfAborted()
  // Upload progress: this hop's body as a counting stream, made from the hop's own source.
  const upload = plan.progress.upload
  if (upload && hop.body.value !== null) hop = await trackUpload(hop, upload)
  const cookie = internals.platform.capabilities.sendCookie
    ? cookieHeader(session.cookies, hop.url, hop.requestCookiesAllowed ? plan.cookies : undefined)
    : ''
  // The one `Request` builder of a hop (`src/prepare.ts`), for both variants.
  const build = (): Request =>
    buildRequest(hop, {
      cookie,
      signal: deadline.signal,
      redirect: plan.hopRedirect,
      credentials: plan.credentials,
    })
  const out = internals.platform.features.outgoingHop?.(plan, hop, cookie)
  if (out) {
    const adapter = internals.adapterFor(out.href, build)
    // `return await`: one microtask, where returning the promise from an async function costs three.
    if (sendHopKey in adapter)
      return await sendPlain(plan, adapter as HopSender, out, build, deadline)
  }
  return await sendRequest(plan, hop, build(), deadline, attempt, n)
}

/** The `Request` variant: auth and `beforeRequest` hooks see (and may replace) the `Request`. */
async function sendRequest(
  plan: Plan,
  hop: HopState,
  built: Request,
  deadline: Deadline,
  attempt: number,
  n: number,
): Promise<SentHop> {
  const { session, internals } = plan
  let request = built
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
    proxy: proxyFor(plan, new URL(request.url)),
    tls: session.tls,
    // The session's redirect mode always wins over the mode of a `Request` a hook returned.
    redirect: plan.hopRedirect,
    credentials: plan.credentials,
  }
  let cookies: Cookie[] = []
  const exchange = async (sent: Request, context: AdapterContext): Promise<Response> => {
    checkOpen(plan, sent)
    const adapter = internals.adapterFor(sent.url, () => sent)
    const answer = await fetchWithLimits(plan, adapter.fetch.bind(adapter), sent, context, deadline)
    return received(plan, answer, sent.url, (stored) => (cookies = stored))
  }
  response = response
    ? received(plan, response, request.url, (stored) => (cookies = stored))
    : await exchange(request, ctx)
  const onResponse = plan.auth?.kind === 'handler' ? plan.auth.handler.onResponse : undefined
  if (onResponse && hop.authAllowed) {
    response = await onResponse(response, (retried) => {
      request = retried
      return exchange(retried, { ...ctx, body: undefined })
    })
  }
  const sent = request
  const final = response
  return {
    status: final.status,
    location: final.headers.get('location'),
    request: () => sent,
    response: () => final,
    head: () => final,
    discard: () => discardBody(final),
    cookies,
  }
}

/** The plain-data variant: no `Request` before the hop is sent (the transport's fast path). */
async function sendPlain(
  plan: Plan,
  adapter: HopSender,
  out: OutgoingHop,
  build: () => Request,
  deadline: Deadline,
): Promise<SentHop> {
  let made: Request | undefined
  const request = (): Request => (made ??= build())
  const ctx: HopContext = {
    body: out.body,
    signal: deadline.current,
    timeout: plan.timeout,
    proxy: proxyFor(plan, out.url),
    tls: plan.session.tls,
    redirect: plan.hopRedirect,
    credentials: plan.credentials,
  }
  checkOpen(plan, request)
  // Outside the try: what the adapter throws synchronously (a bad `tls` option) is not a
  // transport failure and is thrown as it is.
  const pending = adapter[sendHopKey](out, ctx)
  let held: HopResponse
  try {
    held = await pending
  } catch (error) {
    throw translateFailure(plan, error, request, ctx, deadline)
  }
  let cookies: Cookie[] = []
  if (plan.internals.platform.capabilities.readSetCookie) {
    try {
      cookies = storeSetCookie(plan, held.getSetCookie(), out.href)
    } catch (error) {
      await held.discard()
      throw error
    }
  }
  let response: Response | undefined
  return {
    status: held.status,
    location: held.location,
    request,
    response: () => (response ??= held.response()),
    head: () => response ?? held.head(),
    discard: () => (response ? discardBody(response) : held.discard()),
    cookies,
  }
}

/** A transport's (or a hook's) response as this realm's `Response`, its `Set-Cookie` stored. */
function received(
  plan: Plan,
  answer: Response,
  url: string,
  stored: (cookies: Cookie[]) => void,
): Response {
  const response = toRealmResponse(answer, answer.url || url)
  if (plan.internals.platform.capabilities.readSetCookie) {
    const headers = response.headers
    const values =
      typeof headers.getSetCookie === 'function'
        ? headers.getSetCookie()
        : required(plan.internals.platform, 'splitSetCookie')(headers.get('set-cookie') ?? '')
    stored(storeSetCookie(plan, values, response.url || url))
  }
  return response
}

/**
 * Stores a hop's `Set-Cookie` values in the jar, before the next hop is built; returns the
 * cookies stored (those the jar ignored or that expired on arrival are not listed).
 */
function storeSetCookie(plan: Plan, values: string[], url: string): Cookie[] {
  if (values.length === 0) return []
  const jar = plan.session.cookies
  const stored: Cookie[] = []
  for (const value of values) {
    const cookie = jar.setCookie(value, url)
    // A cookie that arrives expired deletes its namesake: nothing was stored.
    if (cookie && (cookie.expires === null || cookie.expires > Date.now())) stored.push(cookie)
  }
  return stored
}

/** The proxy for a hop's URL (the one proxy selection), or `null` for a direct connection. */
function proxyFor(plan: Plan, url: URL): string | null {
  const { platform } = plan.internals
  if (!platform.capabilities.proxy) return null
  return required(platform, 'selectProxy')(url, plan.proxy, plan.env, plan.session.trustEnv)
}

/** @throws {ClosedSessionError} once the session is closed. */
function checkOpen(plan: Plan, request: Request | (() => Request)): void {
  if (!plan.internals.isClosed()) return
  const sent = typeof request === 'function' ? request() : request
  throw new ClosedSessionError(
    `The session was closed while the request was in flight: ${describeRequest(sent)}`,
    { request: sent },
  )
}

/** Milliseconds on a monotonic clock where there is one. */
export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now()
}
