/**
 * The Node transport: undici's dispatcher API (the layer under `undici.request`), returning a
 * genuine `globalThis.Response`. For one hop it does what `fetch` does: fetch's default
 * request headers, request bodies of every kind, content-coding decompression, abort through
 * the signal (the body included), null-body statuses, repeated `Set-Cookie` kept apart, and
 * fetch's error shapes (`TypeError('fetch failed', { cause })` before the headers, a body
 * errored with `TypeError('terminated', { cause })` after them), so `errors.ts` maps
 * failures exactly as it does for `undici.fetch`. What it skips is fetch's spec machinery
 * around the socket (a second `Request`, guarded `Headers`, undici's own `Response` re-wrapped
 * into the global one): that is where `undici.fetch` spends its time (README "Performance").
 *
 * Dispatchers come from `dispatcher.ts`: one undici copy throughout, never handed to
 * Node's global `fetch`, whose bundled undici differs.
 * @module
 */
import { Transform, type TransformCallback } from 'node:stream'
import zlib from 'node:zlib'
import { fetch as undiciFetch, type Dispatcher } from 'undici'
import { addDefaultUserAgent, defaultUserAgent } from '../../src/version.ts'
import {
  sendHopKey,
  type Adapter,
  type AdapterContext,
  type AdapterOptions,
  type HopContext,
  type HopResponse,
  type HopSender,
  type OutgoingHop,
} from '../../src/platform.ts'
import { toRealmResponse } from '../../src/response.ts'
import { DispatcherPool } from './dispatcher.ts'
import { installSocketGuard, isDraining } from './socket-guard.ts'

type DispatchBody = Dispatcher.DispatchOptions['body']
type UndiciInit = NonNullable<Parameters<typeof undiciFetch>[1]>

// Fetch §2.2.3 null body status, plus HEAD/CONNECT (§4.5 HTTP-network fetch): no body.
const nullBodyStatuses = new Set([101, 103, 204, 205, 304])

// undici lib/web/fetch/index.js: more codings than this are refused (as urllib3 and cURL do).
const maxContentEncodings = 5

/**
 * The outgoing header list: the hop's headers plus those fetch appends when absent
 * (Fetch §4.1 main fetch step 12: `Accept`, `Accept-Language`; §4.5 HTTP-network-or-cache
 * fetch step 14 `User-Agent`, steps 18–19 `Accept-Encoding`). `content-length` is left to
 * undici, which derives it from the body as fetch does.
 */
