/**
 * Maps Node/undici failures to the session's error tree, in one function (after httpx's
 * `map_httpcore_exceptions`). The core never inspects `UND_ERR_*` codes.
 * @module
 */
import {
  ConnectionError,
  describeRequest,
  TimeoutError,
  type SessionError,
} from '../../src/errors.ts'
import type { AdapterContext, HopContext } from '../../src/platform.ts'

// undici's defaults when the session sets no limit (Agent connect.timeout, headersTimeout).
const defaultConnectTimeout = 10_000
const defaultResponseTimeout = 300_000

/** The first `code` along an error's `cause` chain (undici wraps the socket error in `TypeError('fetch failed')`). */
function findCode(error: unknown): { code: string | undefined; root: unknown } {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') return { code, root: current }
    const errors = (current as { errors?: unknown }).errors
    if (Array.isArray(errors) && errors.length > 0) {
      // AggregateError from happy-eyeballs connection attempts: report the first.
      const inner = findCode(errors[0])
      if (inner.code) return inner
    }
    current = (current as { cause?: unknown }).cause
  }
  return { code: undefined, root: error }
}

/** Translates an error thrown by the Node transport; `undefined` leaves it to the core. */
export function mapNodeError(
  error: unknown,
  request: Request,
  ctx: AdapterContext,
): SessionError | undefined {
  if (error instanceof Error && error.name === 'AbortError') return undefined
  const { code, root } = findCode(error)
  const cause = root === error && error instanceof Error && error.cause ? error.cause : root
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new TimeoutError('connect', ctx.timeout.connect ?? defaultConnectTimeout, {
        request,
        cause,
      })
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return new TimeoutError('response', ctx.timeout.response ?? defaultResponseTimeout, {
        request,
        cause,
      })
    case undefined:
      if (error instanceof TypeError && error.message === 'fetch failed') {
        return new ConnectionError(`Connection failed: ${describeRequest(request)}`, {
          request,
          cause,
        })
      }
      return undefined
    default: {
      const detail = cause instanceof Error && cause.message ? ` (${cause.message})` : ''
      return new ConnectionError(
        `Connection failed with ${code}${detail}: ${describeRequest(request)}`,
        {
          request,
          cause,
          code,
        },
      )
    }
  }
}

/**
 * Maps a failure while a body is read (after the headers): undici's `bodyTimeout`, which the
 * session sets to its `response` limit, fired between two chunks, so it is a
 * `TimeoutError` whose `limit` is `'response'` (requests' read timeout, as for the wait for
 * headers). `undefined` for anything else (the caller makes it a `ConnectionError`).
 */
export function mapNodeBodyError(
  error: unknown,
  request: Request | undefined,
  timeout: HopContext['timeout'] | undefined,
): TimeoutError | undefined {
  const { code, root } = findCode(error)
  if (code !== 'UND_ERR_BODY_TIMEOUT') return undefined
  return new TimeoutError('response', timeout?.response ?? defaultResponseTimeout, {
    request,
    cause: root,
  })
}
