// fetch-session continues the session python-requests started (login.py), then hands it back.
//   node continue.mjs
import { readFileSync, writeFileSync } from 'node:fs'
import { CookieJar, Session } from 'fetch-session'

const handoff = JSON.parse(readFileSync('handoff.json', 'utf8'))

const cookies = new CookieJar()
for (const { name, value, ...attributes } of handoff.cookies) cookies.set(name, value, attributes)
const s = new Session({
  baseURL: handoff.baseURL,
  headers: handoff.headers,
  auth: handoff.auth,
  cookies,
})
try {
  const sent = await s.get('/cookies').json()
  console.log('javascript sends:', sent.cookies) // javascript sends: { session: 'from-python' }
  await s.get('/cookies/set', { params: { seen_by: 'javascript' } }) // the server adds one

  // Back to Python: the same shape, every cookie the jar now holds.
  handoff.cookies = [...s.cookies].map((c) => ({
    name: c.name,
    value: c.value,
    domain: c.domain,
    path: c.path,
    secure: c.secure,
    hostOnly: c.hostOnly,
    expires: c.expires,
  }))
  writeFileSync('handoff.json', JSON.stringify(handoff, null, 2), { mode: 0o600 })
} finally {
  await s.close()
}
