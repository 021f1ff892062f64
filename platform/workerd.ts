/**
 * Cloudflare Workers (workerd) entry, picked by the `workerd` export condition. Plain
 * `fetch`: `redirect: 'manual'` returns the real 3xx and `Headers.getSetCookie()` works, so
 * the session follows hops itself with the in-memory jar. There is no proxy, TLS or
 * environment access: bindings reach a Worker through its handler's `env`, not globals.
 * @module
 */
import { addDefaultUserAgent } from '../src/version.ts'
import { Session as CoreSession } from '../src/session.ts'
import { fetchOnly } from '../src/capabilities.ts'
import { CookieJar } from '../src/cookies/index.ts'
import { ConnectionError, describeRequest } from '../src/errors.ts'
import type { SessionError } from '../src/errors.ts'
import { allFeatures } from '../src/features.ts'
import type { Adapter, AdapterContext, Platform } from '../src/platform.ts'

/** The Worker's global `fetch`, looked up at call time. */
function createWorkerdAdapter(): Adapter {
  return {
    fetch(request: Request, ctx: AdapterContext): Promise<Response> {
      // NOTE(spec): no `credentials` here: workerd rejects RequestInit fields it does not
      // implement (https://developers.cloudflare.com/workers/runtime-apis/request/).
      addDefaultUserAgent(request.headers, ctx.defaultUserAgent)
      return globalThis.fetch(request, { redirect: ctx.redirect })
    },
  }
}

// workerd rejects a failed subrequest with a plain `Error` ("Network connection lost.",
// "internal error; reference = …"), not the TypeError of Fetch §4.1; an abort stays an abort.
function mapWorkerdError(
  error: unknown,
  request: Request,
  _ctx: AdapterContext,
): SessionError | undefined {
  if (!(error instanceof Error) || error.name === 'AbortError' || error.name === 'TimeoutError') {
    return undefined
  }
  return new ConnectionError(`Connection failed (${error.message}): ${describeRequest(request)}`, {
    request,
    cause: error,
  })
}

const workerdPlatform: Platform = {
  name: 'workerd',
  capabilities: fetchOnly,
  createAdapter: createWorkerdAdapter,
  env: () => undefined,
  mapError: mapWorkerdError,
  CookieJar,
  features: allFeatures,
}

export * from '../src/index.ts'

/**
 * A `Session` bound to Cloudflare Workers' `fetch`.
 * @example
 * import { Session } from 'fetch-session'
 * export default {
 *   async fetch(): Promise<Response> {
 *     const s = new Session({ baseURL: 'https://api.example' })
 *     await s.post('/login', { json: { user: 'ada' } })
 *     return s.get('/me')
 *   },
 * }
 */
export class Session extends CoreSession {
  /** The workerd platform binding. */
  static override readonly platform: Platform = workerdPlatform
}
