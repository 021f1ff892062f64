// Deno: a session that logs in with Basic auth, keeps the cookie the server sets on a
// redirect hop, and shows both on the next request.
//   deno run --allow-net --allow-env=HTTPBIN main.ts
// HTTPBIN is an httpbin to talk to (default http://127.0.0.1:8080: `python3 -m httpbin.core --port 8080`).
import { Session } from 'npm:fetch-session'

const base = Deno.env.get('HTTPBIN') ?? 'http://127.0.0.1:8080'

await using s = new Session({ baseURL: base, auth: ['ada', 'lovelace'] })
const login = await s.get('/basic-auth/ada/lovelace')
console.log(login.status, (await login.json()).authenticated) // 200 true

await s.get('/cookies/set', { params: { session: 'deno-1' } }) // Set-Cookie on a 302
const { cookies } = await s.get('/cookies').json<{ cookies: Record<string, string> }>()
console.log(cookies.session, Session.platform.name) // deno-1 deno
