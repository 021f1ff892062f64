/**
 * Frozen snapshots of validated settings: the session keeps (and its getters hand out) a
 * deep copy that cannot be changed in place, so an option is only ever changed by assigning
 * it, where it is checked, and what the session uses is what it saves.
 * @module
 */

/**
 * A deep, frozen copy of plain option data: objects and arrays are copied (other iterables,
 * such as a `Set` of status codes, become arrays), functions and primitives are kept as they are.
 * @example
 * const retry = frozenCopy({ limit: 2, statusCodes: new Set([503]) }) // { limit: 2, statusCodes: [503] }, frozen
 */
export function frozenCopy<T>(value: T): T {
  // Bytes and class instances (a URL…) are kept as they are: only plain data is copied.
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value
  if (Array.isArray(value) || (Symbol.iterator in value && !isPlain(value))) {
    return Object.freeze([...(value as Iterable<unknown>)].map(frozenCopy)) as T
  }
  if (!isPlain(value)) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = frozenCopy(v)
  return Object.freeze(out) as T
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null
}
