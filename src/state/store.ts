/**
 * Persistence for saved sessions: the `StateStore` interface, two built-in stores (memory and
 * Web Storage; the Node file store lives in `platform/file-store.ts`), and `saveSession` /
 * `loadSession` with an optimistic revision check so that two writers of one key never lose
 * each other's cookies silently.
 *
 * Concurrency design: optimistic versioning, not merging. Every saved document
 * carries `revision`; a session remembers the revision it last loaded or saved for each
 * (store, key), and `save` refuses with `StateConflictError` when the store holds another one.
 * Merging cookies by (name, domain, path) was rejected: it resurrects cookies the other writer
 * deleted (a logout) and cannot merge headers or auth at all.
 * @module
 */
import { invalid } from '../util/validate.ts'
import { StateConflictError } from '../errors.ts'
import { parseSessionState, sessionFromState } from './read.ts'
import {
  checkLength,
  checkWritable,
  type SessionClassLike,
  type SessionExtras,
  type SessionLike,
  type ToJSONOptions,
} from './schema.ts'
import { buildState, readBack } from './write.ts'

/**
 * Where saved sessions live: any key-value store with string values.
 * @example
 * const store: StateStore = { get: async (k) => map.get(k) ?? null, set: async (k, v) => void map.set(k, v) }
 */
export interface StateStore {
  /** The stored text, or `null` when the key is absent. */
  get(key: string): Promise<string | null>
  /** Stores the text under the key, replacing any previous value. */
  set(key: string, value: string): Promise<void>
  /**
   * Optional atomic write-if-unchanged: stores `value` only when the current text equals
   * `expected` (`null`: the key is absent) and resolves `true`, else resolves `false`. Stores
   * that have it make the `ifVersion` check race-free; others get read-compare-write.
   */
  compareAndSet?(key: string, expected: string | null, value: string): Promise<boolean>
  /**
   * Optional: names the place this store writes to, so that two store objects over one place
   * are one destination (a `FileStore` gives `file:` and its resolved directory). A session
   * runs its saves one at a time, and remembers the revision it last loaded or saved, per
   * destination and key: per `identity` when the store has one, else per store object.
   */
  readonly identity?: string | undefined
}

/** Options of `session.save(store, key, options)`. */
export interface SaveOptions extends ToJSONOptions {
  /**
   * The revision the store must hold for the write to happen (`null`: the key must be absent).
   * Default: the revision this session last loaded or saved under this store and key, or no
   * check when it has not touched that key.
   */
  ifVersion?: number | null | undefined
  /** Write whatever the store holds. Default `false`. */
  force?: boolean | undefined
}

/**
 * Per (destination, key) values of one session: a store with an `identity` is found by it,
 * any other by the store object itself (weakly, so a store dropped by the program is freed).
 */
class ByDestination<V> {
  readonly #named = new Map<string, Map<string, V>>()
  readonly #objects = new WeakMap<StateStore, Map<string, V>>()

  /** The values by key of `store`'s destination (made when `create`). */
  keys(store: StateStore, create: true): Map<string, V>
  keys(store: StateStore, create?: false): Map<string, V> | undefined
  keys(store: StateStore, create = false): Map<string, V> | undefined {
    const { identity } = store
    const found = identity === undefined ? this.#objects.get(store) : this.#named.get(identity)
    if (found || !create) return found
    const made = new Map<string, V>()
    if (identity === undefined) this.#objects.set(store, made)
    else this.#named.set(identity, made)
    return made
  }
}

function perSession<V>(
  table: WeakMap<object, ByDestination<V>>,
  session: object,
): ByDestination<V> {
  let found = table.get(session)
  if (!found) table.set(session, (found = new ByDestination<V>()))
  return found
}

// session → destination → key → revision it last loaded or saved.
const known = new WeakMap<object, ByDestination<number>>()

function remember(session: object, store: StateStore, key: string, revision: number): void {
  perSession(known, session).keys(store, true).set(key, revision)
}

/**
 * The revision the session last loaded or saved under `store`'s destination and `key`, if any.
 * @example
 * const rev = knownRevision(s, store, 'alice') // 3
 */
export function knownRevision(session: object, store: StateStore, key: string): number | undefined {
  return known.get(session)?.keys(store)?.get(key)
}

