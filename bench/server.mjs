// The benchmark's loopback server. It runs in its own process (forked by bench/run.mjs) so
// the server's work never shares an event loop with the clients being measured. It reports
// its port over IPC and exits when its parent disconnects.
//
// Routes:
//   GET /json                 a small JSON document (keep-alive)
//   GET /json?close=1         the same, answered with `Connection: close` (a new connection each time)
//   GET /cookies?k=ID         sets two cookies and reports whether the two it set last time for
//                             client ID came back: { ok, sent, expected }
//   GET /hop/N?r=NONCE        N > 0: sets `hN=NONCE` and answers 302 → /hop/N-1?r=NONCE
//   GET /hop/0?r=NONCE        echoes the hop cookies it received: { hops: <count of hN=NONCE> }
import { createServer } from 'node:http'

const body = Buffer.from(
  JSON.stringify({ id: 1, name: 'fetch-session', tags: ['bench', 'json'], ok: true }),
)
/** Last two cookie values issued to each client id, to check that the client sent them back. */
const issued = new Map()
let serial = 0

function parseCookies(header) {
  const out = new Map()
  if (!header) return out
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
  }
  return out
}

function sendJson(res, status, value, extra = {}) {
  const data = Buffer.from(JSON.stringify(value))
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': data.length,
    ...extra,
  })
  res.end(data)
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x')
  const path = url.pathname
  if (path === '/json') {
    const headers = { 'content-type': 'application/json', 'content-length': body.length }
    if (url.searchParams.has('close')) headers.connection = 'close'
    res.writeHead(200, headers)
    res.end(body)
    return
  }
  if (path === '/cookies') {
    const k = url.searchParams.get('k') ?? ''
    const got = parseCookies(req.headers.cookie)
    const expected = issued.get(k)
    const sent = expected ? expected.filter(([n, v]) => got.get(n) === v).length : 0
    const next = [
      ['sid', `s${++serial}`],
      ['csrf', `c${serial}`],
    ]
    issued.set(k, next)
    sendJson(
      res,
      200,
      { ok: !expected || sent === expected.length, sent, expected: expected ? expected.length : 0 },
      { 'set-cookie': next.map(([n, v]) => `${n}=${v}; Path=/; HttpOnly`) },
    )
    return
  }
  const hop = /^\/hop\/(\d+)$/.exec(path)
  if (hop) {
    const n = Number(hop[1])
    const nonce = url.searchParams.get('r') ?? ''
    if (n > 0) {
      res.writeHead(302, {
        location: `/hop/${n - 1}?r=${nonce}`,
        'set-cookie': `h${n}=${nonce}; Path=/`,
        'content-length': 0,
      })
      res.end()
      return
    }
    const got = parseCookies(req.headers.cookie)
    let hops = 0
    for (const [name, value] of got) if (/^h\d+$/.test(name) && value === nonce) hops++
    sendJson(res, 200, { hops })
    return
  }
  sendJson(res, 404, { error: 'not found' })
})

// Keep idle connections open for the whole run: the clients' pools decide when to close.
server.keepAliveTimeout = 120_000
server.headersTimeout = 121_000
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address()
  if (process.send) process.send({ port })
  else console.log(`bench server on http://127.0.0.1:${port}`)
})
process.on('disconnect', () => {
  server.closeAllConnections()
  server.close()
  process.exit(0)
})
