/**
 * The mount table (requests' `Session.mount` / `get_adapter`): adapters by URL prefix,
 * longest prefix wins, compared case-insensitively.
 * @module
 */
import { NoAdapterError } from './errors.ts'
import type { Adapter } from './platform.ts'
import { invalid, unsupported } from './util/validate.ts'

export type { Adapter }

/**
 * `session.adapters`: a `Map` that only `mount()` changes. Routing reads the table, not this
 * map, so a `set()` here would look like a mount and route nothing: `set`, `delete` and
 * `clear` throw instead (requests' `session.adapters` is a plain dict, but its `mount()` is
 * the documented way to change it).
 */
class MountedAdapters extends Map<string, Adapter> {
  /** @throws {TypeError} always: mount adapters with `session.mount(prefix, adapter)`. */
  override set(): never {
    throw unsupported(
      'session.adapters.set()',
      'the map is read-only; use session.mount(prefix, adapter)',
    )
  }
  /** @throws {TypeError} always: the map is read-only. */
  override delete(): never {
    throw unsupported(
      'session.adapters.delete()',
      'the map is read-only; mount another adapter at the prefix instead',
    )
  }
  /** @throws {TypeError} always: the map is read-only. */
  override clear(): never {
    throw unsupported('session.adapters.clear()', 'the map is read-only')
  }
}

/** Adapters by prefix. */
export class MountTable {
  readonly #entries: Map<string, Adapter> = new MountedAdapters()
  #sorted: [string, Adapter][] = []

  /** Mounts `adapter` for URLs starting with `prefix` (replacing one at the same prefix). */
  mount(prefix: string, adapter: Adapter): void {
    if (typeof prefix !== 'string' || prefix === '') {
      throw invalid('mount(prefix)', 'a non-empty string', prefix)
    }
    if (typeof adapter !== 'object' || adapter === null || typeof adapter.fetch !== 'function') {
      throw invalid('mount(adapter)', 'an object with a fetch(request, ctx) method', adapter)
    }
    Map.prototype.set.call(this.#entries, prefix, adapter)
    // requests sessions.py mount(): adapters are kept sorted by descending prefix length.
    this.#sorted = [...this.#entries]
      .map(([p, a]): [string, Adapter] => [p.toLowerCase(), a])
      .sort((a, b) => b[0].length - a[0].length)
  }

  /** The adapter for `url`, or `undefined` when no prefix matches. */
  lookup(url: string): Adapter | undefined {
    const lower = url.toLowerCase()
    for (const [prefix, adapter] of this.#sorted) if (lower.startsWith(prefix)) return adapter
    return undefined
  }

  /** The adapter for `url`, or `NoAdapterError`. */
  require(url: string, request?: Request): Adapter {
    const adapter = this.lookup(url)
    if (!adapter) throw new NoAdapterError(url, { request })
    return adapter
  }

  /** Mounted adapters by prefix, in mount order: a live `Map` whose `set`, `delete` and `clear` throw. */
  get entries(): ReadonlyMap<string, Adapter> {
    return this.#entries
  }
}
