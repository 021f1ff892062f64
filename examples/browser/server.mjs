// Serves the page, main.js bundled for the browser by esbuild (any bundler picks the
// package's `browser` build the same way), and a tiny cookie-login API.
//   npm install fetch-session esbuild && node server.mjs   → open http://127.0.0.1:3000/
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { build } from 'esbuild'

const here = new URL('.', import.meta.url).pathname
const bundle = await build({
  entryPoints: [`${here}main.js`],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  logLevel: 'silent',
})
const script = bundle.outputFiles[0].text
const page = readFileSync(`${here}index.html`, 'utf8')
const users = new Map() // session id → user

const server = createServer((req, res) => {
  const sid = /(?:^|; )sid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1]
  if (req.url === '/') return send(res, 200, 'text/html', page)
  if (req.url === '/main.js') return send(res, 200, 'text/javascript', script)
  if (req.method === 'POST' && req.url === '/api/login') {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      const id = Math.random().toString(36).slice(2)
      users.set(id, JSON.parse(body).user)
      res.setHeader('set-cookie', `sid=${id}; Path=/; HttpOnly; SameSite=Lax`)
      send(res, 200, 'application/json', '{"ok":true}')
    })
    return
  }
  if (req.url === '/api/me' && users.has(sid)) {
    return send(res, 200, 'application/json', JSON.stringify({ user: users.get(sid) }))
  }
  send(res, 401, 'application/json', '{"error":"not logged in"}')
})

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type }).end(body)
}

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/`)
})
