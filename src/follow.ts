/**
 * The redirect follower: one attempt of a request where the session follows redirects itself
 * (stages 2a–2c and 3 of `src/send.ts`). Each hop is sent by `sendHop` (its `Set-Cookie`
 * reaches the jar first), `planRedirect` decides, `beforeRedirect` hooks may edit or stop the
 * next hop, and every followed hop lands in `history`. Supplied by the entries whose runtime
 * lets the session see redirects (`Platform.features.followRedirects`); the browser, which
 * follows them itself, does not bundle it.
 * @module
 */
import { describeRequest, RedirectError, TooManyRedirectsError } from './errors.ts'
import { planRedirect, stripCredentials, type HopState, type RedirectPolicy } from './redirect.ts'
import { decorateResponse } from './response.ts'
import { now, responseOf, sendHop, type Plan } from './send.ts'
import type { Deadline } from './timeout.ts'
import type { SessionResponse } from './types.ts'

/** One attempt: sends hops until a final response (stages 2a–2c and 3). */
export async function followRedirects(
  plan: Plan,
  deadline: Deadline,
  attempt: number,
): Promise<SessionResponse> {
  const { session } = plan
  const history: HistoryEntry[] = []
  const started = now()
  const finish = (response: Response, request: () => Request): SessionResponse =>
    decorateResponse(response, { request, history: historyOf(history), elapsed: now() - started })
  let hop = plan.first
  for (let n = 0; ; n++) {
    const sent = await sendHop(plan, hop, deadline, attempt, n)
    const { request } = sent
    const status = sent.held ? sent.held.status : sent.response.status
    if (plan.redirect === 'error' && redirectStatuses.has(status)) {
      // Fetch §4.4 HTTP fetch: with `redirect: 'error'` a redirect status is a network error.
      const response = responseOf(sent)
      await discard(response)
      const cause = new RedirectError(
        `Refused to follow the redirect from ${describeRequest(request())}: the request's redirect mode is 'error'`,
        { request: request(), response },
      )
      throw new TypeError('fetch failed: unexpected redirect', { cause })
    }
    // A hop whose body the transport still holds: a redirect followed with no hook to see
    // it drops the body unread, and its (bodiless) history Response is made only if read.
    const held = sent.held
    if (held && mayFollow(plan, held.status, history.length)) {
      // The planner reads only `location`: no `Headers` is built for it.
      const headers = { get: (name: string) => (name === 'location' ? held.location : null) }
      const decision = planRedirect(hop, { status: held.status, headers }, plan.policy)
      if (decision.type === 'follow') {
        await held.discard()
        const elapsed = now() - started
        history.push(() => decorateResponse(held.head(), { request, history: [], elapsed }))
        hop = decision.next
        continue
      }
    }
    const response = responseOf(sent)
    if (!plan.allowRedirects || plan.redirect === 'manual') {
      return finish(response, request)
    }
    const decision = planRedirect(hop, response, plan.policy)
    if (decision.type === 'final') {
      return finish(response, request)
    }
    if (decision.type === 'refuse') {
      await discard(response)
      throw new RedirectError(
        `Refused to follow the redirect from ${describeRequest(request())}: ${decision.reason}`,
        {
          request: request(),
          response,
        },
      )
    }
    if (history.length >= plan.maxRedirects) {
      await discard(response)
      throw new TooManyRedirectsError(
        plan.maxRedirects,
        response,
        [...responsesOf(history), response],
        { request: request() },
      )
    }
    const next = decision.next
    const editable = { url: next.url, method: next.method, headers: next.headers }
    let stop = false
    for (const hook of plan.hooks.beforeRedirect) {
      const ctx = { request: request(), response, next: editable, session, hop: n + 1 }
      if ((await hook(ctx)) === false) {
        stop = true
        break
      }
    }
    if (stop) {
      return finish(response, request)
    }
    await discard(response)
    history.push(decorateResponse(response, { request, history: [], elapsed: now() - started }))
    hop = retarget(next, editable, plan.policy)
  }
}

// Fetch "redirect status".
const redirectStatuses = new Set([301, 302, 303, 307, 308])

/** A hop of the history: its Response, or (a hop whose body was dropped) what makes it. */
type HistoryEntry = Response | (() => Response)

function responsesOf(history: HistoryEntry[]): Response[] {
  return history.map((entry) => (typeof entry === 'function' ? entry() : entry))
}

/** The history for `decorateResponse`: the array, or what makes it on first access. */
function historyOf(history: HistoryEntry[]): Response[] | (() => Response[]) {
  if (!history.some((entry) => typeof entry === 'function')) return history as Response[]
  let made: Response[] | undefined
  return () => (made ??= responsesOf(history))
}

/** Whether a response with `status` may be a redirect followed without any hook seeing it. */
function mayFollow(plan: Plan, status: number, hops: number): boolean {
  return (
    status >= 300 &&
    status < 400 &&
    plan.allowRedirects &&
    plan.redirect === 'follow' &&
    hops < plan.maxRedirects &&
    plan.hooks.beforeRedirect.length === 0
  )
}

/**
 * The hop a `beforeRedirect` hook settled on. A hook that moves the hop to another origin
 * gets the same credential policy as a redirect there.
 */
function retarget(
  planned: HopState,
  edited: { url: URL | string; method: string; headers: Headers },
  policy: RedirectPolicy,
): HopState {
  const hop = {
    ...planned,
    url: new URL(edited.url),
    method: edited.method,
    headers: edited.headers,
  }
  return stripCredentials(hop, planned.url, policy)
}

/** Reads a small redirect body so the connection can be reused; cancels a large one. */
async function discard(response: Response): Promise<void> {
  if (!response.body || response.bodyUsed) return
  const length = Number(response.headers.get('content-length') ?? 'NaN')
  try {
    if (length <= 65_536) await response.arrayBuffer()
    else await response.body.cancel()
  } catch {
    // The body of a response we are not returning: nothing to report.
  }
}
