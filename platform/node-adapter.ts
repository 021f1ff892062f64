/**
 * The Node transport: undici's own `fetch` paired with dispatchers from the same undici copy
 * (never handed to Node's global `fetch`, whose bundled undici differs), returning a genuine
 * `globalThis.Response`.
 * @module
 */
import { fetch as undiciFetch } from 'undici'
import type { Adapter, AdapterContext, AdapterOptions } from '../src/platform.ts'
import { toRealmResponse } from '../src/response.ts'
import { DispatcherPool } from './node-dispatcher.ts'

type UndiciInit = NonNullable<Parameters<typeof undiciFetch>[1]>

/**
 * The body to hand to undici: the user's own value where undici's classes accept it (so a
 * string or bytes keep their `content-length`), the `Request`'s stream otherwise (a global
 * `FormData` is not undici 7's `FormData`; the Request already encoded it as multipart).
 */
function bodyFor(request: Request, ctx: AdapterContext): UndiciInit['body'] {
  const body = ctx.body
  if (body === undefined) return request.body as UndiciInit['body']
  if (body === null) return null
  if (typeof body === 'string' || body instanceof ArrayBuffer || ArrayBuffer.isView(body))
    return body as UndiciInit['body']
  if (body instanceof URLSearchParams || body instanceof Blob) return body as UndiciInit['body']
  return request.body as UndiciInit['body']
}

/** Creates the default adapter of a Node session. */
export function createUndiciAdapter(options: AdapterOptions): Adapter {
  const pool = new DispatcherPool(options)
  return {
    async fetch(request: Request, ctx: AdapterContext): Promise<Response> {
      const response = await undiciFetch(request.url, {
        method: request.method,
        headers: request.headers as unknown as UndiciInit['headers'],
        body: bodyFor(request, ctx),
        duplex: 'half',
        redirect: ctx.redirect,
        signal: ctx.signal,
        dispatcher: pool.get(ctx),
      })
      return toRealmResponse(response as unknown as Response, response.url || request.url)
    },
    close: () => pool.close(),
  }
}
