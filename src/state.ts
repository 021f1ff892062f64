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
import { SessionStateError } from './errors.ts'
import type { Adapter, Platform, TlsOptions } from './platform.ts'
import type {
  AuthHandler,
  AuthInit,
  Hooks,
  ProxyInit,
  RetryInit,
  SessionOptions,
  TimeoutInit,
} from './types.ts'

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

const hookNames = ['beforeRequest', 'beforeRedirect', 'response', 'error', 'beforeRetry'] as const
// RFC 9110 §11.6.2 / §11.7.2: these carry credentials; requests strips them on redirects too.
const credentialHeaders = ['authorization', 'proxy-authorization']

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

  for (const name of hookNames) {
    session.hooks[name].forEach((_, i) => omitted.push(`hooks.${name}[${i}]`))
  }
  for (const prefix of session.adapters.keys()) omitted.push(`adapters[${JSON.stringify(prefix)}]`)

  let auth: AuthState | null = null
  const a = session.auth
  if (typeof a === 'function') omitted.push('auth')
  else if (a !== null && !secrets) omitted.push('auth')
  else if (a !== null) auth = authState(a)

  const hidden = new Set([...credentialHeaders, ...session.sensitiveHeaders.map(lower)])
  const headers: [string, string][] = []
  for (const [name, value] of session.headers) {
    if (!secrets && hidden.has(name)) omitted.push(`headers[${JSON.stringify(name)}]`)
    else headers.push([name, value])
  }

  let baseURL = session.baseURL ?? null
  if (baseURL !== null && !secrets) baseURL = stripUserinfo(baseURL, 'baseURL', omitted)

  let proxy: SessionState['proxy'] = null
  const p = session.proxy
  // `null` (direct, environment ignored) and `undefined` (environment) differ in the session.
  if (p === null) proxy = false
  else if (typeof p === 'string') proxy = secrets ? p : stripUserinfo(p, 'proxy', omitted)
  else if (p) {
    proxy = {}
    for (const [k, v] of Object.entries(p)) {
      if (v === undefined) continue
      const path = `proxy${pathKey(k)}`
      proxy[k] =
        v === null || secrets || k.toLowerCase() === 'no_proxy'
          ? v
          : stripUserinfo(v, path, omitted)
    }
  }

  let tls: TlsState | null = null
  if (session.tls) {
    const { ca, cert, key, rejectUnauthorized } = session.tls
    tls = {}
    if (ca !== undefined) tls.ca = Array.isArray(ca) ? [...ca] : ca
    if (cert !== undefined) tls.cert = cert
    if (key !== undefined && secrets) tls.key = key
    else if (key !== undefined) omitted.push('tls.key')
    if (rejectUnauthorized !== undefined) tls.rejectUnauthorized = rejectUnauthorized
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

function authState(a: Exclude<AuthInit, AuthHandler | null>): AuthState {
  if ('type' in a) {
    return a.type === 'basic'
      ? { type: 'basic', username: a.username, password: a.password }
      : { type: 'bearer', token: a.token }
  }
  return { type: 'basic', username: a[0], password: a[1] }
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
      const m =
        /^(?:options\.|session\.)?([A-Za-z]\w*)((?:\.[\w$]+|\[[^\]]*\])*)(?::\s*|\s+(?=must|is))/.exec(
          error.message,
        )
      const known = m !== null && (v1Fields as readonly string[]).includes(m[1] ?? '')
      const field = known ? `${m[1] ?? ''}${m[2] ?? ''}` : ''
      const problem = known ? error.message.slice(m[0].length) : error.message
      throw new SessionStateError(field, problem, { cause: error })
    }
    throw error
  }
  // Replace (not merge) so defaults the saved session had deleted stay deleted.
  for (const name of [...new Set(session.headers.keys())]) session.headers.delete(name)
  for (const [name, value] of state.headers) session.headers.append(name, value)
  for (const name of [...new Set(session.params.keys())]) session.params.delete(name)
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
  return readV1(migrateState(expectRecord(doc, ''), stateMigrations, sessionStateVersion))
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

const v1Fields = [
  'version',
  'baseURL',
  'headers',
  'params',
  'auth',
  'cookies',
  'timeout',
  'maxRedirects',
  'retry',
  'proxy',
  'trustEnv',
  'tls',
  'sensitiveHeaders',
  'trustedOrigins',
  'credentials',
  'connections',
  'allowH2',
  'omitted',
] as const

