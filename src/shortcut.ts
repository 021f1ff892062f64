/**
 * The body shortcut: `s.get(url).json()` (and `.text()`, `.arrayBuffer()`, `.blob()`) where
 * nothing needs the `Response` object reads the body straight from the transport: no
 * `ReadableStream`, no `Response`. The session's promise says which body it wants
 * ({@link BodyWant}); the redirect follower answers with a {@link BodyShortcut} instead of
 * a `Response` when the final hop came through the transport's hop protocol and nothing can
 * see the difference (no `response` hooks, no retry on the status, no `raiseForStatus` to
 * throw). Anyone who asks for the `Response` after all gets a genuine one.
 * @module
 */
import { describeRequest } from './errors.ts'
import type { SessionResponse } from './types.ts'

/** What a response promise's caller asked for, set before the final headers arrive. */
export interface BodyWant {
  /** The body shortcut called first, if any. */
  kind: BodyKind | undefined
  /** Someone subscribed to the promise itself: they will see the `Response`. */
  seen: boolean
}

/** The final hop of a request answered through the body shortcut. */
export interface BodyShortcut {
  readonly shortcut: true
  /** The whole decoded body as `kind` asks, read once. */
  readonly body: (kind: BodyKind) => Promise<unknown>
  /** The genuine `Response` (headers, no body: it was read) for whoever asks for it late. */
  readonly response: () => SessionResponse
}

export function isShortcut(value: SessionResponse | BodyShortcut): value is BodyShortcut {
  return 'shortcut' in value
}

/** The body kinds of the promise shortcuts. */
export type BodyKind = 'json' | 'text' | 'arrayBuffer' | 'blob'

/** The bytes as a `Response` body mixin would give them for `kind`. */
export function bodyOf(
  bytes: Uint8Array,
  kind: BodyKind,
  head: { status: number; statusText: string; header: (name: string) => string | null },
  request: () => Request,
): unknown {
  if (kind === 'blob')
    return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: head.header('content-type') ?? '' })
  if (kind === 'arrayBuffer') {
    // A fresh ArrayBuffer of exactly the body (the bytes may be a view into a larger pool).
    const { buffer, byteOffset, byteLength } = bytes
    const whole = byteOffset === 0 && byteLength === buffer.byteLength
    return whole ? buffer : buffer.slice(byteOffset, byteOffset + byteLength)
  }
  // Fetch "UTF-8 decode": a leading BOM removed, invalid sequences replaced.
  const text = new TextDecoder().decode(bytes)
  return kind === 'json' ? parseJSON(text, request, head.status, head.statusText) : text
}

/**
 * `text` parsed as JSON; text that is not JSON throws a `SyntaxError` naming the request and
 * the status, the parser's error as its `cause`.
 */
export function parseJSON(
  text: string,
  request: () => Request,
  status: number,
  statusText: string,
): unknown {
  try {
    return JSON.parse(text)
  } catch (cause) {
    const code = `${status}${statusText ? ` ${statusText}` : ''}`
    throw new SyntaxError(
      `The response to ${describeRequest(request())} (${code}) is not valid JSON`,
      { cause },
    )
  }
}
