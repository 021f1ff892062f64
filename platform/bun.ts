/**
 * Bun entry, picked by the `bun` export condition. Bun's own `fetch` takes `proxy` and
 * `tls` per request (https://bun.com/docs/api/fetch); connection pooling is Bun's, global
 * to the process, so `close()` has nothing to release.
 * @module
 */
import { addDefaultUserAgent } from '../src/version.ts'
import { Session as CoreSession } from '../src/session.ts'
import { CookieJar } from '../src/cookies/index.ts'
import { ConnectionError, describeRequest } from '../src/errors.ts'
import type { SessionError } from '../src/errors.ts'
import { allFeatures } from '../src/features.ts'
import { readTextFile } from './read-file.ts'
import type { Adapter, AdapterContext, Platform, TlsOptions } from '../src/platform.ts'

// The Bun extensions of RequestInit this entry uses.
interface BunFetchInit {
  redirect: RequestRedirect
  proxy: string | false
  tls?: { ca?: string | string[]; cert?: string; key?: string; rejectUnauthorized?: boolean }
}
type BunFetch = (input: Request, init: BunFetchInit) => Promise<Response>

function bunTls(tls: TlsOptions): NonNullable<BunFetchInit['tls']> {
  const out: NonNullable<BunFetchInit['tls']> = {}
  if (tls.ca !== undefined) out.ca = typeof tls.ca === 'string' ? tls.ca : [...tls.ca]
  if (tls.cert !== undefined) out.cert = tls.cert
  if (tls.key !== undefined) out.key = tls.key
  if (tls.rejectUnauthorized !== undefined) out.rejectUnauthorized = tls.rejectUnauthorized
  return out
}

/** Bun's `fetch` with the hop's proxy and the session's TLS settings. */
function createBunAdapter(): Adapter {
  return {
    fetch(request: Request, ctx: AdapterContext): Promise<Response> {
      // The session is the one authority on proxies (it reads HTTP(S)_PROXY/NO_PROXY itself
      // when trustEnv is on). Bun would otherwise apply its own environment proxy to a hop
      // the session decided to send directly; `proxy: false` turns that off (Bun 1.x).
      const init: BunFetchInit = { redirect: ctx.redirect, proxy: ctx.proxy ?? false }
      if (ctx.tls !== undefined) init.tls = bunTls(ctx.tls)
      const fetch = (globalThis as unknown as { fetch: BunFetch }).fetch
      addDefaultUserAgent(request.headers, ctx.defaultUserAgent)
      return fetch(request, init)
    },
  }
}

function bunEnv(key: string): string | undefined {
  return (globalThis as unknown as { Bun?: { env: Record<string, string | undefined> } }).Bun?.env[
    key
  ]
}

// Bun rejects a failed fetch with an error whose `code` is the system or TLS code
// (`ECONNREFUSED`, `ENOTFOUND`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `ConnectionRefused`…).
function mapBunError(
  error: unknown,
  request: Request,
  _ctx: AdapterContext,
): SessionError | undefined {
  if (!(error instanceof Error) || error.name === 'AbortError' || error.name === 'TimeoutError') {
    return undefined
  }
  const code = (error as { code?: unknown }).code
  if (typeof code !== 'string') return undefined
  return new ConnectionError(`Connection failed (${code}): ${describeRequest(request)}`, {
    request,
    cause: error,
    code,
  })
}

const bunPlatform: Platform = {
  name: 'bun',
  capabilities: {
    manualRedirect: true,
    readSetCookie: true,
    sendCookie: true,
    proxy: true,
    tls: true,
    transportTimeouts: false,
    keepAlive: false,
    poolSettings: false,
    credentialsMode: false,
  },
  createAdapter: createBunAdapter,
  env: bunEnv,
  readFile: readTextFile,
  mapError: mapBunError,
  CookieJar,
  features: allFeatures,
}

export * from '../src/index.ts'

/**
 * A `Session` bound to Bun: proxies and TLS through Bun's `fetch` options.
 * @example
 * import { Session } from 'fetch-session'
 * using s = new Session({ baseURL: 'https://api.example', proxy: 'http://proxy:3128' })
 * const r = await s.get('/me')
 */
export class Session extends CoreSession {
  /** The Bun platform binding. */
  static override readonly platform: Platform = bunPlatform
}
