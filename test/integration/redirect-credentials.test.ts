/**
 * Credential leaks across redirects, one regression test per leak that requests, urllib3,
 * node-fetch, follow-redirects, undici, got and superagent shipped, against real loopback
 * servers. "Another host" is `localhost` vs `127.0.0.1`; "another port" is a second server;
 * scheme changes on default ports use 127.9.9.9:80 and :443 (root may bind them; other
 * loopback addresses keep this file from clashing with anything on 127.0.0.1).
 */
import { once } from 'node:events'
import http from 'node:http'
import https from 'node:https'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Session } from '../../platform/node.ts'
import { json, startServer, type TestServer } from '../helpers/server.ts'
import { createTlsFixtures, type TlsFixtures } from '../helpers/tls.ts'

interface Echo {
  method: string
  url: string
  headers: Record<string, string | undefined>
  body: string
}

const secrets = {
  authorization: 'Bearer top-secret',
  'proxy-authorization': 'Basic cHJveHk6c2VjcmV0',
  cookie: 'sid=secret-cookie',
  'x-api-key': 'secret-key',
}
const basic = `Basic ${Buffer.from('user:pass').toString('base64')}`

const schemeHost = '127.9.9.9'
let origin: TestServer
let target: TestServer
let tls: TlsFixtures
let plain80: http.Server
let secure443: https.Server
let defaultPortsUnavailable: string | undefined
const defaultPortLog: { scheme: string; url: string; headers: http.IncomingHttpHeaders }[] = []

function echoOrRedirect(scheme: string) {
  return (req: http.IncomingMessage, res: http.ServerResponse): void => {
    defaultPortLog.push({ scheme, url: req.url ?? '', headers: req.headers })
    const url = new URL(req.url ?? '/', 'http://x')
    const to = url.searchParams.get('to')
    if (url.pathname === '/go' && to) {
      res.writeHead(302, { location: to, 'content-length': '0' })
      res.end()
      return
    }
    json(res, { method: req.method, url: req.url, headers: req.headers, body: '' })
  }
}

beforeAll(async () => {
  tls = await createTlsFixtures({ ips: [schemeHost] })
  origin = await startServer()
  target = await startServer()
  plain80 = http.createServer(echoOrRedirect('http'))
  secure443 = https.createServer(
    { cert: tls.serverCert, key: tls.serverKey },
    echoOrRedirect('https'),
  )
  try {
    plain80.listen(80, schemeHost)
    await once(plain80, 'listening')
    secure443.listen(443, schemeHost)
    await once(secure443, 'listening')
  } catch (error) {
    // Ports below 1024 need root or CAP_NET_BIND_SERVICE; say so rather than fail obscurely.
    defaultPortsUnavailable = `cannot bind ${schemeHost}:80/443 (${(error as { code?: string }).code ?? String(error)})`
  }
})
afterAll(async () => {
  await origin.close()
  await target.close()
  for (const server of [plain80, secure443]) {
    server.closeAllConnections()
    if (server.listening) await new Promise((resolve) => server.close(resolve))
  }
  await tls.dispose()
})

/** `origin` answers `status` with a Location to `to`. */
function via(status: number, to: string): string {
  return origin.url(`/redirect/${status}?to=${encodeURIComponent(to)}`)
}
const otherHost = (path: string): string => `http://localhost:${target.port}${path}`
const otherPort = (path: string): string => target.url(path)

async function echo(response: Response): Promise<Echo> {
  return (await response.json()) as Echo
}

/**
 * One row per leak a client shipped: the header, the redirect status and where it pointed, as
 * in the original report. Each row is its own test, named after the advisory or issue.
 */
