/**
 * Reading saved state: `parseSessionState` validates a document (object or JSON text) and
 * migrates it to the current version; `sessionFromState` builds a session from it. Nothing is
 * constructed from invalid input.
 * @module
 */
import { SessionStateError } from '../errors.ts'
import { fieldOf, invalid, tooDeep } from '../util/validate.ts'
import type { Adapter, Platform } from '../platform.ts'
import type { RetryInit, SessionOptions } from '../types.ts'
import { migrateState, stateMigrations } from './migrate.ts'
import {
  checkCookieCount,
  checkLength,
  errorMessage,
  expectRecord,
  isRecord,
  readV1,
  sessionStateVersion,
  v1,
  type SessionClassLike,
  type SessionExtras,
  type SessionLike,
  type SessionState,
} from './schema.ts'

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
  const session = construct(cls, state, extras, readJar(cls, state))
  // Replace (not merge) so defaults the saved session had deleted stay deleted.
  for (const name of [...session.headers.keys()]) session.headers.delete(name)
  for (const [name, value] of state.headers) session.headers.append(name, value)
  for (const name of [...session.params.keys()]) session.params.delete(name)
  for (const [name, value] of state.params) session.params.append(name, value)
  for (const [prefix, adapter] of adapters) session.mount(prefix, adapter)
  return session
}

/**
 * Runs every check `sessionFromState` runs on a state already read by the schema (the jar's
 * own rules, the constructor's rules for each option) and builds nothing that is kept: the
 * writer's side, so `toJSON`/`save` never write what `fromJSON`/`load` would refuse.
 * @throws {SessionStateError} naming the JSON path of the first field the reader refuses.
 */
export function checkRebuild<S extends SessionLike>(
  cls: SessionClassLike<S>,
  state: SessionState,
): void {
  construct(cls, state, undefined, readJar(cls, state))
}

/** The saved retry option as the constructor takes it: a `null` delay is `Infinity` (no cap). */
function retryOption(retry: SessionState['retry']): RetryInit {
  if (typeof retry === 'number') return retry
  // Key by key, in order, so a round trip writes the same JSON.
  return Object.fromEntries(
    Object.entries(retry).map(([k, v]) => [
      k,
      v === null && (k === 'backoff' || k === 'maxDelay') ? Infinity : v,
    ]),
  )
}

function readJar(
  cls: SessionClassLike<SessionLike>,
  state: SessionState,
): ReturnType<Platform['CookieJar']['fromJSON']> {
  try {
    return cls.platform.CookieJar.fromJSON(state.cookies, { path: 'cookies' })
  } catch (error) {
    if (error instanceof SessionStateError) throw error
    throw new SessionStateError('cookies', errorMessage(error), { cause: error })
  }
}

function construct<S extends SessionLike>(
  cls: SessionClassLike<S>,
  state: SessionState,
  extras: SessionExtras | undefined,
  jar: ReturnType<Platform['CookieJar']['fromJSON']>,
): S {
  const options: SessionOptions = {
    baseURL: state.baseURL ?? undefined,
    auth: extras && 'auth' in extras ? extras.auth : state.auth,
    cookies: jar,
    timeout: state.timeout ?? undefined,
    maxRedirects: state.maxRedirects,
    retry: retryOption(state.retry),
    proxy: state.proxy === false ? null : (state.proxy ?? undefined),
    trustEnv: state.trustEnv,
    tls: state.tls ?? undefined,
    sensitiveHeaders: state.sensitiveHeaders,
    trustedOrigins: state.trustedOrigins,
    // How the saving runtime connected, not what the session sends: a runtime that has no
    // such settings (a Worker restoring what Node saved) leaves them out rather than failing.
    ...(cls.platform.capabilities.credentialsMode
      ? { credentials: state.credentials ?? undefined }
      : {}),
    ...(cls.platform.capabilities.poolSettings
      ? { connections: state.connections ?? undefined, allowH2: state.allowH2 }
      : {}),
    raiseForStatus: state.raiseForStatus ?? false,
    maxResponseSize: state.maxResponseSize ?? undefined,
    hooks: extras?.hooks,
  }
  try {
    return new cls(options)
  } catch (error) {
    // The constructor's own rules (origins, header names, proxy URLs…) beyond the schema's:
    // the setters name their field on the error (`options.proxy.https`), reported as the JSON
    // path when it is one of ours.
    if (error instanceof TypeError || error instanceof RangeError) {
      const field = fieldOf(error)
      const path = field?.replace(/^(?:options|session)\./, '') ?? ''
      const name = /^[A-Za-z]\w*/.exec(path)?.[0] ?? ''
      if (field !== undefined && Object.hasOwn(v1, name)) {
        const problem = error.message.startsWith(`${field}: `)
          ? error.message.slice(field.length + 2)
          : error.message
        throw new SessionStateError(path, problem, { cause: error })
      }
      throw new SessionStateError('', error.message, { cause: error })
    }
    throw error
  }
}

function checkExtras(extras: SessionExtras | undefined): [string, Adapter][] {
  if (extras === undefined) return []
  if (!isRecord(extras)) throw invalid('fromJSON(extras)', 'an object', extras)
  if (extras.hooks !== undefined && !isRecord(extras.hooks)) {
    throw invalid('fromJSON(extras).hooks', 'an object', extras.hooks)
  }
  const a = extras.adapters
  if (a === undefined) return []
  if (a instanceof Map) return [...(a as Map<string, Adapter>)]
  if (!isRecord(a)) {
    throw invalid('fromJSON(extras).adapters', 'a Map or an object', a)
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
    // Named here, before JSON.stringify would overflow the stack on it.
    const deep = tooDeep(input, 32)
    if (deep !== undefined) {
      throw new SessionStateError(deep.replace(/^\./, ''), 'nested more than 32 levels deep')
    }
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
