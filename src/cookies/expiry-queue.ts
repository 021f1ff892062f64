/**
 * A binary min-heap of records by expiry time, so that "evict all expired cookies at any
 * time" (RFC 6265 §5.3) costs one comparison per operation instead of a scan of the jar.
 * Removed or re-timed records are skipped lazily and compacted away when they outnumber the
 * live ones.
 * @module
 */
import type { StoredCookie } from './record.ts'

export class ExpiryQueue {
  #heap: StoredCookie[] = []
  /** Expiry each heap slot was pushed with; a record whose `expires` changed is stale. */
  #keys: number[] = []
  #stale = 0

  /** The earliest expiry in the queue (possibly of a stale entry), or `Infinity`. */
  get next(): number {
    return this.#keys[0] ?? Infinity
  }

  push(record: StoredCookie, expires: number): void {
    const heap = this.#heap
    const keys = this.#keys
    let i = heap.length
    heap.push(record)
    keys.push(expires)
    while (i > 0) {
      const parent = (i - 1) >> 1
      const pk = keys[parent] as number
      if (pk <= expires) break
      heap[i] = heap[parent] as StoredCookie
      keys[i] = pk
      i = parent
    }
    heap[i] = record
    keys[i] = expires
  }

  /** Notes that a queued record was removed; compacts when stale entries dominate. */
  dropped(): void {
    this.#stale++
    if (this.#stale > 64 && this.#stale * 2 > this.#heap.length) this.#compact()
  }

  /** Removes and returns every live record whose expiry is `<= now`. */
  popExpired(now: number): StoredCookie[] {
    const out: StoredCookie[] = []
    while (this.#heap.length > 0 && (this.#keys[0] as number) <= now) {
      const key = this.#keys[0] as number
      const record = this.#pop()
      if (record.owner !== null && record.expires === key) out.push(record)
      else this.#stale--
    }
    return out
  }

  clear(): void {
    this.#heap = []
    this.#keys = []
    this.#stale = 0
  }

  #pop(): StoredCookie {
    const heap = this.#heap
    const keys = this.#keys
    const top = heap[0] as StoredCookie
    const last = heap.pop() as StoredCookie
    const lastKey = keys.pop() as number
    const n = heap.length
    if (n > 0) {
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        if (l >= n) break
        const r = l + 1
        const c = r < n && (keys[r] as number) < (keys[l] as number) ? r : l
        if ((keys[c] as number) >= lastKey) break
        heap[i] = heap[c] as StoredCookie
        keys[i] = keys[c] as number
        i = c
      }
      heap[i] = last
      keys[i] = lastKey
    }
    return top
  }

  #compact(): void {
    const live: [StoredCookie, number][] = []
    for (let i = 0; i < this.#heap.length; i++) {
      const record = this.#heap[i] as StoredCookie
      const key = this.#keys[i] as number
      if (record.owner !== null && record.expires === key) live.push([record, key])
    }
    this.clear()
    for (const [record, key] of live) this.push(record, key)
  }
}
