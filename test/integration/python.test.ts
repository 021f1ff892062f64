// Python interop with Debian's python3 (`python()` in ../helpers/tools.ts): cookies.txt both ways with
// http.cookiejar.MozillaCookieJar, and the docs/python.md recipe carrying a logged-in
// requests.Session (cookies, headers, basic auth) into fetch-session and back, against a
// loopback server that checks all three.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CookieJar, Session, SessionStateError } from '../../platform/node.ts'
import { parseCookieHeader, startServer, type TestServer } from '../helpers/server.ts'
import { python } from '../helpers/tools.ts'

const run = promisify(execFile)

let dir: string
let server: TestServer
const basic = `Basic ${Buffer.from('ada:secret').toString('base64')}`

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fetch-session-python-'))
  server = await startServer({
    // Log in: needs basic auth; sets a session cookie (no expiry) and a persistent one.
    '/login': (req, res) => {
      if (req.headers.authorization !== basic) {
        res.writeHead(401).end()
        return
      }
      res.setHeader('set-cookie', [
        'sid=py-1; Path=/; HttpOnly',
        `theme=dark; Path=/; Max-Age=3600`,
      ])
      res.end('ok')
    },
    // Who am I: the cookie, the custom header and the auth must all arrive.
    '/whoami': (req, res) => {
      const { sid } = parseCookieHeader(req.headers.cookie)
      const ok =
        sid !== undefined &&
        req.headers['x-api-key'] === 'k-1' &&
        req.headers.authorization === basic
      res.writeHead(ok ? 200 : 403, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ sid: sid ?? null, ok }))
    },
    // Rotates the session cookie, as a server does on privilege changes.
    '/rotate': (_req, res) => {
      res.setHeader('set-cookie', 'sid=js-2; Path=/; HttpOnly')
      res.end('rotated')
    },
  })
})

afterAll(async () => {
  await server?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function py(script: string, ...args: string[]): Promise<string> {
  const file = join(dir, `script-${Math.random().toString(36).slice(2)}.py`)
  writeFileSync(file, script)
  const { stdout } = await run(python(), [file, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH, NO_PROXY: '*' },
  })
  return stdout
}

/** The recipe block of docs/python.md (the one defining both functions), verbatim. */
function recipe(): string {
  const doc = readFileSync('docs/python.md', 'utf8')
  const blocks = [...doc.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]!)
  const block = blocks.find(
    (b) => b.includes('def to_fetch_session') && b.includes('def from_fetch_session'),
  )
  if (!block)
    throw new Error(
      'docs/python.md: no python block defines to_fetch_session and from_fetch_session',
    )
  return block
}

describe('cookies.txt with http.cookiejar.MozillaCookieJar', () => {
  it('reads a file Python saved with ignore_discard=True (empty expiry = session cookie)', async () => {
    const expires = Math.floor(Date.now() / 1000) + 3600
    await py(`
import sys
from http.cookiejar import MozillaCookieJar, Cookie
jar = MozillaCookieJar("py.txt")
jar.set_cookie(Cookie(0, "sid", "abc", None, False, "example.test", False, False, "/", True, False, None, True, None, None, {}))
jar.set_cookie(Cookie(0, "keep", "1", None, False, ".example.test", True, True, "/app", True, True, ${expires}, False, None, None, {}))
jar.save(ignore_discard=True)
`)
    const text = readFileSync(join(dir, 'py.txt'), 'utf8')
    expect(text).toMatch(/example\.test\tFALSE\t\/\tFALSE\t\tsid\tabc/)
    const jar = CookieJar.fromNetscape(text)
    const byName = Object.fromEntries(
      jar.getCookies('https://www.example.test/app/x').map((c) => [c.name, c]),
    )
    expect(byName.keep).toMatchObject({
      value: '1',
      domain: 'example.test',
      path: '/app',
      secure: true,
      hostOnly: false,
      expires: expires * 1000,
    })
    expect(
      jar.getCookies('http://example.test/').map((c) => [c.name, c.value, c.expires, c.hostOnly]),
    ).toEqual([['sid', 'abc', null, true]])
  })

  it("writes session cookies Python keeps with { sessionExpires: '' } (it drops expiry 0)", async () => {
    const jar = new CookieJar()
    jar.setCookie('sid=abc; Path=/', 'http://example.test/')
    jar.setCookie(
      'keep=1; Path=/; Max-Age=3600; Domain=example.test; Secure',
      'https://example.test/',
    )
    writeFileSync(join(dir, 'curl-style.txt'), jar.toNetscape())
    writeFileSync(join(dir, 'python-style.txt'), jar.toNetscape({ sessionExpires: '' }))
    const load = `
import sys, json
from http.cookiejar import MozillaCookieJar
jar = MozillaCookieJar(sys.argv[1])
jar.load(ignore_discard=True)
print(json.dumps(sorted([c.name, c.value, c.expires, c.discard] for c in jar)))
`
    const pythonStyle = JSON.parse(await py(load, 'python-style.txt')) as unknown[][]
    expect(pythonStyle.map((c) => c.slice(0, 2))).toEqual([
      ['keep', '1'],
      ['sid', 'abc'],
    ])
    expect(pythonStyle[1]!.slice(2)).toEqual([null, true]) // a session cookie in Python
    // The default (curl's `0`): Python drops the session cookie as expired.
    const curlStyle = JSON.parse(await py(load, 'curl-style.txt')) as unknown[][]
    expect(curlStyle.map((c) => c[0])).toEqual(['keep'])
    expect(() => jar.toNetscape({ sessionExpires: 'x' as '' })).toThrow(/options\.sessionExpires/)
  })
})

