/**
 * The Node fast path's half in the core, supplied by the Node entry
 * (`Platform.features.outgoingHop`) so that other bundles leave it out: a hop as plain data
 * for a transport that speaks the hop protocol (`HopSender`), when nothing needs its
 * `Request` before it is sent. `src/hop.ts` sends it; pure, no I/O.
 * @module
 */
import type { Plan } from './plan.ts'
import type { OutgoingHop } from './platform.ts'
import type { HopState } from './redirect.ts'

// The methods a `Request` takes as they are (others are checked, normalised or refused by it).
const directMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

/**
 * The hop as plain data for the transport's fast path, or `undefined` when something needs
 * the `Request` before it is sent: auth, a `beforeRequest` hook, emulated timeouts, or a body
 * or method the `Request` constructor must encode or check. The headers are those the
 * `Request` would hold: the jar's `Cookie` and the body's implied `Content-Type` added.
 */
export function outgoingHop(plan: Plan, hop: HopState, cookie: string): OutgoingHop | undefined {
  if ((plan.auth && (hop.authAllowed || plan.auth.everyHop)) || plan.hooks.beforeRequest.length > 0)
    return undefined
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
