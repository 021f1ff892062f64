/**
 * Checks a request init before anything is sent: an unknown key (`data`, `header`, a typo)
 * would otherwise be ignored and the request sent without it, and a plain object as `body`
 * would be sent as `[object Object]`.
 * @module
 */
import { invalid } from './util/validate.ts'

/** fetch's `RequestInit` members (Fetch §5.3 "RequestInit" dictionary, plus undici's `dispatcher`). */
const fetchKeys = [
  'method',
  'headers',
  'body',
  'referrer',
  'referrerPolicy',
  'mode',
  'credentials',
  'cache',
  'redirect',
  'integrity',
  'keepalive',
  'signal',
  'duplex',
  'priority',
  'window',
  'dispatcher',
]

/** The session's own request options (docs/options.md). */
const sessionKeys = [
  'params',
  'json',
  'form',
  'auth',
  'cookies',
  'timeout',
  'maxRedirects',
  'allowRedirects',
  'hooks',
  'retry',
  'proxy',
  'raiseForStatus',
  'maxResponseSize',
  'onDownloadProgress',
  'onUploadProgress',
]

/** Every key a request init may hold. */
export const requestInitKeys: ReadonlySet<string> = new Set([...fetchKeys, ...sessionKeys])

/**
 * Request keys other clients use (requests, axios, ky): the key meant, or a hint of its own.
 * Case slips, snake_case (`allow_redirects`) and near typos are found without a table.
 */
const requestAliases: Readonly<Record<string, string>> = {
  data: 'use json for JSON, form for a urlencoded form or body for raw bytes',
  files: 'use body with a FormData',
  header: 'headers',
  cookie: 'cookies',
  query: 'params',
  qs: 'params',
  searchParams: 'params',
  proxies: 'proxy',
  throwHttpErrors: 'raiseForStatus',
}

/** Session option names other clients use (requests, ky). */
export const sessionAliases: Readonly<Record<string, string>> = {
  verify: 'use tls: { rejectUnauthorized, ca }',
  cert: 'use tls: { cert, key }',
  jar: 'cookies',
  proxies: 'proxy',
  prefixUrl: 'baseURL',
  throwHttpErrors: 'raiseForStatus',
}

/** Edit distance, capped: only small typos get a suggestion. */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost)
    }
    prev = row
  }
  return prev[b.length] ?? 3
}

/** A hint for an unknown key: a known alias, a case or snake_case slip, or a near typo. */
export function hintFor(
  key: string,
  known: Iterable<string>,
  aliases: Readonly<Record<string, string>> = requestAliases,
): string | undefined {
  const alias = Object.hasOwn(aliases, key) ? aliases[key] : undefined
  if (alias !== undefined) return alias.includes(' ') ? alias : `did you mean ${alias}?`
  const lower = key.toLowerCase()
  let best: string | undefined
  let bestDistance = 3
  for (const name of known) {
    // A case or snake_case slip: `baseUrl`, `allow_redirects`.
    if (name.toLowerCase() === lower.replaceAll('_', '')) return `did you mean ${name}?`
    const d = key.length > 3 ? distance(lower, name.toLowerCase()) : 3
    if (d < bestDistance) [best, bestDistance] = [name, d]
  }
  return best === undefined ? undefined : `did you mean ${best}?`
}

function isPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false
  if (Array.isArray(value)) return true
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null
}

/**
 * Rejects a request init that fetch would misread: not an object, a key neither fetch nor
 * the session knows, or a plain object or array as `body`.
 * @throws {TypeError} naming the key (`init.data: expected a known request option, got …`).
 * @example
 * checkRequestInit({ data: { a: 1 } }) // TypeError: … (use json for JSON, form for …)
 */
export function checkRequestInit(init: unknown, field = 'init'): void {
  if (init === undefined || init === null) return
  if (typeof init !== 'object' || Array.isArray(init)) {
    throw invalid(field, 'a request options object', init)
  }
  for (const key of Object.keys(init)) {
    if (!requestInitKeys.has(key)) {
      const hint = hintFor(key, requestInitKeys)
      throw invalid(
        `${field}.${key}`,
        'a known request option',
        (init as Record<string, unknown>)[key],
        {
          ...(hint === undefined ? {} : { hint }),
        },
      )
    }
  }
  const body = (init as { body?: unknown }).body
  if (isPlainObject(body)) {
    throw invalid(
      `${field}.body`,
      'a string, Blob, FormData, URLSearchParams, ArrayBuffer, typed array or ReadableStream',
      body,
      { hint: 'send an object with json: (JSON) or form: (urlencoded)' },
    )
  }
}
