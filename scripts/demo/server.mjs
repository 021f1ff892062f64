// The demo's embedded server, modelled on the seed article's Flask app: `/login` needs HTTP
// Basic auth (user:pass) and starts a cookie session for the posted `name`; `/whoami` answers
// "You are <name>" for a known session cookie and "You are a guest" otherwise.
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'

const expectedAuth = `Basic ${Buffer.from('user:pass').toString('base64')}`

function readCookie(header, name) {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

async function readForm(req) {
  let text = ''
  for await (const chunk of req) text += chunk
  return new URLSearchParams(text)
}

function send(res, status, text, headers = {}) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers })
  res.end(text)
}

/**
 * Starts the demo server on 127.0.0.1 (port 0 unless given).
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function startDemoServer(port = 0) {
  /** Session id → name; the cookie carries only the opaque id. */
  const sessions = new Map()
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname === '/login') {
      if (req.headers.authorization !== expectedAuth) {
        send(res, 401, 'Unauthorized', { 'www-authenticate': 'Basic realm="demo"' })
        return
      }
      const form = req.method === 'POST' ? await readForm(req) : url.searchParams
      const name = form.get('name')
      if (!name) {
        send(res, 400, 'name is required')
        return
      }
      const id = randomBytes(12).toString('hex')
      sessions.set(id, name)
      send(res, 200, `Logged in as ${name}`, {
        'set-cookie': `session=${id}; Path=/; HttpOnly; SameSite=Lax`,
      })
      return
    }
    if (url.pathname === '/whoami') {
      const name = sessions.get(readCookie(req.headers.cookie, 'session') ?? '')
      send(res, 200, name ? `You are ${name}` : 'You are a guest')
      return
    }
    send(res, 404, 'Not found')
  })
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve))
  const { port: bound } = server.address()
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
