/**
 * Body limits and body errors, for every runtime: `timeout.body` (the whole body within N ms
 * of the final headers), `maxResponseSize` (decoded bytes, checked while reading, so the
 * bytes never pile up), and a body cut short as a `ConnectionError` with the runtime's error
 * as `cause` (so one `instanceof SessionError` catches everything the session throws).
 *
 * A transport that already does all this on its own body path (the Node adapter, where it
 * is cheap) marks its responses with {@link markGuarded}; every other response is wrapped
 * once, at the end of the request, in a `ReadableStream` that reads the runtime's body chunk
 * by chunk (pull-based, so backpressure holds).
 * @module
 */
import {
  ConnectionError,
  describeRequest,
  ResponseTooLargeError,
  SessionError,
  TimeoutError,
} from './errors.ts'
import type { SessionResponse } from './types.ts'

/** The limits of one response body. */
export interface BodyLimits {
  /** Milliseconds to read the whole body in (`undefined`: none). */
  readonly body?: number | undefined
  /** Decoded bytes the body may have (`undefined`: none). */
  readonly maxResponseSize?: number | undefined
  /** Aborted by the session's `close()`: the body then errors with its reason. */
  readonly closed?: AbortSignal | undefined
}

const guarded = new WeakSet<Response>()

/** Marks a response whose transport enforces the body limits and maps body errors itself. */
export function markGuarded(response: Response): void {
  guarded.add(response)
}

/**
 * The error a body failure becomes: a `SessionError` as it is, the user's own abort
 * unchanged (it stays an `AbortError`), anything else a `ConnectionError` with the runtime's
 * error as `cause`.
 */
export function toBodyError(error: unknown, request: Request | undefined, code?: string): unknown {
  if (error instanceof SessionError) return error
  if (error instanceof Error && error.name === 'AbortError') return error
  const what = request ? `: ${describeRequest(request)}` : ''
  return new ConnectionError(`The connection failed while the body was read${what}`, {
    request,
    cause: error,
    code,
  })
}

/**
 * The response with its body under the limits and with body errors mapped: the same object
 * when the transport guards it or there is no body, else a new genuine `Response` carrying
 * the same status, headers and session fields (`history`, `request`, …) over a wrapped body.
 */
export function limitBody(response: SessionResponse, limits: BodyLimits): SessionResponse {
  if (guarded.has(response)) return response
  const source = response.body
  if (!source || response.bodyUsed) return response
  const { body: ms, maxResponseSize: max } = limits
  const request = (): Request | undefined => {
    try {
      return response.request
    } catch {
      return undefined
    }
  }
  const reader = source.getReader()
  let received = 0
  let done = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let sink: ReadableStreamDefaultController<Uint8Array> | undefined
  const onClose = (): void => {
    fail(limits.closed?.reason, true)
  }
  const fail = (error: unknown, cancelSource: boolean): void => {
    if (done) return
    done = true
    clearTimeout(timer)
    limits.closed?.removeEventListener('abort', onClose)
    sink?.error(error)
    if (cancelSource) reader.cancel(error).catch(() => undefined)
  }
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        sink = controller
        if (limits.closed?.aborted) onClose()
        else limits.closed?.addEventListener('abort', onClose, { once: true })
        if (ms) {
          timer = setTimeout(() => {
            fail(new TimeoutError('body', ms, { request: request() }), true)
          }, ms)
        }
      },
      async pull(controller) {
        let chunk: ReadableStreamReadResult<Uint8Array>
        try {
          chunk = await reader.read()
        } catch (error) {
          fail(toBodyError(error, request()), false)
          return
        }
        if (done) return
        if (chunk.done) {
          done = true
          clearTimeout(timer)
          limits.closed?.removeEventListener('abort', onClose)
          controller.close()
          return
        }
        received += chunk.value.byteLength
        if (max !== undefined && received > max) {
          fail(new ResponseTooLargeError(max, { request: request() }), true)
          return
        }
        controller.enqueue(chunk.value)
      },
      cancel(reason) {
        done = true
        clearTimeout(timer)
        limits.closed?.removeEventListener('abort', onClose)
        return reader.cancel(reason)
      },
    },
    { highWaterMark: 0 },
  )
  const out = new Response(stream, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  })
  // The session's fields (and `url`, `redirected`) are own string-keyed properties.
  for (const key of Object.getOwnPropertyNames(response)) {
    const descriptor = Object.getOwnPropertyDescriptor(response, key)
    if (descriptor) Object.defineProperty(out, key, descriptor)
  }
  // What the runtime set on its own Response (a browser's followed redirect, its type).
  if (out.url !== response.url)
    Object.defineProperty(out, 'url', { value: response.url, configurable: true })
  if (response.redirected && !out.redirected)
    Object.defineProperty(out, 'redirected', { value: true, configurable: true })
  if (response.type !== out.type)
    Object.defineProperty(out, 'type', { value: response.type, configurable: true })
  return out as SessionResponse
}
