// In a page: the browser keeps the cookie the login sets and sends it back; the session adds
// its default headers and sends credentials to its own origin.
import { Session } from 'fetch-session'

const out = document.querySelector('#out')
const api = new Session({ baseURL: location.origin, headers: { 'x-client': 'web' } })
try {
  await api.post('/api/login', { json: { user: 'ada' } }) // Set-Cookie: the browser stores it
  const me = await api.get('/api/me').json() // …and sends it here
  out.textContent = `logged in as ${me.user} (${Session.platform.name})`
} catch (error) {
  out.textContent = `failed: ${error}`
}
