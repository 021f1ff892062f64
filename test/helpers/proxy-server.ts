/**
 * A real forwarding proxy on loopback, for tests: plain-HTTP requests in absolute form
 * (`GET http://host:port/path HTTP/1.1`, RFC 9112 §3.2.2) are forwarded, and `CONNECT
 * host:port` (RFC 9110 §9.3.6) opens a TCP tunnel for HTTPS. It can demand
 * `Proxy-Authorization: Basic …` and records every request so tests can assert that the
 * proxy was (or was not) used, and for which target.
 */
import { once } from 'node:events'
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'

/** One request the proxy received. */
export interface ProxiedRequest {
  /** `forward` for an absolute-form request, `connect` for a tunnel, `socks` for SOCKS5 CONNECT. */
  readonly kind: 'forward' | 'connect' | 'socks'
  /** `host:port` of the target. */
  readonly target: string
  readonly method: string
  /** The request target as sent (absolute URL, or `host:port` for CONNECT). */
  readonly url: string
  /** The request headers the proxy saw (lower-case names). */
  readonly headers: http.IncomingHttpHeaders
  /** Whether the proxy accepted the credentials (always true without `auth`). */
  readonly authorized: boolean
}

/** Options of {@link startProxy}. */
export interface ProxyServerOptions {
  /** Demand these credentials in `Proxy-Authorization: Basic` (407 otherwise). */
  auth?: { username: string; password: string }
}

/** A running proxy. */
export interface ProxyServer {
  /** `http://127.0.0.1:<port>` (`socks5://…` for {@link startSocksProxy}) */
  readonly url: string
  readonly port: number
  /** Every request received, oldest first. */
  readonly requests: ProxiedRequest[]
  /** How many requests (forwarded or tunnelled) went to `host:port`. */
  count(target: string): number
  /** Stops listening and destroys open connections and tunnels. */
  close(): Promise<void>
}

const hopByHop = [
  'connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]

function isAuthorized(header: string | undefined, options: ProxyServerOptions): boolean {
  if (!options.auth) return true
  const expected = Buffer.from(`${options.auth.username}:${options.auth.password}`).toString(
    'base64',
  )
  return header === `Basic ${expected}`
}

/** Starts a proxy on 127.0.0.1, port 0. */
export async function startProxy(options: ProxyServerOptions = {}): Promise<ProxyServer> {
  const requests: ProxiedRequest[] = []
  const sockets = new Set<net.Socket>()

  const server = http.createServer((req, res) => {
    const authorized = isAuthorized(req.headers['proxy-authorization'], options)
    let target: URL
    try {
      target = new URL(req.url ?? '')
    } catch {
      res.writeHead(400).end('absolute-form request target required')
      return
    }
    const port = target.port || (target.protocol === 'https:' ? '443' : '80')
    requests.push({
      kind: 'forward',
      target: `${target.hostname}:${port}`,
      method: req.method ?? 'GET',
      url: req.url ?? '',
      headers: req.headers,
      authorized,
    })
    if (!authorized) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test proxy"' }).end()
      return
    }
    const headers: http.OutgoingHttpHeaders = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (!hopByHop.includes(name) && value !== undefined) headers[name] = value
    }
    const upstream = http.request(
      {
        host: target.hostname.replace(/^\[|\]$/g, ''),
        port,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers,
      },
      (upstreamRes) => {
        const out: http.OutgoingHttpHeaders = {}
        for (const [name, value] of Object.entries(upstreamRes.headers)) {
          if (!hopByHop.includes(name) && value !== undefined) out[name] = value
        }
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, out)
        upstreamRes.pipe(res)
      },
    )
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502)
      res.end()
    })
    req.pipe(upstream)
  })

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const authorized = isAuthorized(req.headers['proxy-authorization'], options)
    const url = req.url ?? ''
    const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(url)
    requests.push({
      kind: 'connect',
      target: url,
      method: 'CONNECT',
      url,
      headers: req.headers,
      authorized,
    })
    if (!authorized || !match) {
      client.end(
        authorized
          ? 'HTTP/1.1 400 Bad Request\r\n\r\n'
          : 'HTTP/1.1 407 Proxy Authentication Required\r\n' +
              'Proxy-Authenticate: Basic realm="test proxy"\r\nContent-Length: 0\r\n\r\n',
      )
      return
    }
    const upstream = net.connect(Number(match[2]), match[1], () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream)
    upstream.on('close', () => sockets.delete(upstream))
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })

  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    count: (target) => requests.filter((r) => r.target === target).length,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/**
 * A SOCKS5 proxy (RFC 1928, CONNECT only) with optional username/password authentication
 * (RFC 1929). Requests are recorded with `kind: 'socks'`, `authorized` telling whether the
 * credentials matched.
 */
