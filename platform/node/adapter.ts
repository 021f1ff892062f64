/**
 * The Node transport: undici's dispatcher API (the layer under `undici.request`), returning a
 * genuine `globalThis.Response`. For one hop it does what `fetch` does: fetch's default
 * request headers, request bodies of every kind, content-coding decompression, abort through
 * the signal (the body included), null-body statuses, repeated `Set-Cookie` kept apart, and
 * fetch's error shape before the headers (`TypeError('fetch failed', { cause })`), so
 * `errors.ts` maps failures exactly as it does for `undici.fetch`. After the headers it does
 * what the core's body wrapper (`src/body.ts`) does elsewhere, where it is cheap: a body cut
 * short errors with `ConnectionError` (where fetch has `TypeError('terminated')`),
 * `timeout.body` and `maxResponseSize` (on decoded bytes) are enforced, and `close()` ends
 * the hop (`in-flight.ts`). What it skips is fetch's spec machinery
 * around the socket (a second `Request`, guarded `Headers`, undici's own `Response` re-wrapped
 * into the global one): that is where `undici.fetch` spends its time (docs/performance.md).
 *
 * Dispatchers come from `dispatcher.ts`: one undici copy throughout, never handed to
 * Node's global `fetch`, whose bundled undici differs.
 * @module
 */
import type { Transform } from 'node:stream'
import { errors as undiciErrors, type Dispatcher } from 'undici'
import { sendHopKey } from '../../src/capabilities.ts'
import { drainLimit, shouldDrain } from '../../src/drain.ts'
import type {
  Adapter,
  AdapterContext,
  AdapterOptions,
  HopContext,
  HopResponse,
  HopSender,
  OutgoingHop,
} from '../../src/platform.ts'
import { markGuarded, toBodyError } from '../../src/body.ts'
import {
  ClosedSessionError,
  redactURL,
  ResponseTooLargeError,
  TimeoutError,
} from '../../src/errors.ts'
import { toRealmResponse } from '../../src/response.ts'
import { codingsOf, decodersFor, decodeWhole } from './decoding.ts'
import { DispatcherPool } from './dispatcher.ts'
import { mapNodeBodyError } from './errors.ts'
import { InFlight } from './in-flight.ts'
import {
  contentEncoding,
  headerList,
  headerValue,
  makeResponse,
  setCookieValues,
  valuesOf,
} from './fields.ts'
import { installSocketGuard, isDraining } from './socket-guard.ts'

type DispatchBody = Dispatcher.DispatchOptions['body']

// Fetch §2.2.3 null body status, plus HEAD/CONNECT (§4.5 HTTP-network fetch): no body.
const nullBodyStatuses = new Set([101, 103, 204, 205, 304])

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

