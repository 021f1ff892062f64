/**
 * Lines of a streamed body: requests' `iter_lines`, as an async iterable. The splitter is
 * shared with the `text/event-stream` parser (`src/sse.ts`), whose line endings are the same.
 * @module
 */

/**
 * Splits text that arrives in pieces into lines ended by CRLF, LF or a lone CR (requests'
 * `str.splitlines()` for the common endings; the HTML standard's event-stream lines). A CR
 * at the end of one piece and an LF at the start of the next are one line end (requests
 * yields a spurious empty line there; this does not).
 */
export class LineSplitter {
  #rest = ''
  #afterCR = false

  /** The lines completed by `text`. */
  push(text: string): string[] {
    if (this.#afterCR && text.startsWith('\n')) text = text.slice(1)
    this.#afterCR = text.endsWith('\r')
    // Only the new text is split (linear in the input however it is chunked).
    const lines = text.split(/\r\n|\r|\n/)
    lines[0] = this.#rest + (lines[0] as string)
    this.#rest = lines.pop() as string
    return lines
  }

  /** The last line when the text did not end with a line end, else `undefined`. */
  end(): string | undefined {
    const last = this.#rest
    this.#rest = ''
    return last || undefined
  }
}

/**
 * The decoded text of a body, piece by piece, as it arrives. Breaking out of the loop
 * cancels the body (the connection is released).
 */
export async function* iterText(
  body: ReadableStream<Uint8Array> | null,
  decoder: TextDecoder = new TextDecoder(),
): AsyncGenerator<string, void, undefined> {
  if (!body) return
  const reader = body.getReader()
  let done = false
  try {
    for (;;) {
      const chunk = await reader.read()
      if (chunk.done) break
      const text = decoder.decode(chunk.value, { stream: true })
      if (text) yield text
    }
    done = true
    const rest = decoder.decode()
    if (rest) yield rest
  } finally {
    if (done) reader.releaseLock()
    else await reader.cancel().catch(() => undefined)
  }
}

/**
 * The body's lines, decoded as UTF-8, without their line ends (requests' `iter_lines`):
 * lines are joined across chunk boundaries, empty lines are kept, and a last line without
 * a line end is yielded too.
 */
export async function* iterLines(
  body: ReadableStream<Uint8Array> | null,
): AsyncGenerator<string, void, undefined> {
  const splitter = new LineSplitter()
  for await (const text of iterText(body)) yield* splitter.push(text)
  const last = splitter.end()
  if (last !== undefined) yield last
}
