// Bun: post JSON through a session whose default headers and cookies ride along, then save
// the session to a file and load it back.
//   bun add fetch-session && bun main.ts
// HTTPBIN is an httpbin to talk to (default http://127.0.0.1:8080: `python3 -m httpbin.core --port 8080`).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Session } from 'fetch-session'
import { FileStore } from 'fetch-session/file-store'

const base = process.env.HTTPBIN ?? 'http://127.0.0.1:8080'
const dir = await mkdtemp(join(tmpdir(), 'bun-sessions-'))
const store = new FileStore(dir)

{
  await using s = new Session({ baseURL: base, headers: { 'x-client': 'bun' } })
  await s.get('/cookies/set', { params: { session: 'bun-1' } })
  const echo = await s.post('/post', { json: { hello: 'bun' } }).json<{
    json: unknown
    headers: Record<string, string>
  }>()
  console.log(JSON.stringify(echo.json), echo.headers['X-Client'], Session.platform.name) // {"hello":"bun"} bun bun
  await s.save(store, 'bun')
}

await using again = (await Session.load(store, 'bun'))!
console.log(JSON.stringify(await again.get('/cookies').json())) // {"cookies":{"session":"bun-1"}}
await rm(dir, { recursive: true, force: true })
