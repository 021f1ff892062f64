/**
 * Prepared requests (requests' `prepare_request` and `send`): the first hop of a request as
 * a `Request` that nothing has sent, and the plan that sends any `Request` through the
 * session with no second merge of its defaults. At the plan's layer. Pure: no I/O.
 * @module
 */
import { bodyOf, hopRequest } from './unsent.ts'
import { resolvePlan, type Plan } from './plan.ts'
import { firstHop } from './prepare.ts'
import type { BodySource } from './redirect.ts'
import type { Session, SessionInternals } from './session.ts'
import type { SessionRequestInit } from './types.ts'
import { invalid } from './util/validate.ts'

/** requests' `prepare_request`: the request merged over the session as its first hop would go. */
export function prepareRequest(
  session: Session,
  internals: SessionInternals,
  method: string,
  url: string | URL,
  init: SessionRequestInit,
): Request {
  const plan = resolvePlan(session, internals, method, url, init)
  return hopRequest(plan, plan.first, init.signal ?? undefined)
}

/** The per-request options `send()` takes; what a `Request` carries itself is final. */
const sendOptions = new Set([
  'allowRedirects',
  'auth',
  'credentials',
  'hooks',
  'maxRedirects',
  'maxResponseSize',
  'onDownloadProgress',
  'onUploadProgress',
  'proxy',
  'raiseForStatus',
  'redirect',
  'retry',
  'signal',
  'timeout',
])

/**
 * Checks the arguments of `s.send()` as they are given.
 * @throws {TypeError} for something else than a `Request`, or an option that belongs on it
 * (headers, body, params…).
 */
export function checkSend(request: unknown, init: SessionRequestInit): void {
  if (!(request instanceof Request)) throw invalid('request', 'a Request', request)
  for (const key of Object.keys(init)) {
    if (!sendOptions.has(key))
      throw invalid(`init.${key}`, 'no value', (init as Record<string, unknown>)[key], {
        hint: 'send() sends the Request as it is: set it on the Request, or use prepareRequest()',
      })
  }
}

/**
 * The plan that sends `request` as it is (requests' `Session.send`): its URL, method, headers
 * (a `Cookie` and `Authorization` included) and body go unchanged. On redirect hops the
 * follower rebuilds `Cookie` from the jar; a fixed session auth is not added (requests'
 * `rebuild_auth` only strips it), while an auth handler (Digest, `.netrc`) still answers.
 */
export async function planRequest(
  session: Session,
  internals: SessionInternals,
  request: Request,
  init: SessionRequestInit,
): Promise<Plan> {
  // Timeouts, retries, hooks, proxy and redirects resolved as for any request; the first hop
  // and auth are the Request's own.
  const base = resolvePlan(session, internals, request.method, request.url, init)
  const remembered = bodyOf(request)
  let body: BodySource
  if (request.body === null) body = { value: null, replayable: true }
  else if (remembered === 'buffer') body = { value: await request.arrayBuffer(), replayable: true }
  else body = remembered ?? { value: request.body, replayable: false }
  const first = firstHop(new URL(request.url), request.method, new Headers(request.headers), body)
  // An explicit `auth` applies; the session's fixed auth was applied by prepareRequest() (or
  // deliberately not), while its handler (Digest, a function) answers when the request goes.
  const auth =
    init.auth !== undefined ? base.auth : base.auth?.kind === 'handler' ? base.auth : null
  return { ...base, first, auth, cookies: undefined, prepared: true }
}
