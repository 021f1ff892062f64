/**
 * `text/event-stream` parsing by the HTML standard's rules ("Server-sent events", §9.2.6
 * "Interpreting an event stream"), over a streamed body.
 * @module
 */
import { iterText, LineSplitter } from './lines.ts'
import type { ServerSentEvent } from './types.ts'

/** The parser's state between lines: the standard's buffers. */
export class EventStreamParser {
  #data = ''
  #hasData = false
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
    switch (field) {
      case 'event':
        this.#event = value
        break
      case 'data':
        this.#data += this.#hasData ? `\n${value}` : value
        this.#hasData = true
        break
      case 'id':
        // The standard: an id containing U+0000 NULL is ignored.
        if (!value.includes('\0')) this.#id = value
        break
      case 'retry':
        // Only ASCII digits set the reconnection time; anything else is ignored.
        if (/^\d+$/.test(value)) this.#retry = Number(value)
        break
      default:
        // Unknown fields are ignored.
        break
    }
    return undefined
  }

  #dispatch(): ServerSentEvent | undefined {
    const hasData = this.#hasData
    const event: ServerSentEvent = {
      event: this.#event || 'message',
      data: this.#data,
      id: this.#id,
      retry: this.#retry,
    }
    this.#data = ''
    this.#hasData = false
    this.#event = ''
    // An empty data buffer dispatches nothing (the id and retry are kept).
    return hasData ? event : undefined
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
