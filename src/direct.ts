/**
 * The fast-path variant of one hop, supplied by the Node entry (`Platform.features.plainHop`)
 * so that other bundles leave it out: where the transport speaks the hop protocol
 * (`HopSender`) and nothing needs the `Request` before it is sent, `src/hop.ts` hands the hop
 * here; it goes as plain data, its `Set-Cookie` is stored through the hop layer's one store,
 * and its body can be read whole without a stream (the body shortcut).
 * @module
 */
import type { Cookie } from './cookies/types.ts'
import { sendHopKey } from './capabilities.ts'
import { discardBody } from './drain.ts'
import type { SentHop } from './hop.ts'
import type { Plan } from './plan.ts'
import type { HopContext, HopResponse, HopSender, OutgoingHop } from './platform.ts'
import type { HopState } from './redirect.ts'
import { bodyOf } from './shortcut.ts'
import type { Deadline } from './timeout.ts'
import { checkOpen, proxyFor, translateFailure } from './transport.ts'

/** What the hop layer lends the fast path: its one `Set-Cookie` store. */
export interface HopJar {
  readonly store: (plan: Plan, values: string[], url: string) => Cookie[]
}

/**
 * Sends `hop` as plain data through a transport that speaks the hop protocol, or returns
 * `undefined` when the hop needs its `Request` first or the adapter takes only a `Request`
 * (the caller then sends it as a `Request`). `build` makes the hop's `Request`, only if
 * something asks for it.
 */
export function plainHop(
  plan: Plan,
  hop: HopState,
  cookie: string,
  build: () => Request,
  deadline: Deadline,
  jar: HopJar,
): Promise<SentHop> | undefined {
  const out = outgoingHop(plan, hop, cookie)
  if (!out) return undefined
  const adapter = plan.internals.adapterFor(out.href, build)
  if (!(sendHopKey in adapter)) return undefined
  return sendPlain(plan, adapter as HopSender, out, build, deadline, jar)
}

// The methods a `Request` takes as they are (others are checked, normalised or refused by it).
const directMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

/**
 * The hop as plain data for the transport's fast path, or `undefined` when something needs
 * the `Request` before it is sent: auth, a `beforeRequest` hook, emulated timeouts, or a body
 * or method the `Request` constructor must encode or check. The headers are those the
 * `Request` would hold: the jar's `Cookie` and the body's implied `Content-Type` added.
 */
function outgoingHop(plan: Plan, hop: HopState, cookie: string): OutgoingHop | undefined {
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

/** The plain-data variant: no `Request` before the hop is sent (the transport's fast path). */
async function sendPlain(
  plan: Plan,
  adapter: HopSender,
  out: OutgoingHop,
  build: () => Request,
  deadline: Deadline,
  jar: HopJar,
): Promise<SentHop> {
  let made: Request | undefined
  const request = (): Request => (made ??= build())
  const ctx: HopContext = {
    body: out.body,
    signal: deadline.current,
    timeout: plan.timeout,
    maxResponseSize: plan.maxResponseSize,
    proxy: proxyFor(plan, out.url),
    tls: plan.tls,
    redirect: plan.hopRedirect,
    credentials: plan.credentials,
    defaultUserAgent: plan.defaultUserAgent,
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
      cookies = jar.store(plan, held.getSetCookie(), out.href)
    } catch (error) {
      await held.discard()
      throw error
    }
  }
  let response: Response | undefined
  return {
    status: held.status,
    statusText: held.statusText,
    location: held.location,
    header: (name) => (response ? response.headers.get(name) : held.header(name)),
    body: (kind) => held.read().then((bytes) => bodyOf(bytes, kind, held, request)),
    request,
    response: () => (response ??= held.response()),
    head: () => response ?? held.head(),
    discard: () => (response ? discardBody(response) : held.discard()),
    cookies,
  }
}
