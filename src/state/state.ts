/**
 * The saved form of a `Session`: a versioned, plain-JSON `SessionState`, the `toJSON` that
 * writes it and the `fromJSON` that validates it field by field (every error names the JSON
 * path of the bad field) before a session is built, so bad input never yields a half-built
 * session or a crash deep inside.
 *
 * Functions (hooks, auth handlers, mounted adapters) cannot be serialised: they are left out,
 * `state.omitted` lists them, and `fromJSON(state, { hooks, auth, adapters })` takes them back.
 * @module
 */
import { hookNames } from '../hooks.ts'
import { credentialHeaders } from '../origin.ts'
import { SessionStateError } from '../errors.ts'
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

/** Limits on restored input; beyond them `fromJSON` throws `SessionStateError`. */
export const stateLimits: {
  /** Characters of JSON (5 MiB). */
  readonly maxLength: number
  /** Cookies in the jar (RFC 6265 §6.1 asks for at least 3000 in total). */
  readonly maxCookies: number
  /** Entries of `headers`, `params`, `sensitiveHeaders`, `trustedOrigins`, proxy map. */
  readonly maxEntries: number
} = { maxLength: 5 * 1024 * 1024, maxCookies: 10_000, maxEntries: 1_000 }

/** Tagged authentication; `[user, pass]` is saved as `basic`. Handlers are never saved. */
export type AuthState =
  { type: 'basic'; username: string; password: string } | { type: 'bearer'; token: string }

/** Saved `timeout` object (milliseconds). */
export interface TimeoutState {
  connect?: number
  response?: number
  total?: number
}

/** Saved `retry` object. */
export interface RetryState {
  limit?: number
  methods?: string[]
  statusCodes?: number[]
  backoff?: number
  maxDelay?: number
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
  /** What was left out: functions (`hooks.response[0]`, `auth`, `adapters["https://x/"]`) and, with `secrets: false`, credentials. */
  omitted: string[]
}

/** Options of `session.toJSON()`. */
export interface ToJSONOptions {
  /**
   * `false` leaves out credentials other than cookies: auth, proxy and base-URL userinfo, the
   * TLS private key, and the `Authorization`, `Proxy-Authorization` and `sensitiveHeaders`
   * default headers. Default `true`. Cookies are always kept: the state stays a credential.
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
  hooks: Hooks
  readonly adapters: ReadonlyMap<string, Adapter>
  mount(prefix: string, adapter: Adapter): unknown
}

/** A `Session` class (or a platform subclass of it): `fromJSON` builds with `new cls()`. */
export interface SessionClassLike<S extends SessionLike> {
  new (options?: SessionOptions): S
  readonly platform: Platform
}

/** A step from schema version `n` to `n + 1`. */
export type StateMigration = (state: Record<string, unknown>) => Record<string, unknown>

/**
 * Migrations keyed by the version they read. Empty while 1 is the only version; when version 2
 * exists, `stateMigrations.set(1, v1ToV2)` keeps every saved v1 document readable.
 */
export const stateMigrations: ReadonlyMap<number, StateMigration> = new Map()

// ---------------------------------------------------------------- writing

// hookNames (src/hooks.ts) and credentialHeaders (src/origin.ts) have one source each: the
// `omitted` list follows the hooks' firing order, and a saved `Cookie` default header counts as
// a credential as it does on a redirect.

/**
 * Writes a session's `SessionState`. `JSON.stringify` passes a property name to `toJSON`, so a
 * string argument means "no options".
 * @throws {TypeError} when `options` is neither an object, a string nor undefined.
 */
export function sessionToState(
  session: SessionLike,
  options?: ToJSONOptions | string,
): SessionState {
  if (options !== undefined && typeof options !== 'string' && !isRecord(options)) {
    throw new TypeError(`toJSON options must be an object, got ${kindOf(options)}`)
  }
  const opts = typeof options === 'object' ? options : {}
  if (opts.secrets !== undefined && typeof opts.secrets !== 'boolean') {
    throw new TypeError(`toJSON options.secrets must be a boolean, got ${kindOf(opts.secrets)}`)
  }
  const secrets = opts.secrets ?? true
  const omitted: string[] = []
  const strip = (url: string, path: string): string =>
    secrets ? url : stripUserinfo(url, path, omitted)

  for (const name of hookNames) {
    session.hooks[name].forEach((_, i) => omitted.push(`hooks.${name}[${i}]`))
  }
  for (const prefix of session.adapters.keys()) omitted.push(`adapters[${JSON.stringify(prefix)}]`)

  let auth: AuthState | null = null
  const a = session.auth
  if (typeof a === 'function' || (a !== null && !secrets)) omitted.push('auth')
  else if (a !== null && !('type' in a)) auth = { type: 'basic', username: a[0], password: a[1] }
  else if (a?.type === 'basic') auth = { type: 'basic', username: a.username, password: a.password }
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
    else headers.push([name, value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '')])
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
    retry: copyDefined(session.retry) as number | RetryState,
    proxy,
    trustEnv: session.trustEnv,
    tls,
    sensitiveHeaders: [...session.sensitiveHeaders],
    trustedOrigins: [...session.trustedOrigins],
    credentials: session.credentials ?? null,
    connections: session.connections ?? null,
    allowH2: session.allowH2,
    omitted,
  }
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

