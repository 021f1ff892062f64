/**
 * Proxies through the Node platform, against a real forwarding + CONNECT proxy on loopback:
 * session, per-request and per-scheme settings, credentials in the proxy URL, the
 * environment (`trustEnv`, NO_PROXY), and the choice made again on every redirect hop
 * (requests' `rebuild_proxies`).
 */
import { once } from 'node:events'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ConnectionError, Session } from '../../platform/node.ts'
import { startProxy, startSocksProxy, type ProxyServer } from '../helpers/proxy-server.ts'
import { json, startServer, type TestServer } from '../helpers/server.ts'
import { createTlsFixtures, type TlsFixtures } from '../helpers/tls.ts'

interface Echo {
  method: string
  url: string
  headers: Record<string, string | undefined>
}

let target: TestServer
let tls: TlsFixtures
let secure: https.Server
let secureOrigin: string
let secureLog: Record<string, string | string[] | undefined>[]
let proxy: ProxyServer
let authProxy: ProxyServer

const envKeys = [
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'ALL_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'all_proxy',
  'no_proxy',
  'REQUEST_METHOD',
]
const savedEnv = new Map(envKeys.map((k) => [k, process.env[k]]))
function clearEnv(): void {
  for (const key of envKeys) delete process.env[key]
}

beforeAll(async () => {
  clearEnv()
  tls = await createTlsFixtures()
  target = await startServer()
  secureLog = []
  secure = https.createServer({ cert: tls.serverCert, key: tls.serverKey }, (req, res) => {
    secureLog.push(req.headers)
    json(res, { method: req.method, url: req.url, headers: req.headers })
  })
  secure.listen(0, '127.0.0.1')
  await once(secure, 'listening')
  secureOrigin = `https://127.0.0.1:${(secure.address() as AddressInfo).port}`
  proxy = await startProxy()
  authProxy = await startProxy({ auth: { username: 'proxy user', password: 'p@ss:word' } })
})
afterEach(clearEnv)
afterAll(async () => {
  for (const [key, value] of savedEnv) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  await proxy.close()
  await authProxy.close()
  await target.close()
  secure.closeAllConnections()
  await new Promise((resolve) => secure.close(resolve))
  await tls.dispose()
})

const targetHost = (): string => `127.0.0.1:${target.port}`
const secureHost = (): string => new URL(secureOrigin).host
const credentials = (): string =>
  `http://${encodeURIComponent('proxy user')}:${encodeURIComponent('p@ss:word')}@127.0.0.1:${authProxy.port}`

describe('session and request proxies', () => {
  it('an http URL is forwarded through the session proxy in absolute form', async () => {
    await using s = new Session({ proxy: proxy.url })
    const before = proxy.count(targetHost())
    const r = await s.get(target.url('/echo?x=1'))
    expect(((await r.json()) as Echo).url).toBe('/echo?x=1')
    expect(proxy.count(targetHost())).toBe(before + 1)
    expect(proxy.requests.at(-1)).toMatchObject({
      kind: 'forward',
      method: 'GET',
      url: target.url('/echo?x=1'),
    })
  })

  it('an https URL is tunnelled with CONNECT', async () => {
    await using s = new Session({ proxy: proxy.url, tls: { ca: tls.ca } })
    const r = await s.get(`${secureOrigin}/tunnelled`)
    expect(((await r.json()) as Echo).url).toBe('/tunnelled')
    expect(proxy.requests.at(-1)).toMatchObject({ kind: 'connect', target: secureHost() })
  })

  it('a proxy URL without a scheme is http:// (requests prepend_scheme_if_needed)', async () => {
    await using s = new Session({ proxy: `127.0.0.1:${proxy.port}` })
    const before = proxy.count(targetHost())
    await s.get(target.url('/echo'))
    expect(proxy.count(targetHost())).toBe(before + 1)
  })

  it('a request proxy replaces the session proxy, and null connects directly', async () => {
    await using s = new Session({ proxy: 'http://127.0.0.1:9' /* discard port: would fail */ })
    const before = proxy.count(targetHost())
    expect((await s.get(target.url('/echo'), { proxy: proxy.url })).status).toBe(200)
    expect(proxy.count(targetHost())).toBe(before + 1)
    const direct = target.log.length
    expect((await s.get(target.url('/echo'), { proxy: null })).status).toBe(200)
    expect(proxy.count(targetHost())).toBe(before + 1)
    expect(target.log.length).toBe(direct + 1)
  })

  it('a per-scheme map sends http through the proxy and https directly', async () => {
    await using s = new Session({
      proxy: { http: proxy.url },
      tls: { ca: tls.ca },
      trustEnv: false,
    })
    const before = proxy.requests.length
    await s.get(target.url('/echo'))
    await s.get(`${secureOrigin}/direct`)
    expect(proxy.requests.slice(before).map((r) => r.target)).toEqual([targetHost()])
  })

  it('a scheme://host key picks a proxy for one host only', async () => {
    await using s = new Session({ proxy: { [`http://localhost`]: proxy.url }, trustEnv: false })
    const before = proxy.requests.length
    await s.get(target.url('/echo'))
    await s.get(`http://localhost:${target.port}/echo`)
    expect(proxy.requests.slice(before).map((r) => r.target)).toEqual([`localhost:${target.port}`])
  })

  it('a request map merges over the session map, null removing a key', async () => {
    await using s = new Session({
      proxy: { http: proxy.url, https: proxy.url },
      tls: { ca: tls.ca },
    })
    const before = proxy.requests.length
    await s.get(`${secureOrigin}/x`, { proxy: { https: null } })
    await s.get(target.url('/echo'), { proxy: { https: null } })
    expect(proxy.requests.slice(before).map((r) => r.kind)).toEqual(['forward'])
  })
})

