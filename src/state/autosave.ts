/**
 * `new Session({ autosave: { store, key, debounce } })`: saves the session after any response
 * that changed its cookie jar (read from `jar.revision`), at most once per `debounce` window,
 * and always on `close()`. Saves run one at a time, in order, through `saveSession`, so the
 * optimistic revision check applies to them too.
 * @module
 */
import { invalid, maxTimeout } from '../util/validate.ts'
import { saveSession, type StateStore } from './store.ts'
import type { SessionLike } from './schema.ts'

/** The `autosave` option of `new Session()`. */
export interface AutosaveOptions {
  /** Where to save. */
  store: StateStore
  /** The key to save under. */
  key: string
  /** Milliseconds between the first jar change and the save it triggers, at most 2147483647. Default 100. */
  debounce?: number | undefined
  /** `false` saves without auth and proxy credentials (see `toJSON`). Default `true`. */
  secrets?: boolean | undefined
  /**
   * Receives errors of background saves (a `StateConflictError`, a failing store). Without it,
   * the first such error is thrown by the next `session.flush()` or by `session.close()`,
   * unless a later save succeeded.
   */
  onError?: ((error: unknown) => void) | undefined
}

/**
 * Validates the `autosave` option.
 * @throws {TypeError} naming the bad field.
 */
export function checkAutosaveOptions(value: unknown): AutosaveOptions {
  const o = value as Partial<AutosaveOptions> | null
  if (typeof o !== 'object' || o === null) {
    throw invalid('autosave', 'an object', value)
  }
  const store = o.store as Partial<StateStore> | null | undefined
  if (
    typeof store !== 'object' ||
    store === null ||
    typeof store.get !== 'function' ||
    typeof store.set !== 'function'
  ) {
    throw invalid('autosave.store', 'an object with get() and set() methods', store)
  }
  if (typeof o.key !== 'string' || o.key === '') {
    throw invalid('autosave.key', 'a non-empty string', o.key)
  }
  if (
    o.debounce !== undefined &&
    (typeof o.debounce !== 'number' || !(o.debounce >= 0) || !Number.isFinite(o.debounce))
  ) {
    throw invalid('autosave.debounce', 'a finite number >= 0', o.debounce, {
      range: typeof o.debounce === 'number',
    })
  }
  // A longer timer fires at once (a signed 32-bit delay), as for every other timer.
  if (o.debounce !== undefined && o.debounce > maxTimeout) {
    throw invalid('autosave.debounce', `at most ${maxTimeout} ms (about 24.8 days)`, o.debounce, {
      range: true,
    })
  }
  if (o.secrets !== undefined && typeof o.secrets !== 'boolean') {
    throw invalid('autosave.secrets', 'a boolean', o.secrets)
  }
  if (o.onError !== undefined && typeof o.onError !== 'function') {
    throw invalid('autosave.onError', 'a function', o.onError)
  }
  return o as AutosaveOptions
}

interface JarLike {
  readonly revision?: number
}

/**
 * Drives autosave for one session. The session calls `notify()` after every response and
 * `close()` when it closes.
 * @example
 * const autosave = new Autosave(session, { store, key: 'me' })
 * // after each response: autosave.notify(); on close: await autosave.close()
 */
export class Autosave {
  readonly #session: SessionLike
  readonly #options: AutosaveOptions
  #jar: unknown
  #revision: number | undefined
  #timer: ReturnType<typeof setTimeout> | undefined
  #chain: Promise<void> = Promise.resolve()
  #error: { error: unknown } | undefined
  #closed = false

  constructor(session: SessionLike, options: AutosaveOptions) {
    this.#session = session
    this.#options = checkAutosaveOptions(options)
    this.#jar = session.cookies
    this.#revision = (session.cookies as JarLike).revision
  }

  /** Whether the jar changed since the last save (or since the session was built). */
  get dirty(): boolean {
    const jar = this.#session.cookies as JarLike
    return jar !== this.#jar || typeof jar.revision !== 'number' || jar.revision !== this.#revision
  }

  /** Schedules a save when the jar changed; call after every response. */
  notify(): void {
    if (this.#closed || this.#timer !== undefined || !this.dirty) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      void this.#enqueue()
    }, this.#options.debounce ?? 100)
  }

  /**
   * Saves now when a save is pending, and waits for saves in flight.
   * @throws the first background save error not given to `onError`, unless a later save
   * succeeded (every save writes the whole session).
   */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
      void this.#enqueue()
    }
    await this.#chain
    this.#rethrow()
  }

  /**
   * Stops autosaving after one last save of the whole session.
   * @throws the first background save error not given to `onError`, or the last save's error.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#enqueue()
    this.#rethrow()
  }

  #enqueue(): Promise<void> {
    this.#chain = this.#chain.then(() => this.#save())
    return this.#chain
  }

  async #save(): Promise<void> {
    const jar = this.#session.cookies as JarLike
    const revision = jar.revision
    try {
      const { store, key, secrets } = this.#options
      await saveSession(this.#session, store, key, secrets === undefined ? {} : { secrets })
      this.#jar = jar
      this.#revision = revision
      // The whole session is saved now: an earlier failure is no longer true.
      this.#error = undefined
    } catch (error) {
      try {
        if (!this.#options.onError) throw error
        this.#options.onError(error)
      } catch (unreported) {
        this.#error ??= { error: unreported }
      }
    }
  }

  #rethrow(): void {
    const held = this.#error
    this.#error = undefined
    if (held) throw held.error
  }
}
