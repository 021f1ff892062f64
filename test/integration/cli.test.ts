// The `fetch-session` command line: the real built binary, as a subprocess, against loopback
// servers. Sessions saved by one invocation and used by the next, read-only sessions,
// cookies.txt handed to curl and back, request items, exit codes, --offline, --download.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  closeSync,
  existsSync,
  openSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FileStore } from '../../platform/file-store.ts'
import { Session } from '../../platform/node.ts'
import { runCli } from '../helpers/cli.ts'
import { curl } from '../helpers/tools.ts'
import { json, parseCookieHeader, startServer, type TestServer } from '../helpers/server.ts'
import { ensureBuilt } from '../runtimes/harness.ts'

const payload = randomBytes(300_000)
let server: TestServer
let dir: string
let env: Record<string, string>

beforeAll(async () => {
  await ensureBuilt()
  dir = mkdtempSync(join(tmpdir(), 'cli-'))
  env = { XDG_CONFIG_HOME: join(dir, 'config') }
  server = await startServer({
    '/login': (req, res, body) => {
      const auth = req.headers.authorization
      if (auth !== `Basic ${Buffer.from('user:pass').toString('base64')}`) {
        json(res, { error: 'unauthorized' }, 401, { 'www-authenticate': 'Basic realm="t"' })
        return
      }
      const name = (JSON.parse(body.toString('utf8')) as { name: string }).name
      json(res, { ok: true }, 200, { 'set-cookie': `sid=${name}-token; Path=/; HttpOnly` })
    },
    '/whoami': (req, res) => {
      const sid = parseCookieHeader(req.headers.cookie).sid
      json(res, { user: sid ? sid.replace(/-token$/, '') : null })
    },
    '/slow-set': (req, res) => {
      // Slow enough that two invocations both load the session before either saves it.
      const name = new URL(req.url ?? '/', 'http://x').searchParams.get('name') ?? 'x'
      setTimeout(() => json(res, {}, 200, { 'set-cookie': `${name}=1; Path=/` }), 400)
    },
    '/stall': (_req, res) => {
      // The headers and a first chunk, then nothing: a read timeout while the body is read.
      res.writeHead(200, { 'content-type': 'application/octet-stream' })
      res.write('partial')
    },
    '/file.bin': (_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': payload.length,
        'content-disposition': 'attachment; filename="payload.bin"',
      })
      res.end(payload)
    },
  })
})
afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

const url = (path: string): string => server.url(path)
const sessionFile = (name: string): string =>
  join(
    env.XDG_CONFIG_HOME as string,
    'fetch-session/sessions',
    `127.0.0.1_${server.port}`,
    `${name}.json`,
  )