describe('proxy credentials', () => {
  it('credentials in the proxy URL authenticate a forwarded request', async () => {
    await using s = new Session({ proxy: credentials() })
    const r = await s.get(target.url('/echo'))
    expect(r.status).toBe(200)
    expect(authProxy.requests.at(-1)).toMatchObject({ kind: 'forward', authorized: true })
  })

  // requests CVE-2023-32681: Proxy-Authorization reached the destination through the tunnel.
  it('credentials authenticate a CONNECT tunnel and never reach the target server', async () => {
    await using s = new Session({ proxy: credentials(), tls: { ca: tls.ca } })
    const r = await s.get(`${secureOrigin}/secret`)
    expect(((await r.json()) as Echo).headers['proxy-authorization']).toBeUndefined()
    expect(authProxy.requests.at(-1)).toMatchObject({ kind: 'connect', authorized: true })
  })

  it.each([
    ['a forwarded request', () => target.url('/echo')],
    ['a CONNECT tunnel', () => `${secureOrigin}/x`],
  ])('missing credentials: the 407 on %s is a ConnectionError', async (_kind, url) => {
    await using s = new Session({ proxy: authProxy.url, tls: { ca: tls.ca } })
    const error = await s.get(url()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    expect((error as Error).message).toContain('407')
  })

  it('wrong credentials are refused and never repeated in the error message', async () => {
    await using s = new Session({
      proxy: `http://proxy%20user:wrong-secret@127.0.0.1:${authProxy.port}`,
      tls: { ca: tls.ca },
    })
    const error = await s.get(`${secureOrigin}/x`).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    expect(authProxy.requests.at(-1)).toMatchObject({ kind: 'connect', authorized: false })
    expect((error as Error).message).not.toContain('wrong-secret')
  })

  it('an unreachable proxy is a ConnectionError', async () => {
    await using s = new Session({ proxy: 'http://127.0.0.1:9' })
    await expect(s.get(target.url('/echo'))).rejects.toBeInstanceOf(ConnectionError)
  })
})

describe('environment (trustEnv)', () => {
  it('HTTP_PROXY and HTTPS_PROXY are used by default', async () => {
    process.env.HTTP_PROXY = proxy.url
    process.env.HTTPS_PROXY = proxy.url
    await using s = new Session({ tls: { ca: tls.ca } })
    const before = proxy.requests.length
    await s.get(target.url('/echo'))
    await s.get(`${secureOrigin}/env`)
    expect(proxy.requests.slice(before).map((r) => r.kind)).toEqual(['forward', 'connect'])
  })

  it('lower-case http_proxy wins and ALL_PROXY is the fallback', async () => {
    process.env.http_proxy = proxy.url
    process.env.HTTP_PROXY = 'http://127.0.0.1:9'
    process.env.ALL_PROXY = proxy.url
    await using s = new Session({ tls: { ca: tls.ca } })
    const before = proxy.requests.length
    await s.get(target.url('/echo'))
    await s.get(`${secureOrigin}/all`)
    expect(proxy.requests.slice(before).map((r) => r.kind)).toEqual(['forward', 'connect'])
  })

  it('NO_PROXY sends a listed host directly', async () => {
    process.env.HTTP_PROXY = proxy.url
    process.env.NO_PROXY = 'example.test, 127.0.0.1'
    await using s = new Session()
    const before = proxy.requests.length
    expect((await s.get(target.url('/echo'))).status).toBe(200)
    expect(proxy.requests.length).toBe(before)
  })

  it('NO_PROXY with a CIDR block and a port', async () => {
    process.env.HTTP_PROXY = proxy.url
    process.env.NO_PROXY = `127.0.0.0/8:${target.port}`
    await using s = new Session()
    const before = proxy.requests.length
    await s.get(target.url('/echo'))
    await s.get(`http://localhost:${target.port}/echo`)
    expect(proxy.requests.slice(before).map((r) => r.target)).toEqual([`localhost:${target.port}`])
  })

  it('trustEnv: false ignores the environment', async () => {
    process.env.HTTP_PROXY = 'http://127.0.0.1:9'
    await using s = new Session({ trustEnv: false })
    expect((await s.get(target.url('/echo'))).status).toBe(200)
  })

  it('a request proxy: null ignores the environment too', async () => {
    process.env.HTTP_PROXY = 'http://127.0.0.1:9'
    await using s = new Session()
    expect((await s.get(target.url('/echo'), { proxy: null })).status).toBe(200)
  })

  // CVE-2016-5385 (httpoxy): in a CGI process HTTP_PROXY comes from the client's Proxy header.
  it('HTTP_PROXY is ignored when REQUEST_METHOD is set (CGI)', async () => {
    process.env.HTTP_PROXY = 'http://127.0.0.1:9'
    process.env.REQUEST_METHOD = 'GET'
    await using s = new Session()
    expect((await s.get(target.url('/echo'))).status).toBe(200)
  })
})

describe('every redirect hop chooses its proxy again (requests rebuild_proxies)', () => {
  it('a hop to a no_proxy host goes direct, the next hop back goes through the proxy', async () => {
    await using s = new Session({ proxy: { all: proxy.url, no_proxy: 'localhost' } })
    const back = target.url('/echo')
    const middle = `http://localhost:${target.port}/redirect/302?to=${encodeURIComponent(back)}`
    const before = proxy.requests.length
    const r = await s.get(target.url(`/redirect/302?to=${encodeURIComponent(middle)}`))
    expect(r.status).toBe(200)
    expect(r.history).toHaveLength(2)
    // Hops 1 and 3 (127.0.0.1) went through the proxy; hop 2 (localhost) did not.
    expect(proxy.requests.slice(before).map((p) => new URL(p.url).pathname)).toEqual([
      '/redirect/302',
      '/echo',
    ])
  })

  it('an http → https redirect switches from forwarding to a CONNECT tunnel', async () => {
    process.env.HTTP_PROXY = proxy.url
    process.env.HTTPS_PROXY = proxy.url
    await using s = new Session({ tls: { ca: tls.ca } })
    const before = proxy.requests.length
    const r = await s.get(
      target.url(`/redirect/302?to=${encodeURIComponent(`${secureOrigin}/landed`)}`),
    )
    expect(((await r.json()) as Echo).url).toBe('/landed')
    expect(proxy.requests.slice(before).map((p) => p.kind)).toEqual(['forward', 'connect'])
  })
})

describe('SOCKS5 proxies (undici Socks5ProxyAgent)', () => {
  let socks: ProxyServer
  let authSocks: ProxyServer
  beforeAll(async () => {
    socks = await startSocksProxy()
    authSocks = await startSocksProxy({ auth: { username: 'sock user', password: 's3cret:@' } })
  })
  afterAll(async () => {
    await socks.close()
    await authSocks.close()
  })

  it.each([
    ['http', () => target.url('/echo'), () => targetHost()],
    ['https', () => `${secureOrigin}/echo`, () => secureHost()],
  ])('an %s URL goes through a socks5:// proxy', async (_scheme, url, host) => {
    await using s = new Session({ proxy: socks.url, tls: { ca: tls.ca } })
    const before = socks.count(host())
    expect((await s.get(url())).status).toBe(200)
    expect(socks.count(host())).toBe(before + 1)
  })

  it('socks5h:// is accepted and credentials in the URL authenticate (RFC 1929)', async () => {
    const proxyURL = `socks5h://${encodeURIComponent('sock user')}:${encodeURIComponent('s3cret:@')}@127.0.0.1:${authSocks.port}`
    await using s = new Session({ proxy: proxyURL })
    expect((await s.get(target.url('/echo'))).status).toBe(200)
    expect(authSocks.requests.at(-1)).toMatchObject({
      kind: 'socks',
      authorized: true,
      target: targetHost(),
    })
  })

  it('wrong SOCKS credentials are a ConnectionError', async () => {
    await using s = new Session({ proxy: `socks5://sock%20user:nope@127.0.0.1:${authSocks.port}` })
    await expect(s.get(target.url('/echo'))).rejects.toBeInstanceOf(ConnectionError)
    expect(authSocks.requests.at(-1)).toMatchObject({ authorized: false })
  })
})
