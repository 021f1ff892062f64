/**
 * The debug option and FETCH_SESSION_DEBUG through the Node platform against loopback
 * servers: one event per hop, and never a secret in the output.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { Session, type DebugEvent } from '../../platform/node.ts'
import { redactURL } from '../../src/debug.ts'
import { json, startServer, type TestServer } from '../helpers/server.ts'

const secrets = ['hunter2', 'b3arer-T0KEN', 'cookie-VALUE-1', 'set-cookie-VALUE-2', 'qs-SECRET-3']

let a: TestServer
let b: TestServer
beforeAll(async () => {
  b = await startServer({
    '/land': (_req, res) =>
      json(res, { ok: true }, 200, { 'set-cookie': `fresh=${secrets[3]}; Path=/` }),
  })
  a = await startServer({
    '/login': (_req, res) => {
      res.writeHead(302, {
        location: `${b.origin}/land?token=${secrets[4]}`,
        'set-cookie': [`sid=${secrets[3]}; Path=/`, 'theme=dark; Path=/'],
        'content-length': '0',
      })
      res.end()
    },
  })
})
afterAll(async () => {
  await a.close()
  await b.close()
})
afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
})

function loginURL(): string {
  return `http://user:${secrets[0]}@127.0.0.1:${a.port}/login?api_key=${secrets[4]}&page=2`
}

async function run(s: Session): Promise<void> {
  s.cookies.set('pref', secrets[2]!, { domain: '127.0.0.1' })
  const r = await s.get(loginURL(), {
    headers: { 'x-api-token': 'h', cookie: `manual=${secrets[2]}` },
    cookies: { extra: secrets[2]! },
  })
  await r.arrayBuffer()
}

describe('debug', () => {
  it('reports one event per hop: decision, stripped credentials, cookie names', async () => {
    const events: DebugEvent[] = []
    await using s = new Session({
      debug: (e) => events.push(e),
      auth: { type: 'bearer', token: secrets[1]! },
      sensitiveHeaders: ['x-api-token'],
    })
    await run(s)
    expect(events).toHaveLength(2)
    const [first, second] = events
    expect(first).toMatchObject({
      method: 'GET',
      url: `http://127.0.0.1:${a.port}/login?api_key=REDACTED&page=2`,
      status: 302,
      hop: 0,
      attempt: 0,
      redirect: 'follow',
      location: `${b.origin}/land?token=REDACTED`,
      cookies: ['sid', 'theme'],
    })
    expect(first!.stripped).toEqual(['cookie', 'x-api-token', 'auth', 'cookies'])
    expect(first!.ms).toBeGreaterThanOrEqual(0)
    expect(second).toMatchObject({
      status: 200,
      hop: 1,
      redirect: 'final',
      cookies: ['fresh'],
      stripped: [],
    })
  })

  it('true writes one line per hop to stderr, with no secret in it', async () => {
    const lines: string[] = []
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
      lines.push(String(line))
    })
    await using s = new Session({ debug: true, auth: { type: 'bearer', token: secrets[1]! } })
    await run(s)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toBe(
      `fetch-session: GET http://127.0.0.1:${a.port}/login?api_key=REDACTED&page=2 -> 302 (${/\((\d+) ms\)/.exec(lines[0]!)?.[1]} ms) redirect: follow ${b.origin}/land?token=REDACTED; stripped: cookie, auth, cookies; cookies stored: sid, theme`,
    )
    const output = lines.join('\n')
    for (const secret of secrets) expect(output).not.toContain(secret)
    expect(output).not.toContain('user:')
  })

  it('FETCH_SESSION_DEBUG=1 turns it on under trustEnv only, never over debug: false', async () => {
    const lines: string[] = []
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
      lines.push(String(line))
    })
    vi.stubEnv('FETCH_SESSION_DEBUG', '1')
    await using on = new Session()
    await (await on.get(a.url('/echo'))).arrayBuffer()
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^fetch-session: GET http:\/\/127\.0\.0\.1:\d+\/echo -> 200 /)
    await using untrusted = new Session({ trustEnv: false })
    await (await untrusted.get(a.url('/echo'))).arrayBuffer()
    await using off = new Session({ debug: false })
    await (await off.get(a.url('/echo'))).arrayBuffer()
    expect(lines).toHaveLength(1)
  })

  it('a failed hop is reported with the error name and no message', async () => {
    const events: DebugEvent[] = []
    await using s = new Session({ debug: (e) => events.push(e) })
    const closed = await startServer()
    const url = closed.url(`/x?password=${secrets[0]}`)
    await closed.close()
    await expect(s.get(url)).rejects.toThrow()
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ status: 0, redirect: 'failed', error: 'ConnectionError' })
    expect(JSON.stringify(events)).not.toContain(secrets[0])
  })

  it('rejects a debug value that is not a boolean or a function', () => {
    expect(() => new Session({ debug: 'yes' as never })).toThrow(
      /^options\.debug: expected a boolean or a function, got string/,
    )
  })
})

describe('redactURL', () => {
  it.each([
    [
      'https://u:p@x.test/a?access_token=1&q=ok#frag',
      'https://x.test/a?access_token=REDACTED&q=ok',
    ],
    [
      'https://x.test/?X-Amz-Signature=s&X-Amz-Credential=c&X-Amz-Date=d',
      'https://x.test/?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED&X-Amz-Date=d',
    ],
    [
      'https://x.test/?code=c&Password=p&password=q&sig=1&apikey=k&page=1',
      'https://x.test/?code=REDACTED&Password=REDACTED&password=REDACTED&sig=REDACTED&apikey=REDACTED&page=1',
    ],
    ['https://x.test/path?plain=1', 'https://x.test/path?plain=1'],
  ])('%s', (input, expected) => {
    expect(redactURL(input)).toBe(expected)
  })
})
