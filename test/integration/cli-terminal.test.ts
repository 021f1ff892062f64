// The `fetch-session` command line beyond a pipe: output under a pseudo-terminal (`script`),
// the password prompt, the same session under Bun and Deno, Digest, TLS options and a proxy.
import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { once } from 'node:events'
import https from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bunPath, cliCommand, denoPath, runCli } from '../helpers/cli.ts'
import { startProxy, type ProxyServer } from '../helpers/proxy-server.ts'
import { json, parseCookieHeader, startServer, type TestServer } from '../helpers/server.ts'
import { createTlsFixtures, type TlsFixtures } from '../helpers/tls.ts'
import { script } from '../helpers/tools.ts'
import { ensureBuilt } from '../runtimes/harness.ts'

const payload = randomBytes(2_000_000)
let server: TestServer
let dir: string
let env: Record<string, string>

function md5(s: string): string {
  return createHash('md5').update(s).digest('hex')
}

beforeAll(async () => {
  await ensureBuilt()
  dir = mkdtempSync(join(tmpdir(), 'cli-tty-'))
  env = { XDG_CONFIG_HOME: join(dir, 'config') }
  server = await startServer({
    '/login': (req, res) => {
      if (req.headers.authorization !== `Basic ${Buffer.from('user:pass').toString('base64')}`) {
        json(res, {}, 401, { 'www-authenticate': 'Basic realm="t"' })
        return
      }
      json(res, { ok: true }, 200, { 'set-cookie': 'sid=tok; Path=/' })
    },
    '/whoami': (req, res) => json(res, { sid: parseCookieHeader(req.headers.cookie).sid ?? null }),
    '/big': (_req, res) => {
      res.writeHead(200, { 'content-length': payload.length })
      // In slices, so a terminal sees the bar move.
      let at = 0
      const next = (): void => {
        if (at >= payload.length) return void res.end()
        res.write(payload.subarray(at, (at += 200_000)))
        setTimeout(next, 30)
      }
      next()
    },
    // RFC 7616 Digest (MD5, qop=auth) for user:pass.
    '/digest': (req, res) => {
      const header = req.headers.authorization ?? ''
      const fields = Object.fromEntries(
        [...header.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)].map((m) => [m[1], m[2] ?? m[3]]),
      ) as Record<string, string>
      const ha1 = md5(`user:t:pass`)
      const ha2 = md5(`${req.method}:${fields.uri}`)
      const expected = md5(`${ha1}:${fields.nonce}:${fields.nc}:${fields.cnonce}:auth:${ha2}`)
      if (header.startsWith('Digest ') && fields.response === expected) {
        json(res, { digest: 'ok' })
        return
      }
      json(res, {}, 401, { 'www-authenticate': 'Digest realm="t", nonce="abc123", qop="auth"' })
    },
  })
})
afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`

/** Runs the CLI inside a pseudo-terminal; `answer` is typed once `prompt` appears. */
function underTerminal(
  args: string[],
  options: { env?: Record<string, string | undefined>; prompt?: string; answer?: string } = {},
): Promise<{ code: number | null; output: string }> {
  const command = cliCommand(args).map(quote).join(' ')
  return new Promise((resolve, reject) => {
    const child = spawn(script(), ['-qec', command, '/dev/null'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: undefined, TERM: 'xterm', ...env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 30_000,
    })
    let output = ''
    let answered = false
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString('utf8')
      if (options.prompt && !answered && output.includes(options.prompt)) {
        answered = true
        // After the prompt: the terminal is in raw mode, so the line discipline echoes nothing.
        setTimeout(() => child.stdin.write(`${options.answer ?? ''}\r`), 100)
      }
    })
    child.on('error', reject)
    child.on('close', (code) => {
      resolve({ code, output })
    })
  })
}

describe('on a terminal', { timeout: 60_000 }, () => {
  it('pretty-prints JSON in colour; NO_COLOR keeps it pretty and plain', async () => {
    const coloured = await underTerminal([server.url('/whoami')])
    expect(coloured.code).toBe(0)
    expect(coloured.output).toContain('\x1b[34m"sid"\x1b[39m: \x1b[35mnull\x1b[39m')
    expect(coloured.output).toContain('HTTP/1.1\x1b[22m \x1b[32m200 OK')
    const plain = await underTerminal([server.url('/whoami')], { env: { NO_COLOR: '1' } })
    expect(plain.output).not.toContain('\x1b[')
    expect(plain.output).toContain('{\r\n    "sid": null\r\n}')
  })

  it('the same request into a pipe is the exact bytes, no colour', async () => {
    const piped = await runCli([server.url('/whoami')], { env })
    expect(piped.stdout.toString()).toBe('{"sid":null}')
  })

  it('--download draws a progress bar on the terminal and writes the exact bytes', async () => {
    const file = join(dir, 'big.bin')
    const res = await underTerminal(['-d', '-o', file, server.url('/big')])
    expect(res.code).toBe(0)
    expect(res.output).toMatch(/\r\[#+ *\] +\d+% /)
    expect(res.output).toContain('100% 2.0 MB / 2.0 MB')
    expect(readFileSync(file).equals(payload)).toBe(true)
    // Into a pipe: no bar.
    const piped = await runCli(['-d', '-o', file, server.url('/big')], { env })
    expect(piped.stderr).not.toContain('%')
  })

  it('asks for the password without echoing it when only the user is given', async () => {
    const res = await underTerminal(['-a', 'user', '-h', server.url('/login')], {
      prompt: 'password for user@',
      answer: 'pass',
    })
    expect(res.output).toContain('HTTP/1.1\x1b[22m \x1b[32m200 OK')
    expect(res.output.slice(res.output.indexOf('password for'))).not.toContain('pass\r')
  })
})

describe('other runtimes', { timeout: 60_000 }, () => {
  it.skipIf(!existsSync(bunPath) || !existsSync(denoPath))(
    'a session saved under Node is continued by Bun and Deno',
    async () => {
      const login = await runCli(['--session', 'multi', '-a', 'user:pass', server.url('/login')], {
        env,
      })
      expect(login.code).toBe(0)
      for (const runtime of ['bun', 'deno'] as const) {
        const me = await runCli(['--session', 'multi', server.url('/whoami')], { env, runtime })
        expect([runtime, me.stderr, JSON.parse(me.stdout.toString())]).toEqual([
          runtime,
          '',
          { sid: 'tok' },
        ])
        const status = await runCli(['--check-status', server.url('/status/404')], { env, runtime })
        expect(status.code).toBe(4)
      }
    },
    60_000,
  )
})

describe('auth', { timeout: 60_000 }, () => {
  it('--auth-type digest answers the challenge', async () => {
    const res = await runCli(['-A', 'digest', '-a', 'user:pass', server.url('/digest')], { env })
    expect([res.stderr, res.stdout.toString()]).toEqual(['', '{"digest":"ok"}'])
  })

  it('--auth-type bearer sends the token', async () => {
    const res = await runCli(['-A', 'bearer', '-a', 'T0KEN', server.url('/echo')], { env })
    const seen = JSON.parse(res.stdout.toString()) as { headers: Record<string, string> }
    expect(seen.headers.authorization).toBe('Bearer T0KEN')
  })

  it('--auth takes the user as typed, never percent-decoded (us%er)', async () => {
    const res = await runCli(['-a', 'us%er:p%41ss', server.url('/echo')], { env })
    expect(res.stderr).toBe('')
    const seen = JSON.parse(res.stdout.toString()) as { headers: Record<string, string> }
    expect(seen.headers.authorization).toBe(
      `Basic ${Buffer.from('us%er:p%41ss').toString('base64')}`,
    )
  })

  it('--auth USER without a terminal is an error, not a hang', async () => {
    const res = await runCli(['-a', 'user', server.url('/login')], { env })
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(/^fetch-session: error: --auth: give USER:PASS/)
  })
})

describe('TLS and proxies', { timeout: 60_000 }, () => {
  let tls: TlsFixtures
  let secure: https.Server
  let proxy: ProxyServer
  beforeAll(async () => {
    tls = await createTlsFixtures()
    secure = https.createServer(
      {
        cert: tls.serverCert,
        key: tls.serverKey,
        ca: tls.ca,
        requestCert: true,
        rejectUnauthorized: false,
      },
      (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate()
        res.end(`client ${peer.subject?.CN ?? 'none'}`)
      },
    )
    secure.listen(0, '127.0.0.1')
    await once(secure, 'listening')
    proxy = await startProxy()
  })
  afterAll(async () => {
    secure.close()
    await proxy.close()
    await tls.dispose()
  })
  const secureURL = (): string => `https://localhost:${(secure.address() as AddressInfo).port}/`

  it('--verify CA_FILE trusts that CA, --verify no trusts anything, the default refuses', async () => {
    expect((await runCli(['--verify', tls.caPath, secureURL()], { env })).stdout.toString()).toBe(
      'client none',
    )
    expect((await runCli(['--verify', 'no', secureURL()], { env })).code).toBe(0)
    const refused = await runCli([secureURL()], { env })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^fetch-session: error: [^\n]+\n$/)
  })

  it('--cert and --cert-key present a client certificate', async () => {
    const res = await runCli(
      [
        '--verify',
        tls.caPath,
        '--cert',
        tls.clientCertPath,
        '--cert-key',
        tls.clientKeyPath,
        secureURL(),
      ],
      { env },
    )
    expect(res.stdout.toString()).toMatch(/^client \S+/)
    expect(res.stdout.toString()).not.toBe('client none')
  })

  it('--proxy sends the request through the proxy', async () => {
    const res = await runCli(['--proxy', proxy.url, server.url('/whoami')], {
      env: { ...env, NO_PROXY: '', no_proxy: '' },
    })
    expect(res.stdout.toString()).toBe('{"sid":null}')
    expect(proxy.count(`127.0.0.1:${server.port}`)).toBe(1)
  })
})
