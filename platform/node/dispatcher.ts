/**
 * The session's undici dispatchers: one keep-alive `Agent` for direct connections and one
 * `ProxyAgent` per proxy URL, each per distinct TLS setting, all closed by `close()`.
 * Per-request `connect` and `response` timeouts are applied with a composed dispatcher, so
 * they never need an Agent (and a pool of sockets) of their own: the `connect` limit is
 * applied to each connection attempt by the Agent's connector (see {@link DispatcherPool}).
 *
 * - Proxies: `http:`/`https:` proxies through undici's `ProxyAgent`; `http:` targets are
 *   forwarded in absolute form (as curl and requests do), `https:` targets tunnelled with
 *   `CONNECT`. Credentials in the proxy URL become `Proxy-Authorization: Basic …` sent to the
 *   proxy only, never to the target. `socks5:`/`socks5h:` go through undici's SOCKS5 agent.
 * - TLS: `ca`, `cert`, `key` are PEM text, or paths of PEM files read once with `node:fs`
 *   (a value containing `-----BEGIN` is PEM; anything else is a path). `ca` adds to Node's
 *   trusted roots rather than replacing them. `rejectUnauthorized: false` accepts any server
 *   certificate. The proxy connection (an `https:` proxy) uses the same `ca` and
 *   `rejectUnauthorized`, but never the client certificate.
 * - HTTP/2: `allowH2` lets undici negotiate h2 by ALPN, direct or through a tunnel.
 * @module
 */
import { readFileSync } from 'node:fs'
import { rootCertificates } from 'node:tls'
import type { Socket } from 'node:net'
import { Agent, buildConnector, errors, ProxyAgent, type Dispatcher } from 'undici'
import type { AdapterContext, AdapterOptions, TlsOptions } from '../../src/platform.ts'
import { invalid } from '../../src/util/validate.ts'

/** TLS settings as undici's `connect` options, with files read and values checked. */
interface ResolvedTls {
  ca?: string[]
  cert?: string
  key?: string
  rejectUnauthorized?: boolean
}

const tlsKeys = new Set(['ca', 'cert', 'key', 'rejectUnauthorized'])

/** PEM text as is; anything else is a file path, read now. */
function pem(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalid(field, 'PEM text or the path of a PEM file', value)
  }
  if (value.includes('-----BEGIN')) return value
  try {
    return readFileSync(value, 'utf8')
  } catch (error) {
    const code = (error as { code?: string }).code ?? String(error)
    throw invalid(field, 'a readable PEM file', value, { hint: code, cause: error })
  }
}

/**
 * Validates the session's `tls` option and reads PEM files.
 * @throws {TypeError} naming the field (`tls.ca`, `tls.cert`…).
 */
export function resolveTls(tls: TlsOptions | undefined, field = 'tls'): ResolvedTls {
  if (tls === undefined || tls === null) return {}
  if (typeof tls !== 'object' || Array.isArray(tls)) {
    throw invalid(field, 'an object', tls)
  }
  for (const key of Object.keys(tls)) {
    if (!tlsKeys.has(key)) {
      throw invalid(
        `${field}.${key}`,
        'a known TLS option (ca, cert, key or rejectUnauthorized)',
        tls[key as keyof TlsOptions],
      )
    }
  }
  const out: ResolvedTls = {}
  if (tls.ca !== undefined) {
    const list: unknown[] = Array.isArray(tls.ca) ? tls.ca : [tls.ca]
    // Node's `ca` replaces the default roots; a session CA is meant to add to them (requests' verify
    // bundle is separate, but users expect public sites to keep working next to a private CA).
    out.ca = [
      ...rootCertificates,
      ...list.map((v, i) => pem(v, Array.isArray(tls.ca) ? `${field}.ca[${i}]` : `${field}.ca`)),
    ]
  }
  if (tls.cert !== undefined) out.cert = pem(tls.cert, `${field}.cert`)
  if (tls.key !== undefined) out.key = pem(tls.key, `${field}.key`)
  if ((out.cert === undefined) !== (out.key === undefined)) {
    throw invalid(field, 'cert and key together (a client certificate)', tls, {
      got: out.cert === undefined ? 'key without cert' : 'cert without key',
    })
  }
  if (tls.rejectUnauthorized !== undefined) {
    if (typeof tls.rejectUnauthorized !== 'boolean') {
      throw invalid(`${field}.rejectUnauthorized`, 'a boolean', tls.rejectUnauthorized)
    }
    out.rejectUnauthorized = tls.rejectUnauthorized
  }
  return out
}

