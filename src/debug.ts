/**
 * Debug output: one event per hop (like reading `curl -v` or urllib3's debug log) with the
 * method, the URL with its secrets redacted, the status, the time to the headers, the
 * redirect decision, which credentials were stripped and the names of the cookies stored.
 * Never a secret: no header values, no cookie values, no userinfo, no secret-looking query
 * values, no error messages (they may quote a URL).
 * @module
 */
import type { Cookie } from './cookies/types.ts'
import { credentialHeaders } from './origin.ts'
import type { HopState, RedirectPolicy } from './redirect.ts'
import type { Session } from './session.ts'
import type { DebugEvent, DebugHandler } from './types.ts'
import { invalid } from './util/validate.ts'

/**
 * Query parameters whose value is replaced by `REDACTED`: a name containing one of these
 * (case-insensitive), which covers `token`, `access_token`, `password`, `api_key`, `apikey`,
 * `secret`, `client_secret`, `signature`, `sig`, `X-Amz-Signature`, `X-Amz-Credential`,
 * `auth`, `session`, `sessionid`, `jwt`, and OAuth's `code`. Library-specific; the rule errs
 * on the side of hiding a harmless value.
 */
const secretParam = /token|pass|secret|key|sig|auth|credential|session|jwt|cookie|^code$/i

/** The URL as it may be logged: no userinfo, no fragment, secret-looking query values hidden. */
export function redactURL(input: URL | string): string {
  const url = new URL(input)
  url.username = ''
  url.password = ''
  url.hash = ''
  if (url.search !== '') {
    const redacted = new URLSearchParams()
    let changed = false
    for (const [name, value] of url.searchParams) {
      const secret = secretParam.test(name)
      changed ||= secret
      redacted.append(name, secret ? 'REDACTED' : value)
    }
    if (changed) url.search = redacted.toString()
  }
  return url.href
}

/** One line for an event (what `debug: true` writes). */
export function formatDebugEvent(event: DebugEvent): string {
  let line = `fetch-session: ${event.method} ${event.url} -> `
  line += event.error ? event.error : `${event.status} (${Math.round(event.ms)} ms)`
  line += ` redirect: ${event.redirect}`
  if (event.location) line += ` ${event.location}`
  if (event.stripped.length > 0) line += `; stripped: ${event.stripped.join(', ')}`
  if (event.cookies.length > 0) line += `; cookies stored: ${event.cookies.join(', ')}`
  return line
}

/** Writes one line per event to stderr (Node, Deno, Bun) or the browser console. */
export function writeDebugEvent(event: DebugEvent): void {
  console.error(formatDebugEvent(event))
}

/**
 * The debug handler of a request: the session's `debug` option, else, under `trustEnv`,
 * `FETCH_SESSION_DEBUG=1` from the environment where the runtime can read it.
 */
export function resolveDebug(
  session: Session,
  env: (key: string) => string | undefined,
): DebugHandler | undefined {
  const { debug } = session
  if (typeof debug === 'function') return debug
  if (debug === true) return writeDebugEvent
  if (debug === undefined)
    return session.trustEnv && env('FETCH_SESSION_DEBUG') === '1' ? writeDebugEvent : undefined
  if ((debug as unknown) === false) return undefined
  throw invalid('session.debug', 'a boolean or a function', debug)
}

/** The names of what a redirect from `hop` to `next` stripped: headers, `auth`, `cookies`. */
export function strippedBetween(
  hop: HopState,
  next: HopState,
  policy: RedirectPolicy,
  auth: boolean,
  cookies: boolean,
): string[] {
  const out: string[] = []
  for (const name of [...credentialHeaders, ...policy.sensitiveHeaders])
    if (hop.headers.has(name) && !next.headers.has(name)) out.push(name)
  if (auth && hop.authAllowed && !next.authAllowed) out.push('auth')
  if (cookies && hop.requestCookiesAllowed && !next.requestCookiesAllowed) out.push('cookies')
  return out
}

/** The event fields every hop has. */
export function hopEvent(
  hop: HopState,
  fields: {
    status: number
    ms: number
    attempt: number
    hop: number
    cookies?: Cookie[] | undefined
    redirect: DebugEvent['redirect']
    location?: URL | undefined
    stripped?: string[] | undefined
    error?: unknown
  },
): DebugEvent {
  const event: DebugEvent = {
    method: hop.method,
    url: redactURL(hop.url),
    status: fields.status,
    ms: fields.ms,
    attempt: fields.attempt,
    hop: fields.hop,
    redirect: fields.redirect,
    stripped: fields.stripped ?? [],
    cookies: (fields.cookies ?? []).map((c) => c.name),
  }
  if (fields.location) event.location = redactURL(fields.location)
  if (fields.error !== undefined) {
    const { error } = fields
    event.error = error instanceof Error ? error.name : 'Error'
  }
  return event
}
