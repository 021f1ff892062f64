/**
 * Deno entry, picked by the `deno` export condition. Each session owns one
 * `Deno.HttpClient` per distinct proxy/TLS setting (its connection pool), released by
 * `close()`. The environment is read only where `--allow-env` grants it; nothing here
 * touches `Deno` at import time.
 * @module
 */
import { addDefaultUserAgent } from '../src/version.ts'
import { Session as CoreSession } from '../src/session.ts'
import { CookieJar } from '../src/cookies/index.ts'
import { ConnectionError, describeRequest } from '../src/errors.ts'
import type { SessionError } from '../src/errors.ts'
import { allFeatures } from '../src/features.ts'
import type { Adapter, AdapterContext, Platform, TlsOptions } from '../src/platform.ts'

// The slice of the Deno namespace this entry uses (https://docs.deno.com/api/deno/~/Deno.createHttpClient).
interface DenoHttpClient {
  close(): void
}
interface DenoCreateHttpClientOptions {
  caCerts?: string[]
  proxy?: { url: string; basicAuth?: { username: string; password: string } }
  cert?: string
  key?: string
}
interface DenoNamespace {
  createHttpClient(options: DenoCreateHttpClientOptions): DenoHttpClient
  env: { get(key: string): string | undefined }
  readTextFileSync(path: string): string
  permissions: {
    querySync?(descriptor: { name: 'env'; variable: string } | { name: 'read'; path: string }): {
      state: string
    }
  }
}
type DenoFetch = (
  input: Request,
  init: { client: DenoHttpClient; redirect: RequestRedirect },
) => Promise<Response>

function deno(): DenoNamespace {
  return (globalThis as unknown as { Deno: DenoNamespace }).Deno
}

/** `Deno.createHttpClient` options for one hop's proxy and the session's TLS settings. */
function clientOptions(
  proxy: string | null,
  tls: TlsOptions | undefined,
): DenoCreateHttpClientOptions {
  const options: DenoCreateHttpClientOptions = {}
  if (proxy !== null) {
    const url = new URL(proxy)
    const username = decodeURIComponent(url.username)
    const password = decodeURIComponent(url.password)
    url.username = ''
    url.password = ''
    options.proxy =
      username || password
        ? { url: url.href, basicAuth: { username, password } }
        : { url: url.href }
  }
  if (tls?.ca !== undefined) options.caCerts = typeof tls.ca === 'string' ? [tls.ca] : [...tls.ca]
  if (tls?.cert !== undefined) options.cert = tls.cert
  if (tls?.key !== undefined) options.key = tls.key
  if (tls?.rejectUnauthorized === false) {
    // NOTE(spec): Deno has no per-client switch for certificate verification; only the
    // process-wide `--unsafely-ignore-certificate-errors` flag. Refuse rather than verify anyway.
    throw new TypeError(
      'tls.rejectUnauthorized: false is not supported on Deno; run deno with ' +
        '--unsafely-ignore-certificate-errors=<host> or pass tls.ca with the server certificate',
    )
  }
  return options
}

/**
 * `fetch` through one `Deno.HttpClient` per distinct proxy/TLS setting, closed by `close()`.
 * NOTE(spec): a client without `proxy` still applies HTTP(S)_PROXY from the process
 * environment, and Deno has no option to go direct (denoland/deno#28385), so a hop the
 * session sends directly (`trustEnv: false`, `proxy: null`) can still be proxied by Deno
 * (`NO_PROXY` is honoured). Documented in docs/runtimes.md.
 */
function createDenoAdapter(): Adapter {
  const clients = new Map<string, DenoHttpClient>()
  return {
    fetch(request: Request, ctx: AdapterContext): Promise<Response> {
      const key = JSON.stringify([ctx.proxy, ctx.tls ?? null])
      let client = clients.get(key)
      if (client === undefined) {
        client = deno().createHttpClient(clientOptions(ctx.proxy, ctx.tls))
        clients.set(key, client)
      }
      const fetch = (globalThis as unknown as { fetch: DenoFetch }).fetch
      addDefaultUserAgent(request.headers, ctx.defaultUserAgent)
      return fetch(request, { client, redirect: ctx.redirect })
    },
    close(): void {
      for (const client of clients.values()) client.close()
      clients.clear()
    },
  }
}

/** Reads an environment variable only when `--allow-env` already grants it (never prompts). */
function denoEnv(key: string): string | undefined {
  try {
    const { env, permissions } = deno()
    if (permissions.querySync?.({ name: 'env', variable: key }).state !== 'granted')
      return undefined
    return env.get(key)
  } catch {
    return undefined
  }
}

/**
 * Reads a file only when `--allow-read` already grants it (never prompts): `null` when it
 * does not, `undefined` when the file cannot be read.
 */
function denoReadFile(path: string): string | null | undefined {
  try {
    const d = deno()
    if (d.permissions.querySync?.({ name: 'read', path }).state !== 'granted') return null
    return d.readTextFileSync(path)
  } catch {
    return undefined
  }
}

// Deno rejects a failed fetch with `TypeError('fetch failed')` whose cause carries hyper's
// message, e.g. "client error (Connect): tcp connect error: Connection refused (os error 111)".
const denoCodes: readonly (readonly [RegExp, string])[] = [
  [/connection refused/i, 'ECONNREFUSED'],
  [/dns error|failed to lookup address/i, 'ENOTFOUND'],
  [/connection reset/i, 'ECONNRESET'],
  [/certificate|invalid peer|tls|ssl/i, 'ERR_TLS_CERT'],
]

function mapDenoError(
  error: unknown,
  request: Request,
  _ctx: AdapterContext,
): SessionError | undefined {
  if (!(error instanceof TypeError) || error.message !== 'fetch failed') return undefined
  const detail = error.cause instanceof Error ? error.cause.message : error.message
  const code = denoCodes.find(([pattern]) => pattern.test(detail))?.[1]
  return new ConnectionError(`Connection failed (${detail}): ${describeRequest(request)}`, {
    request,
    cause: error,
    code,
  })
}

const denoPlatform: Platform = {
  name: 'deno',
  capabilities: {
    manualRedirect: true,
    readSetCookie: true,
    sendCookie: true,
    proxy: true,
    tls: true,
    transportTimeouts: false,
    keepAlive: true,
    poolSettings: false,
    credentialsMode: false,
  },
  createAdapter: createDenoAdapter,
  env: denoEnv,
  readFile: denoReadFile,
  mapError: mapDenoError,
  CookieJar,
  features: allFeatures,
}

export * from '../src/index.ts'

/**
 * A `Session` bound to Deno: proxies and TLS through `Deno.createHttpClient`.
 * @example
 * import { Session } from 'npm:fetch-session'
 * using s = new Session({ baseURL: 'https://api.example' })
 * const r = await s.get('/me')
 */
export class Session extends CoreSession {
  /** The Deno platform binding. */
  static override readonly platform: Platform = denoPlatform
}
