/**
 * The promise every request method returns: a `Promise<SessionResponse>` with the body
 * shortcuts `.json() .text() .arrayBuffer() .blob()`, and the streams `.lines() .events()`. A shortcut called before the final
 * headers arrive, on a promise nobody awaits, lets the request skip the `Response` object
 * (`src/shortcut.ts`); awaiting the promise (or `then`, `catch`, `finally`) always gives the
 * genuine `Response`.
 * @module
 */
import { eventsOf, linesOf } from './response-extras.ts'
import { isShortcut, parseJSON, type BodyShortcut, type BodyWant } from './shortcut.ts'
import type { ResponsePromise, SessionResponse } from './types.ts'

/**
 * A promise that learns when someone subscribes to it. Its derived promises are plain
 * (`Symbol.species`), and `await` goes through `then` (its constructor is not `Promise`).
 */
class WatchedPromise extends Promise<SessionResponse> {
  static override get [Symbol.species](): PromiseConstructor {
    return Promise
  }

  onSubscribe: (() => void) | undefined

  override then<A = SessionResponse, B = never>(
    onFulfilled?: ((value: SessionResponse) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.onSubscribe?.()
    return super.then(onFulfilled, onRejected)
  }
}

/** Starts a request through `start` and returns its {@link ResponsePromise}. */
export function responsePromise(
  start: (want: BodyWant) => Promise<SessionResponse | BodyShortcut>,
): ResponsePromise {
  const want: BodyWant = { kind: undefined, seen: false }
  let settle!: (response: SessionResponse) => void
  let fail!: (error: unknown) => void
  const p = new WatchedPromise((resolve, reject) => {
    settle = resolve
    fail = reject
  }) as WatchedPromise & ResponsePromise
  // The outcome, held back while only a body shortcut listens: a promise nobody awaits
  // neither makes a `Response` nor reports an unhandled rejection the shortcut handles.
  let deliver: (() => void) | undefined
  const release = (): void => {
    const d = deliver
    deliver = undefined
    d?.()
  }
  p.onSubscribe = () => {
    p.onSubscribe = undefined
    want.seen = true
    release()
  }
  const answer = start(want)
  answer.then(
    (value) => {
      deliver = () => {
        settle(isShortcut(value) ? value.response() : value)
      }
      if (want.seen || want.kind === undefined) release()
    },
    (error: unknown) => {
      deliver = () => {
        fail(error)
      }
      if (want.seen || want.kind === undefined) release()
    },
  )
  const body = <T>(kind: NonNullable<BodyWant['kind']>): Promise<T> => {
    want.kind ??= kind
    return answer.then((value) =>
      isShortcut(value)
        ? (value.body(kind) as Promise<T>)
        : (fromResponse(value, kind) as Promise<T>),
    )
  }
  p.json = <T>() => body<T>('json')
  p.text = () => body<string>('text')
  p.arrayBuffer = () => body<ArrayBuffer>('arrayBuffer')
  p.blob = () => body<Blob>('blob')
  // Streams need the Response: subscribing through `then` builds it. Subscribing at once also
  // marks a failure as handled: an iterator nobody reads must not leave an unhandled
  // rejection behind (Node ends the process on one); the error comes with the first next().
  const stream = <T>(of: (promise: Promise<SessionResponse>) => T): T => {
    p.then(undefined, () => undefined)
    return of(p)
  }
  p.lines = () => stream(linesOf)
  p.events = () => stream(eventsOf)
  return p
}

async function fromResponse(
  response: SessionResponse,
  kind: NonNullable<BodyWant['kind']>,
): Promise<unknown> {
  if (kind !== 'json') return response[kind]()
  const text = await response.text()
  return parseJSON(text, () => response.request, response.status, response.statusText)
}
