/**
 * URL helpers: `baseURL` joining, query parameters, and the origin comparisons the
 * credential policy uses.
 * @module
 */
import { InvalidURLError, redactURL } from '../errors.ts'
import type { ParamsInit, ParamValue } from '../types.ts'
import { trimTrailing } from './text.ts'
import { invalid } from './validate.ts'

const absoluteURL = /^[a-z][a-z\d+\-.]*:/i

/**
 * Resolves a request URL against `baseURL` by joining paths, as axios and ofetch do (not by
 * RFC 3986 reference resolution, which would drop the base path for `/users`):
 *
 * | baseURL                 | url           | result                         |
 * | ----------------------- | ------------- | ------------------------------ |
 * | `https://api.test/v1`   | `/users`      | `https://api.test/v1/users`    |
 * | `https://api.test/v1/`  | `users`       | `https://api.test/v1/users`    |
 * | `https://api.test/v1`   | `?page=2`     | `https://api.test/v1?page=2`   |
 * | `https://api.test/v1`   | `''`          | `https://api.test/v1`          |
 * | `https://api.test/v1`   | `https://x.test/a` | `https://x.test/a` (absolute wins) |
 * | `https://api.test/v1`   | `//cdn.test/a` | `https://cdn.test/a` (scheme-relative) |
 *
 * @throws {InvalidURLError} when the result is not a valid absolute URL.
 */
export function resolveURL(input: string | URL, baseURL: string | undefined): URL {
  if (input instanceof URL) return new URL(input.href)
  if (typeof input !== 'string') {
    throw invalid('url', 'a string or URL', input)
  }
  let href = input
  if (!absoluteURL.test(input) && baseURL !== undefined) {
    if (input.startsWith('//')) {
      href = `${new URL(baseURL).protocol}${input}`
    } else if (input === '' || input.startsWith('?') || input.startsWith('#')) {
      const base = input.startsWith('?')
        ? baseURL.replace(/[?#].*$/s, '')
        : baseURL.replace(/#.*$/s, '')
      href = base + input
    } else {
      href = `${trimTrailing(baseURL.replace(/[?#].*$/s, ''), '/')}/${input.replace(/^\/+/, '')}`
    }
  }
  let url: URL
  try {
    url = new URL(href)
  } catch (cause) {
    const reason =
      baseURL === undefined && !absoluteURL.test(input)
        ? 'a relative URL needs the session baseURL'
        : 'not a valid URL'
    // The parser's error keeps the whole input (`error.input`): not passed on when it has userinfo.
    throw new InvalidURLError(href, reason, redactURL(href) === href ? { cause } : {})
  }
  return url
}

/**
 * Validates `baseURL` and returns its normalised form: an absolute `http:` or `https:` URL
 * (`localhost:8080` parses as a URL of scheme `localhost:`, and `javascript:` or `file:` bases
 * could only fail later, on every request).
 * @throws {TypeError} naming `field`.
 */
export function checkBaseURL(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string' && !(value instanceof URL)) {
    throw invalid(field, 'a string or URL', value)
  }
  const text = String(value)
  // The message shows the URL without its userinfo (a password never reaches it).
  let url: URL
  try {
    url = new URL(text)
  } catch (cause) {
    // The parser's error keeps the whole input (`error.input`): not passed on when it has userinfo.
    const shown = redactURL(text)
    throw invalid(field, 'an absolute http: or https: URL', shown, shown === text ? { cause } : {})
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    const hint = /^[^/:]+:\d+(?:[/?#]|$)/.test(text)
      ? `write http://${text} or https://${text}`
      : `the scheme is ${url.protocol}`
    throw invalid(field, 'an absolute http: or https: URL', redactURL(text), { hint })
  }
  return text
}

function paramString(value: ParamValue, field: string): string {
  switch (typeof value) {
    case 'string':
      return value
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value)
    default:
      throw invalid(field, 'a string, number, boolean or array of them', value)
  }
}

/** Groups loose params by key; `null` marks a removal. Arrays become repeated keys. */
function groupParams(init: ParamsInit, field: string): Map<string, string[] | null> {
  const groups = new Map<string, string[] | null>()
  const add = (key: string, value: string): void => {
    const list = groups.get(key)
    if (list) list.push(value)
    else groups.set(key, [value])
  }
  if (typeof init === 'string' || init instanceof URLSearchParams) {
    for (const [k, v] of new URLSearchParams(init)) add(k, v)
  } else if (typeof init === 'object' && init !== null && Symbol.iterator in init) {
    for (const pair of init as Iterable<unknown>) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw invalid(field, '[key, value] pairs', pair)
      }
      const [key, value] = pair as [unknown, ParamValue]
      add(String(key), paramString(value, `${field}[${JSON.stringify(key)}]`))
    }
  } else if (typeof init === 'object' && init !== null) {
    for (const [key, value] of Object.entries(init)) {
      const f = `${field}[${JSON.stringify(key)}]`
      if (value === null || value === undefined) groups.set(key, null)
      else if (Array.isArray(value)) {
        groups.set(
          key,
          (value as readonly ParamValue[]).map((v) => paramString(v, f)),
        )
      } else add(key, paramString(value as ParamValue, f))
    }
  } else {
    throw invalid(field, 'URLSearchParams, a string, pairs or a record', init)
  }
  return groups
}

/** Builds `URLSearchParams` from loose input; `null` entries are skipped. */
export function toSearchParams(init: ParamsInit | undefined, field: string): URLSearchParams {
  const params = new URLSearchParams()
  if (init === undefined || init === null) return params
  for (const [key, values] of groupParams(init, field)) {
    if (values) for (const v of values) params.append(key, v)
  }
  return params
}

/**
 * requests' `merge_setting` for params: the session's with the request's laid over them per
 * key (a request key replaces every session value of that key; `null` removes it).
 */
export function mergeParams(
  defaults: URLSearchParams,
  request: ParamsInit | undefined,
  field: string,
): URLSearchParams {
  if (request === undefined || request === null) return defaults
  const merged = new URLSearchParams(defaults)
  for (const [key, values] of groupParams(request, field)) {
    merged.delete(key)
    if (values) for (const v of values) merged.append(key, v)
  }
  return merged
}

/** Appends params to a URL's own query (requests' `prepare_url`). */
export function appendParams(url: URL, params: URLSearchParams): void {
  if (params.size === 0) return
  const extra = params.toString()
  url.search = url.search.length > 1 ? `${url.search.slice(1)}&${extra}` : extra
}
