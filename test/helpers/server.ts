/**
 * Loopback test servers (node:http on port 0). `startServer()` answers the standard routes
 * below; pass `routes` to add or override paths for one test.
 *
 *   /echo                 JSON { method, url, headers, body } of what arrived
 *   /cookies              JSON of the Cookie header received ({ name: value })
 *   /cookies/set?a=1&b=2  Set-Cookie a=1, b=2 (path=/) then JSON of the cookies received
 *   /status/:code         that status, empty body
 *   /redirect/:code?to=U  a redirect with that status to U (default /echo)
 *   /chain/:n             sets cookie hopN=1 and redirects to /chain/(n-1); /chain/0 echoes
 *   /delay/:ms            answers after ms
 *   /stream?chunks=N&gap=ms   a chunked body sent slowly
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export type Route = (
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
) => void | Promise<void>

export interface TestServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string
  readonly port: number
  readonly server: Server
  /** TCP connections accepted so far. */
  readonly connections: () => number
  /** Sockets still open. */
  readonly openSockets: Set<Socket>
  /** Requests received, in order (method and path). */
  readonly log: { method: string; url: string; headers: IncomingMessage['headers'] }[]
  url(path: string): string
  close(): Promise<void>
}

export function parseCookieHeader(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  if (!header) return out
  for (const part of header.split(';')) {
    const trimmed = part.trim()
    if (!trimmed) continue
    const eq = trimmed.indexOf('=')
    if (eq === -1) out[''] = trimmed
    else out[trimmed.slice(0, eq)] = trimmed.slice(eq + 1)
  }
  return out
}

export function json(
  res: ServerResponse,
  value: unknown,
  status = 200,
  headers: Record<string, string | string[]> = {},
): void {
  const body = JSON.stringify(value)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  })
  res.end(body)
}

const standardRoutes: Record<string, Route> = {
  '/echo': (req, res, body) =>
    json(res, {
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: body.toString('utf8'),
    }),
  '/cookies': (req, res) => json(res, parseCookieHeader(req.headers.cookie)),
  '/cookies/set': (req, res) => {
    const query = new URL(req.url ?? '/', 'http://x').searchParams
    const cookies = [...query].map(([k, v]) => `${k}=${v}; Path=/`)
    json(res, parseCookieHeader(req.headers.cookie), 200, { 'set-cookie': cookies })
  },
}

async function standard(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://x')
  const path = url.pathname
  const exact = standardRoutes[path]
  if (exact) {
    await exact(req, res, body)
    return true
  }
  let m: RegExpMatchArray | null
  if ((m = path.match(/^\/status\/(\d{3})$/))) {
    res.writeHead(Number(m[1]))
    res.end()
    return true
  }
  if ((m = path.match(/^\/redirect\/(\d{3})$/))) {
    const to = url.searchParams.get('to') ?? '/echo'
    res.writeHead(Number(m[1]), { location: to, 'content-length': '0' })
    res.end()
    return true
  }
  if ((m = path.match(/^\/chain\/(\d+)$/))) {
    const n = Number(m[1])
    if (n === 0) {
      json(res, { cookies: parseCookieHeader(req.headers.cookie) })
      return true
    }
    res.writeHead(302, {
      location: `/chain/${n - 1}`,
      'set-cookie': `hop${n}=1; Path=/`,
      'content-length': '0',
    })
    res.end()
    return true
  }
  if ((m = path.match(/^\/delay\/(\d+)$/))) {
    const timer = setTimeout(() => json(res, { delayed: Number(m![1]) }), Number(m[1]))
    res.on('close', () => clearTimeout(timer))
    return true
  }
  if (path === '/stream') {
    const chunks = Number(url.searchParams.get('chunks') ?? '3')
    const gap = Number(url.searchParams.get('gap') ?? '10')
    res.writeHead(200, { 'content-type': 'text/plain' })
    let i = 0
    const tick = (): void => {
      if (i++ >= chunks) {
        res.end()
        return
      }
      res.write(`chunk${i}\n`)
      timer = setTimeout(tick, gap)
    }
    let timer = setTimeout(tick, 0)
    res.on('close', () => clearTimeout(timer))
    return true
  }
  return false
}

/** Starts a loopback server; `routes` are tried before the standard ones. */
export async function startServer(routes: Record<string, Route> = {}): Promise<TestServer> {
  const openSockets = new Set<Socket>()
  const log: TestServer['log'] = []
  let connections = 0
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      log.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers })
      const body = Buffer.concat(chunks)
      const path = new URL(req.url ?? '/', 'http://x').pathname
      const route = routes[path]
      const handle = async (): Promise<void> => {
        if (route) await route(req, res, body)
        else if (!(await standard(req, res, body))) {
          res.writeHead(404, { 'content-type': 'text/plain' })
          res.end(`no route for ${path}`)
        }
      }
      handle().catch((error: unknown) => {
        res.writeHead(500)
        res.end(String(error))
      })
    })
  })
  server.keepAliveTimeout = 10_000
  server.on('connection', (socket) => {
    connections++
    openSockets.add(socket)
    socket.on('close', () => openSockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`
  return {
    origin,
    port,
    server,
    connections: () => connections,
    openSockets,
    log,
    url: (path) => origin + path,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