describe('sessions', { timeout: 60_000 }, () => {
  it('a login, then a second invocation that is still logged in', async () => {
    const login = await runCli(
      ['--session', 'alice', '-a', 'user:pass', url('/login'), 'name=alice'],
      { env },
    )
    expect(login.stderr).toBe('')
    expect(login.code).toBe(0)
    const me = await runCli(['--session', 'alice', url('/whoami')], { env })
    expect(JSON.parse(me.stdout.toString())).toEqual({ user: 'alice' })
    // Without the session: a guest.
    const guest = await runCli([url('/whoami')], { env })
    expect(JSON.parse(guest.stdout.toString())).toEqual({ user: null })
  })

  it('saves the library state with mode 0600, which Session.load reads', async () => {
    await runCli(['--session', 'reader', '-a', 'user:pass', url('/login'), 'name=reader'], { env })
    const file = sessionFile('reader')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const store = new FileStore(join(file, '..'))
    const s = await Session.load(store, 'reader')
    try {
      expect(s?.cookies.get('sid')).toBe('reader-token')
      expect(await s?.get(url('/whoami')).json()).toEqual({ user: 'reader' })
    } finally {
      await s?.close()
    }
  })

  it('a session PATH is a file of its own; headers given once are kept', async () => {
    const file = join(dir, 'my-session.json')
    await runCli(['--session', file, url('/cookies/set?k=v'), 'X-Team:blue'], { env })
    const echo = await runCli(['--session', file, url('/echo')], { env })
    const seen = JSON.parse(echo.stdout.toString()) as { headers: Record<string, string> }
    expect(seen.headers['x-team']).toBe('blue')
    expect(seen.headers.cookie).toBe('k=v')
  })

  it('a damaged session file is one error line naming the file (exit 1)', async () => {
    const file = join(dir, 'damaged.json')
    writeFileSync(file, '{"version":1,"cookies":5}')
    const res = await runCli(['--session', file, url('/whoami')], { env })
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(/^fetch-session: error: session \S+damaged\.json: [^\n]+\n$/)
  })

  it('--session-read-only uses the session and leaves its file unchanged', async () => {
    await runCli(['--session', 'ro', '-a', 'user:pass', url('/login'), 'name=ro'], { env })
    const before = readFileSync(sessionFile('ro'))
    const res = await runCli(['--session-read-only', 'ro', url('/cookies/set?extra=1')], { env })
    expect(JSON.parse(res.stdout.toString())).toEqual({ sid: 'ro-token' })
    expect(readFileSync(sessionFile('ro'))).toEqual(before)
  })

  it('two concurrent invocations both keep their cookies (the store refuses a blind overwrite)', async () => {
    await runCli(['--session', 'race', url('/cookies/set?base=1')], { env })
    const [a, b] = await Promise.all([
      runCli(['--session', 'race', url('/slow-set?name=first')], { env }),
      runCli(['--session', 'race', url('/slow-set?name=second')], { env }),
    ])
    expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', ''])
    const saved = JSON.parse(readFileSync(sessionFile('race'), 'utf8')) as {
      revision: number
      cookies: { cookies: { name: string }[] }
    }
    expect(saved.cookies.cookies.map((c) => c.name).sort()).toEqual(['base', 'first', 'second'])
    expect(saved.revision).toBe(3)
  })
})

describe('cookies.txt with curl', { timeout: 60_000 }, () => {
  const run = promisify(execFile)

  it('hands cookies to curl -b and takes them back from curl -c', async () => {
    const jar = join(dir, 'cookies.txt')
    const login = await runCli(['--cookies', jar, '-a', 'user:pass', url('/login'), 'name=carol'], {
      env,
    })
    expect(login.code).toBe(0)
    expect(statSync(jar).mode & 0o777).toBe(0o600)
    const { stdout } = await run(curl(), ['-s', '-b', jar, url('/whoami')])
    expect(JSON.parse(stdout)).toEqual({ user: 'carol' })

    const curlJar = join(dir, 'curl-cookies.txt')
    await run(curl(), ['-s', '-c', curlJar, url('/cookies/set?fromcurl=yes')])
    const back = await runCli(['--cookies', curlJar, url('/cookies')], { env })
    expect(JSON.parse(back.stdout.toString())).toEqual({ fromcurl: 'yes' })
  })
})