export async function startSocksProxy(options: ProxyServerOptions = {}): Promise<ProxyServer> {
  const requests: ProxiedRequest[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => client.destroy())
    let buffer = Buffer.alloc(0)
    let stage: 'greeting' | 'auth' | 'request' | 'piping' = 'greeting'
    let authorized = !options.auth
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk])
      for (;;) {
        if (stage === 'greeting') {
          if (buffer.length < 2 || buffer.length < 2 + (buffer[1] ?? 0)) return
          const methods = [...buffer.subarray(2, 2 + (buffer[1] ?? 0))]
          buffer = buffer.subarray(2 + methods.length)
          const wanted = options.auth ? 0x02 : 0x00
          if (!methods.includes(wanted)) {
            client.end(Buffer.from([0x05, 0xff]))
            return
          }
          client.write(Buffer.from([0x05, wanted]))
          stage = options.auth ? 'auth' : 'request'
        } else if (stage === 'auth') {
          const ulen = buffer[1] ?? 0
          const plen = buffer[2 + ulen]
          if (plen === undefined || buffer.length < 3 + ulen + plen) return
          const username = buffer.subarray(2, 2 + ulen).toString('utf8')
          const password = buffer.subarray(3 + ulen, 3 + ulen + plen).toString('utf8')
          buffer = buffer.subarray(3 + ulen + plen)
          authorized = username === options.auth?.username && password === options.auth.password
          client.write(Buffer.from([0x01, authorized ? 0x00 : 0x01]))
          if (!authorized) {
            requests.push({
              kind: 'socks',
              target: '',
              method: 'CONNECT',
              url: '',
              headers: {},
              authorized,
            })
            client.end()
            return
          }
          stage = 'request'
        } else if (stage === 'request') {
          if (buffer.length < 5) return
          const atyp = buffer[3]
          const addressLength = atyp === 0x01 ? 4 : atyp === 0x04 ? 16 : 1 + (buffer[4] ?? 0)
          if (buffer.length < 4 + addressLength + 2) return
          const raw = buffer.subarray(4, 4 + addressLength)
          const host =
            atyp === 0x01
              ? [...raw].join('.')
              : atyp === 0x04
                ? (raw.toString('hex').match(/.{4}/g) ?? []).join(':')
                : raw.subarray(1).toString('utf8')
          const port = buffer.readUInt16BE(4 + addressLength)
          const rest = buffer.subarray(4 + addressLength + 2)
          const target = `${atyp === 0x04 ? `[${host}]` : host}:${port}`
          requests.push({
            kind: 'socks',
            target,
            method: 'CONNECT',
            url: target,
            headers: {},
            authorized,
          })
          stage = 'piping'
          client.off('data', onData)
          const upstream = net.connect(port, host, () => {
            client.write(Buffer.from([0x05, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0]))
            if (rest.length > 0) upstream.write(rest)
            upstream.pipe(client)
            client.pipe(upstream)
          })
          sockets.add(upstream)
          upstream.on('close', () => sockets.delete(upstream))
          upstream.on('error', () =>
            client.end(Buffer.from([0x05, 0x05, 0x00, 0x01, 0, 0, 0, 0, 0, 0])),
          )
          return
        } else {
          return
        }
      }
    }
    client.on('data', onData)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `socks5://127.0.0.1:${port}`,
    port,
    requests,
    count: (target) => requests.filter((r) => r.target === target).length,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
