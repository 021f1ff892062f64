/**
 * The saved form of a `Session`: the versioned, plain-JSON `SessionState` type, the limits on
 * it, and the version 1 schema that checks a document field by field (every error names the
 * JSON path of the bad field). `write.ts` produces this shape, `read.ts` validates and builds
 * from it, `migrate.ts` brings older versions up to this one.
 *
 * Functions (hooks, auth handlers, mounted adapters) cannot be serialised: they are left out,
 * `state.omitted` lists them, and `fromJSON(state, { hooks, auth, adapters })` takes them back.
 * @module
 */
import { SessionStateError } from '../errors.ts'
import { maxTimeout } from '../util/validate.ts'
import type { Adapter, Platform, TlsOptions } from '../platform.ts'
import type {
  AuthInit,
  Hooks,
  ProxyInit,
  RetryInit,
  SessionOptions,
  TimeoutInit,
} from '../types.ts'

/** The schema version this build writes. Older versions are migrated on read. */
export const sessionStateVersion = 1

/**
 * Limits of saved state, the one source for both sides: `fromJSON`/`load` refuse input beyond
 * them, and `toJSON`/`save` refuse to write state beyond them (`SessionStateError`, nothing
 * written), so whatever is written can be read back.
 */
export const stateLimits: {
  /**
   * Characters of JSON (32 MiB). A jar full at its default limits (3300 cookies of 4096 bytes
   * of name and value, with domain, path and attributes) writes about 19 MiB.
   */
  readonly maxLength: number
  /** Cookies in the jar (RFC 6265 §6.1 asks for at least 3000 in total). */
  readonly maxCookies: number
  /** Entries of `headers`, `params`, `sensitiveHeaders`, `trustedOrigins`, proxy map. */
  readonly maxEntries: number
} = { maxLength: 32 * 1024 * 1024, maxCookies: 10_000, maxEntries: 1_000 }

/** Tagged authentication; `[user, pass]` is saved as `basic`. Handlers are never saved. */
export type AuthState =
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string }
  | { type: 'digest'; username: string; password: string }

/** Saved `timeout` object (milliseconds). */
export interface TimeoutState {
  connect?: number
  response?: number
  total?: number
  body?: number
}

/** Saved `retry` object. JSON has no `Infinity`: `backoff` or `maxDelay` of `Infinity` is saved as `null`. */
export interface RetryState {
  limit?: number
  methods?: string[]
  statusCodes?: number[]
  backoff?: number | null
  maxDelay?: number | null
  respectRetryAfter?: boolean
}

/** Saved `tls` settings: PEM text or file paths, exactly as given. */
export interface TlsState {
  ca?: string | string[]
  cert?: string
  key?: string
  rejectUnauthorized?: boolean
}

/**
 * Schema version 1 of a saved session. Every field is required (`null` stands for "not set"),
 * except `revision`, which only `save()` writes. `JSON.stringify(session)` produces it.
 * @example
 * const state = s.toJSON()            // { version: 1, baseURL: 'https://api.test/', … }
 * const again = Session.fromJSON(JSON.stringify(state))
 */
export interface SessionState {
  /** Always 1 for this schema. */
  version: 1
  /** Set by `save(store, key)`: the store copy's revision, for the optimistic `ifVersion` check. */
  revision?: number
  baseURL: string | null
  /** `[name, value]` pairs in `Headers` iteration order (lower-case names, repeats kept). */
  headers: [string, string][]
  /** `[name, value]` pairs in order, repeated keys kept. */
  params: [string, string][]
  auth: AuthState | null
  /** The whole cookie jar, as `jar.toJSON()` writes it. */
  cookies: unknown
  timeout: number | TimeoutState | null
  maxRedirects: number
  retry: number | RetryState
  /** A URL, a map (requests' `proxies`), `false` for a direct connection, `null` when unset (environment). */
  proxy: string | Record<string, string | null> | false | null
  trustEnv: boolean
  tls: TlsState | null
  sensitiveHeaders: string[]
  trustedOrigins: string[]
  credentials: RequestCredentials | null
  connections: number | null
  allowH2: boolean
  /** Absent in documents written before it was saved: `false`. */
  raiseForStatus?: boolean
  /** Decoded bytes a body may have; `null` (or absent) for no limit. */
  maxResponseSize?: number | null
  /** What was left out: functions (`hooks.response[0]`, `auth`, `adapters["https://x/"]`) and, with `secrets: false`, credentials. */
  omitted: string[]
}

