/**
 * Decorates a real `Response` with `history`, `request`, `elapsed` and `raiseForStatus()`
 * without subclassing, so `instanceof Response` holds and the body stays the runtime's own.
 * @module
 */
import { HTTPError } from './errors.ts'
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

/**
 * Adds the session's fields to a response (in place) and returns it typed. `request` may be
 * a function that makes the `Request` (a hop sent without one): it runs on first access.
 */
export function decorateResponse(
  response: Response,
  fields: { request: Request | (() => Request); history: Response[]; elapsed: number },
): SessionResponse {
  const { request } = fields
  Object.defineProperties(response, {
    history: { value: fields.history, configurable: true },
    request:
      typeof request === 'function'
        ? {
            get(this: Response) {
              const value = request()
              Object.defineProperty(this, 'request', { value, configurable: true })
              return value
            },
            configurable: true,
          }
        : { value: request, configurable: true },
    elapsed: { value: fields.elapsed, configurable: true },
    raiseForStatus: { value: raiseForStatus, configurable: true },
  })
  if (fields.history.length > 0 && !response.redirected) {
    Object.defineProperty(response, 'redirected', { value: true, configurable: true })
  }
  return response as SessionResponse
}
