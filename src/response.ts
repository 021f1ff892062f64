/**
 * Decorates a real `Response` with `history`, `request`, `elapsed` and `raiseForStatus()`
 * without subclassing, so `instanceof Response` holds and the body stays the runtime's own.
 * @module
 */
import type { Cookie } from './cookies/types.ts'
import { HTTPError } from './errors.ts'
import { addResponseExtras } from './response-extras.ts'
import type { SessionResponse } from './types.ts'

const nullBodyStatuses = new Set([101, 103, 204, 205, 304])

/**
 * Returns a `Response` of this realm: a response from another copy of the fetch classes
 * (undici's npm package under Node's built-in one) is re-wrapped around the same body.
 */
export function toRealmResponse(response: Response, url: string): Response {
  let out = response
  if (!((response as unknown) instanceof Response)) {
    // Fetch §6.4: a null body status must be constructed with a null body.
    const body = nullBodyStatuses.has(response.status) ? null : response.body
    out = new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    })
  }
  // A constructed Response has url ''; the session knows which URL answered.
  if (out.url !== url) Object.defineProperty(out, 'url', { value: url, configurable: true })
  return out
}

function raiseForStatus(this: SessionResponse): SessionResponse {
  if (this.status >= 400 && this.status < 600) throw new HTTPError(this, { request: this.request })
  return this
}

const noNext: PropertyDescriptor = { value: null, configurable: true }

/** `next`, made on first access (the jar then holds this response's cookies) and kept. */
function lazyNext(make: () => Request | null): PropertyDescriptor {
  return {
    get(this: Response) {
      const value = make()
      Object.defineProperty(this, 'next', { value, configurable: true })
      return value
    },
    configurable: true,
  }
}

/** A value, or a getter that makes it on first access and keeps it. */
function field<T extends object>(name: string, value: T | (() => T)): PropertyDescriptor {
  if (typeof value !== 'function') return { value, configurable: true }
  return {
    get(this: Response) {
      const made = value()
      Object.defineProperty(this, name, { value: made, configurable: true })
      return made
    },
    configurable: true,
  }
}

/**
 * Adds the session's fields to a response (in place) and returns it typed. `request` and
 * `history` may be functions that make them (a hop sent without a `Request`, hops whose
 * Responses were not made): they run on first access.
 */
export function decorateResponse(
  response: Response,
  fields: {
    request: Request | (() => Request)
    history: Response[] | (() => Response[])
    elapsed: number
    /** What this response's `Set-Cookie` stored; `[]` when absent. */
    cookies?: Cookie[] | undefined
    /** With `allowRedirects: false`: makes the request the session would send next. */
    next?: (() => Request | null) | undefined
  },
): SessionResponse {
  const { request, history } = fields
  // One defineProperty per field is cheaper than defineProperties with a descriptor map.
  Object.defineProperty(response, 'history', field('history', history))
  Object.defineProperty(response, 'request', field('request', request))
  Object.defineProperty(response, 'elapsed', { value: fields.elapsed, configurable: true })
  Object.defineProperty(response, 'raiseForStatus', { value: raiseForStatus, configurable: true })
  addResponseExtras(response)
  Object.defineProperty(response, 'cookies', { value: fields.cookies ?? [], configurable: true })
  const { next } = fields
  Object.defineProperty(response, 'next', next ? lazyNext(next) : noNext)
  // A history still to be made has hops in it.
  if ((typeof history === 'function' || history.length > 0) && !response.redirected) {
    Object.defineProperty(response, 'redirected', { value: true, configurable: true })
  }
  return response as SessionResponse
}