/** Options of `session.toJSON()`. */
export interface ToJSONOptions {
  /**
   * `false` leaves out credentials other than cookies: auth, proxy and base-URL userinfo, the
   * TLS private key, and the `Authorization`, `Proxy-Authorization`, `Cookie` and
   * `sensitiveHeaders` default headers. Default `true`. The cookie jar is always kept: the
   * state stays a credential.
   */
  secrets?: boolean | undefined
}

/** What `Session.fromJSON(state, extras)` takes back because it cannot be serialised. */
export interface SessionExtras {
  /** Hooks for the restored session (state never holds functions). */
  hooks?: Partial<Hooks> | undefined
  /** Replaces the saved auth: an `AuthHandler`, or credentials left out by `secrets: false`. */
  auth?: AuthInit | null | undefined
  /** Adapters to mount again, by prefix. */
  adapters?: ReadonlyMap<string, Adapter> | Record<string, Adapter> | undefined
}

/** The session properties `toJSON` reads and `fromJSON` writes (the `Session` class has them). */
export interface SessionLike {
  baseURL: string | undefined
  headers: Headers
  params: URLSearchParams
  auth: AuthInit | null
  cookies: { toJSON(): unknown }
  timeout: TimeoutInit | undefined
  maxRedirects: number
  retry: RetryInit
  proxy: ProxyInit | undefined
  trustEnv: boolean
  tls: TlsOptions | undefined
  sensitiveHeaders: readonly string[]
  trustedOrigins: readonly string[]
  credentials: RequestCredentials | undefined
  connections: number | undefined
  allowH2: boolean
  raiseForStatus?: boolean
  maxResponseSize?: number | undefined
  hooks: Hooks
  readonly adapters: ReadonlyMap<string, Adapter>
  mount(prefix: string, adapter: Adapter): unknown
  /** Handlers are not saved; a function here is listed in `omitted`. */
  readonly onDownloadProgress?: unknown
  readonly onUploadProgress?: unknown
  readonly debug?: unknown
}

/** A `Session` class (or a platform subclass of it): `fromJSON` builds with `new cls()`. */
export interface SessionClassLike<S extends SessionLike> {
  new (options?: SessionOptions): S
  readonly platform: Platform
}

// ---------------------------------------------------------------- the v1 schema

/** Reads one field: returns it checked, or throws `SessionStateError` at `path`. */
type Reader<T = unknown> = (value: unknown, path: string) => T
/** An object's fields, each with its reader. */
type Shape = Record<string, Reader>

const str: Reader<string> = (v, path) => (typeof v === 'string' ? v : fail(path, 'string', v))

const bool: Reader<boolean> = (v, path) => (typeof v === 'boolean' ? v : fail(path, 'boolean', v))

const int =
  (min: number, max = Number.MAX_SAFE_INTEGER): Reader<number> =>
  (v, path) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? v
      : fail(
          path,
          max === Number.MAX_SAFE_INTEGER ? `integer >= ${min}` : `integer ${min}..${max}`,
          v,
        )

/** Milliseconds. */
const millis: Reader<number> = (v, path) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fail(path, 'finite number >= 0', v)

// Longer timers fire at once (a signed 32-bit delay), as the Session's own check says.
const timeoutMillis: Reader<number> = (v, path) =>
  millis(v, path) <= maxTimeout ? (v as number) : fail(path, `number of ms <= ${maxTimeout}`, v)

const nullable =
  <T>(read: Reader<T>): Reader<T | null> =>
  (v, path) =>
    v === null ? null : read(v, path)

const list =
  <T>(read: Reader<T>): Reader<T[]> =>
  (v, path) => {
    if (!Array.isArray(v)) fail(path, 'array', v)
    checkCount(v.length, stateLimits.maxEntries, path, 'entries')
    return v.map((item, i) => read(item, `${path}[${i}]`))
  }

