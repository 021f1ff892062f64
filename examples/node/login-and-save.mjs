// Node: log in once, save the session to a directory, and use it again later.
//   node login-and-save.mjs            log in and save to ./.sessions/demo.json
//   node restore.mjs                   another process: load it, still logged in
// HTTPBIN is an httpbin to talk to (default http://127.0.0.1:8080: `python3 -m httpbin.core --port 8080`);
// SESSIONS_DIR is where the session is saved (default ./.sessions).
import { Session } from 'fetch-session'
import { FileStore } from 'fetch-session/file-store'

const base = process.env.HTTPBIN ?? 'http://127.0.0.1:8080'
const store = new FileStore(process.env.SESSIONS_DIR ?? '.sessions')

const s = new Session({ baseURL: base, headers: { 'x-client': 'node-example' } })
try {
  // "Log in": httpbin checks Basic auth here, then sets a session cookie on a redirect hop.
  const login = await s.get('/basic-auth/ada/lovelace', { auth: ['ada', 'lovelace'] })
  login.raiseForStatus()
  await s.get('/cookies/set', { params: { session: 'logged-in-as-ada' } })
  console.log('logged in:', s.cookies.get('session')) // logged in: logged-in-as-ada

  const revision = await s.save(store, 'demo') // an atomic write, file mode 0600
  console.log('saved revision', revision)
} finally {
  await s.close()
}
