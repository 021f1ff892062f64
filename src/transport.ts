/**
 * The call into the adapter for one hop: the emulated connect/response limits where the
 * transport has none, and the translation of a transport failure into a `SessionError`
 * (the platform's mapping first, then the core's).
 * @module
 */
import { required } from './capabilities.ts'
import {
  ClosedSessionError,
  ConnectionError,
  describeRequest,
  SessionError,
  TimeoutError,
} from './errors.ts'
import type { Plan } from './plan.ts'
import type { AdapterContext, HopContext } from './platform.ts'
import type { Deadline } from './timeout.ts'

/** Runs the adapter under the emulated connect/response limits where the transport has none. */
export async function fetchWithLimits(
  plan: Plan,
  fetcher: (request: Request, ctx: AdapterContext) => Promise<Response>,
  request: Request,
  ctx: AdapterContext,
  deadline: Deadline,
): Promise<Response> {
  const { connect, response } = plan.timeout
  const emulate = !plan.internals.platform.capabilities.transportTimeouts && (connect || response)
  if (!emulate) return mapFailure(plan, fetcher(request, ctx), () => request, ctx, deadline)
  // NOTE(spec): without a transport that separates them, connect + response bound the wait for headers.
  const ms = (connect ?? 0) + (response ?? 0)
  const limit = deadline.limit(response ? 'response' : 'connect', ms)
  const limited = new Request(request, { signal: limit.signal })
  try {
    return await mapFailure(
      plan,
      fetcher(limited, { ...ctx, signal: limit.signal }),
      () => limited,
      ctx,
      deadline,
      limit.signal,
    )
  } finally {
    limit.clear()
  }
}

/** Translates a transport failure: the platform's mapping first, then the core's. */
async function mapFailure<T>(
  plan: Plan,
  pending: Promise<T>,
  request: () => Request,
  ctx: AdapterContext | HopContext,
  deadline: Deadline,
  signal?: AbortSignal,
): Promise<T> {
  try {
    return await pending
  } catch (error) {
    throw translateFailure(plan, error, request, ctx, deadline, signal)
  }
}

/** The error to throw for a transport failure: the platform's mapping first, then the core's. */
export function translateFailure(
  plan: Plan,
  error: unknown,
  request: () => Request,
  ctx: AdapterContext | HopContext,
  deadline: Deadline,
  signal?: AbortSignal,
): unknown {
  const watched = signal ?? deadline.current
  const reason: unknown = watched?.aborted ? watched.reason : undefined
  if (reason instanceof TimeoutError) return withRequest(reason, request())
  if (error instanceof TimeoutError) return withRequest(error, request())
  if (error instanceof SessionError) return error
  if (deadline.aborted) return deadline.signal.reason
  const full: AdapterContext = { ...ctx, signal: ctx.signal ?? deadline.signal }
  const mapped = plan.internals.platform.mapError(error, request(), full)
  if (mapped) return mapped
  if (error instanceof TypeError) {
    // Fetch §4.1: a network error rejects with a TypeError; the runtime's error stays the cause.
    return new ConnectionError(`Connection failed: ${describeRequest(request())}`, {
      request: request(),
      cause: error,
    })
  }
  return error
}

/** A `TimeoutError` raised by a timer knows no request; give it one for its message. */
function withRequest(error: TimeoutError, request: Request): TimeoutError {
  return error.request ? error : new TimeoutError(error.limit, error.timeout, { request })
}

/** The proxy for a hop's URL (the one proxy selection), or `null` for a direct connection. */
export function proxyFor(plan: Plan, url: URL): string | null {
  const { platform } = plan.internals
  if (!platform.capabilities.proxy) return null
  return required(platform, 'selectProxy')(url, plan.proxy, plan.env, plan.session.trustEnv)
}

/** @throws {ClosedSessionError} once the session is closed. */
export function checkOpen(plan: Plan, request: Request | (() => Request)): void {
  if (!plan.internals.isClosed()) return
  const sent = typeof request === 'function' ? request() : request
  throw new ClosedSessionError(
    `The session was closed while the request was in flight: ${describeRequest(sent)}`,
    { request: sent },
  )
}