function readV1(doc: Record<string, unknown>): SessionState {
  checkFields(doc, '', v1Fields, ['revision'])
  const state: SessionState = {
    version: sessionStateVersion,
    baseURL: nullable(doc.baseURL, 'baseURL', readURL),
    headers: readPairs(doc.headers, 'headers', true),
    params: readPairs(doc.params, 'params', false),
    auth: nullable(doc.auth, 'auth', readAuth),
    cookies: doc.cookies,
    timeout: nullable(doc.timeout, 'timeout', readTimeout),
    maxRedirects: readInteger(doc.maxRedirects, 'maxRedirects', 0),
    retry: readRetry(doc.retry, 'retry'),
    proxy: doc.proxy === false ? false : nullable(doc.proxy, 'proxy', readProxy),
    trustEnv: readBoolean(doc.trustEnv, 'trustEnv'),
    tls: nullable(doc.tls, 'tls', readTls),
    sensitiveHeaders: readList(doc.sensitiveHeaders, 'sensitiveHeaders', readString),
    trustedOrigins: readList(doc.trustedOrigins, 'trustedOrigins', readString),
    credentials: nullable(doc.credentials, 'credentials', readCredentials),
    connections: nullable(doc.connections, 'connections', (v, p) => readInteger(v, p, 0)),
    allowH2: readBoolean(doc.allowH2, 'allowH2'),
    omitted: readList(doc.omitted, 'omitted', readString),
  }
  if (doc.revision !== undefined) state.revision = readInteger(doc.revision, 'revision', 0)
  checkCookieCount(doc.cookies)
  return state
}

// The jar validates its own state (CookieJar.fromJSON); only its size is checked here.
function checkCookieCount(cookies: unknown): void {
  const list = isRecord(cookies) ? cookies.cookies : cookies
  const path = isRecord(cookies) ? 'cookies.cookies' : 'cookies'
  if (Array.isArray(list) && list.length > stateLimits.maxCookies) {
    throw new SessionStateError(
      path,
      `too many cookies: ${list.length}, the limit is ${stateLimits.maxCookies}`,
    )
  }
}

type Reader<T> = (value: unknown, path: string) => T

function nullable<T>(value: unknown, path: string, read: Reader<T>): T | null {
  return value === null ? null : read(value, path)
}

function readString(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, 'string', value)
  return value
}

function readBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(path, 'boolean', value)
  return value
}

function readInteger(
  value: unknown,
  path: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(
      path,
      max === Number.MAX_SAFE_INTEGER ? `integer >= ${min}` : `integer ${min}..${max}`,
      value,
    )
  }
  return value
}

function readMillis(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(path, 'finite number >= 0', value)
  }
  return value
}

function readURL(value: unknown, path: string): string {
  const s = readString(value, path)
  try {
    new URL(s)
  } catch {
    throw new SessionStateError(path, `expected an absolute URL, got ${JSON.stringify(s)}`)
  }
  return s
}

// RFC 9110 §5.6.2: a field name is a token.
const tokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

function readHeaderName(value: unknown, path: string): string {
  const s = readString(value, path)
  if (!tokenRe.test(s)) fail(path, 'header name (RFC 9110 token)', value)
  return s
}

function readList<T>(value: unknown, path: string, read: Reader<T>): T[] {
  if (!Array.isArray(value)) fail(path, 'array', value)
  if (value.length > stateLimits.maxEntries) {
    throw new SessionStateError(
      path,
      `too many entries: ${value.length}, the limit is ${stateLimits.maxEntries}`,
    )
  }
  return value.map((item, i) => read(item, `${path}[${i}]`))
}

function readPairs(value: unknown, path: string, header: boolean): [string, string][] {
  const probe = new Headers()
  return readList(value, path, (pair, p) => {
    if (!Array.isArray(pair) || pair.length !== 2) fail(p, '[name, value] pair', pair)
    const name = header ? readHeaderName(pair[0], `${p}[0]`) : readString(pair[0], `${p}[0]`)
    const text = readString(pair[1], `${p}[1]`)
    if (header) {
      // Fetch §2.2 "header value": let the platform's own Headers rules decide.
      try {
        probe.append(name, text)
      } catch {
        fail(`${p}[1]`, 'header value without CR, LF or NUL', text)
      }
    }
    return [name, text]
  })
}

function readAuth(value: unknown, path: string): AuthState {
  const o = expectRecord(value, path)
  if (o.type === 'basic') {
    checkFields(o, path, ['type', 'username', 'password'])
    return {
      type: 'basic',
      username: readString(o.username, `${path}.username`),
      password: readString(o.password, `${path}.password`),
    }
  }
  if (o.type === 'bearer') {
    checkFields(o, path, ['type', 'token'])
    return { type: 'bearer', token: readString(o.token, `${path}.token`) }
  }
  return fail(`${path}.type`, '"basic" or "bearer"', o.type)
}

function readTimeout(value: unknown, path: string): number | TimeoutState {
  if (typeof value === 'number') return readMillis(value, path)
  const o = expectRecord(value, path, 'number or object')
  checkFields(o, path, [], ['connect', 'response', 'total'])
  const out: TimeoutState = {}
  for (const k of ['connect', 'response', 'total'] as const) {
    if (o[k] !== undefined) out[k] = readMillis(o[k], `${path}.${k}`)
  }
  return inOrder(o, out)
}

