/**
 * The `Request` of a hop that is not sent: the first hop of `s.prepareRequest()`, and the
 * next hop of a redirect that was not followed (`response.next`). Remembers the body each
 * was made from, so `s.send()` can send it again. Pure: no I/O.
 * @module
 */
import type { Plan } from './plan.ts'
import { buildRequest, cookieFor } from './prepare.ts'
import type { BodySource, HopState } from './redirect.ts'

/**
 * The body each prepared `Request` was made from, so `send()` can send it again on a 307/308
 * or a retry (a `Request`'s own body is a one-shot stream). `'buffer'`: a `FormData`, whose
 * boundary is fixed in the `Content-Type` of the `Request`, so its bytes are sent.
 */
const bodies = new WeakMap<Request, BodySource | 'buffer'>()

/**
 * The `Request` of a hop as the session would send it: the jar's `Cookie` (with request
 * cookies where allowed), and a fixed `Authorization` (basic, bearer) where the hop may carry
 * auth. An auth handler (a function, Digest) runs when the request is sent.
 */
export function hopRequest(plan: Plan, hop: HopState, signal: AbortSignal | undefined): Request {
  const request = buildRequest(hop, {
    cookie: cookieFor(plan, hop),
    signal: signal as AbortSignal,
    redirect: plan.hopRedirect,
    credentials: plan.credentials,
  })
  if (plan.auth?.kind === 'header' && hop.authAllowed)
    request.headers.set('authorization', plan.auth.value)
  const { value } = hop.body
  if (value !== null && hop.body.replayable)
    bodies.set(
      request,
      typeof FormData !== 'undefined' && value instanceof FormData ? 'buffer' : hop.body,
    )
  return request
}

/** The body `request` was made from, when {@link hopRequest} made it. */
export function bodyOf(request: Request): BodySource | 'buffer' | undefined {
  return bodies.get(request)
}