const leaks: [client: string, id: string, header: string, status: number, to: 'host' | 'port'][] = [
  ['requests', 'CVE-2014-1829', 'authorization', 302, 'host'],
  ['requests', 'CVE-2014-1830', 'proxy-authorization', 302, 'host'],
  ['urllib3', 'CVE-2018-20060', 'Authorization', 301, 'host'],
  ['urllib3', 'CVE-2023-43804', 'cookie', 302, 'host'],
  ['urllib3', 'CVE-2024-37891', 'proxy-authorization', 303, 'host'],
  ['node-fetch', 'CVE-2022-0235 (Authorization)', 'authorization', 302, 'host'],
  ['node-fetch', 'CVE-2022-0235 (Cookie)', 'cookie', 302, 'host'],
  ['follow-redirects', 'CVE-2022-0155', 'cookie', 302, 'host'],
  ['follow-redirects', 'CVE-2024-28849', 'proxy-authorization', 301, 'host'],
  ['undici', '#872', 'authorization', 302, 'host'],
  ['undici', 'CVE-2022-31151', 'cookie', 302, 'host'],
  ['undici', 'CVE-2023-45143', 'cookie', 307, 'port'],
  ['undici', 'CVE-2024-24758', 'proxy-authorization', 307, 'host'],
  ['got', '#1090', 'authorization', 302, 'host'],
  ['got', '#2442', 'proxy-authorization', 308, 'host'],
  ['superagent', '#1309', 'authorization', 302, 'host'],
  ['superagent', '#1844 (307)', 'authorization', 307, 'host'],
  ['superagent', '#1844 (308)', 'authorization', 308, 'host'],
  ['curl', 'CVE-2022-27774', 'authorization', 302, 'port'],
]

describe('one regression test per shipped leak', () => {
  it.each(leaks)(
    '%s %s: %s is not sent after a %i to another %s',
    async (_client, _id, header, status, to) => {
      await using s = new Session({ proxy: null })
      const value = secrets[header.toLowerCase() as keyof typeof secrets]
      const url = to === 'host' ? otherHost('/echo') : otherPort('/echo')
      const r = await s.request(status === 303 ? 'POST' : 'PUT', via(status, url), {
        headers: { [header]: value, 'x-kept': 'yes' },
        body: 'payload',
      })
      const seen = await echo(r)
      expect(r.url).toBe(url)
      expect(seen.headers[header.toLowerCase()]).toBeUndefined()
      expect(seen.headers['x-kept']).toBe('yes')
      // The first hop did carry it: the test would catch a leak.
      expect(origin.log.at(-1)?.headers[header.toLowerCase()]).toBe(value)
    },
  )
})

describe('request body', () => {
  // urllib3 CVE-2023-45803: the body of a POST went along on a 303 (and 301/302) to another host.
  it.each([301, 302, 303])(
    'a POST body is not sent on after a %i to another host',
    async (status) => {
      await using s = new Session()
      const r = await s.post(via(status, otherHost('/echo')), { json: { password: 'hunter2' } })
      const seen = await echo(r)
      expect(seen).toMatchObject({ method: 'GET', body: '' })
      expect(seen.headers['content-type']).toBeUndefined()
    },
  )
})

describe('Authorization', () => {
  it('session auth is not applied on another host, nor when the chain comes back (Fetch #1544)', async () => {
    await using s = new Session({ auth: ['user', 'pass'] })
    // origin → other host → origin: the last hop is same-origin with the first, still no auth.
    const back = origin.url('/echo')
    const r = await s.get(
      via(302, `http://localhost:${origin.port}/redirect/302?to=${encodeURIComponent(back)}`),
    )
    expect((await echo(r)).headers.authorization).toBeUndefined()
    const hops = origin.log.slice(-3).map((e) => e.headers.authorization)
    expect(hops).toEqual([basic, undefined, undefined])
  })

  // curl CVE-2022-27774: credentials followed a redirect to another port of the same host.
  it('another port of the same host gets no Authorization and no session auth', async () => {
    await using s = new Session({ auth: { type: 'bearer', token: 'tok' } })
    const r = await s.get(via(302, otherPort('/echo')), { headers: { 'x-other': '1' } })
    const seen = await echo(r)
    expect(seen.headers.authorization).toBeUndefined()
    expect(seen.headers['x-other']).toBe('1')
  })

  it('a same-origin redirect keeps the header and session auth', async () => {
    await using s = new Session({ auth: ['user', 'pass'] })
    const r = await s.get(via(302, '/echo'))
    expect((await echo(r)).headers.authorization).toBe(basic)
    await using t = new Session()
    const r2 = await t.get(via(307, '/echo'), { headers: { authorization: secrets.authorization } })
    expect((await echo(r2)).headers.authorization).toBe(secrets.authorization)
  })
})

