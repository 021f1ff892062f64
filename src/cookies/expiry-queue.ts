/**
 * A binary min-heap of records by expiry time, so that "evict all expired cookies at any
 * time" (RFC 6265 §5.3) costs one comparison per operation instead of a scan of the jar.
 *
 * Every live record with an expiry has one entry whose key is at most its expiry. A later
 * expiry (a cookie refreshed by the server) is applied lazily: the old entry, when it comes
 * up, is pushed again with the new time. An earlier expiry adds an entry. Entries of removed
 * records are skipped, and compacted away when they outnumber the live ones.
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

  /** Notes that a live record's expiry changes from `from` to `to` (set `expires` after). */
  update(record: StoredCookie, from: number | null, to: number | null): void {
    if (to === null) {
      if (from !== null) this.dropped()
    } else if (from === null) {
      this.push(record, to)
    } else if (to < from) {
      this.push(record, to)
      this.dropped() // the older entry is now redundant
    }
  }

  /** Removes and returns the records whose expiry is `<= now` (a record may repeat). */
  popExpired(now: number): StoredCookie[] {
    const out: StoredCookie[] = []
    while (this.#heap.length > 0 && (this.#keys[0] as number) <= now) {
      const record = this.#pop()
      const expires = record.expires
      if (record.owner === null || expires === null) this.#stale--
      else if (expires > now)
        this.push(record, expires) // refreshed since it was queued
      else out.push(record)
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
    if (heap.length > 0) this.#siftDown(0, last, lastKey)
    return top
  }

  #compact(): void {
    const heap = this.#heap
    const keys = this.#keys
    const seen = new Set<StoredCookie>()
    let n = 0
    for (const record of heap) {
      if (record.owner === null || record.expires === null || seen.has(record)) continue
      seen.add(record)
      heap[n] = record
      keys[n] = record.expires
      n++
    }
    heap.length = n
    keys.length = n
    this.#stale = 0
    // Floyd's heapify: sift every parent down, last parent first.
    for (let i = (n >> 1) - 1; i >= 0; i--) {
      this.#siftDown(i, heap[i] as StoredCookie, keys[i] as number)
    }
  }

  #siftDown(from: number, record: StoredCookie, key: number): void {
    const heap = this.#heap
    const keys = this.#keys
    const n = heap.length
    let i = from
    for (;;) {
      const l = 2 * i + 1
      if (l >= n) break
      const r = l + 1
      const c = r < n && (keys[r] as number) < (keys[l] as number) ? r : l
      if ((keys[c] as number) >= key) break
      heap[i] = heap[c] as StoredCookie
      keys[i] = keys[c] as number
      i = c
    }
    heap[i] = record
    keys[i] = key
  }
}