function readRetry(value: unknown, path: string): number | RetryState {
  if (typeof value === 'number') return readInteger(value, path, 0)
  const o = expectRecord(value, path, 'number or object')
  checkFields(
    o,
    path,
    [],
    ['limit', 'methods', 'statusCodes', 'backoff', 'maxDelay', 'respectRetryAfter'],
  )
  const out: RetryState = {}
  if (o.limit !== undefined) out.limit = readInteger(o.limit, `${path}.limit`, 0)
  if (o.methods !== undefined) out.methods = readList(o.methods, `${path}.methods`, readString)
  if (o.statusCodes !== undefined) {
    out.statusCodes = readList(o.statusCodes, `${path}.statusCodes`, (v, p) =>
      readInteger(v, p, 100, 599),
    )
  }
  if (o.backoff !== undefined) out.backoff = readMillis(o.backoff, `${path}.backoff`)
  if (o.maxDelay !== undefined) out.maxDelay = readMillis(o.maxDelay, `${path}.maxDelay`)
  if (o.respectRetryAfter !== undefined) {
    out.respectRetryAfter = readBoolean(o.respectRetryAfter, `${path}.respectRetryAfter`)
  }
  return inOrder(o, out)
}

// Values are checked by the session's own proxy rules (requests accepts `host:port`, and
// `no_proxy` is a host list), reached through the constructor.
function readProxy(value: unknown, path: string): string | Record<string, string | null> {
  if (typeof value === 'string') return value
  const o = expectRecord(value, path, 'string, object, false or null')
  const keys = Object.keys(o)
  if (keys.length > stateLimits.maxEntries) {
    throw new SessionStateError(
      path,
      `too many entries: ${keys.length}, the limit is ${stateLimits.maxEntries}`,
    )
  }
  return Object.fromEntries(
    keys.map((k) => [k, nullable(o[k], `${path}${pathKey(k)}`, readString)]),
  )
}

function readTls(value: unknown, path: string): TlsState {
  const o = expectRecord(value, path)
  checkFields(o, path, [], ['ca', 'cert', 'key', 'rejectUnauthorized'])
  const out: TlsState = {}
  if (o.ca !== undefined) {
    out.ca = Array.isArray(o.ca)
      ? readList(o.ca, `${path}.ca`, readString)
      : readString(o.ca, `${path}.ca`)
  }
  if (o.cert !== undefined) out.cert = readString(o.cert, `${path}.cert`)
  if (o.key !== undefined) out.key = readString(o.key, `${path}.key`)
  if (o.rejectUnauthorized !== undefined) {
    out.rejectUnauthorized = readBoolean(o.rejectUnauthorized, `${path}.rejectUnauthorized`)
  }
  return inOrder(o, out)
}

const credentialsModes: readonly string[] = ['omit', 'same-origin', 'include']

function readCredentials(value: unknown, path: string): RequestCredentials {
  if (typeof value !== 'string' || !credentialsModes.includes(value)) {
    fail(path, '"omit", "same-origin", "include" or null', value)
  }
  return value as RequestCredentials
}

// ---------------------------------------------------------------- helpers

/** `checked`'s members in the key order of `source`, so a round trip writes identical JSON. */
function inOrder<T extends object>(source: Record<string, unknown>, checked: T): T {
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(source)) {
    if ((checked as Record<string, unknown>)[k] !== undefined)
      out[k] = (checked as Record<string, unknown>)[k]
  }
  return out as T
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function expectRecord(value: unknown, path: string, expected = 'object'): Record<string, unknown> {
  if (!isRecord(value)) fail(path, expected, value)
  return value
}

function checkFields(
  o: Record<string, unknown>,
  path: string,
  required: readonly string[],
  optional: readonly string[] = [],
): void {
  for (const k of required) {
    if (!Object.hasOwn(o, k) || o[k] === undefined) {
      throw new SessionStateError(`${path}${pathKey(k)}`.replace(/^\./, ''), 'missing')
    }
  }
  for (const k of Object.keys(o)) {
    if (!required.includes(k) && !optional.includes(k)) {
      throw new SessionStateError(`${path}${pathKey(k)}`.replace(/^\./, ''), 'unknown field')
    }
  }
}

/** `.name` for identifiers, `["odd key"]` otherwise. */
function pathKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`
}

function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN'
  if (typeof value === 'number' && !Number.isFinite(value)) return 'Infinity'
  return typeof value
}

function fail(path: string, expected: string, value: unknown): never {
  const got =
    typeof value === 'number' && Number.isFinite(value) ? `number ${value}` : kindOf(value)
  throw new SessionStateError(path, `expected ${expected}, got ${got}`)
}

function lower(s: string): string {
  return s.toLowerCase()
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
