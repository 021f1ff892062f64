// The clients under test, each wired for keep-alive where it can be, behind one shape:
//
//   { name, jar, cookiesOnly?, get(url) → parsed JSON body, close() }
//
// `jar` says whether the client keeps cookies at all; the cookie and redirect workloads
// still run the others, and report the cookies they lost.
import http from 'node:http'
import { Readable } from 'node:stream'
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import * as undici from 'undici'
import axios from 'axios'
import got from 'got'
import ky from 'ky'
import { ofetch } from 'ofetch'
import makeFetchCookie from 'fetch-cookie'
import { CookieJar as ToughJar } from 'tough-cookie'

const root = fileURLToPath(new URL('..', import.meta.url))

/** undici's Agent keeps connections alive by default; one per client so pools never mix. */
const newAgent = () => new undici.Agent({ keepAliveTimeout: 60_000 })

/** fetch-session from the built package (`dist/node.mjs`), or `null` when not built yet. */
export async function loadFetchSession() {
  const entry = `${root}dist/node.mjs`
  if (!existsSync(entry)) return null
  const mod = await import(pathToFileURL(entry).href)
  return typeof mod.Session === 'function' ? mod : null
}

/**
 * A hand-wired client on `undici.request` with tough-cookie's synchronous API: the fastest
 * correct cookie client one can write by hand, and the target for the cookie workloads.
 * `response: true` makes it return what fetch-session returns, a genuine `Response`.
 */
function handWired(dispatcher, jar, { response = false } = {}) {
  return async function get(url) {
    let current = url
    for (let hop = 0; hop <= 10; hop++) {
      const cookie = jar.getCookieStringSync(current)
      const res = await undici.request(current, {
        dispatcher,
        headers: cookie ? { cookie } : {},
      })
      const setCookie = res.headers['set-cookie']
      if (setCookie) {
        for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
          jar.setCookieSync(line, current, { ignoreError: true })
        }
      }
      if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
        await res.body.dump()
        current = new URL(res.headers.location, current).href
        continue
      }
      if (!response) return res.body.json()
      // What fetch-session must hand back: a genuine Response (the issue's own probe:
      // `Readable.toWeb` of the body into `new Response`), read with `.json()`.
      const headers = new Headers()
      for (const [name, value] of Object.entries(res.headers)) {
        for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v)
      }
      return new Response(Readable.toWeb(res.body), { status: res.statusCode, headers }).json()
    }
    throw new Error('too many redirects')
  }
}

/**
 * Builds every client. `only` filters by name; `fetchSession` is the module loaded by
 * {@link loadFetchSession} (skipped when null).
 * @param {{ fetchSession: any, redirects: boolean }} opts `redirects`: wire undici.request
 *   with the redirect interceptor (it does not follow redirects on its own).
 */
export function createClients({ fetchSession, redirects }) {
  const clients = []
  if (fetchSession) {
    const session = new fetchSession.Session()
    // The Response path: the promise awaited, a genuine Response read.
    clients.push({
      name: 'fetch-session',
      jar: true,
      get: async (url) => (await session.get(url)).json(),
      close: () => session.close(),
    })
    // The body shortcut: the body asked for through the promise, no Response made.
    const shortcut = new fetchSession.Session()
    clients.push({
      name: 'fetch-session shortcut',
      jar: true,
      get: (url) => shortcut.get(url).json(),
      close: () => shortcut.close(),
    })
  }
  {
    const agent = newAgent()
    const dispatcher = redirects
      ? agent.compose(undici.interceptors.redirect({ maxRedirections: 10 }))
      : agent
    clients.push({
      name: 'undici.request',
      jar: false,
      get: async (url) => (await undici.request(url, { dispatcher })).body.json(),
      close: () => agent.close(),
    })
  }
  {
    const dispatcher = newAgent()
    clients.push({
      name: 'undici.fetch',
      jar: false,
      get: async (url) => (await undici.fetch(url, { dispatcher })).json(),
      close: () => dispatcher.close(),
    })
  }
  clients.push({
    name: 'global fetch',
    jar: false,
    get: async (url) => (await fetch(url)).json(),
    close: () => {},
  })
  {
    const httpAgent = new http.Agent({ keepAlive: true })
    const instance = axios.create({ httpAgent })
    clients.push({
      name: 'axios',
      jar: false,
      get: async (url) => (await instance.get(url)).data,
      close: () => httpAgent.destroy(),
    })
  }
  {
    const httpAgent = new http.Agent({ keepAlive: true })
    const instance = got.extend({
      agent: { http: httpAgent },
      cookieJar: new ToughJar(),
      retry: { limit: 0 },
    })
    clients.push({
      name: 'got + tough-cookie',
      jar: true,
      get: (url) => instance.get(url).json(),
      close: () => httpAgent.destroy(),
    })
  }
  clients.push({
    name: 'ky',
    jar: false,
    get: (url) => ky.get(url, { retry: 0 }).json(),
    close: () => {},
  })
  clients.push({
    name: 'ofetch',
    jar: false,
    get: (url) => ofetch(url, { retry: 0 }),
    close: () => {},
  })
  {
    const dispatcher = newAgent()
    const fetchWithCookies = makeFetchCookie(undici.fetch, new ToughJar())
    clients.push({
      name: 'fetch-cookie + undici.fetch',
      jar: true,
      get: async (url) => (await fetchWithCookies(url, { dispatcher })).json(),
      close: () => dispatcher.close(),
    })
  }
  // The hand-wired clients are the reference of the cookie workloads only: as written, and
  // returning a genuine Response as fetch-session must.
  for (const response of [false, true]) {
    const dispatcher = newAgent()
    clients.push({
      name: `undici.request + tough-cookie${response ? ' → Response' : ''}`,
      jar: true,
      cookiesOnly: true,
      get: handWired(dispatcher, new ToughJar(), { response }),
      close: () => dispatcher.close(),
    })
  }
  return clients
}