// ---------------------------------------------------------------- reading

/**
 * Builds a session of class `cls` from saved state (an object or its JSON text).
 * Validation happens first; nothing is constructed from invalid input.
 * @throws {SessionStateError} naming the JSON path of the first bad field.
 * @throws {TypeError} when `extras` is malformed (a programmer mistake, not bad state).
 */
export function sessionFromState<S extends SessionLike>(
  cls: SessionClassLike<S>,
  input: unknown,
  extras?: SessionExtras,
): S {
  const adapters = checkExtras(extras)
  const state = parseSessionState(input)

  let jar: ReturnType<Platform['CookieJar']['fromJSON']>
  try {
    jar = cls.platform.CookieJar.fromJSON(state.cookies, { path: 'cookies' })
  } catch (error) {
    if (error instanceof SessionStateError) throw error
    throw new SessionStateError('cookies', errorMessage(error), { cause: error })
  }

  const options: SessionOptions = {
    baseURL: state.baseURL ?? undefined,
    auth: extras && 'auth' in extras ? extras.auth : state.auth,
    cookies: jar,
    timeout: state.timeout ?? undefined,
    maxRedirects: state.maxRedirects,
    retry: state.retry,
    proxy: state.proxy === false ? null : (state.proxy ?? undefined),
    trustEnv: state.trustEnv,
    tls: state.tls ?? undefined,
    sensitiveHeaders: state.sensitiveHeaders,
    trustedOrigins: state.trustedOrigins,
    credentials: state.credentials ?? undefined,
    connections: state.connections ?? undefined,
    allowH2: state.allowH2,
    hooks: extras?.hooks,
  }
  let session: S
  try {
    session = new cls(options)
  } catch (error) {
    // Backstop: parseSessionState mirrors the Session setters, so this should not happen.
    if (error instanceof TypeError || error instanceof RangeError) {
      // The setters name their field (`options.proxy.https: …`, `auth.token: …`): report it
      // as the JSON path when it is one of ours.
      const [match, name = '', rest = ''] =
        /^(?:options\.|session\.)?([A-Za-z]\w*)((?:\.[\w$]+|\[[^\]]*\])*)(?::\s*|\s+(?=must|is))/.exec(
          error.message,
        ) ?? []
      if (match !== undefined && Object.hasOwn(v1, name)) {
        throw new SessionStateError(name + rest, error.message.slice(match.length), {
          cause: error,
        })
      }
      throw new SessionStateError('', error.message, { cause: error })
    }
    throw error
  }
  // Replace (not merge) so defaults the saved session had deleted stay deleted.
  for (const name of [...session.headers.keys()]) session.headers.delete(name)
  for (const [name, value] of state.headers) session.headers.append(name, value)
  for (const name of [...session.params.keys()]) session.params.delete(name)
  for (const [name, value] of state.params) session.params.append(name, value)
  for (const [prefix, adapter] of adapters) session.mount(prefix, adapter)
  return session
}

