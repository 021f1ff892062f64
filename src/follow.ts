/**
 * The redirect follower: one attempt of a request where the session follows redirects itself.
 * Each hop is sent by `src/hop.ts` (its `Set-Cookie` reaches the jar first), `planRedirect`
 * decides once per hop, `beforeRedirect` hooks may edit or stop the next hop, and every
 * followed hop lands in `history`. Imports `hop.ts` only, never `send.ts`. Supplied by the
 * entries whose runtime lets the session see redirects (`Platform.features.followRedirects`);
 * the browser, which follows them itself, does not bundle it.
 * @module
 */
import { hopEvent, strippedBetween } from './debug.ts'
import { describeRequest, RedirectError, TooManyRedirectsError } from './errors.ts'
import { now, sendHop, type SentHop } from './hop.ts'
import type { Plan } from './plan.ts'
import { nextRequest } from './next-request.ts'
import { trackDownload } from './progress.ts'
import {
  planRedirect,
  redirectStatuses,
  stripCredentials,
  type HopState,
  type RedirectPolicy,
} from './redirect.ts'
import { decorateResponse } from './response.ts'
import type { Deadline } from './timeout.ts'
import type { BodyShortcut } from './shortcut.ts'
import type { DebugEvent, SessionResponse } from './types.ts'

/** One attempt: sends hops until a final response. */
export async function followRedirects(
  plan: Plan,
  deadline: Deadline,
  attempt: number,
): Promise<SessionResponse | BodyShortcut> {
  const { session } = plan
  // Each followed hop's `Response`, made only if `history` is read: a redirect followed with
  // no hook to see it is dropped without a stream ever being made for its body.
  const history: (() => Response)[] = []
  const started = now()
  let hop = plan.first
  const { debug } = plan
  const download = plan.progress.download
  for (let n = 0; ; n++) {
    const hopStarted = debug ? now() : 0
    const sent = debug
      ? await sendHop(plan, hop, deadline, attempt, n).catch((error: unknown) => {
          const ms = now() - hopStarted
          debug(hopEvent(hop, { status: 0, ms, attempt, hop: n, redirect: 'failed', error }))
          throw error
        })
      : await sendHop(plan, hop, deadline, attempt, n)
    const { request, cookies } = sent
    const current = hop
    // Debug: one event per hop, with the decision taken for it.
    const report = (redirect: DebugEvent['redirect'], next?: HopState): void =>
      debug?.(
        hopEvent(current, {
          status: sent.status,
          ms: now() - hopStarted,
          attempt,
          hop: n,
          cookies,
          redirect,
          location: next?.url,
          stripped:
            next && strippedBetween(current, next, plan.policy, !!plan.auth, !!plan.cookies),
        }),
      )
    const finish = (
      response?: Response,
      next?: () => Request | null,
    ): SessionResponse | BodyShortcut => {
      const fields = {
        request,
        history: historyOf(history),
        elapsed: now() - started,
        cookies,
        next,
      }
      const body = sent.body
      if (response === undefined && body && !download && takesShortcut(plan, sent.status)) {
        return { shortcut: true, body, response: () => decorateResponse(sent.head(), fields) }
      }
      const final = response ?? sent.response()
      return decorateResponse(download ? trackDownload(final, download) : final, fields)
    }
    if (plan.redirect === 'error' && redirectStatuses.has(sent.status)) {
      report('not-followed')
      // Fetch §4.4 HTTP fetch: with `redirect: 'error'` a redirect status is a network error.
      await sent.discard()
      const cause = new RedirectError(
        `Refused to follow the redirect from ${describeRequest(request())}: the request's redirect mode is 'error'`,
        { request: request(), response: sent.head() },
      )
      throw new TypeError('fetch failed: unexpected redirect', { cause })
    }
    // The planner reads only `status` and `location`: no `Headers` is built for it.
    const head = { status: sent.status, headers: { get: (name: string) => locationOf(sent, name) } }
    if (!plan.allowRedirects || plan.redirect === 'manual') {
      report(redirectStatuses.has(sent.status) ? 'not-followed' : 'final')
      return finish(undefined, plan.allowRedirects ? undefined : nextRequest(plan, hop, head))
    }
    const decision = planRedirect(hop, head, plan.policy)
    if (decision.type === 'final') {
      report('final')
      return finish()
    }
    if (decision.type === 'refuse') {
      report('refused')
      await sent.discard()
      throw new RedirectError(
        `Refused to follow the redirect from ${describeRequest(request())}: ${decision.reason}`,
        { request: request(), response: sent.head() },
      )
    }
    if (history.length >= plan.maxRedirects) {
      report('too-many')
      const response = sent.response()
      await sent.discard()
      throw new TooManyRedirectsError(
        plan.maxRedirects,
        response,
        [...history.map((entry) => entry()), response],
        { request: request() },
      )
    }
    const next = decision.next
    // requests resolve_redirects: a sent Request's own Cookie header is rebuilt from the jar.
    if (plan.prepared) next.headers.delete('cookie')
    if (plan.hooks.beforeRedirect.length > 0) {
      const response = sent.response()
      const editable = { url: next.url, method: next.method, headers: next.headers }
      for (const hook of plan.hooks.beforeRedirect) {
        const ctx = { request: request(), response, next: editable, session, hop: n + 1 }
        if ((await hook(ctx)) === false) {
          report('stopped')
          return finish(response)
        }
      }
      hop = retarget(next, editable, plan.policy)
    } else hop = next
    if (debug) report('follow', hop)
    await sent.discard()
    const elapsed = now() - started
    let made: Response | undefined
    history.push(
      () => (made ??= decorateResponse(sent.head(), { request, history: [], elapsed, cookies })),
    )
  }
}

/**
 * Whether the final response may be answered through the body shortcut: the caller asked
 * for a body through the promise and nothing else can see the `Response` (the promise not
 * awaited, no `response` hooks, no retry on this status, no `raiseForStatus` to throw) and
 * no body limit needs the body as a stream (`timeout.body`, `maxResponseSize`).
 */
function takesShortcut(plan: Plan, status: number): boolean {
  const { want, retry } = plan
  return (
    want !== undefined &&
    want.kind !== undefined &&
    !want.seen &&
    plan.hooks.response.length === 0 &&
    !(retry.limit > 0 && retry.statusCodes.has(status)) &&
    !(plan.raiseForStatus && status >= 400 && status < 600) &&
    plan.timeout.body === undefined &&
    plan.maxResponseSize === undefined
  )
}

function locationOf(sent: SentHop, name: string): string | null {
  return name === 'location' ? sent.location : null
}

/** The history for `decorateResponse`: what makes the array on first access. */
function historyOf(history: (() => Response)[]): Response[] | (() => Response[]) {
  if (history.length === 0) return []
  let made: Response[] | undefined
  return () => (made ??= history.map((entry) => entry()))
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