function headerList(headers: Headers, https: boolean): string[] {
  const out: string[] = []
  let accept = false
  let acceptLanguage = false
  let userAgent = false
  let acceptEncoding = false
  let range = false
  for (const [name, value] of headers) {
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
 * The user's own body where undici takes it directly (strings and bytes keep their
 * `content-length`, a `Blob` its size); `undefined` for anything that must go through a
 * `Request`'s stream.
 */
function directBody(body: BodyInit | null | undefined): DispatchBody | undefined {
  if (body === null) return null
  if (typeof body === 'string' || body instanceof Uint8Array) return body
  if (body instanceof ArrayBuffer) return new Uint8Array(body)
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
  if (body instanceof URLSearchParams) return body.toString()
  if (body instanceof Blob) return body as unknown as DispatchBody
  return undefined
}

/**
 * The body to dispatch: {@link directBody}, or the `Request`'s stream: a `FormData` (the
 * `Request` encoded it as multipart under the boundary in its `content-type`; Node's global
 * `FormData` is not undici 7's), a hook's replacement request, or a stream sent with
 * `duplex: 'half'`.
 */
function bodyFor(request: Request, ctx: AdapterContext): DispatchBody {
  const direct = directBody(ctx.body)
  return direct !== undefined ? direct : (request.body as DispatchBody)
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
 * The codings of a `Content-Encoding` value, as listed.
 * @throws {Error} for more than {@link maxContentEncodings} (checked when the headers arrive).
 */
function codingsOf(contentEncoding: string): string[] {
  const codings = contentEncoding.toLowerCase().split(',')
  if (codings.length > maxContentEncodings) {
    throw new Error(
      `too many content-encodings in response: ${codings.length}, maximum allowed is ${maxContentEncodings}`,
    )
  }
  return codings
}

/**
 * zlib decoders for the codings, last coding first (RFC 9110 §8.4.1), or none when a coding
 * is unknown (fetch then hands the body over as received).
 */
function decodersFor(codings: string[]): Transform[] {
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

/** The response header fields as undici parsed them: lower-case names, repeated fields as arrays. */
type Fields = Record<string, string | string[] | undefined>

/** The values of one field, repeated fields (`Set-Cookie`) kept as separate values. */
function valuesOf(fields: Fields, name: string): readonly string[] {
  const value = fields[name]
  return value === undefined ? [] : typeof value === 'string' ? [value] : value
}

/**
 * A `Response` with the fields appended one by one to its own `Headers` (cheaper than handing
 * the constructor a header list, which it converts first), skipping the values it rejects.
 */
function makeResponse(
  body: ReadableStream<Uint8Array> | null,
  init: ResponseInit,
  fields: Fields,
): Response {
  const response = new Response(body, init)
  const headers = response.headers
  // Every response pays for this loop: a single value is appended without wrapping it in a list.
  for (const name in fields) {
    const value = fields[name]
    if (typeof value === 'string') appendLenient(headers, name, value)
    else if (value) for (const v of value) appendLenient(headers, name, v)
  }
  return response
}

function appendLenient(headers: Headers, name: string, value: string): void {
  try {
    headers.append(name, value)
  } catch {
    // NOTE(spec): undici's fetch keeps a field value that `Headers` would reject (e.g. a
    // stray control character); a genuine `Response` cannot carry it, so it is dropped.
  }
}

/** The `Content-Encoding` value of the fields (repeated fields joined), or `null`. */
function contentEncoding(fields: Fields): string | null {
  const values = valuesOf(fields, 'content-encoding')
  return values.length === 0 ? null : values.join(', ')
}

// How much of a body is taken before the socket pauses, while the caller has not asked for it.
const heldLimit = 65_536

// Fetch "reason-phrase" (undici's isValidReasonPhrase): HTAB, SP, VCHAR, obs-text.
const reasonPhrase = /^[\t\x20-\x7e\x80-\xff]*$/

/** What one hop sends: the URL, method, fetch's header list and a body undici takes. */
interface Outgoing {
  readonly url: URL
  readonly href: string
  readonly method: string
  readonly headers: Headers
  readonly body: DispatchBody
}

/** The outgoing form of a `Request` (the public `Adapter.fetch` path). */
function outgoingOf(request: Request, ctx: AdapterContext): Outgoing {
  return {
    url: new URL(request.url),
    href: request.url,
    method: request.method,
    headers: request.headers,
    body: bodyFor(request, ctx),
  }
}

/**
 * Sends one hop through `dispatcher` and resolves once the headers arrive. The body is held
 * (taken whole up to {@link heldLimit}, the socket paused past it) until the caller asks for
 * the `Response`, whose body then streams with backpressure, or drops it: a redirect the
 * session follows never builds a stream for a body it would throw away.
 */
function dispatchHop(
  dispatcher: Dispatcher,
  out: Outgoing,
  signal: AbortSignal | undefined,
): Promise<HopResponse> {
  // Fetch §4.1 main fetch: an already aborted signal rejects with its reason.
  if (signal?.aborted) return Promise.reject(signal.reason as Error)
  const { url, href, method } = out
  const bodyless = method === 'HEAD' || method === 'CONNECT'
  // undici fetch: a bare trailing `?` is kept on the wire.
  const path =
    url.search === '' && href.endsWith('?') ? `${url.pathname}?` : url.pathname + url.search

  return new Promise<HopResponse>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined
    let settled = false
    // The body: 'held' until the caller decides, then 'stream' (a Response) or 'drop'.
    let mode: 'held' | 'stream' | 'drop' = 'held'
    // While held: the chunks received, whether the last one came, or how the body failed.
    let held: Buffer[] | undefined
    let heldBytes = 0
    let ended = false
    let failure: { error: unknown } | undefined
    let dropped: (() => void) | undefined
    let sink: ReadableStreamDefaultController<Uint8Array> | undefined
    // With a content coding: raw bytes go into `decodeIn`, decoded bytes come out of `decodeOut`.
    let decodeIn: Transform | undefined
    let decodeOut: Transform | undefined
    // The stream was closed, errored or cancelled: nothing more goes into it.
    let done = false
    let listening = signal !== undefined

    const unlisten = (): void => {
      if (!listening) return
      listening = false
      signal?.removeEventListener('abort', onAbort)
    }
    /** Fetch §4.5 HTTP-network fetch "if aborted": the abort reason, otherwise a TypeError. */
    const bodyError = (error: unknown): unknown =>
      signal?.aborted ? signal.reason : new TypeError('terminated', { cause: error })
    const close = (): void => {
      if (done) return
      done = true
      unlisten()
      sink?.close()
    }
    const enqueue = (chunk: Buffer): boolean => {
      if (!sink || done) return true
      sink.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
      return (sink.desiredSize ?? 0) > 0
    }
    const write = (chunk: Buffer): boolean => (decodeIn ? decodeIn.write(chunk) : enqueue(chunk))
    /** Errors the stream with `reason`; `abort` tells undici to stop too (a decoder failed). */
    const failStream = (reason: unknown, abort?: Error): void => {
      if (done) return
      done = true
      unlisten()
      decodeIn?.destroy()
      decodeOut?.destroy()
      if (abort) controller?.abort(abort)
      sink?.error(reason)
    }
    /** The request failed before its headers: the promise rejects. */
    const failHead = (error: unknown): void => {
      if (settled) return
      settled = true
      unlisten()
      // undici fetch: a network error rejects with TypeError('fetch failed', { cause }).
      reject(
        signal?.aborted
          ? (signal.reason as Error)
          : new TypeError('fetch failed', { cause: error }),
      )
    }
    function onAbort(): void {
      // Before the request is written there is no controller yet: reject now, and abort the
      // dispatch in onRequestStart.
      if (controller && !done) controller.abort(signal?.reason as Error)
      else failHead(signal?.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })

    /** The body stream, fed from here on: held chunks first, then as they arrive. */
    const bodyStream = (codings: string[]): ReadableStream<Uint8Array> => {
      const decoders = codings.length > 0 ? decodersFor(codings) : []
      if (decoders.length > 0) {
        const first = decoders[0] as Transform
        decodeIn = first
        decodeOut = decoders.reduce((a, b) => a.pipe(b))
        for (const d of decoders) {
          d.on('error', (error) => {
            failStream(bodyError(error), error)
          })
        }
        first.on('drain', () => controller?.resume())
        decodeOut.on('data', (chunk: Buffer) => {
          if (!enqueue(chunk)) decodeOut?.pause()
        })
        decodeOut.on('end', close)
      }
      const stream = new ReadableStream<Uint8Array>(
        {
          start: (c) => {
            sink = c
          },
          pull: () => {
            if (decodeOut) decodeOut.resume()
            else controller?.resume()
          },
          cancel: (reason) => {
            if (done) return
            done = true
            unlisten()
            decodeIn?.destroy()
            decodeOut?.destroy()
            controller?.abort(reason instanceof Error ? reason : new Error('body cancelled'))
          },
        },
        { highWaterMark: 1 },
      )
      let room = true
      for (const chunk of held ?? []) room = write(chunk)
      held = undefined
      if (failure) failStream(failure.error)
      else if (ended) {
        if (decodeIn) decodeIn.end()
        else close()
      } else if (decodeIn && room && heldBytes >= heldLimit) {
        // The socket was paused while the body was held; a decoder with room takes more now
        // (without one, the stream's pull() resumes it).
        controller?.resume()
      }
      return stream
    }

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c
        if (signal?.aborted) c.abort(signal.reason as Error)
      },
      onResponseStart(c, status, fields, statusText = '') {
        // Fetch §4.5: a 1xx interim response is not the response.
        if (status < 200) return
        let codings: string[] = []
        const nullBody = bodyless || nullBodyStatuses.has(status)
        try {
          const coding = nullBody ? null : contentEncoding(fields)
          if (coding) codings = codingsOf(coding)
          // What `new Response()` refuses fails the fetch now, as it did when built here.
          if (status > 599 || !reasonPhrase.test(statusText))
            new Response(null, { status, statusText })
        } catch (error) {
          c.abort(error as Error)
          return
        }
        settled = true
        if (nullBody) {
          mode = 'drop'
          unlisten()
        }
        const init = { status, statusText }
        const build = (body: ReadableStream<Uint8Array> | null): Response =>
          toRealmResponse(makeResponse(body, init, fields), href)
        let head: Response | undefined
        resolve({
          status,
          location: status >= 300 && status < 400 ? headerValue(fields, 'location') : null,
          getSetCookie: () => setCookieValues(fields),
          head: () => (head ??= build(null)),
          response: () => {
            if (mode !== 'held') return build(null)
            mode = 'stream'
            return build(bodyStream(codings))
          },
          discard: () => {
            if (mode !== 'held') return Promise.resolve()
            mode = 'drop'
            held = undefined
            if (ended || failure) return Promise.resolve()
            const length = Number(valuesOf(fields, 'content-length')[0] ?? 'NaN')
            // A small body is read to its end so the connection can be reused; a large one
            // (or one of unknown length) is cancelled.
            if (!(length <= 65_536)) {
              unlisten()
              controller?.abort(new Error('body cancelled'))
              return Promise.resolve()
            }
            return new Promise<void>((settle) => {
              dropped = settle
              controller?.resume()
            })
          },
        })
      },
      onResponseData(c, chunk) {
        // undici flushes its parser with empty chunks on resume; enqueueing one would look
        // like progress to the stream and spin pull() → resume() in microtasks forever.
        if (chunk.length === 0) return
        // While the socket guard drains a parser at the socket's end, pausing again would
        // leave it paused for undici's `finish()` (socket-guard.ts): take the bytes.
        if (mode === 'stream') {
          if (!write(chunk) && !isDraining()) c.pause()
        } else if (mode === 'held') {
          // A small body is taken whole while the caller decides (undici parses a packet in
          // one go, so the response usually ends here); past `heldLimit` the socket pauses.
          ;(held ??= []).push(chunk)
          heldBytes += chunk.length
          if (heldBytes >= heldLimit && !isDraining()) c.pause()
        }
      },
      onResponseEnd() {
        ended = true
        if (mode === 'stream') {
          if (decodeIn) decodeIn.end()
          else close()
        } else {
          unlisten()
          dropped?.()
        }
      },
      onResponseError(_c, error) {
        if (!settled) {
          failHead(error)
          return
        }
        if (mode === 'stream') failStream(bodyError(error))
        else {
          failure ??= { error: bodyError(error) }
          unlisten()
          dropped?.()
        }
      },
    }

    dispatcher.dispatch(
      {
        origin: url.origin,
        path,
        method,
        headers: headerList(out.headers, url.protocol === 'https:'),
        body: out.body ?? null,
      },
      handler,
    )
  })
}