function checkStore(store: unknown, key: unknown): asserts store is StateStore {
  if (
    typeof store !== 'object' ||
    store === null ||
    typeof (store as StateStore).get !== 'function' ||
    typeof (store as StateStore).set !== 'function'
  ) {
    throw invalid('store', 'an object with get() and set() methods', store)
  }
  const { identity } = store as StateStore
  if (identity !== undefined && (typeof identity !== 'string' || identity === '')) {
    throw invalid('store.identity', 'a non-empty string or undefined', identity)
  }
  if (typeof key !== 'string' || key === '') {
    throw invalid('key', 'a non-empty string', key)
  }
}

/** The revision of stored text: `null` when absent, 0 for a document saved without one. */
function revisionOf(text: string | null): number | null {
  return text === null ? null : (parseSessionState(text).revision ?? 0)
}

// session → destination → key → the end of its save queue: one session's saves of one key
// run one at a time, so an explicit save() and an autosave never race each other into a
// conflict, even through two store objects over one place (the same `identity`).
const queues = new WeakMap<object, ByDestination<Promise<unknown>>>()

function enqueue<T>(
  session: object,
  store: StateStore,
  key: string,
  task: () => Promise<T>,
): Promise<T> {
  const queue = perSession(queues, session).keys(store, true)
  const run = (queue.get(key) ?? Promise.resolve()).then(task)
  const tail = run.catch(() => undefined)
  queue.set(key, tail)
  void tail.then(() => {
    if (queue.get(key) === tail) queue.delete(key)
  })
  return run
}

/**
 * Saves the session under `key` and resolves to the new revision. Saves of one session to one
 * destination (the store's `identity`, else the store object) and key run one after another,
 * each checking against the revision the previous wrote.
 * @throws {StateConflictError} when the store holds another revision than `ifVersion`.
 * @throws {SessionStateError} when the state would exceed `stateLimits` (nothing is written).
 * @throws {TypeError} for a store without get/set or an empty key.
 */
export async function saveSession(
  session: SessionLike,
  store: StateStore,
  key: string,
  options: SaveOptions = {},
): Promise<number> {
  checkStore(store, key)
  if (typeof options !== 'object' || options === null) {
    throw invalid('save(options)', 'an object', options)
  }
  return enqueue(session, store, key, () => saveNow(session, store, key, options))
}

async function saveNow(
  session: SessionLike,
  store: StateStore,
  key: string,
  options: SaveOptions,
): Promise<number> {
  const { ifVersion, force = false } = options
  if (
    ifVersion !== undefined &&
    ifVersion !== null &&
    (!Number.isInteger(ifVersion) || ifVersion < 0)
  ) {
    throw invalid('save(options).ifVersion', 'an integer >= 0 or null', ifVersion, {
      got: String(ifVersion),
    })
  }
  // The state first: one that could not be loaded back is refused before the store is touched.
  const state = buildState(session, options)
  checkWritable(state, undefined, readBack(session))
  const expected = ifVersion !== undefined ? ifVersion : knownRevision(session, store, key)
  const current = await store.get(key)
  // Read the stored revision even when forcing, so the new one is always larger.
  const actual = force || expected === undefined ? safeRevision(current) : revisionOf(current)
  if (!force && expected !== undefined && expected !== actual) {
    throw new StateConflictError(key, expected, actual)
  }
  const revision = (actual ?? 0) + 1
  const { version, ...rest } = state
  const text = JSON.stringify({ version, revision, ...rest })
  checkLength(text.length, true)
  if (store.compareAndSet) {
    if (!(await store.compareAndSet(key, current, text))) {
      // Another writer got in between our read and our write.
      throw new StateConflictError(key, expected ?? actual, safeRevision(await store.get(key)))
    }
  } else {
    await store.set(key, text)
  }
  remember(session, store, key, revision)
  return revision
}

function safeRevision(text: string | null): number | null {
  try {
    return revisionOf(text)
  } catch {
    return 0 // unreadable: overwritten by a forced or unchecked save
  }
}

/**
 * Loads the session saved under `key`, or resolves `null` when there is none.
 * @throws {SessionStateError} when the stored text is not valid state (names the JSON path).
 */