// How much of a body is taken before the socket pauses, while the caller has not asked for
// it: the discard policy's limit (src/drain.ts), so a body the session drops is usually whole.
const heldLimit = drainLimit

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
  inflight: InFlight,
  limits: HopLimits,
): Promise<HopResponse> {
  const connectTimeout = limits.timeout.connect
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
    // 'read': the whole body taken for the body shortcut, no stream (`HopResponse.read`).
    let mode: 'held' | 'stream' | 'drop' | 'read' = 'held'
    // While held: the chunks received, whether the last one came, or how the body failed.
    let held: Buffer[] | undefined
    let heldBytes = 0
    let ended = false
    let failure: { error: unknown } | undefined
    let dropped: (() => void) | undefined
    let readDone: (() => void) | undefined
    let sink: ReadableStreamDefaultController<Uint8Array> | undefined
    // With a content coding: raw bytes go into `decodeIn`, decoded bytes come out of `decodeOut`.
    let decodeIn: Transform | undefined
    let decodeOut: Transform | undefined
    // The stream was closed, errored or cancelled: nothing more goes into it.
    let done = false
    let listening = signal !== undefined
    // Set once the session's close() ended this hop (in-flight.ts).
    let closedBy: ClosedSessionError | undefined
    let untrack: () => void = noop
    let connectTimer: ReturnType<typeof setTimeout> | undefined
    // Body limits (src/body.ts): decoded bytes so far, and the `timeout.body` timer.
    let received = 0
    let bodyTimer: ReturnType<typeof setTimeout> | undefined
    const maxResponseSize = limits.maxResponseSize

    const unlisten = (): void => {
      untrack()
      clearTimeout(connectTimer)
      clearTimeout(bodyTimer)
      if (!listening) return
      listening = false
      signal?.removeEventListener('abort', onAbort)
    }
    /** The request of this hop, for an error's message (made only on failure). */
    const requestOf = (): Request | undefined => {
      try {
        return new Request(href, { method })
      } catch {
        return undefined
      }
    }
    /**
     * Fetch §4.5 HTTP-network fetch "if aborted": the abort reason; otherwise, where fetch
     * has `TypeError('terminated')`, a `ConnectionError` with undici's error as `cause`.
     */
    const bodyError = (error: unknown): unknown => {
      if (signal?.aborted) return signal.reason
      const request = requestOf()
      return (
        mapNodeBodyError(error, request, limits.timeout) ??
        toBodyError(error, request, codeOf(error))
      )
    }
    const close = (): void => {
      if (done) return
      done = true
      unlisten()
      sink?.close()
    }
    const enqueue = (chunk: Buffer): boolean => {
      if (!sink || done) return true
      if (maxResponseSize !== undefined && (received += chunk.length) > maxResponseSize) {
        // Checked on decoded bytes as they are produced, so a small compressed body that
        // decodes to gigabytes stops here (decoders destroyed, connection aborted).
        const error = new ResponseTooLargeError(maxResponseSize, { request: requestOf() })
        failStream(error, error)
        return false
      }
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
        clearTimeout(connectTimer)
        if (signal?.aborted) c.abort(signal.reason as Error)
        else if (closedBy) c.abort(closedBy)
        else if (settled) c.abort(new Error('connect timeout'))
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
          statusText,
          header: (name) => headerValue(fields, name),
          location: status >= 300 && status < 400 ? headerValue(fields, 'location') : null,
          getSetCookie: () => setCookieValues(fields),
          head: () => (head ??= build(null)),
          response: () => {
            if (mode !== 'held') return build(null)
            mode = 'stream'
            const response = build(bodyStream(codings))
            markGuarded(response)
            const ms = limits.timeout.body
            if (ms && !done) {
              bodyTimer = setTimeout(() => {
                const error = new TimeoutError('body', ms, { request: requestOf() })
                failStream(error, error)
              }, ms)
            }
            return response
          },
          read: () => {
            if (mode !== 'held') return Promise.reject(new TypeError('Body is unusable'))
            mode = 'read'
            return new Promise<Uint8Array>((ok, reject) => {
              // What fetch's body stream would have errored with (not always an Error).
              const fail = (reason: unknown): void => {
                // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an abort reason may be any value, as fetch rejects with it
                reject(reason)
              }
              readDone = () => {
                readDone = undefined
                unlisten()
                const chunks = held ?? []
                held = undefined
                // The body's failure, as the stream would have errored with it.
                if (failure) fail(failure.error)
                else {
                  try {
                    ok(decodeWhole(codings, Buffer.concat(chunks, heldBytes)))
                  } catch (error) {
                    fail(bodyError(error))
                  }
                }
              }
              if (ended || failure) readDone()
              else controller?.resume()
            })
          },
          discard: () => {
            if (mode !== 'held') return Promise.resolve()
            mode = 'drop'
            held = undefined
            if (ended || failure) return Promise.resolve()
            // src/drain.ts: a small body is read to its end so the connection can be reused;
            // a large one (or one of unknown length) is cancelled.
            if (!shouldDrain(valuesOf(fields, 'content-length')[0])) {
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
        } else if (mode === 'held' || mode === 'read') {
          // A small body is taken whole while the caller decides (undici parses a packet in
          // one go, so the response usually ends here); past `heldLimit` the socket pauses
          // (unless the whole body was asked for).
          ;(held ??= []).push(chunk)
          heldBytes += chunk.length
          if (mode === 'held' && heldBytes >= heldLimit && !isDraining()) c.pause()
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
          readDone?.()
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
          readDone?.()
        }
      },
    }

    /** close(): the pending request rejects, a body still on the wire errors; sockets abort. */
    const endHop = (): void => {
      closedBy = new ClosedSessionError(
        `The session was closed while ${method} ${redactURL(href)} was in flight`,
      )
      if (!settled) {
        settled = true
        unlisten()
        reject(closedBy)
        controller?.abort(closedBy)
      } else if (mode === 'stream') failStream(closedBy, closedBy)
      else if (!ended && !failure) {
        failure = { error: closedBy }
        unlisten()
        controller?.abort(closedBy)
        dropped?.()
        readDone?.()
      }
    }
    untrack = inflight.add(endHop)
    if (closedBy) return
    // The `connect` limit bounds this request's wait for a connection, whichever attempt (or
    // a queue behind `connections`) gives it one (dispatcher.ts limits the attempts).
    if (connectTimeout) {
      connectTimer = setTimeout(() => {
        failHead(
          new undiciErrors.ConnectTimeoutError(
            `Connect Timeout Error (no connection to ${url.host} within ${connectTimeout}ms)`,
          ),
        )
      }, connectTimeout)
    }

    dispatcher.dispatch(
      {
        origin: url.origin,
        path,
        method,
        headers: headerList(out.headers, url.protocol === 'https:', limits.defaultUserAgent),
        body: out.body ?? null,
      },
      handler,
    )
  })
}

