/**
 * Writing saved state: `sessionToState` turns a session into its `SessionState` (what
 * `session.toJSON()` returns), leaving out what cannot be serialised and, with
 * `secrets: false`, the credentials.
 * @module
 */
import { hookNames } from '../hooks.ts'
// RFC 9110 §11.6.2 / §11.7.2 and RFC 6265: the headers that carry credentials, the same list
// the redirect follower strips across origins.
import { credentialHeaders } from '../origin.ts'
import { trimHttpWhitespace } from '../util/text.ts'
import { invalid } from '../util/validate.ts'
import { checkRebuild } from './read.ts'
import {
  checkWritable,
  isRecord,
  pathKey,
  sessionStateVersion,
  type AuthState,
  type RetryState,
  type SessionClassLike,
  type SessionLike,
  type SessionState,
  type TimeoutState,
  type TlsState,
  type ToJSONOptions,
} from './schema.ts'

/**
 * Writes a session's `SessionState`. `JSON.stringify` passes a property name to `toJSON`, so a
 * string argument means "no options".
 * @throws {SessionStateError} when the state is beyond `stateLimits` (see `checkWritable`).
 * @throws {TypeError} when `options` is neither an object, a string nor undefined.
 */
export function sessionToState(
  session: SessionLike,
  options?: ToJSONOptions | string,
): SessionState {
  const state = buildState(session, options)
  checkWritable(state, JSON.stringify(state).length, readBack(session))
  return state
}

/**
 * The reader's own checks beyond the schema for state written from `session`: the state is
 * read back into a throwaway jar and session of the runtime's class (`checkRebuild`), so what
 * is written is what `fromJSON`/`load` accept. `undefined` for an object that is not a session.
 */
export function readBack(session: SessionLike): ((state: SessionState) => void) | undefined {
  let cls: unknown = (session as { constructor?: unknown }).constructor
  if (typeof cls !== 'function' || !('platform' in cls)) return undefined
  // The class that owns the platform (the runtime's `Session`), not a subclass: a subclass's
  // constructor may take other arguments or do more than build a session.
  while (!Object.hasOwn(cls as object, 'platform')) cls = Object.getPrototypeOf(cls)
  const owner = cls as SessionClassLike<SessionLike>
  return (state) => {
    checkRebuild(owner, state)
  }
}

/**
 * `sessionToState` without the limit check, for `save()`, which checks the text it writes.
 * @throws {TypeError} when `options` is neither an object, a string nor undefined.
 */
export function buildState(session: SessionLike, options?: ToJSONOptions | string): SessionState {
  if (options !== undefined && typeof options !== 'string' && !isRecord(options)) {
    throw invalid('toJSON(options)', 'an object', options)
  }
  const opts = typeof options === 'object' ? options : {}
  if (opts.secrets !== undefined && typeof opts.secrets !== 'boolean') {
    throw invalid('toJSON(options).secrets', 'a boolean', opts.secrets)
  }
  const secrets = opts.secrets ?? true
  const omitted: string[] = []
  const strip = (url: string, path: string): string =>
    secrets ? url : stripUserinfo(url, path, omitted)

  for (const name of hookNames) {
    session.hooks[name].forEach((_, i) => omitted.push(`hooks.${name}[${i}]`))
  }
  for (const prefix of session.adapters.keys()) omitted.push(`adapters[${JSON.stringify(prefix)}]`)
  // Functions are never saved: the progress handlers and a debug handler are listed as left out.
  for (const name of ['onDownloadProgress', 'onUploadProgress', 'debug'] as const)
    if (typeof session[name] === 'function') omitted.push(name)

  let auth: AuthState | null = null
  const a = session.auth
  if (typeof a === 'function' || (a !== null && !secrets)) omitted.push('auth')
  else if (a !== null && !('type' in a)) auth = { type: 'basic', username: a[0], password: a[1] }
  else if (a?.type === 'basic') auth = { type: 'basic', username: a.username, password: a.password }
  else if (a?.type === 'digest')
    auth = { type: 'digest', username: a.username, password: a.password }
  else if (a) auth = { type: 'bearer', token: a.token }

  const hidden = new Set([
    ...credentialHeaders,
    ...session.sensitiveHeaders.map((h) => h.toLowerCase()),
  ])
  const headers: [string, string][] = []
  for (const [name, value] of session.headers) {
    if (!secrets && hidden.has(name)) omitted.push(`headers[${JSON.stringify(name)}]`)
    // Fetch §2.2 "normalize": a value is stored without leading or trailing HTTP whitespace,
    // but Headers joins repeated values with ", ", so `""` and `""` read back as ", ". Saved
    // normalised, the value restores to itself and the round trip is stable.
    else headers.push([name, trimHttpWhitespace(value)])
  }

  const baseURL = session.baseURL === undefined ? null : strip(session.baseURL, 'baseURL')

  let proxy: SessionState['proxy'] = null
  const p = session.proxy
  // `null` (direct, environment ignored) and `undefined` (environment) differ in the session.
  if (p === null) proxy = false
  else if (typeof p === 'string') proxy = strip(p, 'proxy')
  else if (p) {
    proxy = {}
    for (const [k, v] of Object.entries(p)) {
      // `no_proxy` is a host list, not a URL with credentials.
      if (v !== undefined) {
        proxy[k] = v === null || k.toLowerCase() === 'no_proxy' ? v : strip(v, `proxy${pathKey(k)}`)
      }
    }
  }

  let tls: TlsState | null = null
  if (session.tls) {
    // The four known members only, in this order, whatever else the object holds.
    const { ca, cert, key, rejectUnauthorized } = session.tls
    if (key !== undefined && !secrets) omitted.push('tls.key')
    tls = copyDefined({ ca, cert, key: secrets ? key : undefined, rejectUnauthorized }) as TlsState
  }

  return {
    version: sessionStateVersion,
    baseURL,
    headers,
    params: [...session.params],
    auth,
    cookies: session.cookies.toJSON(),
    timeout:
      session.timeout === undefined
        ? null
        : (copyDefined(session.timeout) as number | TimeoutState),
    maxRedirects: session.maxRedirects,
    retry: retryState(session.retry),
    proxy,
    trustEnv: session.trustEnv,
    tls,
    sensitiveHeaders: [...session.sensitiveHeaders],
    trustedOrigins: [...session.trustedOrigins],
    credentials: session.credentials ?? null,
    connections: session.connections ?? null,
    allowH2: session.allowH2,
    raiseForStatus: session.raiseForStatus ?? false,
    maxResponseSize: session.maxResponseSize ?? null,
    omitted,
  }
}

/** The retry option as saved: an `Infinity` delay (no cap) as `null`, JSON having no `Infinity`. */
function retryState(retry: SessionLike['retry']): number | RetryState {
  const state = copyDefined(retry) as number | RetryState
  if (typeof state === 'number') return state
  if (state.backoff === Infinity) state.backoff = null
  if (state.maxDelay === Infinity) state.maxDelay = null
  return state
}

function stripUserinfo(url: string, path: string, omitted: string[]): string {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return url
  }
  if (u.username === '' && u.password === '') return url
  u.username = ''
  u.password = ''
  omitted.push(`${path} credentials`)
  return u.href
}

/** Copies a number or an options object, dropping `undefined` members (they are not JSON). */
function copyDefined(value: number | object): unknown {
  if (typeof value === 'number') return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value) as [string, unknown][]) {
    if (v !== undefined) out[k] = Array.isArray(v) ? (v as unknown[]).slice() : v
  }
  return out
}