describe('request items', { timeout: 60_000 }, () => {
  type Echo = { method: string; url: string; headers: Record<string, string>; body: string }
  const echo = async (args: string[]): Promise<Echo> => {
    const res = await runCli(args, { env })
    expect(res.stderr).toBe('')
    return JSON.parse(res.stdout.toString()) as Echo
  }

  it('data items make a JSON POST; headers and query items apply; GET without a body', async () => {
    const seen = await echo([
      url('/echo'),
      'name=ann',
      'age:=30',
      'tags:=["a","b"]',
      'X-Id:7',
      'q==x y',
    ])
    expect(seen.method).toBe('POST')
    expect(seen.url).toBe('/echo?q=x+y')
    expect(seen.headers['content-type']).toBe('application/json')
    expect(seen.headers['x-id']).toBe('7')
    expect(JSON.parse(seen.body)).toEqual({ name: 'ann', age: 30, tags: ['a', 'b'] })
    expect((await echo([url('/echo')])).method).toBe('GET')
    expect((await echo(['PUT', url('/echo'), 'a=1'])).method).toBe('PUT')
  })

  it('--form sends a urlencoded form, and multipart when a file is attached', async () => {
    const form = await echo(['-f', url('/echo'), 'a=1', 'b=two words'])
    expect(form.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/)
    expect(form.body).toBe('a=1&b=two+words')
    const file = join(dir, 'upload.txt')
    writeFileSync(file, 'file contents')
    const multi = await echo(['-f', url('/echo'), 'a=1', `doc@${file}`])
    expect(multi.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    expect(multi.body).toContain('filename="upload.txt"')
    expect(multi.body).toContain('file contents')
  })

  it('--json asks for JSON even without data items; -j -f and -A without -a are usage errors', async () => {
    const plain = await echo([url('/echo')])
    expect(plain.headers.accept).toBe('*/*')
    const json = await echo(['-j', url('/echo')])
    expect(json.method).toBe('GET')
    expect(json.headers.accept).toBe('application/json, */*;q=0.5')
    for (const args of [
      ['-j', '-f', url('/echo'), 'a=1'],
      ['-A', 'bearer', url('/echo')],
      ['-A', 'digest', url('/echo')],
    ]) {
      const before = server.log.length
      const res = await runCli(args, { env })
      expect(res.code).toBe(1)
      expect(res.stderr).toMatch(/^fetch-session: error: [^\n]+\n$/)
      expect(server.log.length).toBe(before)
    }
  })

  it('repeated items: every header value and query value is sent; a JSON field is the last', async () => {
    const seen = await echo([url('/echo'), 'X-A:1', 'X-A:2', 'a==1', 'a==2', 'f=1', 'f=2'])
    expect(seen.headers['x-a']).toBe('1, 2')
    expect(seen.url).toBe('/echo?a=1&a=2')
    expect(JSON.parse(seen.body)).toEqual({ f: '2' })
    const form = await echo(['-f', url('/echo'), 'f=1', 'f=2'])
    expect(form.body).toBe('f=1&f=2')
  })

  it('piped stdin is the body: JSON by default, a form with -f; --ignore-stdin leaves it', async () => {
    const piped = async (args: string[], input: string): Promise<Echo> => {
      const res = await runCli(args, { env, input })
      expect(res.stderr).toBe('')
      return JSON.parse(res.stdout.toString()) as Echo
    }
    const json = await piped([url('/echo')], '{"a": [1, 2]}\n')
    expect([json.method, json.headers['content-type'], json.body]).toEqual([
      'POST',
      'application/json',
      '{"a": [1, 2]}\n',
    ])
    expect(json.headers.accept).toBe('application/json, */*;q=0.5')
    const form = await piped(['PUT', '-f', url('/echo'), 'Content-Type:text/plain'], 'a=1&b=2')
    expect([form.method, form.headers['content-type'], form.body]).toEqual([
      'PUT',
      'text/plain',
      'a=1&b=2',
    ])
    const ignored = await piped(['-I', url('/echo')], 'not sent')
    expect([ignored.method, ignored.body]).toEqual(['GET', ''])
    // Data items win over a pipe, which is then not read at all.
    const items = await piped([url('/echo'), 'a=1'], 'not sent')
    expect(JSON.parse(items.body)).toEqual({ a: '1' })
  })

  it('a file redirected into stdin is the body; with data items it is a usage error (exit 1)', async () => {
    const body = join(dir, 'stdin-body.json')
    writeFileSync(body, '{"from":"file"}')
    const fromFile = async (args: string[]): Promise<Awaited<ReturnType<typeof runCli>>> => {
      const fd = openSync(body, 'r')
      try {
        return await runCli(args, { env, stdinFd: fd })
      } finally {
        closeSync(fd)
      }
    }
    const mixed = await fromFile([url('/echo'), 'a=1'])
    expect(mixed.code).toBe(1)
    expect(mixed.stderr).toBe(
      'fetch-session: error: request body (from stdin) and request data (key=value) cannot be mixed; pass --ignore-stdin to send the items\n',
    )
    const alone = await fromFile([url('/echo')])
    expect(alone.stderr).toBe('')
    expect((JSON.parse(alone.stdout.toString()) as Echo).body).toBe('{"from":"file"}')
  })

  it('a file field without --form is a usage error (exit 1)', async () => {
    const res = await runCli([url('/echo'), 'doc@/etc/hostname'], { env })
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(/^fetch-session: error: .*--form.*\n$/)
  })
})

describe('exit codes', { timeout: 60_000 }, () => {
  it.each([
    ['200', ['--check-status', '/status/200'], 0],
    ['404 without --check-status', ['/status/404'], 0],
    ['a 3xx not followed', ['--check-status', '--no-follow', '/redirect/302'], 3],
    ['404', ['--check-status', '/status/404'], 4],
    ['503', ['--check-status', '/status/503'], 5],
    ['too many redirects', ['--max-redirects', '2', '/chain/5'], 6],
    ['a timeout', ['--timeout', '0.3', '/delay/5000'], 2],
    ['a timeout while the body is read', ['--timeout', '0.3', '/stall'], 2],
  ])('%s', async (_label, args, code) => {
    const res = await runCli(
      args.map((a) => (a.startsWith('/') ? url(a) : a)),
      { env },
    )
    expect(res.code).toBe(code)
    if (code === 2 || code === 6) expect(res.stderr.split('\n')).toHaveLength(2)
    if (code >= 3 && code <= 5) expect(res.stderr).toMatch(/^fetch-session: warning: HTTP \d{3}/)
  })

  it('a body that stalls under --download or --output is a timeout too (exit 2)', async () => {
    for (const args of [
      ['-d', '-o', join(dir, 'stall-d.bin')],
      ['-o', join(dir, 'stall-o.bin')],
    ]) {
      const res = await runCli(['--timeout', '0.3', ...args, url('/stall')], { env })
      expect(res.code).toBe(2)
      expect(res.stderr).toMatch(/^(Downloading to \S+\n)?fetch-session: error: [^\n]+\n$/)
    }
  })

  it('a refused connection and a bad option exit 1 with one line on stderr', async () => {
    const refused = await runCli(['http://127.0.0.1:9/'], { env })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^fetch-session: error: [^\n]+\n$/)
    const bad = await runCli(['--nope', url('/echo')], { env })
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/^fetch-session: error: [^\n]+\n$/)
  })
})

