/**
 * `response.next`: with `allowRedirects: false`, the request the redirect follower would
 * send next, planned by the same redirect planner. Where the runtime follows redirects
 * itself (the browser) there is none, so only the follower imports this. Pure: no I/O.
 * @module
 */
import type { Plan } from './plan.ts'
import { planRedirect, type HopState } from './redirect.ts'
import { hopRequest } from './unsent.ts'

/**
 * With `allowRedirects: false`, the `Request` the follower would send next for `hop`'s
 * response, or `null` when it would not follow it.
 */
export function nextRequest(
  plan: Plan,
  hop: HopState,
  head: { status: number; headers: Pick<Headers, 'get'> },
): () => Request | null {
  const decision = planRedirect(hop, head, plan.policy)
  if (decision.type !== 'follow') return () => null
  const next = decision.next
  // Made when read: the jar then holds this response's cookies, as the follower's next hop would.
  return () => hopRequest(plan, next, undefined)
}