/** A number read by `num`, or an object read by `shape`. */
const numberOr =
  (num: Reader, shape: ObjectReader): Reader =>
  (v, path) =>
    typeof v === 'number' ? num(v, path) : shape(v, path, 'number or object')

type ObjectReader = (value: unknown, path: string, expected?: string) => Record<string, unknown>

/**
 * An object with exactly these fields (`undefined` counts as absent), read in schema order.
 * The result has the required fields in schema order, then the optional ones in the order of
 * the input, so a round trip writes identical JSON.
 */
function obj(required: Shape, optional: Shape = {}): ObjectReader {
  return (v, path, expected = 'object') => {
    const o = expectRecord(v, path, expected)
    for (const k of Object.keys(required)) {
      if (!Object.hasOwn(o, k) || o[k] === undefined) {
        throw new SessionStateError(join(path, k), 'missing')
      }
    }
    for (const k of Object.keys(o)) {
      if (!Object.hasOwn(required, k) && !Object.hasOwn(optional, k)) {
        throw new SessionStateError(join(path, k), 'unknown field')
      }
    }
    const read: Record<string, unknown> = {}
    for (const [k, r] of Object.entries({ ...required, ...optional })) {
      if (o[k] !== undefined) read[k] = r(o[k], join(path, k))
    }
    const out: Record<string, unknown> = {}
    for (const k of [...Object.keys(required), ...Object.keys(o)]) {
      if (read[k] !== undefined) out[k] = read[k]
    }
    return out
  }
}

const url: Reader<string> = (v, path) => {
  const s = str(v, path)
  try {
    new URL(s)
  } catch {
    throw new SessionStateError(path, `expected an absolute URL, got ${JSON.stringify(s)}`)
  }
  return s
}

// RFC 9110 §5.6.2: a field name is a token.
const tokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** `[name, value]`; for headers, a valid field name and value. */
const pair =
  (header: boolean): Reader<[string, string]> =>
  (v, path) => {
    if (!Array.isArray(v) || v.length !== 2) fail(path, '[name, value] pair', v)
    const name = str(v[0], `${path}[0]`)
    if (header && !tokenRe.test(name)) fail(`${path}[0]`, 'header name (RFC 9110 token)', name)
    const value = str(v[1], `${path}[1]`)
    if (header) {
      // Fetch §2.2 "header value": let the platform's own Headers rules decide.
      try {
        new Headers([[name, value]])
      } catch {
        fail(`${path}[1]`, 'header value without CR, LF or NUL', value)
      }
    }
    return [name, value]
  }

const basic = obj({ type: str, username: str, password: str })
const bearer = obj({ type: str, token: str })

const auth: Reader = (v, path) => {
  const { type } = expectRecord(v, path)
  if (type === 'basic') return basic(v, path)
  if (type === 'bearer') return bearer(v, path)
  if (type === 'digest') return basic(v, path)
  return fail(`${path}.type`, '"basic", "bearer" or "digest"', type)
}

// Values are checked by the session's own proxy rules (requests accepts `host:port`, and
// `no_proxy` is a host list), reached through the constructor.
const proxy: Reader = (v, path) => {
  if (v === null || v === false || typeof v === 'string') return v
  const o = expectRecord(v, path, 'string, object, false or null')
  const keys = Object.keys(o)
  checkCount(keys.length, stateLimits.maxEntries, path, 'entries')
  return Object.fromEntries(keys.map((k) => [k, nullable(str)(o[k], join(path, k))]))
}

const credentials: Reader = (v, path) =>
  typeof v === 'string' && ['omit', 'same-origin', 'include'].includes(v)
    ? v
    : fail(path, '"omit", "same-origin", "include" or null', v)

const strings = list(str)

