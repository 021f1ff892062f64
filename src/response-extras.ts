/**
 * What a session response adds beyond `history`/`request`/`elapsed`: `links`,
 * `isRedirect`, `isPermanentRedirect`, `lines()` and `events()` (requests' `Response`
 * properties and `iter_lines`, plus server-sent events). Getters and methods shared by every
 * response, defined on each instance so the response stays a genuine `Response`.
 * @module
 */
import { iterLines } from './lines.ts'
import { linksByRel } from './links.ts'
import { iterEvents } from './sse.ts'
import type { ServerSentEvent, SessionResponse } from './types.ts'

// requests models.py is_redirect / is_permanent_redirect (REDIRECT_STATI).
const redirectStatuses = new Set([301, 302, 303, 307, 308])

const descriptors: PropertyDescriptorMap = {
  links: {
    get(this: Response) {
      const links = linksByRel(this.headers.get('link'))
      Object.defineProperty(this, 'links', { value: links, configurable: true })
      return links
    },
    configurable: true,
  },
  isRedirect: {
    get(this: Response) {
      return this.headers.has('location') && redirectStatuses.has(this.status)
    },
    configurable: true,
  },
  isPermanentRedirect: {
    get(this: Response) {
      return this.headers.has('location') && (this.status === 301 || this.status === 308)
    },
    configurable: true,
  },
  lines: {
    value(this: Response) {
      return iterLines(this.body)
    },
    configurable: true,
  },
  events: {
    value(this: Response) {
      return iterEvents(this.body)
    },
    configurable: true,
  },
}

/** Adds `links`, `isRedirect`, `isPermanentRedirect`, `lines()` and `events()` in place. */
export function addResponseExtras(response: Response): void {
  Object.defineProperties(response, descriptors)
}

/** The `lines()` / `events()` shortcuts of a response promise: iterables that await it first. */
export async function* linesOf(
  promise: Promise<SessionResponse>,
): AsyncGenerator<string, void, undefined> {
  yield* (await promise).lines()
}

/** See {@link linesOf}. */
export async function* eventsOf(
  promise: Promise<SessionResponse>,
): AsyncGenerator<ServerSentEvent, void, undefined> {
  yield* (await promise).events()
}
