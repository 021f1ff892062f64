/**
 * The session's undici dispatchers: one keep-alive `Agent` for direct connections and one
 * `ProxyAgent` per proxy URL, each per distinct TLS/connect setting, all closed by `close()`.
 * Per-request `response` timeouts are applied with a composed dispatcher, so they do not
 * need an Agent of their own.
 * @module
 */
import { Agent, ProxyAgent, type Dispatcher } from 'undici'
import type { AdapterContext, AdapterOptions, TlsOptions } from '../src/platform.ts'

function tlsConnectOptions(tls: TlsOptions | undefined): Record<string, unknown> {
  if (!tls) return {}
  const out: Record<string, unknown> = {}
  if (tls.ca !== undefined) out.ca = tls.ca
  if (tls.cert !== undefined) out.cert = tls.cert
  if (tls.key !== undefined) out.key = tls.key
  if (tls.rejectUnauthorized !== undefined) out.rejectUnauthorized = tls.rejectUnauthorized
  return out
}

/** Dispatchers by (proxy, TLS settings, connect timeout). */
export class DispatcherPool {
  readonly #options: AdapterOptions
  readonly #dispatchers = new Map<string, Dispatcher>()
  readonly #timed = new WeakMap<Dispatcher, Map<number, Dispatcher>>()
  readonly #tlsIds = new WeakMap<TlsOptions, number>()
  #nextTlsId = 1

  constructor(options: AdapterOptions) {
    this.#options = options
  }

  /** The dispatcher for one hop. */
  get(ctx: AdapterContext): Dispatcher {
    const key = `${ctx.proxy ?? ''}\n${this.#tlsKey(ctx.tls)}\n${ctx.timeout.connect ?? ''}`
    let dispatcher = this.#dispatchers.get(key)
    if (!dispatcher) {
      dispatcher = this.#create(ctx)
      this.#dispatchers.set(key, dispatcher)
    }
    const response = ctx.timeout.response
    return response === undefined ? dispatcher : this.#withResponseTimeout(dispatcher, response)
  }

  #tlsKey(tls: TlsOptions | undefined): number {
    if (!tls) return 0
    let id = this.#tlsIds.get(tls)
    if (id === undefined) {
      id = this.#nextTlsId++
      this.#tlsIds.set(tls, id)
    }
    return id
  }

  #create(ctx: AdapterContext): Dispatcher {
    const connect = {
      ...tlsConnectOptions(ctx.tls),
      ...(ctx.timeout.connect ? { timeout: ctx.timeout.connect } : {}),
    }
    const common = {
      ...(this.#options.connections ? { connections: this.#options.connections } : {}),
      ...(this.#options.allowH2 ? { allowH2: true } : {}),
    }
    if (ctx.proxy) {
      return new ProxyAgent({ ...common, uri: ctx.proxy, requestTls: connect, proxyTls: connect })
    }
    return new Agent({ ...common, connect })
  }

  /** undici reads `headersTimeout` / `bodyTimeout` per dispatch: compose rather than build an Agent. */
  #withResponseTimeout(dispatcher: Dispatcher, ms: number): Dispatcher {
    let byMs = this.#timed.get(dispatcher)
    if (!byMs) {
      byMs = new Map()
      this.#timed.set(dispatcher, byMs)
    }
    let composed = byMs.get(ms)
    if (!composed) {
      composed = dispatcher.compose(
        (dispatch) => (opts, handler) =>
          dispatch({ ...opts, headersTimeout: ms, bodyTimeout: ms }, handler),
      )
      byMs.set(ms, composed)
    }
    return composed
  }

  /** Closes every dispatcher, waiting for in-flight requests; their sockets end. */
  async close(): Promise<void> {
    const all = [...this.#dispatchers.values()]
    this.#dispatchers.clear()
    await Promise.all(all.map((d) => d.close()))
  }
}
