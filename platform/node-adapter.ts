/**
 * The Node transport: undici's dispatcher API (the layer under `undici.request`), returning a
 * genuine `globalThis.Response`. For one hop it does what `fetch` does: fetch's default
 * request headers, request bodies of every kind, content-coding decompression, abort through
 * the signal (the body included), null-body statuses, repeated `Set-Cookie` kept apart, and
 * fetch's error shapes (`TypeError('fetch failed', { cause })` before the headers, a body
 * errored with `TypeError('terminated', { cause })` after them), so `node-errors.ts` maps
 * failures exactly as it does for `undici.fetch`. What it skips is fetch's spec machinery
 * around the socket (a second `Request`, guarded `Headers`, undici's own `Response` re-wrapped
 * into the global one): that is where `undici.fetch` spends its time (README "Performance").
 *
 * Dispatchers come from `node-dispatcher.ts`: one undici copy throughout, never handed to
 * Node's global `fetch`, whose bundled undici differs.
 * @module
 */
import { Transform, type TransformCallback } from 'node:stream'
import zlib from 'node:zlib'
import { fetch as undiciFetch, type Dispatcher } from 'undici'
import type { Adapter, AdapterContext, AdapterOptions } from '../src/platform.ts'
import { toRealmResponse } from '../src/response.ts'
import { DispatcherPool } from './node-dispatcher.ts'

type DispatchBody = Dispatcher.DispatchOptions['body']
type UndiciInit = NonNullable<Parameters<typeof undiciFetch>[1]>

// Fetch §2.2.3 null body status, plus HEAD/CONNECT (§4.5 HTTP-network fetch): no body.
const nullBodyStatuses = new Set([101, 103, 204, 205, 304])

// undici lib/web/fetch/index.js `defaultUserAgent`: what undici's own fetch sends.
const defaultUserAgent = 'undici'

// undici lib/web/fetch/index.js: more codings than this are refused (as urllib3 and cURL do).
const maxContentEncodings = 5

/**
 * The outgoing header list: the request's headers plus those fetch appends when absent
 * (Fetch §4.1 main fetch step 12: `Accept`, `Accept-Language`; §4.5 HTTP-network-or-cache
 * fetch step 14 `User-Agent`, steps 18–19 `Accept-Encoding`). `content-length` is left to
 * undici, which derives it from the body as fetch does.
 */
function headerList(request: Request, https: boolean): string[] {
  const out: string[] = []
  let accept = false
  let acceptLanguage = false
  let userAgent = false
  let acceptEncoding = false
  let range = false
  for (const [name, value] of request.headers) {
    if (name === 'content-length') continue
    if (name === 'accept') accept = true
    else if (name === 'accept-language') acceptLanguage = true
    else if (name === 'user-agent') userAgent = true
    else if (name === 'accept-encoding') acceptEncoding = true
    else if (name === 'range') range = true
    out.push(name, value)
  }
  if (!accept) out.push('accept', '*/*')
  if (!acceptLanguage) out.push('accept-language', '*')
  if (!userAgent) out.push('user-agent', defaultUserAgent)
  // Fetch §4.5 step 18: a range request asks for the identity coding.
  if (range && !acceptEncoding) out.push('accept-encoding', 'identity')
  else if (!acceptEncoding)
    out.push('accept-encoding', https ? 'br, gzip, deflate' : 'gzip, deflate')
  return out
}

/**
 * The body to dispatch: the user's own value where undici takes it directly (strings and
 * bytes keep their `content-length`, a `Blob` its size), the `Request`'s stream otherwise: a
 * `FormData` (the `Request` encoded it as multipart under the boundary in its
 * `content-type`; Node's global `FormData` is not undici 7's), a hook's replacement request,
 * or a stream sent with `duplex: 'half'`.
 */
function bodyFor(request: Request, ctx: AdapterContext): DispatchBody {
  const body = ctx.body
  if (body === null) return null
  if (typeof body === 'string' || body instanceof Uint8Array) return body
  if (body instanceof ArrayBuffer) return new Uint8Array(body)
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
  if (body instanceof URLSearchParams) return body.toString()
  if (body instanceof Blob) return body as unknown as DispatchBody
  return request.body as DispatchBody
}

/**
 * `deflate` as servers send it: zlib-wrapped (RFC 1950) or, wrongly but commonly, raw
 * (RFC 1951); the first byte tells them apart (undici's `InflateStream`).
 */
