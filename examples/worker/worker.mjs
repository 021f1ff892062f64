// A Cloudflare Worker that keeps one logged-in session in Workers KV: each invocation loads
// it, makes its requests (cookies from earlier invocations are sent), and saves it back.
//   wrangler dev      (wrangler.toml binds the SESSIONS namespace and HTTPBIN)
import { Session } from 'fetch-session'

/**
 * A store over a KV namespace binding. KV has no compare-and-set and is eventually
 * consistent, so `save()` checks revisions read-compare-write: keep one writer per key.
 */
function kvStore(kv, { prefix = 'session:', expirationTtl = 86_400 } = {}) {
  return {
    get: (key) => kv.get(prefix + key, 'text'),
    set: (key, value) => kv.put(prefix + key, value, { expirationTtl }),
  }
}

export default {
  async fetch(request, env) {
    const store = kvStore(env.SESSIONS)
    const s =
      (await Session.load(store, 'api')) ??
      new Session({ baseURL: env.HTTPBIN ?? 'https://httpbin.org' })
    try {
      const visits = Number(s.cookies.get('visits') ?? 0) + 1
      await s.get('/cookies/set', { params: { visits } }) // Set-Cookie on a redirect hop
      const { cookies } = await s.get('/cookies').json() // …sent back from the jar
      await s.save(store, 'api')
      return Response.json({ visits: cookies.visits, platform: Session.platform.name })
    } finally {
      await s.close()
    }
  },
}