describe('a logged-in requests.Session into fetch-session and back (docs/python.md)', () => {
  it('carries cookies, headers and basic auth both ways', async () => {
    writeFileSync(join(dir, 'fetch_session_state.py'), recipe())
    // Python logs in and saves.
    await py(
      `
import json, sys, requests
from fetch_session_state import to_fetch_session
s = requests.Session()
s.auth = ("ada", "secret")
s.headers["X-Api-Key"] = "k-1"
s.get(sys.argv[1] + "/login").raise_for_status()
with open("session.json", "w") as f:
    json.dump(to_fetch_session(s, base_url=sys.argv[1]), f)
`,
      server.origin,
    )

    // fetch-session carries on with the same login, and the server rotates the cookie.
    await using s = Session.fromJSON(readFileSync(join(dir, 'session.json'), 'utf8'))
    expect(await s.get('/whoami').json()).toEqual({ sid: 'py-1', ok: true })
    await s.get('/rotate')
    expect(s.headers.get('user-agent')).toBeNull() // requests' default stays behind
    writeFileSync(join(dir, 'session.json'), JSON.stringify(s))

    // Python picks it up again, with the rotated cookie.
    const back = await py(
      `
import json, sys
from fetch_session_state import from_fetch_session
with open("session.json") as f:
    s = from_fetch_session(json.load(f))
r = s.get(sys.argv[1] + "/whoami")
print(json.dumps([r.status_code, r.json(), sorted(c.name for c in s.cookies)]))
`,
      server.origin,
    )
    expect(JSON.parse(back)).toEqual([200, { sid: 'js-2', ok: true }, ['sid', 'theme']])
  })
})

describe('Session.fromJSON given something that is not a saved session', () => {
  it.each([
    ['a dict of cookies', { sid: 'abc', csrftoken: 'x' }, /dict of cookies/],
    ['a JSON dict of cookies', '{"sid": "abc"}', /dict of cookies/],
    ['a pickle (protocol 4)', '\u0080\u0004\u0095\u0010requests.sessions', /Python pickle/],
    ['a pickle (protocol 0)', '(dp0\nVsid\np1\n', /Python pickle/],
    [
      'a cookies.txt',
      '# Netscape HTTP Cookie File\nx.test\tFALSE\t/\tFALSE\t0\ta\tb\n',
      /CookieJar\.fromNetscape/,
    ],
    ['a list', [['sid', 'abc']], /a list/],
  ])('%s: says what it expects and where the Python recipe is', (_what, input, kind) => {
    const error = (() => {
      try {
        Session.fromJSON(input as never)
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(SessionStateError)
    const message = (error as Error).message
    expect(message).toMatch(kind)
    expect(message).toMatch(/expected a saved fetch-session/)
    expect(message).toMatch(/docs\/python\.md/)
  })

  it('still names the bad field of near-miss state', () => {
    const state = { ...new Session().toJSON(), maxRedirects: 'x' }
    expect(() => Session.fromJSON(state as never)).toThrow(/maxRedirects/)
  })
})