/** The limits a hop is sent under, and whether it gets the default `User-Agent` (the hop's context). */
type HopLimits = Pick<HopContext, 'timeout' | 'maxResponseSize' | 'defaultUserAgent'>

/** undici's error code (`UND_ERR_SOCKET`…), on the error or its cause. */
function codeOf(error: unknown): string | undefined {
  const code =
    (error as { code?: unknown } | null)?.code ??
    ((error as { cause?: unknown } | null)?.cause as { code?: unknown } | undefined)?.code
  return typeof code === 'string' ? code : undefined
}

function noop(): void {
  // Nothing to unregister: the hop is not tracked.
}

/** Creates the default adapter of a Node session. */
export function createUndiciAdapter(options: AdapterOptions): Adapter & HopSender {
  installSocketGuard()
  const pool = new DispatcherPool(options)
  const inflight = new InFlight()
  return {
    // Not async: a bad `tls` option throws its TypeError from `pool.get` as it is.
    // Always one hop: the session follows redirects itself, whatever `request.redirect` says
    // (a `beforeRequest` hook's `new Request(url)` has `'follow'`), so undici never follows.
    fetch(request: Request, ctx: AdapterContext): Promise<Response> {
      const dispatcher = pool.get(ctx)
      return dispatchHop(dispatcher, outgoingOf(request, ctx), ctx.signal, inflight, ctx).then(
        (hop) => hop.response(),
      )
    },
    // The session's fast path: a hop as plain data, no `Request` built (`src/send.ts`).
    [sendHopKey](hop: OutgoingHop, ctx: HopContext): Promise<HopResponse> {
      const dispatcher = pool.get(ctx)
      const body = directBody(hop.body)
      if (body === undefined) throw new TypeError('sendHop: this body needs a Request')
      return dispatchHop(dispatcher, { ...hop, body }, ctx.signal, inflight, ctx)
    },
    // In-flight hops end first (undici's own close would wait for them), then the sockets.
    close: () => {
      inflight.endAll(
        new ClosedSessionError('The session was closed while the request was in flight'),
      )
      return pool.close()
    },
  }
}
