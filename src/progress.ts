/**
 * Progress of a body as it moves (ky's `onDownloadProgress` / `onUploadProgress`): the final
 * response body is read through a counter; a request body is sent as a stream that counts
 * what the transport pulls, made afresh for each hop so a 307/308 or a retry sends it again.
 * @module
 */
import type { HopState } from './redirect.ts'
import type { Session } from './session.ts'
import type { Progress, ProgressHandler, SessionRequestInit } from './types.ts'
import { invalid } from './util/validate.ts'

/** The progress handlers of one request: the request's own, else the session's. */
export interface ResolvedProgress {
  readonly download: ProgressHandler | undefined
  readonly upload: ProgressHandler | undefined
}

/** Checks a progress handler option: a function or `undefined`. */
export function checkHandler(value: unknown, field: string): ProgressHandler | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'function') throw invalid(field, 'a function', value)
  return value as ProgressHandler
}

/** The request's handlers over the session's. */
export function resolveProgress(session: Session, init: SessionRequestInit): ResolvedProgress {
  return {
    download:
      checkHandler(init.onDownloadProgress, 'init.onDownloadProgress') ??
      checkHandler(session.onDownloadProgress, 'session.onDownloadProgress'),
    upload:
      checkHandler(init.onUploadProgress, 'init.onUploadProgress') ??
      checkHandler(session.onUploadProgress, 'session.onUploadProgress'),
  }
}

const empty = new Uint8Array(0)

/**
 * A pass-through that counts chunks: one event when made (`percent: 0`), one per chunk
 * (`percent` stays below 1, as in ky, since a `Content-Length` may undercount), and one at
 * the end (`percent: 1`; `totalBytes` then what was transferred, when it was unknown or smaller).
 */
function counting(totalBytes: number, report: ProgressHandler) {
  let transferredBytes = 0
  const emit = (percent: number, chunk: Uint8Array): void => {
    report({ percent, transferredBytes, totalBytes }, chunk)
  }
  emit(0, empty)
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      transferredBytes += chunk.byteLength
      emit(totalBytes && Math.min(transferredBytes / totalBytes, 1 - Number.EPSILON), chunk)
      controller.enqueue(chunk)
    },
    flush() {
      totalBytes = Math.max(totalBytes, transferredBytes)
      emit(1, empty)
    },
  })
}

/**
 * The response with its body read through `report`. `totalBytes` is the `Content-Length`,
 * or 0 when unknown or when the body is decoded (`Content-Encoding`: the length counts the
 * encoded bytes, the events the decoded ones).
 */
export function trackDownload(response: Response, report: ProgressHandler): Response {
  const { body, headers } = response
  const coding = headers.get('content-encoding')
  const totalBytes =
    coding && coding.trim().toLowerCase() !== 'identity'
      ? 0
      : Number(headers.get('content-length')) || 0
  const counter = counting(totalBytes, report)
  if (!body) {
    report({ percent: 1, transferredBytes: 0, totalBytes }, empty)
    return response
  }
  const out = new Response(body.pipeThrough(counter), {
    status: response.status,
    statusText: response.statusText,
    headers,
  })
  Object.defineProperty(out, 'url', { value: response.url, configurable: true })
  return out
}

let requestStreams: boolean | undefined

/**
 * Whether `fetch` can send a `ReadableStream` body (Fetch's `duplex: 'half'`): Node, Deno,
 * Bun and Chromium can; Firefox and Safari cannot (their `Request` turns the stream into
 * the text "[object ReadableStream]").
 */
function canStreamRequests(): boolean {
  if (requestStreams !== undefined) return requestStreams
  try {
    // A runtime that cannot stream a body stringifies the stream, typing it text/plain (Bun
    // streams it without reading `duplex`, so only the type is telling).
    const init = { method: 'POST', body: new ReadableStream(), duplex: 'half' }
    requestStreams = !new Request('http://localhost/', init).headers.has('content-type')
  } catch {
    requestStreams = false
  }
  return requestStreams
}

const chunkSize = 64 * 1024

/** A hop ready for upload progress, and what to call once its response has arrived. */
export interface TrackedUpload {
  readonly hop: HopState
  /** Reports the end of a body that was not sent as a counting stream (else a no-op). */
  readonly sent: () => void
}

const nothing = (): void => undefined

/**
 * The hop with its body as a counting stream (a new one per hop; the hop's own source stays
 * for the next hop or attempt), its `Content-Type` set as fetch would set it for the source.
 * Unchanged where the runtime cannot stream a request body, or the hop has none. Where the
 * platform does not stream a body that can be sent as it is (`streamUploads: false`, the
 * browser), the body goes unchanged and progress is reported twice: `0` now, `1` by `sent()`.
 */
export async function trackUpload(
  hop: HopState,
  report: ProgressHandler,
  streamUploads = true,
): Promise<TrackedUpload> {
  const source = hop.body.value
  if (source === null) return { hop, sent: nothing }
  if (!streamUploads && hop.body.replayable) {
    // Library-specific: Chromium fails a streamed body over HTTP/1.1, so it is not streamed;
    // the size is that of the body fetch sends (as a Blob: a file is not read for it).
    const totalBytes = (await new Response(source).blob()).size
    report({ percent: 0, transferredBytes: 0, totalBytes }, empty)
    return {
      hop,
      sent: () => {
        report({ percent: 1, transferredBytes: totalBytes, totalBytes }, empty)
      },
    }
  }
  if (!canStreamRequests()) return { hop, sent: nothing }
  const headers = new Headers(hop.headers)
  let stream = source as ReadableStream<Uint8Array>
  let totalBytes = 0
  if (!(source instanceof ReadableStream)) {
    // Fetch §4 "extract a body": the bytes and the type fetch would send for this source.
    const extracted = new Response(source)
    const type = extracted.headers.get('content-type')
    if (type !== null && !headers.has('content-type')) headers.set('content-type', type)
    const bytes = new Uint8Array(await extracted.arrayBuffer())
    totalBytes = bytes.byteLength
    let offset = 0
    stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset < totalBytes) controller.enqueue(bytes.subarray(offset, (offset += chunkSize)))
        else controller.close()
      },
    })
  }
  stream = stream.pipeThrough(counting(totalBytes, report))
  return { hop: { ...hop, headers, body: { value: stream, replayable: false } }, sent: nothing }
}

export type { Progress, ProgressHandler }
