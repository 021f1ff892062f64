/**
 * The mount table (requests' `Session.mount` / `get_adapter`): adapters by URL prefix,
 * longest prefix wins, compared case-insensitively.
 * @module
 */
import { NoAdapterError } from './errors.ts'
import type { Adapter } from './platform.ts'
import { invalid } from './util/validate.ts'

export type { Adapter }

/** Adapters by prefix. */
export class MountTable {
  readonly #entries = new Map<string, Adapter>()
  #sorted: [string, Adapter][] = []

  /** Mounts `adapter` for URLs starting with `prefix` (replacing one at the same prefix). */
  mount(prefix: string, adapter: Adapter): void {
    if (typeof prefix !== 'string' || prefix === '') {
      throw invalid('mount(prefix)', 'a non-empty string', prefix)
    }
    if (typeof adapter !== 'object' || adapter === null || typeof adapter.fetch !== 'function') {
      throw invalid('mount(adapter)', 'an object with a fetch(request, ctx) method', adapter)
    }
    this.#entries.set(prefix, adapter)
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

  /** Mounted adapters by prefix, in mount order. */
  get entries(): ReadonlyMap<string, Adapter> {
    return this.#entries
  }
}