function checkExtras(extras: SessionExtras | undefined): [string, Adapter][] {
  if (extras === undefined) return []
  if (!isRecord(extras))
    throw new TypeError(`fromJSON extras must be an object, got ${kindOf(extras)}`)
  if (extras.hooks !== undefined && !isRecord(extras.hooks)) {
    throw new TypeError(`fromJSON extras.hooks must be an object, got ${kindOf(extras.hooks)}`)
  }
  const a = extras.adapters
  if (a === undefined) return []
  if (a instanceof Map) return [...(a as Map<string, Adapter>)]
  if (!isRecord(a)) {
    throw new TypeError(`fromJSON extras.adapters must be a Map or an object, got ${kindOf(a)}`)
  }
  return Object.entries(a as Record<string, Adapter>)
}

/**
 * Validates saved state (an object or JSON text) and returns it migrated to the current
 * version. Pure: builds nothing.
 * @throws {SessionStateError} naming the JSON path of the first bad field, e.g.
 * `maxRedirects: expected integer >= 0, got string`.
 */
export function parseSessionState(input: unknown): SessionState {
  let doc: unknown = input
  if (typeof input === 'string') {
    checkLength(input.length)
    try {
      doc = JSON.parse(input)
    } catch (error) {
      throw new SessionStateError('', `not valid JSON: ${errorMessage(error)}`, { cause: error })
    }
  } else if (isRecord(input)) {
    let text: string
    try {
      text = JSON.stringify(input)
    } catch (error) {
      throw new SessionStateError('', `not serialisable as JSON: ${errorMessage(error)}`, {
        cause: error,
      })
    }
    checkLength(text.length)
  }
  const migrated = migrateState(expectRecord(doc, ''), stateMigrations, sessionStateVersion)
  const state = readV1(migrated, '') as unknown as SessionState
  checkCookieCount(state.cookies)
  return state
}

function checkLength(length: number): void {
  if (length > stateLimits.maxLength) {
    throw new SessionStateError(
      '',
      `state is too large: ${length} characters, the limit is ${stateLimits.maxLength}`,
    )
  }
}

/**
 * Runs the migrations from `doc.version` up to `current`.
 * @throws {SessionStateError} at `version` for a missing, newer or unknown version.
 */
export function migrateState(
  doc: Record<string, unknown>,
  migrations: ReadonlyMap<number, StateMigration> = stateMigrations,
  current: number = sessionStateVersion,
): Record<string, unknown> {
  let version = doc.version
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    fail('version', 'integer', version)
  }
  if (version > current) {
    throw new SessionStateError(
      'version',
      `state version ${version} is newer than this fetch-session reads (${current}); upgrade fetch-session`,
    )
  }
  let out = doc
  while (version < current) {
    const step = migrations.get(version)
    if (!step) throw new SessionStateError('version', `unknown state version ${version}`)
    out = step(out)
    version += 1
    if (out.version !== version) {
      throw new SessionStateError(
        'version',
        `migration to ${version} produced ${String(out.version)}`,
      )
    }
  }
  return out
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
  return fail(`${path}.type`, '"basic" or "bearer"', type)
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
const v1: Shape = {
  // migrateState has checked it.
  version: () => sessionStateVersion,
  baseURL: nullable(url),
  headers: list(pair(true)),
  params: list(pair(false)),
  auth: nullable(auth),
  // Checked by checkCookieCount.
  cookies: (v) => v,
  timeout: nullable(
    numberOr(millis, obj({}, { connect: millis, response: millis, total: millis })),
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
        backoff: millis,
        maxDelay: millis,
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

const readV1 = obj(v1, { revision: int(0) })

// The jar validates its own state (CookieJar.fromJSON); only its size is checked here.
function checkCookieCount(cookies: unknown): void {
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function expectRecord(value: unknown, path: string, expected = 'object'): Record<string, unknown> {
  if (!isRecord(value)) fail(path, expected, value)
  return value
}

/** The path of `key` inside `path`: `a.b`, `a["odd key"]`, or just `b` at the top. */
function join(path: string, key: string): string {
  return `${path}${pathKey(key)}`.replace(/^\./, '')
}

/** `.name` for identifiers, `["odd key"]` otherwise. */
function pathKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`
}

/** `null`, `array`, `NaN`, `Infinity` (either sign), or the `typeof`. */
function kindOf(value: unknown): string {
  if (typeof value === 'number') {
    return Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? 'number' : 'Infinity'
  }
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value
}

function fail(path: string, expected: string, value: unknown): never {
  const kind = kindOf(value)
  const got = kind === 'number' ? `number ${String(value)}` : kind
  throw new SessionStateError(path, `expected ${expected}, got ${got}`)
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
