/**
 * Timeouts. `total` is enforced here with an `AbortSignal` composed with the user's signal;
 * `connect` and `response` are handed to transports that enforce them (undici's dispatcher)
 * and emulated here, as a limit on waiting for each hop's headers, where they cannot.
 * The abort reason of a fired limit is the `TimeoutError` itself, so the loop can tell a
 * timeout from the user's own abort (which stays an `AbortError`).
 * @module
 */
import { TimeoutError, type TimeoutLimit } from './errors.ts'
import type { TimeoutInit, TimeoutOptions } from './types.ts'
import { checkTimeout, invalid } from './util/validate.ts'

/** Validated timeouts; absent keys mean no limit. */
export type ResolvedTimeout = Readonly<TimeoutOptions>

/** Validates a timeout (`number` = total; `0` or absent = none). */
export function resolveTimeout(
  init: TimeoutInit | undefined | null,
  field: string,
): ResolvedTimeout {
  if (init === undefined || init === null) return {}
  if (typeof init === 'number') return { total: checkTimeout(init, field) || undefined }
  if (typeof init !== 'object') {
    throw invalid(field, 'milliseconds or { connect, response, total, body }', init)
  }
  const out: TimeoutOptions = {}
  for (const key of Object.keys(init)) {
    if (key !== 'connect' && key !== 'response' && key !== 'total' && key !== 'body') {
      throw invalid(
        `${field}.${key}`,
        'a known timeout (connect, response, total or body)',
        (init as Record<string, unknown>)[key],
      )
    }
    const value = init[key]
    if (value !== undefined) out[key] = checkTimeout(value, `${field}.${key}`) || undefined
  }
  return out
}

/**
 * One request's abort controller: follows the user's signal and the armed limits. `signal`
 * is what every hop is sent with. Without a user signal or a `total` limit nothing can abort
 * the request, so the controller (whose signal costs a few µs on Node) is made only when
 * something asks for `signal`; `current` is the signal a transport needs to watch, if any.
 */
export class Deadline {
  #controller: AbortController | undefined
  readonly #user: AbortSignal | undefined
  readonly #onUserAbort: (() => void) | undefined
  #totalTimer: ReturnType<typeof setTimeout> | undefined
  #followed: { signal: AbortSignal; listener: () => void } | undefined

  constructor(user: AbortSignal | null | undefined, total: number | undefined) {
    if (user) {
      this.#user = user
      const controller = (this.#controller = new AbortController())
      if (user.aborted) controller.abort(user.reason)
      else {
        this.#onUserAbort = () => {
          controller.abort(user.reason)
        }
        user.addEventListener('abort', this.#onUserAbort, { once: true })
      }
    }
    if (total)
      this.#totalTimer = this.#arm('total', total, (this.#controller ??= new AbortController()))
  }

  /** The signal to send with. */
  get signal(): AbortSignal {
    return (this.#controller ??= new AbortController()).signal
  }

  /** The signal, or `undefined` while nothing can abort the request. */
  get current(): AbortSignal | undefined {
    return this.#controller?.signal
  }

  /** Whether the request was aborted (by the user or a timeout). */
  get aborted(): boolean {
    return this.#controller?.signal.aborted ?? false
  }

  /** The `TimeoutError` that fired, if the abort was a timeout. */
  get timeout(): TimeoutError | undefined {
    const reason: unknown = this.#controller?.signal.reason
    return reason instanceof TimeoutError ? reason : undefined
  }

  /** Throws the user's abort reason or the fired timeout, if either happened. */
  throwIfAborted(): void {
    const signal = this.#controller?.signal
    if (signal?.aborted) throw signal.reason
  }

  /**
   * Limits one wait (a hop's headers) to `ms` and returns a signal that aborts on it or on
   * the deadline; call the returned `clear` when the wait is over.
   */
  limit(limit: TimeoutLimit, ms: number): { signal: AbortSignal; clear: () => void } {
    const local = new AbortController()
    const parent = this.signal
    const follow = (): void => {
      local.abort(parent.reason)
    }
    if (parent.aborted) follow()
    else parent.addEventListener('abort', follow, { once: true })
    const timer = this.#arm(limit, ms, local)
    return {
      signal: local.signal,
      clear: () => {
        clearTimeout(timer)
        parent.removeEventListener('abort', follow)
      },
    }
  }

  #arm(
    limit: TimeoutLimit,
    ms: number,
    controller: AbortController,
  ): ReturnType<typeof setTimeout> {
    return setTimeout(() => {
      controller.abort(new TimeoutError(limit, ms))
    }, ms)
  }

  /**
   * Also aborts, with its reason, when `signal` does (the session's `close()`), until the
   * final headers arrive. Idempotent per signal.
   */
  follow(signal: AbortSignal): void {
    if (this.#followed?.signal === signal) return
    const controller = (this.#controller ??= new AbortController())
    if (signal.aborted) {
      controller.abort(signal.reason)
      return
    }
    const listener = (): void => {
      controller.abort(signal.reason)
    }
    signal.addEventListener('abort', listener, { once: true })
    this.#followed = { signal, listener }
  }

  /** Stops the total timer once the final headers arrived; the user's signal still aborts the body. */
  settle(): void {
    clearTimeout(this.#totalTimer)
    this.#unfollow()
  }

  #unfollow(): void {
    if (!this.#followed) return
    this.#followed.signal.removeEventListener('abort', this.#followed.listener)
    this.#followed = undefined
  }

  /** Stops everything (after an error). */
  dispose(): void {
    clearTimeout(this.#totalTimer)
    this.#unfollow()
    if (this.#onUserAbort) this.#user?.removeEventListener('abort', this.#onUserAbort)
  }
}

/**
 * Waits `ms`, rejecting early with the reason of the first of `signals` to abort; the timer
 * and the listeners are removed either way, so nothing keeps the process alive.
 */
export function sleep(ms: number, ...signals: AbortSignal[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = signals.find((signal) => signal.aborted)
    if (aborted) {
      reject(aborted.reason as Error)
      return
    }
    const cleanup = (): void => {
      clearTimeout(timer)
      for (const signal of signals) signal.removeEventListener('abort', onAbort)
    }
    const onAbort = (event: Event): void => {
      cleanup()
      reject((event.target as AbortSignal).reason as Error)
    }
    const timer = setTimeout(() => {
      cleanup()
      resolve()
    }, ms)
    for (const signal of signals) signal.addEventListener('abort', onAbort, { once: true })
  })
}
