/**
 * `text/event-stream` parsing by the HTML standard's rules ("Server-sent events", §9.2.6
 * "Interpreting an event stream"), over a streamed body.
 * @module
 */
import { iterText, LineSplitter } from './lines.ts'
import type { ServerSentEvent } from './types.ts'

/** The parser's state between lines: the standard's buffers. */
export class EventStreamParser {
  /** The data buffer; `undefined` when no `data` field was seen (the standard's empty buffer). */
  #data: string | undefined
  #event = ''
  #id = ''
  #retry: number | undefined

  /** Feeds one line (without its line end); returns the event it dispatches, if any. */
  line(line: string): ServerSentEvent | undefined {
    if (line === '') return this.#dispatch()
    // A line starting with ':' is a comment.
    if (line.charCodeAt(0) === 58) return undefined
    const colon = line.indexOf(':')
    let field = line
    let value = ''
    if (colon !== -1) {
      field = line.slice(0, colon)
      value = line.slice(line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1)
    }
    if (field === 'event') this.#event = value
    else if (field === 'data') {
      this.#data = this.#data === undefined ? value : `${this.#data}\n${value}`
    }
    // An id containing U+0000 NULL is ignored.
    else if (field === 'id' && !value.includes('\0')) this.#id = value
    // Only ASCII digits set the reconnection time.
    else if (field === 'retry' && /^\d+$/.test(value)) this.#retry = +value
    // Other fields are ignored.
    return undefined
  }

  #dispatch(): ServerSentEvent | undefined {
    const data = this.#data
    const event = this.#event || 'message'
    this.#data = undefined
    this.#event = ''
    // An empty data buffer dispatches nothing (the id and retry are kept).
    return data === undefined ? undefined : { event, data, id: this.#id, retry: this.#retry }
  }
}

/**
 * The events of a `text/event-stream` body. The text is UTF-8 with one leading BOM
 * ignored; an event not ended by a blank line when the stream ends is discarded, as the
 * standard says. Breaking out of the loop cancels the body.
 */
export async function* iterEvents(
  body: ReadableStream<Uint8Array> | null,
): AsyncGenerator<ServerSentEvent, void, undefined> {
  const splitter = new LineSplitter()
  const parser = new EventStreamParser()
  for await (const text of iterText(body)) {
    for (const line of splitter.push(text)) {
      const event = parser.line(line)
      if (event) yield event
    }
  }
}
