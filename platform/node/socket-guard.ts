/**
 * Keeps a server from crashing the process through undici's HTTP/1 parser.
 *
 * When a response body applies backpressure, undici pauses its llhttp parser. If the peer then
 * ends the socket (FIN, or a reset) while the parser is paused, undici's socket `end` / `error`
 * / `close` listeners call `Parser.finish()`, which asserts `!this.paused` and throws an
 * `AssertionError` from an event listener: uncatchable, the process dies
 * (nodejs/undici#5360; fixed upstream in nodejs/undici#5474 for undici 8, which needs
 * Node >= 22.19, so not in the undici 7 that Node 20 can run).
 *
 * The guard does what that fix does, from outside: a listener placed *before* undici's on each
 * HTTP/1 socket resumes a paused parser at the socket's end, so the message completes (a
 * `Content-Length` or chunked body already received, or an EOF-delimited one now ended) or
 * fails with undici's own error (a short body is `UND_ERR_RES_CONTENT_LENGTH_MISMATCH`), and
 * `finish()` then runs on a parser that is not paused. Backpressure is advisory from that point
 * on: the bytes were already received, and no more can come.
 *
 * Sockets are found through undici's public `undici:client:connected` diagnostics channel; the
 * parser through undici's own `kParser` symbol, so sockets of any other undici copy (Node's
 * bundled one) are never touched. When undici changes shape, the guard does nothing.
 * @module
 */
import diagnostics from 'node:diagnostics_channel'
import type { Socket } from 'node:net'
// undici has no `exports` map: its symbols module is the one its own client uses.
import symbols from 'undici/lib/core/symbols.js'

/** The part of undici's HTTP/1 `Parser` the guard uses. */
interface PausedParser {
  paused: boolean
  ptr: number | null
  llhttp: { llhttp_resume(ptr: number): void }
  socket: Socket
  resume(): void
}

const kParser: symbol | undefined = (symbols as Record<string, symbol | undefined>).kParser

/** Depth of resumes in progress: while above 0, a body handler must not pause the parser. */
let draining = 0

/** Whether the transport is draining a paused parser at a socket end (see {@link guardSocket}). */
export function isDraining(): boolean {
  return draining > 0
}

function parserOf(socket: Socket): PausedParser | undefined {
  if (kParser === undefined) return undefined
  const parser = (socket as unknown as Record<symbol, unknown>)[kParser]
  if (typeof parser !== 'object' || parser === null) return undefined
  const p = parser as Partial<PausedParser>
  return typeof p.resume === 'function' && typeof p.llhttp?.llhttp_resume === 'function'
    ? (p as PausedParser)
    : undefined
}

/** Unpauses the socket's parser, if it is paused, before undici's own listener finishes it. */
function unpause(socket: Socket): void {
  const parser = parserOf(socket)
  if (!parser?.paused) return
  draining++
  try {
    // Resuming executes what the socket still holds (handlers take it without pausing: see
    // `isDraining`), which completes a message whose bytes are all in.
    for (let i = 0; i < 64 && parser.paused && !socket.destroyed && parser.ptr !== null; i++) {
      parser.resume()
    }
    // A destroyed socket (a reset) cannot be read: unpause llhttp itself, so `finish()` reports
    // the message as llhttp sees it (complete, or an error for a truncated body).
    if (parser.paused && parser.ptr !== null) {
      parser.llhttp.llhttp_resume(parser.ptr)
      parser.paused = false
    }
  } catch {
    // Nothing here may throw out of a socket listener; undici's own listener reports failures.
  } finally {
    draining--
  }
}

function guardSocket(socket: Socket): void {
  if (parserOf(socket) === undefined) return // HTTP/2, or an undici of another shape
  const onEnd = (): void => {
    unpause(socket)
  }
  socket.prependListener('end', onEnd)
  socket.prependListener('error', onEnd)
  socket.prependListener('close', onEnd)
}

let installed = false

/**
 * Starts guarding the sockets of this undici copy (idempotent). Called when the first Node
 * session's transport is created, never at import.
 */
export function installSocketGuard(): void {
  if (installed || kParser === undefined) return
  installed = true
  diagnostics.subscribe('undici:client:connected', (message) => {
    const socket = (message as { socket?: Socket }).socket
    if (socket) guardSocket(socket)
  })
}
