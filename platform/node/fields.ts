/**
 * Header fields for the Node transport: the outgoing header list fetch would send, and the
 * response fields as undici parsed them, read as `Headers` would hold them.
 * @module
 */
import { trimHttpWhitespace } from '../../src/util/text.ts'
// `fetch-session/<version>`, as python-requests sends `python-requests/<version>`.
import { defaultUserAgent } from '../../src/version.ts'

/**
 * The outgoing header list: the hop's headers plus those fetch appends when absent
 * (Fetch §4.1 main fetch step 12: `Accept`, `Accept-Language`; §4.5 HTTP-network-or-cache
 * fetch step 14 `User-Agent`, steps 18–19 `Accept-Encoding`). `content-length` is left to
 * undici, which derives it from the body as fetch does. `addUserAgent` is the hop's
 * `AdapterContext.defaultUserAgent`: `false` when the request removed it, so none is sent.
 */
export function headerList(
  headers: Headers,
  https: boolean,
  addUserAgent: boolean | undefined,
): string[] {
  const out: string[] = []
  let accept = false
  let acceptLanguage = false
  let hasUserAgent = false
  let acceptEncoding = false
  let range = false
  for (const [name, value] of headers) {
    if (name === 'content-length') continue
    if (name === 'accept') accept = true
    else if (name === 'accept-language') acceptLanguage = true
    else if (name === 'user-agent') hasUserAgent = true
    else if (name === 'accept-encoding') acceptEncoding = true
    else if (name === 'range') range = true
    out.push(name, value)
  }
  if (!accept) out.push('accept', '*/*')
  if (!acceptLanguage) out.push('accept-language', '*')
  if (!hasUserAgent && addUserAgent !== false) out.push('user-agent', defaultUserAgent)
  // Fetch §4.5 step 18: a range request asks for the identity coding.
  if (range && !acceptEncoding) out.push('accept-encoding', 'identity')
  else if (!acceptEncoding)
    out.push('accept-encoding', https ? 'br, gzip, deflate' : 'gzip, deflate')
  return out
}

/** The response header fields as undici parsed them: lower-case names, repeated fields as arrays. */
export type Fields = Record<string, string | string[] | undefined>

/** The values of one field, repeated fields (`Set-Cookie`) kept as separate values. */
export function valuesOf(fields: Fields, name: string): readonly string[] {
  const value = fields[name]
  return value === undefined ? [] : typeof value === 'string' ? [value] : value
}

/**
 * A `Response` with the fields appended one by one to its own `Headers` (cheaper than handing
 * the constructor a header list, which it converts first), skipping the values it rejects.
 */
export function makeResponse(
  body: ReadableStream<Uint8Array> | null,
  init: ResponseInit,
  fields: Fields,
): Response {
  const response = new Response(body, init)
  const headers = response.headers
  // Every response pays for this loop: a single value is appended without wrapping it in a list.
  for (const name in fields) {
    const value = fields[name]
    if (typeof value === 'string') appendLenient(headers, name, value)
    else if (value) for (const v of value) appendLenient(headers, name, v)
  }
  return response
}

function appendLenient(headers: Headers, name: string, value: string): void {
  try {
    headers.append(name, value)
  } catch {
    // NOTE(spec): undici's fetch keeps a field value that `Headers` would reject (e.g. a
    // stray control character); a genuine `Response` cannot carry it, so it is dropped.
  }
}

/** The `Content-Encoding` value of the fields (repeated fields joined), or `null`. */
export function contentEncoding(fields: Fields): string | null {
  const values = valuesOf(fields, 'content-encoding')
  return values.length === 0 ? null : values.join(', ')
}

/**
 * The values of one field, as a `Headers` holds them: trimmed, and without a value it rejects
 * (such a value is dropped from the Response, so it is not used at all).
 */
function fieldValues(fields: Fields, field: string): string[] {
  const values: string[] = []
  for (const value of valuesOf(fields, field)) {
    // Fetch's header value normalisation, in linear time (a server controls the value).
    const v = trimHttpWhitespace(value)
    if (!/[\0\r\n]/.test(v)) values.push(v)
  }
  return values
}

/** `Headers.getSetCookie()` of the fields. */
export function setCookieValues(fields: Fields): string[] {
  return fieldValues(fields, 'set-cookie')
}

/** `Headers.get(name)` of the fields: repeated values joined with `, `, or `null`. */
export function headerValue(fields: Fields, name: string): string | null {
  const values = fieldValues(fields, name)
  return values.length === 0 ? null : values.join(', ')
}