class Inflate extends Transform {
  #inner: zlib.Inflate | zlib.InflateRaw | undefined

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.#inner) {
      if (chunk.length === 0) {
        callback()
        return
      }
      const opts = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH }
      const inner =
        ((chunk[0] ?? 0) & 0x0f) === 0x08 ? zlib.createInflate(opts) : zlib.createInflateRaw(opts)
      inner.on('data', (data: Buffer) => this.push(data))
      inner.on('end', () => this.push(null))
      inner.on('error', (error) => this.destroy(error))
      this.#inner = inner
    }
    this.#inner.write(chunk, callback)
  }

  override _final(callback: TransformCallback): void {
    if (this.#inner) this.#inner.end()
    else this.push(null)
    callback()
  }
}

/**
 * zlib decoders for a `Content-Encoding` value, last coding first (RFC 9110 §8.4.1), or none
 * when a coding is unknown (fetch then hands the body over as received).
 */
function decodersFor(contentEncoding: string): Transform[] {
  const codings = contentEncoding.toLowerCase().split(',')
  if (codings.length > maxContentEncodings) {
    throw new Error(
      `too many content-encodings in response: ${codings.length}, maximum allowed is ${maxContentEncodings}`,
    )
  }
  // undici: Z_SYNC_FLUSH tolerates slightly truncated streams, as browsers and cURL do.
  const flush = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH }
  const decoders: Transform[] = []
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = (codings[i] ?? '').trim()
    if (coding === 'gzip' || coding === 'x-gzip') decoders.push(zlib.createGunzip(flush))
    else if (coding === 'deflate') decoders.push(new Inflate())
    else if (coding === 'br') {
      decoders.push(
        zlib.createBrotliDecompress({
          flush: zlib.constants.BROTLI_OPERATION_FLUSH,
          finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
        }),
      )
    } else return []
  }
  return decoders
}

/** The response header fields as pairs, repeated fields (`Set-Cookie`) kept as separate values. */
function toPairs(fields: Record<string, string | string[] | undefined>): [string, string][] {
  const pairs: [string, string][] = []
  for (const name in fields) {
    const value = fields[name]
    if (typeof value === 'string') pairs.push([name, value])
    else if (value) for (const v of value) pairs.push([name, v])
  }
  return pairs
}

/** The `Headers` of pairs that `Response` refused, skipping the values it rejects. */
function lenientHeaders(pairs: [string, string][]): Headers {
  const headers = new Headers()
  for (const [name, value] of pairs) {
    try {
      headers.append(name, value)
    } catch {
      // NOTE(spec): undici's fetch keeps a field value that `Headers` would reject (e.g. a
      // stray control character); a genuine `Response` cannot carry it, so it is dropped.
    }
  }
  return headers
}

/** The `Content-Encoding` value among the pairs, or `null`. */
function contentEncoding(pairs: [string, string][]): string | null {
  let value: string | null = null
  for (const [name, v] of pairs)
    if (name === 'content-encoding') value = value === null ? v : `${value}, ${v}`
  return value
}

/**
 * Sends one hop through `dispatcher` and resolves with a genuine `Response` once the
 * headers arrive; the body streams afterwards with backpressure.
 */