export async function loadSession<S extends SessionLike>(
  cls: SessionClassLike<S>,
  store: StateStore,
  key: string,
  extras?: SessionExtras,
): Promise<S | null> {
  checkStore(store, key)
  const text = await store.get(key)
  if (text === null) return null
  const state = parseSessionState(text)
  const session = sessionFromState(cls, state, extras)
  remember(session, store, key, state.revision ?? 0)
  return session
}

/**
 * A store in memory: for tests, and for sharing one state between the sessions of a running program.
 * @example
 * const store = new MemoryStore()
 * await s.save(store, 'alice'); const again = await Session.load(store, 'alice')
 */
export class MemoryStore implements StateStore {
  readonly #map = new Map<string, string>()

  /** Resolves the stored text or `null`. */
  get(key: string): Promise<string | null> {
    return Promise.resolve(this.#map.get(key) ?? null)
  }

  /** Stores the text. */
  set(key: string, value: string): Promise<void> {
    this.#map.set(key, value)
    return Promise.resolve()
  }

  /** Atomic: JavaScript runs this check and write without interleaving. */
  compareAndSet(key: string, expected: string | null, value: string): Promise<boolean> {
    if ((this.#map.get(key) ?? null) !== expected) return Promise.resolve(false)
    this.#map.set(key, value)
    return Promise.resolve(true)
  }

  /** Removes a key. */
  delete(key: string): Promise<void> {
    this.#map.delete(key)
    return Promise.resolve()
  }
}

// Storage throws synchronously (QuotaExceededError, SecurityError); turn that into a rejection.
function attempt<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn())
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)))
  }
}

// Each Storage object's number, for WebStorageStore identities.
const storages = new WeakMap<StorageLike, number>()
let storageCount = 0

function storageNumber(storage: StorageLike): number {
  let n = storages.get(storage)
  if (n === undefined) storages.set(storage, (n = ++storageCount))
  return n
}

/** The part of the Web Storage `Storage` interface a `WebStorageStore` uses. */
export interface StorageLike {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/**
 * A store over Web Storage (`localStorage`, `sessionStorage`, or anything with the same
 * methods). Keys are prefixed (default `fetch-session:`). `setItem` may throw the platform's
 * `QuotaExceededError`; it is passed on unchanged.
 * @example
 * const store = new WebStorageStore(localStorage)
 * await s.save(store, 'me')
 */
export class WebStorageStore implements StateStore {
  readonly #storage: StorageLike
  readonly #prefix: string
  /**
   * The storage object (numbered in this program) and the prefix: two stores over one
   * `Storage` with one prefix are one destination (see `StateStore`).
   */
  readonly identity: string

  constructor(storage: StorageLike, options: { prefix?: string | undefined } = {}) {
    if (
      typeof storage !== 'object' ||
      storage === null ||
      typeof storage.getItem !== 'function' ||
      typeof storage.setItem !== 'function' ||
      typeof storage.removeItem !== 'function'
    ) {
      throw invalid('storage', 'a Storage (getItem/setItem/removeItem)', storage)
    }
    const prefix = options.prefix ?? 'fetch-session:'
    if (typeof prefix !== 'string') {
      throw invalid('options.prefix', 'a string', prefix)
    }
    this.#storage = storage
    this.#prefix = prefix
    this.identity = `web-storage:${storageNumber(storage)}:${prefix}`
  }

  /** Resolves the stored text or `null`. */
  get(key: string): Promise<string | null> {
    return attempt(() => this.#storage.getItem(this.#prefix + key))
  }

  /** Stores the text. */
  set(key: string, value: string): Promise<void> {
    return attempt(() => {
      this.#storage.setItem(this.#prefix + key, value)
    })
  }

  /** Check and write run in one task, so no other script of this page can interleave (other tabs can). */
  compareAndSet(key: string, expected: string | null, value: string): Promise<boolean> {
    return attempt(() => {
      if (this.#storage.getItem(this.#prefix + key) !== expected) return false
      this.#storage.setItem(this.#prefix + key, value)
      return true
    })
  }

  /** Removes a key. */
  delete(key: string): Promise<void> {
    return attempt(() => {
      this.#storage.removeItem(this.#prefix + key)
    })
  }
}