describe('Cookie', () => {
  // node-fetch CVE-2022-0235: cookies went to the third-party host of a redirect.
  it('request-level cookies are not sent after the host changes; jar cookies follow their own domain', async () => {
    await using s = new Session()
    s.cookies.setCookie('jar_sid=1; Path=/', origin.origin)
    const r = await s.get(via(302, otherHost('/echo')), { cookies: { once: 'secret' } })
    expect((await echo(r)).headers.cookie).toBeUndefined()
    expect(origin.log.at(-1)?.headers.cookie).toBe('jar_sid=1; once=secret')
    expect(s.cookies.get('once')).toBeUndefined()
  })
})

describe('custom secret headers (sensitiveHeaders)', () => {
  it('a header listed in sensitiveHeaders is stripped like Authorization', async () => {
    await using s = new Session({
      sensitiveHeaders: ['X-Api-Key'],
      headers: { 'x-api-key': secrets['x-api-key'] },
    })
    const r = await s.get(via(302, otherHost('/echo')))
    expect((await echo(r)).headers['x-api-key']).toBeUndefined()
  })

  it('an unlisted custom header is an ordinary header and follows the redirect', async () => {
    await using s = new Session({ headers: { 'x-api-key': secrets['x-api-key'] } })
    const r = await s.get(via(302, otherHost('/echo')))
    expect((await echo(r)).headers['x-api-key']).toBe(secrets['x-api-key'])
  })
})

describe('scheme changes on the default ports', () => {
  const httpURL = (path: string): string => `http://${schemeHost}${path}`
  const httpsURL = (path: string): string => `https://${schemeHost}${path}`

  // requests CVE-2018-18074: Authorization survived https → http on the same host.
  it('an https → http downgrade of the same host strips every credential', async (ctx) => {
    if (defaultPortsUnavailable) ctx.skip(defaultPortsUnavailable)
    await using s = new Session({
      tls: { ca: tls.ca },
      sensitiveHeaders: ['x-api-key'],
      auth: ['user', 'pass'],
    })
    const r = await s.get(httpsURL(`/go?to=${encodeURIComponent(httpURL('/echo'))}`), {
      headers: { cookie: secrets.cookie, 'x-api-key': secrets['x-api-key'] },
    })
    const seen = await echo(r)
    expect(r.url).toBe(httpURL('/echo'))
    expect(seen.headers.authorization).toBeUndefined()
    expect(seen.headers.cookie).toBeUndefined()
    expect(seen.headers['x-api-key']).toBeUndefined()
    expect(defaultPortLog.at(-2)).toMatchObject({
      scheme: 'https',
      headers: { authorization: basic },
    })
  })

  // requests should_strip_auth: http → https on the same host and default ports keeps auth.
  it('an http → https upgrade of the same host on default ports keeps Authorization', async (ctx) => {
    if (defaultPortsUnavailable) ctx.skip(defaultPortsUnavailable)
    await using s = new Session({ tls: { ca: tls.ca }, auth: ['user', 'pass'] })
    const r = await s.get(httpURL(`/go?to=${encodeURIComponent(httpsURL('/echo'))}`))
    const seen = await echo(r)
    expect(r.url).toBe(httpsURL('/echo'))
    expect(seen.headers.authorization).toBe(basic)
  })
})

describe('trustedOrigins', () => {
  it('a trusted origin keeps Authorization, Cookie, sensitive headers and session auth', async () => {
    const trusted = `http://localhost:${target.port}`
    await using s = new Session({
      trustedOrigins: [trusted],
      sensitiveHeaders: ['x-api-key'],
      auth: ['user', 'pass'],
    })
    const r = await s.get(via(302, otherHost('/echo')), {
      headers: { cookie: secrets.cookie, 'x-api-key': secrets['x-api-key'] },
      cookies: { once: 'ok' },
    })
    const seen = await echo(r)
    expect(seen.headers.authorization).toBe(basic)
    expect(seen.headers.cookie).toBe(secrets.cookie)
    expect(seen.headers['x-api-key']).toBe(secrets['x-api-key'])
  })

  it('trust is per origin: another port of the trusted host is stripped', async () => {
    await using s = new Session({
      trustedOrigins: [`http://localhost:${origin.port}`],
      auth: ['user', 'pass'],
    })
    const r = await s.get(via(302, otherHost('/echo')))
    expect((await echo(r)).headers.authorization).toBeUndefined()
  })
})
