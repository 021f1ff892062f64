// Node: load the session that login-and-save.mjs saved, in a new process, and use it.
import { Session } from 'fetch-session'
import { FileStore } from 'fetch-session/file-store'

const store = new FileStore(process.env.SESSIONS_DIR ?? '.sessions')
const s = await Session.load(store, 'demo')
if (s === null) {
  console.error('No saved session: run `node login-and-save.mjs` first.')
  process.exit(1)
}
try {
  const { cookies } = await s.get('/cookies').json() // the saved baseURL, headers and cookies
  const { headers } = await s.get('/headers').json()
  console.log('still logged in:', cookies.session, 'as', headers['X-Client']) // still logged in: logged-in-as-ada as node-example
} finally {
  await s.close()
}
