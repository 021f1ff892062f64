/**
 * Attempts: the request lifecycle above the hops. Its stages, in order:
 *
 * 1. plan — the request merged over the session, validated, its first hop (`src/plan.ts`)
 * 2. attempt — for each try (the retry policy decides, `beforeRetry` hooks can veto):
 *    the redirect follower (`src/follow.ts`), or where the runtime follows redirects itself
 *    (the browser) one hop (`src/hop.ts`). Each hop: Cookie from the jar → `Request` → auth →
 *    `beforeRequest` hooks → adapter → `Set-Cookie` stored, before anything else
 * 3. decorate — `history`, `request`, `elapsed`, `raiseForStatus()`
 * 4. `error` hooks on each failure; `response` hooks on the final response; then the
 *    `raiseForStatus` option
 *
 * Layers call only down: session → send → follow → hop → transport. Nothing below imports
 * this file.
 * @module
 */
import { limitBody } from './body.ts'
import { required } from './capabilities.ts'
import { hopEvent } from './debug.ts'
import { SessionError, TimeoutError } from './errors.ts'
import { now, sendHop } from './hop.ts'
import { resolvePlan, type Plan } from './plan.ts'
import { decorateResponse } from './response.ts'
import { trackDownload } from './progress.ts'
import { planRetry } from './retry.ts'
import type { Session, SessionInternals } from './session.ts'
import { Deadline, sleep } from './timeout.ts'
import { isShortcut, type BodyShortcut, type BodyWant } from './shortcut.ts'
import type { SessionRequestInit, SessionResponse } from './types.ts'

/** Sends one request through the session: the whole lifecycle, retries and redirects included. */
export async function send(
  session: Session,
  internals: SessionInternals,
  method: string,
  input: string | URL,
  init: SessionRequestInit,
  want?: BodyWant,
): Promise<SessionResponse | BodyShortcut> {
  return sendPlan(resolvePlan(session, internals, method, input, init, want), init.signal)
}

/** Sends a resolved plan (a request, or a `Request` sent as it is by `s.send()`). */
export async function sendPlan(
  plan: Plan,
  signal: AbortSignal | null | undefined,
): Promise<SessionResponse | BodyShortcut> {
  const deadline = new Deadline(signal, plan.timeout.total)
  try {
    const response = await attempts(plan, deadline)
    deadline.settle()
    if (isShortcut(response)) return response
    // Body limits and body errors as SessionErrors, where the transport does not see to them.
    return limitBody(response, {
      body: plan.timeout.body,
      maxResponseSize: plan.maxResponseSize,
      closed: plan.internals.closeSignal(),
    })
  } catch (error) {
    deadline.dispose()
    throw error
  }
}

/** Attempts, each following its redirects; the retry policy decides on another. */
async function attempts(plan: Plan, deadline: Deadline): Promise<SessionResponse | BodyShortcut> {
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
      const answer = await follow(plan, deadline, attempt)
      // The follower answers through the body shortcut only when no retry, hook or
      // `raiseForStatus` would look at the response.
      if (isShortcut(answer)) return answer
      response = answer
    } catch (error) {
      failure = toSessionError(error, deadline)
    }
    if (failure !== undefined) {
      const recovered = await runErrorHooks(plan, failure, attempt)
      if (recovered instanceof Response) return final(plan, await runResponseHooks(plan, recovered))
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
      if (plan.hooks.response.length === 0 && 'history' in response) return final(plan, response)
      return final(plan, await runResponseHooks(plan, response))
    }
    await response?.body?.cancel().catch(() => undefined)
    // `close()` ends the wait with its ClosedSessionError (and clears the timer), as it ends
    // a request in flight.
    await sleep(delay, deadline.signal, plan.internals.closeSignal())
  }
}

/** The final response, or with `raiseForStatus` an `HTTPError` for a 4xx/5xx (ky's `throwHttpErrors`). */
function final(plan: Plan, response: SessionResponse): SessionResponse {
  return plan.raiseForStatus ? response.raiseForStatus() : response
}

/**
 * One attempt where the runtime follows redirects itself (the browser): the one hop it sends
 * is the final response, and there is no history to see.
 */
async function sendOnce(plan: Plan, deadline: Deadline, attempt: number): Promise<SessionResponse> {
  const started = now()
  const { debug, first } = plan
  const sent = await sendHop(plan, first, deadline, attempt, 0).catch((error: unknown) => {
    const ms = now() - started
    debug?.(hopEvent(first, { status: 0, ms, attempt, hop: 0, redirect: 'failed', error }))
    throw error
  })
  const { cookies } = sent
  const elapsed = now() - started
  debug?.(
    hopEvent(first, {
      status: sent.status,
      ms: elapsed,
      attempt,
      hop: 0,
      cookies,
      redirect: 'final',
    }),
  )
  const download = plan.progress.download
  const response = sent.response()
  return decorateResponse(download ? trackDownload(response, download) : response, {
    request: sent.request,
    history: [],
    elapsed,
    cookies,
  })
}

function toSessionError(error: unknown, deadline: Deadline): unknown {
  const timeout = deadline.timeout
  if (timeout && !(error instanceof TimeoutError)) return timeout
  return error
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
