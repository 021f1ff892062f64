// Two loopback origins for the Chromium tests: `app` serves the page and the package bundled
// for the browser, plus same-origin API routes; `api` is a second port, so a different
// origin, that answers CORS with credentials for `app` only.
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { mkdtemp, mkdir, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { build } from 'esbuild'
import { repoRoot } from '../runtimes/harness.ts'

/**
 * `import * from 'fetch-session'` bundled the way an app bundler does it for a page: the
 * package resolved through its `exports` with the `browser` condition (dist/browser.mjs),
 * its dependencies inlined, since a page cannot resolve bare specifiers.
 */
export async function bundleForPage(): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'fetch-session-page-'))
  try {
    await mkdir(join(scratch, 'node_modules'))
    await symlink(repoRoot, join(scratch, 'node_modules/fetch-session'), 'dir')
    const result = await build({
      absWorkingDir: scratch,
      stdin: { contents: "export * from 'fetch-session'", resolveDir: scratch, loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['browser'],
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    })
    return result.outputFiles[0]!.text
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

export interface Origin {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  close(): Promise<void>
}

const page = `<!doctype html>
<meta charset="utf-8">
<title>fetch-session browser tests</title>
<script type="module">
  import * as lib from '/fetch-session.mjs'
  window.lib = lib
  window.libReady = true
</script>`

function echo(req: IncomingMessage, res: ServerResponse, url: URL): void {
  res.setHeader('content-type', 'application/json')
  res.end(JSON.stringify({ method: req.method, query: url.search.slice(1), headers: req.headers }))
}

/**
 * RFC 7616 §3.4 Digest with MD5 and `qop=auth` for user "ada", password "lovelace", written
 * with node:crypto (not the client's hashes). The body of an answered request is echoed.
 */
function digest(req: IncomingMessage, res: ServerResponse): void {
  const md5 = (text: string): string => createHash('md5').update(text).digest('hex')
  const nonce = 'browser-nonce'
  const p: Record<string, string> = {}
  for (const m of (req.headers.authorization ?? '').matchAll(/(\w+)="?([^",]*)"?/g))
    p[m[1] as string] = m[2] as string
  const ha1 = md5('ada:browser:lovelace')
  const ha2 = md5(`${req.method ?? ''}:${p.uri ?? ''}`)
  const ok = p.response === md5(`${ha1}:${nonce}:${p.nc ?? ''}:${p.cnonce ?? ''}:auth:${ha2}`)
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.on('end', () => {
    if (!ok) {
      res.statusCode = 401
      res.setHeader('www-authenticate', `Digest realm="browser", qop="auth", nonce="${nonce}"`)
      res.setHeader('access-control-expose-headers', 'www-authenticate')
      res.end()
      return
    }
    res.end(`hello ${p.username ?? ''} nc=${p.nc ?? ''} body=${Buffer.concat(chunks).toString()}`)
  })
}

/** Routes both origins share. Returns false when the path is not one of them. */
function api(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
  switch (url.pathname) {
    case '/echo':
      echo(req, res, url)
      return true
    case '/cookies/set':
      // Each query pair becomes a cookie; the response body shows what was set.
      res.setHeader(
        'set-cookie',
        [...url.searchParams].map(([name, value]) => `${name}=${value}; Path=/`),
      )
      echo(req, res, url)
      return true
    case '/redirect/cookie':
      // A Set-Cookie on the redirect hop itself: the browser must store it before the next hop.
      res.statusCode = 302
      res.setHeader('set-cookie', 'hop=1; Path=/')
      res.setHeader('location', '/echo?after=redirect')
      res.end()
      return true
    case '/basic': {
      const ok = req.headers.authorization === `Basic ${btoa('ada:lovelace')}`
      res.statusCode = ok ? 200 : 401
      res.end(ok ? 'hello ada' : 'who are you?')
      return true
    }
    case '/upload': {
      let received = 0
      req.on('data', (chunk: Buffer) => (received += chunk.length))
      req.on('end', () => res.end(`received ${String(received)}`))
      return true
    }
    case '/lines':
      res.setHeader('content-type', 'text/plain; charset=utf-8')
      res.write('one\r')
      setTimeout(() => res.end('\ntwo\n\nthree'), 20)
      return true
    case '/events':
      res.setHeader('content-type', 'text/event-stream')
      res.write(': hi\n\nevent: greet\nid: 1\ndata: hel')
      setTimeout(() => res.end('lo\ndata: world\n\nretry: 10\ndata: [DONE]\n\n'), 20)
      return true
    case '/bytes': {
      const n = Number(url.searchParams.get('n') ?? '0')
      res.setHeader('content-type', 'application/octet-stream')
      res.setHeader('content-length', String(n))
      res.end(Buffer.alloc(n, 120))
      return true
    }
    case '/digest':
      digest(req, res)
      return true
    default:
      if (url.pathname.startsWith('/status/')) {
        res.statusCode = Number(url.pathname.slice('/status/'.length))
        res.end()
        return true
      }
      return false
  }
}

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<Origin> {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}

/** The page's origin: `/` (the page), `/fetch-session.mjs` (the bundle), and the API routes. */
export function startAppOrigin(bundle: string): Promise<Origin> {
  return listen((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname === '/') {
      res.setHeader('content-type', 'text/html; charset=utf-8')
      res.end(page)
    } else if (url.pathname === '/fetch-session.mjs') {
      res.setHeader('content-type', 'text/javascript; charset=utf-8')
      res.end(bundle)
    } else if (!api(req, res, url)) {
      res.statusCode = 404
      res.end()
    }
  })
}

/**
 * A second origin. Fetch §3.2 CORS protocol: it allows `allowedOrigin` with credentials
 * (an exact origin, never `*`, which credentials forbid), answers preflights, and exposes
 * nothing else; `/no-cors/*` answers without any CORS header.
 */
export function startApiOrigin(allowedOrigin: () => string): Promise<Origin> {
  return listen((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname.startsWith('/no-cors/')) {
      echo(req, res, url)
      return
    }
    res.setHeader('access-control-allow-origin', allowedOrigin())
    res.setHeader('access-control-allow-credentials', 'true')
    res.setHeader('vary', 'Origin')
    if (req.method === 'OPTIONS') {
      res.setHeader('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE')
      res.setHeader(
        'access-control-allow-headers',
        req.headers['access-control-request-headers'] ?? '',
      )
      res.statusCode = 204
      res.end()
      return
    }
    if (!api(req, res, url)) {
      res.statusCode = 404
      res.end()
    }
  })
}

/**
 * A public API origin: `Access-Control-Allow-Origin: *` without credentials, as most public
 * APIs answer. Fetch §3.2.5 CORS check: a request sent with `credentials: 'include'` fails
 * against it; one sent with `'same-origin'` (fetch's default) succeeds.
 */
export function startPublicOrigin(): Promise<Origin> {
  return listen((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    res.setHeader('access-control-allow-origin', '*')
    if (req.method === 'OPTIONS') {
      res.setHeader('access-control-allow-methods', 'GET, POST')
      res.setHeader('access-control-allow-headers', '*')
      res.statusCode = 204
      res.end()
      return
    }
    if (!api(req, res, url)) {
      res.statusCode = 404
      res.end()
    }
  })
}
