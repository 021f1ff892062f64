import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CABundleError, ConnectionError, SessionError, Session } from '../../platform/node.ts'
import { startServer, type TestServer } from '../helpers/server.ts'
import { createTlsFixtures, type TlsFixtures } from '../helpers/tls.ts'

const dir = mkdtempSync(join(tmpdir(), 'fetch-session-netrc-'))
/** Writes `text` to `name` in the test's folder and returns its path. */
const written = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text)
  return join(dir, name)
}
const netrcPath = join(dir, 'netrc')
const saved = {
  NETRC: process.env.NETRC,
  REQUESTS_CA_BUNDLE: process.env.REQUESTS_CA_BUNDLE,
  CURL_CA_BUNDLE: process.env.CURL_CA_BUNDLE,
}

let a: TestServer
let b: TestServer
// b is reached as `localhost`: another host than a's `127.0.0.1`.
const bURL = (path: string): string => b.url(path).replace('127.0.0.1', 'localhost')
beforeAll(async () => {
  a = await startServer({
    '/to-b': (_req, res) => {
      res.writeHead(302, { location: bURL('/echo') })
      res.end()
    },
  })
  b = await startServer()
})
afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
})
afterAll(async () => {
  await a.close()
  await b.close()
  rmSync(dir, { recursive: true, force: true })
})

interface Echo {
  headers: Record<string, string | undefined>
}
/** Writes a `.netrc` with `text` and points `NETRC` at it. */
function useNetrc(text: string): void {
  writeFileSync(netrcPath, text)
  process.env.NETRC = netrcPath
}
const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

describe('.netrc under trustEnv (requests get_netrc_auth / rebuild_auth)', () => {
  it('a request without auth gets the credentials of its host', async () => {
    useNetrc('machine 127.0.0.1 login alice password s3cret\n')
    const s = new Session()
    const echo = (await s.get(a.url('/echo')).json()) as Echo
    expect(echo.headers.authorization).toBe(basic('alice', 's3cret'))
    await s.close()
  })

  it('they are not forwarded to another host across a redirect', async () => {
    useNetrc('machine 127.0.0.1 login alice password s3cret\n')
    const s = new Session()
    const response = await s.get(a.url('/to-b'))
    const echo = (await response.json()) as Echo
    expect(response.url).toContain('localhost')
    expect(echo.headers.authorization).toBeUndefined()
    // The first hop did carry them.
    expect(a.log.at(-1)?.headers.authorization).toBe(basic('alice', 's3cret'))
    await s.close()
  })

  it("each hop gets its own host's credentials", async () => {
    useNetrc(
      'machine 127.0.0.1 login alice password a-pass\nmachine localhost login bob password b-pass\n',
    )
    const s = new Session()
    const echo = (await s.get(a.url('/to-b')).json()) as Echo
    expect(echo.headers.authorization).toBe(basic('bob', 'b-pass'))
    await s.close()
  })

  it('explicit auth, auth: null, an Authorization header or trustEnv: false win', async () => {
    useNetrc('default login alice password s3cret\n')
    const s = new Session()
    const auth = async (init: Parameters<Session['get']>[1]): Promise<string | undefined> =>
      ((await s.get(a.url('/echo'), init).json()) as Echo).headers.authorization
    expect(await auth({ auth: ['u', 'p'] })).toBe(basic('u', 'p'))
    expect(await auth({ auth: null })).toBeUndefined()
    expect(await auth({ headers: { authorization: 'Bearer x' } })).toBe('Bearer x')
    s.trustEnv = false
    expect(await auth({})).toBeUndefined()
    await s.close()
  })

  it('a missing file is no auth', async () => {
    process.env.NETRC = join(dir, 'does-not-exist')
    const s = new Session()
    expect(((await s.get(a.url('/echo')).json()) as Echo).headers.authorization).toBeUndefined()
    await s.close()
  })
})

describe('REQUESTS_CA_BUNDLE under trustEnv', () => {
  let tls: TlsFixtures
  let server: https.Server
  let origin: string
  beforeAll(async () => {
    tls = await createTlsFixtures()
    server = https.createServer({ cert: tls.serverCert, key: tls.serverKey }, (_req, res) =>
      res.end('secure'),
    )
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
    await tls.dispose()
  })

  it('trusts the bundle when tls.ca is not set; not without it or with trustEnv: false', async () => {
    const s = new Session()
    await expect(s.get(origin)).rejects.toBeInstanceOf(ConnectionError)
    process.env.REQUESTS_CA_BUNDLE = tls.caPath
    expect(await s.get(origin).text()).toBe('secure')
    const off = new Session({ trustEnv: false })
    await expect(off.get(origin)).rejects.toBeInstanceOf(ConnectionError)
    // tls.ca set: the environment is not read.
    const own = new Session({ tls: { ca: tls.otherCa } })
    await expect(own.get(origin)).rejects.toBeInstanceOf(ConnectionError)
    await Promise.all([s.close(), off.close(), own.close()])
  })
  it.each([
    ['REQUESTS_CA_BUNDLE', 'a missing file', () => join(dir, 'no-such-bundle.pem')],
    ['CURL_CA_BUNDLE', 'a directory', () => dir],
    ['REQUESTS_CA_BUNDLE', 'an empty file', () => written('empty.pem', '')],
    ['CURL_CA_BUNDLE', 'a file with no PEM in it', () => written('not.pem', 'not a pem\n')],
  ] as const)(
    '%s naming %s fails https requests with CABundleError',
    async (variable, _what, path) => {
      delete process.env.REQUESTS_CA_BUNDLE
      delete process.env.CURL_CA_BUNDLE
      process.env[variable] = path()
      const s = new Session()
      const error: unknown = await s.get(origin).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(CABundleError)
      expect(error).toBeInstanceOf(SessionError)
      const bad = error as CABundleError
      expect(bad.variable).toBe(variable)
      expect(bad.path).toBe(path())
      expect(bad.message).toContain(variable)
      expect(bad.message).toContain(path())
      expect(bad.request?.url).toBe(`${origin}/`)
      // Plain http requests need no bundle (requests checks it for https URLs only).
      expect((await s.get(a.url('/echo'))).status).toBe(200)
      // trustEnv: false, or an explicit tls.ca, does not read the variable.
      s.trustEnv = false
      await expect(s.get(origin)).rejects.toBeInstanceOf(ConnectionError)
      const own = new Session({ tls: { ca: tls.ca } })
      expect(await own.get(origin).text()).toBe('secure')
      await Promise.all([s.close(), own.close()])
    },
  )

  it('a bundle put in place after a CABundleError is read by the next request', async () => {
    delete process.env.CURL_CA_BUNDLE
    const later = join(dir, 'later-bundle.pem')
    process.env.REQUESTS_CA_BUNDLE = later
    const s = new Session()
    await expect(s.get(origin)).rejects.toBeInstanceOf(CABundleError)
    writeFileSync(later, readFileSync(tls.caPath))
    expect(await s.get(origin).text()).toBe('secure')
    await s.close()
  })
})