/** Version 1: every field required; `revision` only where `save()` wrote it. */
export const v1: Shape = {
  // migrateState has checked it.
  version: () => sessionStateVersion,
  baseURL: nullable(url),
  headers: list(pair(true)),
  params: list(pair(false)),
  auth: nullable(auth),
  // Checked by checkCookieCount.
  cookies: (v) => v,
  timeout: nullable(
    numberOr(
      timeoutMillis,
      obj(
        {},
        {
          connect: timeoutMillis,
          response: timeoutMillis,
          total: timeoutMillis,
          body: timeoutMillis,
        },
      ),
    ),
  ),
  maxRedirects: int(0),
  retry: numberOr(
    int(0),
    obj(
      {},
      {
        limit: int(0),
        methods: strings,
        statusCodes: list(int(100, 599)),
        // `null` is `Infinity` (no cap), which JSON cannot hold.
        backoff: nullable(millis),
        maxDelay: nullable(millis),
        respectRetryAfter: bool,
      },
    ),
  ),
  proxy,
  trustEnv: bool,
  tls: nullable(
    obj(
      {},
      {
        ca: (v, path) => (Array.isArray(v) ? strings(v, path) : str(v, path)),
        cert: str,
        key: str,
        rejectUnauthorized: bool,
      },
    ),
  ),
  sensitiveHeaders: strings,
  trustedOrigins: strings,
  credentials: nullable(credentials),
  connections: nullable(int(0)),
  allowH2: bool,
  omitted: strings,
}

// Optional: documents written before these options were saved still read (as the defaults).
export const readV1: ObjectReader = obj(v1, {
  revision: int(0),
  raiseForStatus: bool,
  maxResponseSize: nullable(int(0)),
})

/**
 * @param writing `true` when the text is about to be written (the message says it was not).
 * @throws {SessionStateError} when JSON text of `length` characters is over the limit.
 */
export function checkLength(length: number, writing = false): void {
  if (length > stateLimits.maxLength) {
    const tail = writing ? '; the state cannot be saved (it could not be loaded back)' : ''
    throw new SessionStateError(
      '',
      `state is too large: ${length} characters, the limit is ${stateLimits.maxLength}${tail}`,
    )
  }
}

/**
 * The writer's side of the limits: runs the reader's own schema over state about to be written,
 * then `readBack` (the rest of what the reader checks: the jar's rules and the constructor's,
 * see `checkRebuild`), so `toJSON`/`save` fail before writing anything `fromJSON`/`load` would
 * refuse.
 * @throws {SessionStateError} naming the field, with "cannot be saved" in the message.
 */
export function checkWritable(
  state: SessionState,
  length?: number,
  readBack?: (state: SessionState) => void,
): void {
  if (length !== undefined) checkLength(length, true)
  try {
    readV1(state, '')
    checkCookieCount(state.cookies)
    readBack?.(state)
  } catch (error) {
    if (!(error instanceof SessionStateError)) throw error
    const problem = error.path ? error.message.slice(error.path.length + 2) : error.message
    throw new SessionStateError(
      error.path,
      `${problem}; the state cannot be saved (it could not be loaded back)`,
      { cause: error },
    )
  }
}

// The jar validates its own state (CookieJar.fromJSON); only its size is checked here.
export function checkCookieCount(cookies: unknown): void {
  const [items, path] = isRecord(cookies)
    ? [cookies.cookies, 'cookies.cookies']
    : [cookies, 'cookies']
  if (Array.isArray(items)) checkCount(items.length, stateLimits.maxCookies, path, 'cookies')
}

function checkCount(count: number, limit: number, path: string, what: string): void {
  if (count > limit) {
    throw new SessionStateError(path, `too many ${what}: ${count}, the limit is ${limit}`)
  }
}

// ---------------------------------------------------------------- helpers

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function expectRecord(
  value: unknown,
  path: string,
  expected = 'object',
): Record<string, unknown> {
  if (!isRecord(value)) fail(path, expected, value)
  return value
}

/** The path of `key` inside `path`: `a.b`, `a["odd key"]`, or just `b` at the top. */
export function join(path: string, key: string): string {
  return `${path}${pathKey(key)}`.replace(/^\./, '')
}

/** `.name` for identifiers, `["odd key"]` otherwise. */
export function pathKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`
}

/** `null`, `array`, `NaN`, `Infinity` (either sign), or the `typeof`. */
export function kindOf(value: unknown): string {
  if (typeof value === 'number') {
    return Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? 'number' : 'Infinity'
  }
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value
}

export function fail(path: string, expected: string, value: unknown): never {
  const kind = kindOf(value)
  const got = kind === 'number' ? `number ${String(value)}` : kind
  throw new SessionStateError(path, `expected ${expected}, got ${got}`)
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
