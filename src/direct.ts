/**
 * The core side of the Node fast path, supplied by the Node entry (`Platform.features.sendDirect`) so
 * that other bundles leave it out. A hop that needs no `Request` before it is sent (no auth,
 * no `beforeRequest` hook, no emulated timeout, a body and method the `Request` constructor
 * takes as they are) goes to the default adapter as plain data (`HopSender`), and its
 * `Request` is built only if something asks for it (`response.request`, an error, a redirect
 * hook), from the data that was sent.
 * @module
 */
import {
  sendHopKey,
  type Adapter,
  type HopContext,
  type HopResponse,
  type HopSender,
  type OutgoingHop,
} from './platform.ts'
import { selectProxy } from './proxy.ts'
import type { HopState } from './redirect.ts'
import { checkOpen, storeSetCookie, translateFailure, type Plan, type SentHop } from './send.ts'
import type { Deadline } from './timeout.ts'

/**
 * Sends `hop` through the platform transport's fast path, or returns `undefined` when the
 * hop needs its `Request` first (the caller then builds it).
 */
export function sendDirect(
  plan: Plan,
  hop: HopState,
  cookie: string,
  redirect: RequestRedirect,
  deadline: Deadline,
): Promise<SentHop> | undefined {
  const out = directHop(plan, hop, cookie)
  if (!out) return undefined
  const adapter = defaultAdapterFor(plan, out.href)
  return adapter ? send(plan, adapter, out, redirect, deadline) : undefined
}

// The methods a `Request` takes as they are (others are checked, normalised or refused by it).
const directMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

/**
 * The hop as plain data for the transport's fast path, or `undefined` when something needs
 * the `Request` before it is sent: auth, a `beforeRequest` hook, emulated timeouts, or a body
 * or method the `Request` constructor must encode or check. The headers are those the
 * `Request` would hold: the jar's `Cookie` and the body's implied `Content-Type` added.
 */
function directHop(plan: Plan, hop: HopState, cookie: string): OutgoingHop | undefined {
  if ((plan.auth && hop.authAllowed) || plan.hooks.beforeRequest.length > 0) return undefined
  const { timeout, internals } = plan
  if (!internals.platform.capabilities.transportTimeouts && (timeout.connect || timeout.response))
    return undefined
  const { url, method } = hop
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !directMethods.has(method))
    return undefined
  const body = hop.body.value
  let type: string | undefined
  if (body !== null) {
    // Fetch §4 "extract a body": the Content-Type a `Request` sets for this body.
    if (method === 'GET' || method === 'HEAD') return undefined
    if (typeof body === 'string') type = 'text/plain;charset=UTF-8'
    else if (body instanceof URLSearchParams)
      type = 'application/x-www-form-urlencoded;charset=UTF-8'
    else if (typeof Blob !== 'undefined' && body instanceof Blob) type = body.type || undefined
    else if (!(body instanceof ArrayBuffer) && !ArrayBuffer.isView(body)) return undefined
  }
  const headers = new Headers(hop.headers)
  // requests models.py prepare_cookies: an explicit Cookie header wins over the jar.
  if (cookie && !headers.has('cookie')) headers.set('cookie', cookie)
  if (type !== undefined && !headers.has('content-type')) headers.set('content-type', type)
  return { url, href: url.href, method, headers, body }
}

/**
 * The session's default adapter for an http(s) URL when it takes hops as plain data, or
 * `undefined` (a mounted adapter takes a `Request`). The session reads the request only to
 * report a URL no adapter serves, which an http(s) URL never is, so none is built for it.
 */
function defaultAdapterFor(plan: Plan, href: string): (Adapter & HopSender) | undefined {
  const adapter = plan.internals.adapterFor(href, undefined as unknown as Request)
  return sendHopKey in adapter ? (adapter as Adapter & HopSender) : undefined
}

/**
 * Sends a hop through the transport's fast path. The `Request` is built only if something
 * asks for it (`response.request`, an error, a redirect hook), from the data that was sent.
 */
async function send(
  plan: Plan,
  adapter: HopSender,
  hop: OutgoingHop,
  redirect: RequestRedirect,
  deadline: Deadline,
): Promise<SentHop> {
  const { session, internals } = plan
  const caps = internals.platform.capabilities
  let made: Request | undefined
  const request = (): Request => {
    if (made) return made
    const init: RequestInit = {
      method: hop.method,
      headers: hop.headers,
      body: hop.body,
      signal: deadline.signal,
      redirect,
    }
    if (plan.credentials !== undefined) init.credentials = plan.credentials
    made = new Request(hop.href, init)
    return made
  }
  const ctx: HopContext = {
    body: hop.body,
    signal: deadline.current,
    timeout: plan.timeout,
    maxResponseSize: plan.maxResponseSize,
    proxy: caps.proxy ? selectProxy(hop.url, plan.proxy, plan.env, session.trustEnv) : null,
    tls: session.tls,
    redirect,
    credentials: plan.credentials,
  }
  checkOpen(internals)
  // Outside the try: what the adapter throws synchronously (a bad `tls` option) is not a
  // transport failure and is thrown as it is.
  const pending = adapter[sendHopKey](hop, ctx)
  let held: HopResponse
  try {
    held = await pending
  } catch (error) {
    throw translateFailure(plan, error, request, ctx, deadline)
  }
  if (caps.readSetCookie) {
    try {
      storeSetCookie(plan, held.getSetCookie(), hop.href)
    } catch (error) {
      await held.discard()
      throw error
    }
  }
  return { request, held }
}
