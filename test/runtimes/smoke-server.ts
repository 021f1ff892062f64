// The loopback server the runtime smoke suite (scripts/runtimes/smoke.mjs) talks to.
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { TLSSocket } from 'node:tls'
import { createServer as createNetServer } from 'node:net'
import type { AddressInfo } from 'node:net'

export interface SmokeServer {
  /** `http://127.0.0.1:<port>` */
  readonly base: string
  close(): Promise<void>
}

let digestChallenges = 0

function route(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  switch (url.pathname) {
    case '/echo':
      res.setHeader('content-type', 'application/json')
      res.end(
        JSON.stringify({
          method: req.method,
          path: url.pathname,
          query: url.search.slice(1),
          headers: req.headers,
        }),
      )
      return
    case '/basic': {
      // RFC 7617 §2: "Basic " + base64(user-id ":" password)
      const ok = req.headers.authorization === `Basic ${btoa('ada:lovelace')}`
      res.statusCode = ok ? 200 : 401
      if (!ok) res.setHeader('www-authenticate', 'Basic realm="smoke"')
      res.end(ok ? 'hello ada' : 'who are you?')
      return
    }
    case '/digest': {
      // RFC 7616 §3.4 with MD5 and qop=auth, for user "ada", password "lovelace".
      const md5 = (text: string): string => createHash('md5').update(text).digest('hex')
      const nonce = 'smoke-nonce'
      const p: Record<string, string> = {}
      for (const m of (req.headers.authorization ?? '').matchAll(/(\w+)="?([^",]*)"?/g))
        p[m[1] as string] = m[2] as string
      const ha1 = md5(`ada:smoke:lovelace`)
      const ha2 = md5(`${req.method ?? ''}:${p.uri ?? ''}`)
      const ok = p.response === md5(`${ha1}:${nonce}:${p.nc ?? ''}:${p.cnonce ?? ''}:auth:${ha2}`)
      if (!ok) {
        digestChallenges++
        res.statusCode = 401
        res.setHeader('www-authenticate', `Digest realm="smoke", qop="auth", nonce="${nonce}"`)
        res.end()
        return
      }
      const sent: Buffer[] = []
      req.on('data', (chunk: Buffer) => sent.push(chunk))
      req.on('end', () => {
        const body = sent.length > 0 ? ` body=${Buffer.concat(sent).toString()}` : ''
        res.end(
          `hello ${p.username ?? ''} nc=${p.nc ?? ''}${body} challenges=${String(digestChallenges)}`,
        )
      })
      return
    }
    case '/upload': {
      let received = 0
      req.on('data', (chunk: Buffer) => (received += chunk.length))
      req.on('end', () => res.end(`received ${String(received)}`))
      return
    }
    case '/lines':
      res.setHeader('content-type', 'text/plain; charset=utf-8')
      res.write('one\r')
      setTimeout(() => res.end('\ntwo\n\nthree'), 20)
      return
    case '/events':
      res.setHeader('content-type', 'text/event-stream')
      res.write(': hi\n\nevent: greet\nid: 1\ndata: hel')
      setTimeout(() => res.end('lo\ndata: world\n\nretry: 10\ndata: [DONE]\n\n'), 20)
      return
    case '/login':
      res.statusCode = 302
      res.setHeader('set-cookie', 'sid=s3cret; Path=/; HttpOnly')
      res.setHeader('location', '/echo')
      res.end()
      return
    default:
      res.statusCode = 404
      res.end('not found')
  }
}

/** Starts the smoke server on 127.0.0.1, port 0. */
export async function startSmokeServer(): Promise<SmokeServer> {
  const server = createServer(route)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}

/** A loopback URL on which nothing listens (a port bound, read, then released). */
export async function closedURL(): Promise<string> {
  const server = createNetServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}/`
}

/** A free loopback port for a child process to listen on. */
export async function freePort(): Promise<number> {
  const url = await closedURL()
  return Number(new URL(url).port)
}

/**
 * An HTTPS server with a certificate from `ca`; it asks for a client certificate and
 * answers `/tls` with whether a trusted one was presented.
 */
export async function startTlsServer(options: {
  cert: string
  key: string
  ca: string
}): Promise<SmokeServer> {
  const server = createHttpsServer(
    { ...options, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ clientCertificate: (req.socket as TLSSocket).authorized }))
    },
  )
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    base: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}
