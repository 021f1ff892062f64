/**
 * One hop, start to end: `Cookie` from the jar → `Request` → auth → `beforeRequest` hooks →
 * adapter → `Set-Cookie` stored, before anything else sees the response. The only place that
 * stores `Set-Cookie` (httpx's `_send_single_request` extracts cookies in one place; requests
 * does it in four).
 *
 * The platform's fast path is a variant of this hop, not a second lifecycle: where the
 * transport speaks the hop protocol (`HopSender`, Node) and nothing needs the `Request`
 * before it is sent, the hop goes as plain data (`Platform.features.plainHop`, in
 * `src/direct.ts`), and its `Request` is made by the same builder, from the same data, only
 * if something asks for it.
 * @module
 */
import { applyAuth } from './auth.ts'
import { required } from './capabilities.ts'
import type { Cookie } from './cookies/types.ts'
import { discardBody } from './drain.ts'
import type { Plan } from './plan.ts'
import type { AdapterContext } from './platform.ts'
import { buildRequest, cookieFor } from './prepare.ts'
import { trackUpload } from './progress.ts'
import type { HopState } from './redirect.ts'
import { toRealmResponse } from './response.ts'
import type { BodyKind } from './shortcut.ts'
import type { Deadline } from './timeout.ts'
import { checkOpen, fetchWithLimits, proxyFor } from './transport.ts'

/**
 * A hop whose response headers arrived. Its body is still undecided: `response()` hands it
 * over (a genuine `Response`, made once), `discard()` drops it by the one policy of
 * `src/drain.ts`, and `head()` is the `Response` for `history` (no body once dropped).
 */
export interface SentHop {
  readonly status: number
  readonly statusText: string
  /** The `Location` value as `Headers.get('location')` gives it, or `null`. */
  readonly location: string | null
  /** A header as `Headers.get(name)` gives it, or `null`. */
  readonly header: (name: string) => string | null
  /** The whole body as the body mixin's `kind` would give it, without a stream (the body shortcut). */
  readonly body?: ((kind: BodyKind) => Promise<unknown>) | undefined
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
  const { internals } = plan
  deadline.throwIfAborted()
  // requests adapters.py cert_verify raises for an https URL only; so does this, per hop.
  if (plan.badBundle && hop.url.protocol === 'https:')
    throw plan.badBundle(new Request(hop.url, { method: hop.method }))
  // Upload progress: this hop's body as a counting stream, made from the hop's own source.
  const upload = plan.progress.upload
  // The hop's own body source when it can be sent again (a challenge's retry rebuilds the
  // request from it: upload progress replaces the hop's body with a one-shot counting stream).
  const source = hop.body.replayable ? hop.body.value : null
  let uploaded: (() => void) | undefined
  if (upload && hop.body.value !== null) {
    const tracked = await trackUpload(hop, upload, internals.platform.capabilities.streamUploads)
    hop = tracked.hop
    uploaded = tracked.sent
  }
  const cookie = cookieFor(plan, hop)
  // The one `Request` builder of a hop (`src/prepare.ts`), for both variants.
  const build = (): Request =>
    buildRequest(hop, {
      cookie,
      signal: deadline.signal,
      redirect: plan.hopRedirect,
      credentials: plan.credentials,
    })
  // The platform's fast path (Node): the same hop as plain data, or `undefined`.
  const plain = internals.platform.features.plainHop?.(plan, hop, cookie, build, deadline, {
    store: required(internals.platform, 'storeSetCookie'),
  })
  // `return await`: one microtask, where returning the promise from an async function costs three.
  if (plain && !uploaded) return await plain
  const sent = await (plain ??
    sendRequest(plan, hop, build(), cookie, deadline, attempt, n, source))
  uploaded?.()
  return sent
}

/** The `Request` variant: auth and `beforeRequest` hooks see (and may replace) the `Request`. */
async function sendRequest(
  plan: Plan,
  hop: HopState,
  built: Request,
  cookie: string,
  deadline: Deadline,
  attempt: number,
  n: number,
  source: BodyInit | null,
): Promise<SentHop> {
  const { session, internals } = plan
  // close() ends this hop too (the fast path's transport ends its own hops itself).
  deadline.follow(internals.closeSignal())
  let request = built
  let replaced = false
  if (plan.auth && (hop.authAllowed || plan.auth.everyHop === true)) {
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
    timeout: {
      connect: plan.timeout.connect,
      response: plan.timeout.response,
      body: plan.timeout.body,
    },
    maxResponseSize: plan.maxResponseSize,
    proxy: proxyFor(plan, new URL(request.url)),
    tls: plan.tls,
    // The session's redirect mode always wins over the mode of a `Request` a hook returned.
    redirect: plan.hopRedirect,
    credentials: plan.credentials,
    defaultUserAgent: plan.defaultUserAgent,
  }
  let cookies: Cookie[] = []
  const keep = (stored: Cookie[]): void => {
    cookies = stored
  }
  const exchange = async (sent: Request, context: AdapterContext): Promise<Response> => {
    checkOpen(plan, sent)
    const adapter = internals.adapterFor(sent.url, () => sent)
    const answer = await fetchWithLimits(plan, adapter.fetch.bind(adapter), sent, context, deadline)
    return received(plan, answer, sent.url, keep)
  }
  const onResponse = plan.auth?.kind === 'handler' ? plan.auth.handler.onResponse : undefined
  response = response ? received(plan, response, request.url, keep) : await exchange(request, ctx)
  if (onResponse && hop.authAllowed) {
    response = await onResponse(
      response,
      (retried) => {
        // requests auth.py handle_401: the retry carries the cookies the 401 just set.
        if (
          internals.platform.capabilities.sendCookie &&
          retried.headers.get('cookie') === (cookie || null)
        ) {
          const fresh = cookieFor(plan, hop, new URL(retried.url))
          if (fresh) retried.headers.set('cookie', fresh)
        }
        request = retried
        return exchange(retried, { ...ctx, body: undefined })
      },
      replaced ? request : unsent(request, source),
    )
  }
  const sent = request
  const final = response
  return {
    status: final.status,
    statusText: final.statusText,
    location: final.headers.get('location'),
    header: (name) => final.headers.get(name),
    request: () => sent,
    response: () => final,
    head: () => final,
    discard: () => discardBody(final),
    cookies,
  }
}

/**
 * The request a challenge scheme (Digest) answers, with its body unread. Where the transport
 * read the sent request's own body (Deno, Bun, a browser, a counting stream), a replayable
 * body is rebuilt from the hop's source, after the first attempt: nothing is held twice
 * while it uploads. A one-shot stream is never rebuilt (RFC 7616 gives no way to resend it).
 */
function unsent(request: Request, source: BodyInit | null): Request {
  if (source === null || request.body === null || !request.bodyUsed) return request
  const headers = new Headers(request.headers)
  // A multipart body gets a new boundary, so its type is made again with it.
  if (source instanceof FormData) headers.delete('content-type')
  return new Request(request.url, {
    method: request.method,
    headers,
    body: source,
    signal: request.signal,
    redirect: request.redirect,
    credentials: request.credentials,
    duplex: 'half',
  } as RequestInit)
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
    stored(required(plan.internals.platform, 'storeSetCookie')(plan, values, response.url || url))
  }
  return response
}

/**
 * Stores a hop's `Set-Cookie` values in the jar, before the next hop is built; returns the
 * cookies stored (those the jar ignored or that expired on arrival are not listed).
 */
export function storeSetCookie(plan: Plan, values: string[], url: string): Cookie[] {
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

/** Milliseconds on a monotonic clock where there is one. */
export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now()
}
