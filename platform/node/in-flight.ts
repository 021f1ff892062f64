/**
 * The hops a Node session has on the wire, so that `close()` can end them. undici 7's
 * `Agent.close()` waits for every response body to be read and empties its client map at
 * once, so a `destroy()` after it finds nothing to abort: a request waiting for headers, or a
 * body being streamed, would outlive the session. Each hop registers how to end itself; close
 * ends them all with a `ClosedSessionError`, then destroys the dispatchers.
 * @module
 */

/**
 * Ends one hop with a `ClosedSessionError`: its promise rejects, or its body errors, and its
 * socket is aborted.
 */
export type EndHop = () => void

/** The hops of one session still waiting for headers or still receiving a body. */
export class InFlight {
  readonly #hops = new Set<EndHop>()
  #closing: Error | undefined
  #signal: AbortController | undefined

  /**
   * Registers a hop; call the returned function once the hop is over (its body ended or
   * failed). A hop started after `endAll` is ended at once.
   */
  add(end: EndHop): () => void {
    if (this.#closing) {
      end()
      return noop
    }
    this.#hops.add(end)
    return () => this.#hops.delete(end)
  }

  /** A signal that aborts with the close reason, for requests sent through `undici.fetch`. */
  get signal(): AbortSignal {
    this.#signal ??= new AbortController()
    if (this.#closing && !this.#signal.signal.aborted) this.#signal.abort(this.#closing)
    return this.#signal.signal
  }

  /** Ends every registered hop (and any started later); `reason` is the signal's abort reason. */
  endAll(reason: Error): void {
    this.#closing = reason
    this.#signal?.abort(reason)
    const hops = [...this.#hops]
    this.#hops.clear()
    for (const end of hops) end()
  }

  /** How many hops are registered (for tests). */
  get size(): number {
    return this.#hops.size
  }
}

function noop(): void {
  // A hop ended before it started has nothing to unregister.
}
