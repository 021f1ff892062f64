// Interop with curl's cookie engine through Netscape cookies.txt files, over a loopback
// node:http server: a jar written by `curl -c` is read by CookieJar.fromNetscape and its
// cookies are sent by a Session; a file written by jar.toNetscape() is sent by `curl -b`.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CookieJar, Session } from '../../platform/node.ts'
import { json, parseCookieHeader, startServer, type TestServer } from '../helpers/server.ts'
import { curl } from '../helpers/tools.ts'

const run = promisify(execFile)

let server: TestServer
let dir: string
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cookies-curl-'))
  server = await startServer({
    '/login': (_req, res) =>
      json(res, { ok: true }, 200, {
        'set-cookie': [
          'sid=abc123; Path=/; HttpOnly',
          'theme=dark; Path=/; Max-Age=3600',
          'scoped=yes; Path=/app',
        ],
      }),
    '/app/cookies': (req, res) => json(res, parseCookieHeader(req.headers.cookie)),
  })
})
afterAll(async () => {
  await server?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('curl cookies.txt interop', () => {
  it('reads a jar written by `curl -c`, and a Session sends its cookies', async () => {
    const file = join(dir, 'from-curl.txt')
    await run(curl(), ['-s', '-o', '/dev/null', '-c', file, server.url('/login')])
    const text = readFileSync(file, 'utf8')
    expect(text).toContain('#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\tabc123')

    const jar = CookieJar.fromNetscape(text)
    const byName = Object.fromEntries([...jar].map((c) => [c.name, c]))
    expect(byName.sid).toMatchObject({
      domain: '127.0.0.1',
      path: '/',
      httpOnly: true,
      hostOnly: true,
      expires: null,
    })
    expect(byName.theme).toMatchObject({ path: '/', httpOnly: false })
    expect(byName.theme!.expires! - Date.now()).toBeGreaterThan(3_500_000)
    expect(byName.scoped).toMatchObject({ path: '/app' })

    const session = new Session({ cookies: jar })
    try {
      const root = await session.get(server.url('/cookies'))
      expect(await root.json()).toEqual({ sid: 'abc123', theme: 'dark' })
      const app = await session.get(server.url('/app/cookies'))
      expect(await app.json()).toEqual({ scoped: 'yes', sid: 'abc123', theme: 'dark' })
    } finally {
      session.close()
    }
  })

  it('writes a jar that `curl -b` sends', async () => {
    const session = new Session()
    let text: string
    try {
      await session.get(server.url('/login'))
      session.cookies.set('manual', 'v1', { domain: '127.0.0.1', path: '/app' })
      text = session.cookies.toNetscape()
    } finally {
      session.close()
    }
    const file = join(dir, 'from-jar.txt')
    writeFileSync(file, text)

    const root = await run(curl(), ['-s', '-b', file, server.url('/cookies')])
    expect(JSON.parse(root.stdout)).toEqual({ sid: 'abc123', theme: 'dark' })
    const app = await run(curl(), ['-s', '-b', file, server.url('/app/cookies')])
    expect(JSON.parse(app.stdout)).toEqual({
      scoped: 'yes',
      manual: 'v1',
      sid: 'abc123',
      theme: 'dark',
    })
  })

  it("round-trips through curl: our file in, curl's file out, the same cookies", async () => {
    const jar = new CookieJar()
    jar.setCookie('a=1; Path=/; HttpOnly', server.url('/'))
    jar.setCookie('b=2; Path=/app; Max-Age=600', server.url('/'))
    const input = join(dir, 'in.txt')
    const output = join(dir, 'out.txt')
    writeFileSync(input, jar.toNetscape())
    await run(curl(), ['-s', '-o', '/dev/null', '-b', input, '-c', output, server.url('/cookies')])
    const back = CookieJar.fromNetscape(readFileSync(output, 'utf8'))
    const shape = (j: CookieJar) =>
      [...j]
        .map(({ name, value, domain, path, secure, httpOnly, hostOnly, expires }) => ({
          name,
          value,
          domain,
          path,
          secure,
          httpOnly,
          hostOnly,
          expires: expires === null ? null : Math.ceil(expires / 1000),
        }))
        .sort((x, y) => x.name.localeCompare(y.name))
    expect(shape(back)).toEqual(shape(jar))
  })
})
