/**
 * Header helpers: building `Headers` from loose input and requests' `merge_setting` for
 * headers (request wins per name, compared case-insensitively; `null` removes a default).
 * @module
 */
import type { HeadersInitLike } from '../types.ts'
import { invalid } from './validate.ts'

type HeaderValue = string | readonly string[] | null | undefined

/** Calls `fn(name, value)` for each entry of loose header input, in order. */
function forEachHeader(
  init: HeadersInitLike,
  field: string,
  fn: (name: string, value: HeaderValue) => void,
): void {
  if (init instanceof Headers) {
    // A Headers object iterates Set-Cookie values separately and joins the rest.
    for (const [name, value] of init) fn(name, value)
    return
  }
  if (typeof init !== 'object' || init === null) {
    throw invalid(field, 'Headers, pairs or a record', init)
  }
  if (Symbol.iterator in init) {
    for (const pair of init as Iterable<unknown>) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw invalid(field, '[name, value] pairs', pair)
      }
      fn(String(pair[0]), String(pair[1]))
    }
    return
  }
  for (const [name, value] of Object.entries(init)) {
    if (
      value !== null &&
      value !== undefined &&
      typeof value !== 'string' &&
      !Array.isArray(value)
    ) {
      throw invalid(
        `${field}[${JSON.stringify(name)}]`,
        'a string, an array of strings or null',
        value,
      )
    }
    fn(name, value as HeaderValue)
  }
}

/** Groups input by lower-cased name so repeated values replace a default together. */
function groupHeaders(init: HeadersInitLike, field: string): Map<string, string[] | null> {
  const groups = new Map<string, string[] | null>()
  forEachHeader(init, field, (name, value) => {
    const key = name.toLowerCase()
    if (value === null || value === undefined) {
      groups.set(key, null)
      return
    }
    const values = typeof value === 'string' ? [value] : value
    const existing = groups.get(key)
    if (existing) existing.push(...values)
    else groups.set(key, [...values])
  })
  return groups
}

/** Builds `Headers` from loose input; `null` entries are skipped. Invalid names throw `TypeError`. */
export function toHeaders(init: HeadersInitLike | undefined, field: string): Headers {
  const headers = new Headers()
  if (init === undefined || init === null) return headers
  for (const [name, values] of groupHeaders(init, field)) {
    if (values) for (const v of values) appendHeader(headers, name, v, field)
  }
  return headers
}

function appendHeader(headers: Headers, name: string, value: string, field: string): void {
  try {
    headers.append(name, value)
  } catch (cause) {
    // The value may be a credential: only its length goes into the message.
    throw invalid(
      `${field}[${JSON.stringify(name)}]`,
      'a header name and value Fetch accepts',
      value,
      {
        secret: true,
        cause,
      },
    )
  }
}

/**
 * requests' `merge_setting` for headers: a copy of the defaults with the request's headers
 * laid over them per name (case-insensitive); `null`/`undefined` removes a default for
 * this request only. Never mutates `defaults`.
 */
export function mergeHeaders(
  defaults: Headers,
  request: HeadersInitLike | undefined,
  field: string,
  omit?: ReadonlySet<string>,
): Headers {
  const merged = new Headers()
  for (const [name, value] of defaults) {
    if (!omit?.has(name)) merged.append(name, value)
  }
  if (request === undefined || request === null) return merged
  for (const [name, values] of groupHeaders(request, field)) {
    merged.delete(name)
    if (values) for (const v of values) appendHeader(merged, name, v, field)
  }
  return merged
}

/** The names a loose header input sets (lower case), `null` removals included. */
export function headerNames(init: HeadersInitLike | undefined, field: string): Set<string> {
  const names = new Set<string>()
  if (init !== undefined && init !== null)
    forEachHeader(init, field, (n) => names.add(n.toLowerCase()))
  return names
}
