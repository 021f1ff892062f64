/**
 * Authentication: validation of `AuthInit` (a `TypeError` naming the field and the type
 * received, so a wrong shape never fails later as the seed's `'list' object is not
 * callable`) and its application to a request.
 * @module
 */
import type { Features } from './platform.ts'
import type { AuthHandler, AuthInit } from './types.ts'
import { invalid } from './util/validate.ts'

/** The normalised form: a fixed `Authorization` value, or a handler run for each hop. */
export type ResolvedAuth =
  | {
      readonly kind: 'header'
      readonly value: string
      readonly init: AuthInit
      readonly everyHop?: undefined
    }
  | {
      readonly kind: 'handler'
      readonly handler: AuthHandler
      readonly init: AuthInit
      /** Run on every hop, a cross-origin one too (`.netrc`: the handler picks per host). */
      readonly everyHop?: boolean
    }

const encoder = new TextEncoder()

/** Base64 of the UTF-8 bytes of `text` (RFC 7617 §2.1 with `charset="UTF-8"`). */
function base64UTF8(text: string): string {
  let binary = ''
  for (const byte of encoder.encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/** `Basic <base64(user:pass)>`, UTF-8 safe. A `:` in the user name is sent as is, like requests. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${base64UTF8(`${username}:${password}`)}`
}

function checkString(value: unknown, field: string): string {
  if (typeof value !== 'string') {
    throw invalid(field, 'a string', value, { secret: true })
  }
  return value
}

/**
 * The platform's digest implementation (`Platform.features.digestAuth`). The browser entry
 * leaves it out of its bundle; there `digestAuth` is imported and passed as a handler.
 */
function digestFeature(
  features: Features | undefined,
  field: string,
): NonNullable<Features['digestAuth']> {
  const digest = features?.digestAuth
  if (digest) return digest
  throw new TypeError(`${field}: digest is not bundled here; pass auth: digestAuth(user, pass)`)
}

const expected =
  "[username, password], { type: 'basic', username, password }, { type: 'bearer', token }, { type: 'digest', username, password }, a function or null"

/**
 * Validates auth input and returns its resolved form (`null` for none).
 * `features` supplies digest auth (`{ type: 'digest' }`), where the platform bundles it.
 * @throws {TypeError} naming `field` and the type received.
 */
export function resolveAuth(
  init: unknown,
  field: string,
  features?: Features,
): ResolvedAuth | null {
  if (init === null || init === undefined) return null
  if (typeof init === 'function') {
    return { kind: 'handler', handler: init as AuthHandler, init: init as AuthHandler }
  }
  if (Array.isArray(init)) {
    if (init.length !== 2) throw invalid(field, expected, init)
    const username = checkString(init[0], `${field}[0]`)
    const password = checkString(init[1], `${field}[1]`)
    return {
      kind: 'header',
      value: basicAuthorization(username, password),
      init: [username, password],
    }
  }
  if (typeof init === 'object') {
    const { type } = init as { type?: unknown }
    if (type === 'basic') {
      const { username, password } = init as { username?: unknown; password?: unknown }
      const u = checkString(username, `${field}.username`)
      const p = checkString(password, `${field}.password`)
      return {
        kind: 'header',
        value: basicAuthorization(u, p),
        init: { type: 'basic', username: u, password: p },
      }
    }
    if (type === 'bearer') {
      const token = checkString((init as { token?: unknown }).token, `${field}.token`)
      if (/[\r\n]/.test(token)) {
        throw invalid(`${field}.token`, 'a token without CR or LF', token, { secret: true })
      }
      return { kind: 'header', value: `Bearer ${token}`, init: { type: 'bearer', token } }
    }
    if (type === 'digest') {
      const { username, password } = init as { username?: unknown; password?: unknown }
      const u = checkString(username, `${field}.username`)
      const p = checkString(password, `${field}.password`)
      return {
        kind: 'handler',
        handler: digestFeature(features, field)(u, p),
        init: { type: 'digest', username: u, password: p },
      }
    }
    const got =
      type === undefined ? 'object without "type"' : `object with type ${JSON.stringify(type)}`
    throw invalid(field, expected, init, { got })
  }
  throw invalid(field, expected, init)
}

/** Applies resolved auth to a request: sets `Authorization`, or runs the handler. */
export async function applyAuth(auth: ResolvedAuth, request: Request): Promise<Request> {
  if (auth.kind === 'header') {
    request.headers.set('authorization', auth.value)
    return request
  }
  const result = await auth.handler(request)
  if (!(result instanceof Request)) {
    throw invalid('auth handler', 'it to return a Request', result)
  }
  return result
}