function dispatchFetch(
  dispatcher: Dispatcher,
  request: Request,
  ctx: AdapterContext,
): Promise<Response> {
  const signal = ctx.signal
  // Fetch §4.1 main fetch: an already aborted signal rejects with its reason.
  if (signal.aborted) return Promise.reject(signal.reason as Error)
  const url = new URL(request.url)
  const body = bodyFor(request, ctx)
  const method = request.method
  const bodyless = method === 'HEAD' || method === 'CONNECT'
  // undici fetch: a bare trailing `?` is kept on the wire.
  const path =
    url.search === '' && request.url.endsWith('?') ? `${url.pathname}?` : url.pathname + url.search

  return new Promise<Response>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined
    let sink: ReadableStreamDefaultController<Uint8Array> | undefined
    // With a content coding: raw bytes go into `decodeIn`, decoded bytes come out of `decodeOut`.
    let decodeIn: Transform | undefined
    let decodeOut: Transform | undefined
    let settled = false
    let finished = false

    const cleanup = (): void => {
      finished = true
      signal.removeEventListener('abort', onAbort)
    }
    const close = (): void => {
      if (finished) return
      cleanup()
      sink?.close()
    }
    const enqueue = (chunk: Buffer): boolean => {
      if (!sink || finished) return true
      sink.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
      return (sink.desiredSize ?? 0) > 0
    }
    /** Ends the hop with `error`; `fromDispatcher` when undici reported it (already aborted). */
    const fail = (error: unknown, fromDispatcher = false): void => {
      if (finished) return
      cleanup()
      if (!settled) {
        settled = true
        // undici fetch: a network error rejects with TypeError('fetch failed', { cause }).
        reject(
          signal.aborted
            ? (signal.reason as Error)
            : new TypeError('fetch failed', { cause: error }),
        )
        return
      }
      decodeIn?.destroy()
      decodeOut?.destroy()
      if (!fromDispatcher)
        controller?.abort(error instanceof Error ? error : new Error(String(error)))
      // Fetch §4.5 HTTP-network fetch "if aborted": the abort reason, otherwise a TypeError.
      sink?.error(signal.aborted ? signal.reason : new TypeError('terminated', { cause: error }))
    }
    function onAbort(): void {
      // Before the request is written there is no controller yet: reject now, and abort the
      // dispatch in onRequestStart.
      if (controller && !finished) controller.abort(signal.reason as Error)
      else fail(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })

    const bodyStream = (
      status: number,
      coding: string | null,
    ): ReadableStream<Uint8Array> | null => {
      if (bodyless || nullBodyStatuses.has(status)) return null
      const decoders = coding ? decodersFor(coding) : []
      if (decoders.length > 0) {
        const first = decoders[0] as Transform
        decodeIn = first
        decodeOut = decoders.reduce((a, b) => a.pipe(b))
        for (const d of decoders) {
          d.on('error', (error) => {
            fail(error)
          })
        }
        first.on('drain', () => controller?.resume())
        decodeOut.on('data', (chunk: Buffer) => {
          if (!enqueue(chunk)) decodeOut?.pause()
        })
        decodeOut.on('end', close)
      }
      return new ReadableStream<Uint8Array>(
        {
          start: (c) => {
            sink = c
          },
          pull: () => {
            if (decodeOut) decodeOut.resume()
            else controller?.resume()
          },
          cancel: (reason) => {
            if (finished) return
            cleanup()
            decodeIn?.destroy()
            decodeOut?.destroy()
            controller?.abort(reason instanceof Error ? reason : new Error('body cancelled'))
          },
        },
        { highWaterMark: 1 },
      )
    }

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c
        if (signal.aborted) c.abort(signal.reason as Error)
      },
      onResponseStart(c, status, fields, statusText) {
        // Fetch §4.5: a 1xx interim response is not the response.
        if (status < 200) return
        let response: Response
        try {
          // Pairs go straight into the Response's own header list (one copy, not two).
          const pairs = toPairs(fields)
          const stream = bodyStream(status, contentEncoding(pairs))
          const init = { status, statusText: statusText ?? '' }
          try {
            response = new Response(stream, { ...init, headers: pairs })
          } catch {
            response = new Response(stream, { ...init, headers: lenientHeaders(pairs) })
          }
        } catch (error) {
          c.abort(error as Error)
          return
        }
        settled = true
        if (!sink) cleanup()
        resolve(toRealmResponse(response, request.url))
      },
      onResponseData(c, chunk) {
        // undici flushes its parser with empty chunks on resume; enqueueing one would look
        // like progress to the stream and spin pull() → resume() in microtasks forever.
        if (chunk.length === 0) return
        if (decodeIn) {
          if (!decodeIn.write(chunk)) c.pause()
        } else if (!enqueue(chunk)) c.pause()
      },
      onResponseEnd() {
        if (decodeIn) decodeIn.end()
        else close()
      },
      onResponseError(_c, error) {
        fail(error, true)
      },
    }

    dispatcher.dispatch(
      {
        origin: url.origin,
        path,
        method,
        headers: headerList(request, url.protocol === 'https:'),
        body: body ?? null,
      },
      handler,
    )
  })
}

/** The previous transport, kept for hops the session does not follow itself (`redirect: 'follow'`). */
async function viaFetch(
  dispatcher: Dispatcher,
  request: Request,
  ctx: AdapterContext,
): Promise<Response> {
  const body = bodyFor(request, ctx)
  const response = await undiciFetch(request.url, {
    method: request.method,
    headers: request.headers as unknown as NonNullable<UndiciInit['headers']>,
    body: (body ?? null) as NonNullable<UndiciInit['body']>,
    duplex: 'half',
    redirect: ctx.redirect,
    signal: ctx.signal,
    dispatcher,
  })
  return toRealmResponse(response as unknown as Response, response.url || request.url)
}

/** Creates the default adapter of a Node session. */
export function createUndiciAdapter(options: AdapterOptions): Adapter {
  const pool = new DispatcherPool(options)
  return {
    fetch(request: Request, ctx: AdapterContext): Promise<Response> {
      const dispatcher = pool.get(ctx)
      return ctx.redirect === 'manual'
        ? dispatchFetch(dispatcher, request, ctx)
        : viaFetch(dispatcher, request, ctx)
    },
    close: () => pool.close(),
  }
}