describe('usage errors name the option', { timeout: 60_000 }, () => {
  it.each([
    [['--verify', 'maybe'], '--verify: maybe: no such CA bundle file (use yes, no, or a path)'],
    [['--cert', '/nonexistent.pem'], '--cert: /nonexistent.pem: no such client certificate file'],
    [['--timeout', '-1'], '--timeout: expected a number of seconds >= 0, got "-1"'],
    [['--max-redirects', '-1'], '--max-redirects: expected an integer >= 0, got "-1"'],
  ])('%j', async (args, message) => {
    const before = server.log.length
    const res = await runCli([...args, url('/echo')], { env })
    expect(res.code).toBe(1)
    expect(res.stderr).toBe(`fetch-session: error: ${message}\n`)
    expect(server.log.length).toBe(before)
  })
})

describe('output', { timeout: 60_000 }, () => {
  it('--offline prints the merged request and sends nothing', async () => {
    const file = join(dir, 'offline-session.json')
    await runCli(['--session', file, url('/cookies/set?sid=s3cret')], { env })
    const before = server.log.length
    const res = await runCli(
      ['--offline', '--session', file, '-a', 'user:pass', url('/x'), 'a=1'],
      { env },
    )
    expect(res.code).toBe(0)
    expect(server.log.length).toBe(before)
    const out = res.stdout.toString()
    expect(out).toMatch(/^POST \/x HTTP\/1\.1\n/)
    expect(out).toContain('Authorization: Basic <redacted>')
    expect(out).toContain('Cookie: sid=<redacted>')
    expect(out).toContain('{"a":"1"}')
    expect(out).not.toContain('s3cret')
    expect(out).not.toContain(Buffer.from('user:pass').toString('base64'))
  })

  it("--offline redacts the saved session's sensitiveHeaders too", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-sensitive-'))
    const session = new Session({
      headers: { 'x-api-key': 'k-s3cret-key' },
      sensitiveHeaders: ['X-Api-Key'],
    })
    await session.save(new FileStore(dir), 'keyed')
    await session.close()
    const before = server.log.length
    const res = await runCli(['--offline', '--session', join(dir, 'keyed.json'), url('/x')], {
      env,
    })
    expect(res.code).toBe(0)
    expect(server.log.length).toBe(before)
    const out = res.stdout.toString()
    expect(out).toContain('X-Api-Key: <redacted>')
    expect(out).not.toContain('k-s3cret-key')
    rmSync(dir, { recursive: true, force: true })
  })

  it('--verbose prints every redirect hop, credentials redacted', async () => {
    const res = await runCli(
      ['-v', '-a', 'user:pass', url('/redirect/302?to=/redirect/301?to=/status/204')],
      { env },
    )
    const out = res.stdout.toString()
    const requestLines = out.match(/^GET \S+ HTTP\/1\.1$/gm)
    expect(requestLines).toEqual([
      'GET /redirect/302?to=/redirect/301?to=/status/204 HTTP/1.1',
      'GET /redirect/301?to=/status/204 HTTP/1.1',
      'GET /status/204 HTTP/1.1',
    ])
    expect(out.match(/^HTTP\/1\.1 \d+/gm)).toEqual(['HTTP/1.1 302', 'HTTP/1.1 301', 'HTTP/1.1 204'])
    expect(out).not.toContain(Buffer.from('user:pass').toString('base64').slice(0, 8))
  })

  it('--verbose prints each hop with the body it sent: POST → 302 → GET has none under GET', async () => {
    const res = await runCli(['-v', url('/redirect/302?to=/echo'), 'a=1'], { env })
    expect(res.code).toBe(0)
    const out = res.stdout.toString()
    const [before, after] = out.split(/^GET \/echo HTTP\/1\.1$/m) as [string, string]
    expect(before).toMatch(/^POST \/redirect\/302\?to=\/echo HTTP\/1\.1\n/)
    expect(before).toMatch(/\n\n\{"a":"1"\}\n\nHTTP\/1\.1 302 Found\n/)
    // The GET sent no body: nothing between its head and the response head.
    const getHop = after.slice(0, after.indexOf('HTTP/1.1 200'))
    expect(getHop).not.toContain('{"a":"1"}')
    expect(getHop).toMatch(/\n\n$/)
  })

  it('--verbose on a 307 prints the body under both requests, which both sent it', async () => {
    const res = await runCli(['-v', url('/redirect/307?to=/echo'), 'a=1'], { env })
    const out = res.stdout.toString()
    expect(out.match(/^POST \S+ HTTP\/1\.1$/gm)).toEqual([
      'POST /redirect/307?to=/echo HTTP/1.1',
      'POST /echo HTTP/1.1',
    ])
    expect(out.match(/^\{"a":"1"\}$/gm)).toHaveLength(2)
  })

  it('--verbose still prints the hops that happened when there are too many redirects (exit 6)', async () => {
    const res = await runCli(['-v', '--max-redirects', '2', url('/chain/5')], { env })
    expect(res.code).toBe(6)
    const out = res.stdout.toString()
    expect(out.match(/^GET \S+ HTTP\/1\.1$/gm)).toEqual([
      'GET /chain/5 HTTP/1.1',
      'GET /chain/4 HTTP/1.1',
      'GET /chain/3 HTTP/1.1',
    ])
    expect(out.match(/^HTTP\/1\.1 \d+/gm)).toEqual(['HTTP/1.1 302', 'HTTP/1.1 302', 'HTTP/1.1 302'])
    expect(res.stderr).toMatch(/^fetch-session: error: Exceeded 2 redirects[^\n]*\n$/)
  })

  it('piped output is the exact body; --headers and --print choose the parts', async () => {
    const body = await runCli([url('/file.bin')], { env })
    expect(body.stdout.equals(payload)).toBe(true)
    const heads = await runCli(['-h', url('/status/204')], { env })
    expect(heads.stdout.toString()).toMatch(/^HTTP\/1\.1 204 No Content\n/)
    const both = await runCli(['-p', 'Hh', url('/status/204')], { env })
    expect(both.stdout.toString()).toMatch(
      /^GET \/status\/204 HTTP\/1\.1\nHost: .*\n[\s\S]*\nHTTP\/1\.1 204/,
    )
  })

  it('--download writes the exact bytes (named by --output, else by the server)', async () => {
    const out = join(dir, 'out.bin')
    const res = await runCli(['-d', '-o', out, url('/file.bin')], { env })
    expect(res.code).toBe(0)
    expect(res.stdout.length).toBe(0)
    expect(readFileSync(out).equals(payload)).toBe(true)
    const cwd = mkdtempSync(join(dir, 'dl-'))
    await runCli(['--download', url('/file.bin')], { env, cwd })
    expect(readFileSync(join(cwd, 'payload.bin')).equals(payload)).toBe(true)
    // A second download never overwrites the first.
    await runCli(['--download', url('/file.bin')], { env, cwd })
    expect(existsSync(join(cwd, 'payload.bin-1'))).toBe(true)
  })

  it('--download of an error response saves nothing and exits 3/4/5 with a warning', async () => {
    const cwd = mkdtempSync(join(dir, 'dl-error-'))
    for (const [path, code] of [
      ['/status/404', 4],
      ['/status/503', 5],
    ] as const) {
      const res = await runCli(['--download', url(path)], { env, cwd })
      expect(res.code).toBe(code)
      expect(res.stderr).toMatch(/^fetch-session: warning: HTTP \d{3} [^\n]*\n$/)
      expect(res.stdout.length).toBe(0)
    }
    const redirect = await runCli(['-d', '--no-follow', url('/redirect/302')], { env, cwd })
    expect(redirect.code).toBe(3)
    const out = join(cwd, 'named.bin')
    expect((await runCli(['-d', '-o', out, url('/status/404')], { env, cwd })).code).toBe(4)
    expect(existsSync(out)).toBe(false)
    expect(readdirSync(cwd)).toEqual([])
  })

  it('--output without --download writes the body to the file, not to stdout', async () => {
    const out = join(dir, 'output.bin')
    const res = await runCli(['-o', out, url('/file.bin')], { env })
    expect([res.code, res.stdout.length]).toEqual([0, 0])
    expect(readFileSync(out).equals(payload)).toBe(true)
  })

  it('--help documents every option; --version prints the package version', async () => {
    const help = (await runCli(['--help'])).stdout.toString()
    for (const option of [
      '--session',
      '--session-read-only',
      '--cookies',
      '--auth-type',
      '--offline',
      '--download',
      '--check-status',
      '--verify',
      '--cert-key',
      '--max-redirects',
      '--proxy',
    ]) {
      expect(help).toContain(option)
    }
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version: string }
    expect((await runCli(['--version'])).stdout.toString()).toBe(`${pkg.version}\n`)
  })
})