/** What undici's `ProxyAgent` needs: the URI without userinfo, and the credentials apart. */
function proxyOptions(
  proxy: string,
): { uri: string } & ({ token?: string } | { username: string; password: string }) {
  const url = new URL(proxy)
  const username = decodeURIComponent(url.username)
  const password = decodeURIComponent(url.password)
  const hasCredentials = username !== '' || password !== ''
  url.username = ''
  url.password = ''
  // undici's SOCKS5 agent sends the host name to the proxy (ATYP DOMAIN): socks5h semantics either way.
  if (url.protocol === 'socks5h:') url.protocol = 'socks5:'
  const uri = `${url.protocol}//${url.host}`
  if (!hasCredentials) return { uri }
  // RFC 1929 username/password for SOCKS5; RFC 9110 §11.7.1 Proxy-Authorization for HTTP proxies.
  if (url.protocol === 'socks5:') return { uri, username, password }
  return { uri, token: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` }
}

// undici's default connect timeout (Agent `connect.timeout`), for a request that sets none.
const defaultConnectTimeout = 10_000

/**
 * A connector that limits each connection attempt to the `connect` timeout of the request
 * that asked for it (`limit()` is read when the attempt starts), with undici's own error.
 */
function timedConnector(
  base: buildConnector.connector,
  limit: () => number,
): buildConnector.connector {
  return (options, callback) => {
    const ms = limit()
    let done = false
    // Set after the attempt starts; `finish` may run first (a synchronous failure).
    const pending: { timer?: ReturnType<typeof setTimeout> } = {}
    const finish: buildConnector.Callback = (...args) => {
      if (done) return
      done = true
      clearTimeout(pending.timer)
      callback(...args)
    }
    const socket = (base as (...a: unknown[]) => Socket | undefined)(options, finish)
    if (done || !ms) return
    pending.timer = setTimeout(() => {
      // undici util.js onConnectTimeout: the same message and error class.
      const error = new errors.ConnectTimeoutError(
        `Connect Timeout Error (attempted address: ${options.hostname}:${options.port}, timeout: ${ms}ms)`,
      )
      socket?.destroy(error)
      finish(error, null)
    }, ms)
  }
}

/** The TLS fields as they were when resolved (`ca` copied: an array may be edited in place). */
type TlsFields = readonly [unknown, unknown, unknown, unknown]

function fieldsOf(tls: TlsOptions | undefined): TlsFields {
  if (tls === undefined) return [undefined, undefined, undefined, undefined]
  const ca: unknown = Array.isArray(tls.ca) ? [...(tls.ca as unknown[])] : tls.ca
  return [ca, tls.cert, tls.key, tls.rejectUnauthorized]
}

function sameFields(fields: TlsFields, tls: TlsOptions | undefined): boolean {
  const now = fieldsOf(tls)
  return fields.every((value, i) => {
    const other = now[i]
    if (!Array.isArray(value) || !Array.isArray(other)) return value === other
    return value.length === other.length && value.every((v: unknown, j) => v === other[j])
  })
}

/**
 * Dispatchers by (proxy, TLS settings): one keep-alive pool per session whatever the
 * requests' timeouts. A request's `connect` limit is set on the pool while it is dispatched
 * (undici connects synchronously inside `dispatch`), so the connection attempt it starts is
 * limited by it; the transport also bounds the request's own wait for a connection by it
 * (adapter.ts), which covers an attempt started for another request or through a proxy.
 */
export class DispatcherPool {
  readonly #options: AdapterOptions
  readonly #dispatchers = new Map<string, Dispatcher>()
  readonly #timed = new WeakMap<Dispatcher, Map<string, Dispatcher>>()
  /** The `connect` limit of the request being dispatched, read by the connector. */
  #attempt: number | undefined
  #lastTls:
    | { input: TlsOptions | undefined; fields: TlsFields; id: string; resolved: ResolvedTls }
    | undefined
  /** A small id per distinct TLS setting, so a pool key never carries a CA bundle's text. */
  readonly #tlsIds = new Map<string, string>()

  constructor(options: AdapterOptions) {
    this.#options = options
  }

  /**
   * The dispatcher for one hop. Synchronous, so a bad `tls` option throws its `TypeError`
   * before anything is sent.
   * @throws {TypeError} for invalid TLS settings or unreadable PEM files.
   */
  get(ctx: Pick<AdapterContext, 'proxy' | 'tls' | 'timeout'>): Dispatcher {
    const tls = this.#resolveTls(ctx.tls)
    const key = `${ctx.proxy ?? ''}\n${tls.id}`
    let dispatcher = this.#dispatchers.get(key)
    if (!dispatcher) {
      dispatcher = this.#create(ctx, tls.resolved)
      this.#dispatchers.set(key, dispatcher)
    }
    const { connect, response } = ctx.timeout
    return connect || response !== undefined
      ? this.#withTimeouts(dispatcher, connect || undefined, response)
      : dispatcher
  }

  /**
   * Resolves (and reads files) once per distinct setting; `s.tls` may be replaced or edited.
   * Every request passes here, and `ca` may be a whole CA bundle (`REQUESTS_CA_BUNDLE`): the
   * same setting is recognised by identity, field by field, never by serialising it.
   */
  #resolveTls(input: TlsOptions | undefined): { id: string; resolved: ResolvedTls } {
    const last = this.#lastTls
    if (last && last.input === input && sameFields(last.fields, input)) return last
    const snapshot =
      input === undefined
        ? ''
        : JSON.stringify([input.ca, input.cert, input.key, input.rejectUnauthorized])
    let id = this.#tlsIds.get(snapshot)
    if (id === undefined) {
      id = String(this.#tlsIds.size)
      this.#tlsIds.set(snapshot, id)
    }
    const resolved = resolveTls(input)
    this.#lastTls = { input, fields: fieldsOf(input), id, resolved }
    return this.#lastTls
  }

  #create(ctx: Pick<AdapterContext, 'proxy' | 'timeout'>, tls: ResolvedTls): Dispatcher {
    const common = {
      ...(this.#options.connections ? { connections: this.#options.connections } : {}),
      ...(this.#options.allowH2 ? { allowH2: true } : {}),
    }
    if (!ctx.proxy) {
      // undici's connector without its fixed timeout; each attempt gets its request's limit.
      const base = buildConnector({
        ...tls,
        ...(this.#options.allowH2 ? { allowH2: true } : {}),
        timeout: 0,
      })
      const connect = timedConnector(base, () => this.#attempt ?? defaultConnectTimeout)
      return new Agent({ ...common, connect })
    }
    // NOTE: undici's ProxyAgent builds its connectors itself, so their limit is fixed here: the
    // larger of undici's default and this request's. A request's own smaller `connect` limit
    // still bounds its wait for a connection (adapter.ts).
    const timeout = { timeout: Math.max(defaultConnectTimeout, ctx.timeout.connect ?? 0) }
    const connect = { ...tls, ...timeout }
    // The proxy's own TLS (an https: proxy) trusts the same CAs, without the client certificate.
    const proxyTls = {
      ...(tls.ca ? { ca: tls.ca } : {}),
      ...(tls.rejectUnauthorized !== undefined
        ? { rejectUnauthorized: tls.rejectUnauthorized }
        : {}),
      ...timeout,
    }
    const proxy = proxyOptions(ctx.proxy)
    return new ProxyAgent({
      ...common,
      ...proxy,
      // curl and requests forward plain-http requests in absolute form; https is tunnelled.
      proxyTunnel: false,
      // The tunnelled TLS handshake is undici's `requestTls` connector: ALPN must be asked there.
      requestTls: this.#options.allowH2 ? { ...connect, allowH2: true } : connect,
      // undici's SOCKS5 agent speaks TLS to the proxy whenever proxyTls is set at all.
      ...(proxy.uri.startsWith('socks5:') ? {} : { proxyTls }),
    })
  }

  /**
   * undici reads `headersTimeout` / `bodyTimeout` per dispatch, and the connector reads the
   * `connect` limit set around the dispatch: compose rather than build an Agent.
   */
  #withTimeouts(
    dispatcher: Dispatcher,
    connect: number | undefined,
    response: number | undefined,
  ): Dispatcher {
    let byKey = this.#timed.get(dispatcher)
    if (!byKey) {
      byKey = new Map()
      this.#timed.set(dispatcher, byKey)
    }
    const key = `${connect ?? ''}/${response ?? ''}`
    let composed = byKey.get(key)
    if (!composed) {
      // Timeouts computed per request (a remaining budget) must not grow the cache forever.
      if (byKey.size >= 64) byKey.clear()
      composed = dispatcher.compose((dispatch) => (opts, handler) => {
        const timed =
          response === undefined
            ? opts
            : { ...opts, headersTimeout: response, bodyTimeout: response }
        this.#attempt = connect
        try {
          return dispatch(timed, handler)
        } finally {
          this.#attempt = undefined
        }
      })
      byKey.set(key, composed)
    }
    return composed
  }

  /**
   * Destroys every dispatcher: their sockets close, and close() resolves once they have.
   * Not `Agent.close()`: it waits for every body to be read and empties the client map at
   * once, so a `destroy()` after it would abort nothing. The adapter ended in-flight hops
   * with a `ClosedSessionError` first (in-flight.ts), so what undici reports now is unseen.
   */
  async close(): Promise<void> {
    const all = [...this.#dispatchers.values()]
    this.#dispatchers.clear()
    await Promise.all(all.map((d) => d.destroy()))
  }
}