// Fetch's header value normalisation: leading and trailing HTTP whitespace is removed.
const httpWhitespace = /^[\t\n\r ]+|[\t\n\r ]+$/g
const httpWhitespaceAtEnds = /^[\t\n\r ]|[\t\n\r ]$/

/**
 * The values of one field, as a `Headers` holds them: trimmed, and without a value it rejects
 * (such a value is dropped from the Response, so it is not used at all).
 */
function fieldValues(fields: Fields, field: string): string[] {
  const values: string[] = []
  for (const value of valuesOf(fields, field)) {
    const v = httpWhitespaceAtEnds.test(value) ? value.replace(httpWhitespace, '') : value
    if (!/[\0\r\n]/.test(v)) values.push(v)
  }
  return values
}

/** `Headers.getSetCookie()` of the fields. */
function setCookieValues(fields: Fields): string[] {
  return fieldValues(fields, 'set-cookie')
}

/** `Headers.get(name)` of the fields: repeated values joined with `, `, or `null`. */
function headerValue(fields: Fields, name: string): string | null {
  const values = fieldValues(fields, name)
  return values.length === 0 ? null : values.join(', ')
}

/** The previous transport, kept for hops the session does not follow itself (`redirect: 'follow'`). */
async function viaFetch(
  dispatcher: Dispatcher,
  request: Request,
  ctx: AdapterContext,
): Promise<Response> {
  const body = bodyFor(request, ctx)
  addDefaultUserAgent(request.headers)
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
export function createUndiciAdapter(options: AdapterOptions): Adapter & HopSender {
  installSocketGuard()
  const pool = new DispatcherPool(options)
  return {
    // Not async: a bad `tls` option throws its TypeError from `pool.get` as it is.
    fetch(request: Request, ctx: AdapterContext): Promise<Response> {
      const dispatcher = pool.get(ctx)
      return ctx.redirect === 'manual'
        ? dispatchHop(dispatcher, outgoingOf(request, ctx), ctx.signal).then((hop) =>
            hop.response(),
          )
        : viaFetch(dispatcher, request, ctx)
    },
    // The session's fast path: a hop as plain data, no `Request` built (`src/send.ts`).
    [sendHopKey](hop: OutgoingHop, ctx: HopContext): Promise<HopResponse> {
      const dispatcher = pool.get(ctx)
      const body = directBody(hop.body)
      if (body === undefined) throw new TypeError('sendHop: this body needs a Request')
      return dispatchHop(dispatcher, { ...hop, body }, ctx.signal)
    },
    close: () => pool.close(),
  }
}
