// The default User-Agent: `fetch-session/<version>` (as python-requests sends
// `python-requests/<version>`), seen by a loopback server; a User-Agent the user sets wins.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Session, type SessionRequestInit } from '../../platform/node.ts'
import { VERSION } from '../../src/version.ts'
import { runCli } from '../helpers/cli.ts'
import { startServer, type TestServer } from '../helpers/server.ts'
import { ensureBuilt } from '../runtimes/harness.ts'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

async function userAgentSeen(s: Session, init?: Parameters<Session['get']>[1]): Promise<string> {
  const body = await s.get(server.url('/echo'), init).json<{ headers: Record<string, string> }>()
  return body.headers['user-agent'] ?? '(none)'
}

describe('default User-Agent (Node)', () => {
  it("is fetch-session/<package.json's version>", async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
    expect(VERSION).toBe(version)
    await using s = new Session()
    expect(await userAgentSeen(s)).toBe(`fetch-session/${version}`)
  })

  it('is sent through s.fetch and across a redirect', async () => {
    await using s = new Session()
    const res = await s.fetch(server.url('/redirect/302?to=/echo'))
    const body = (await res.json()) as { headers: Record<string, string> }
    expect(body.headers['user-agent']).toBe(`fetch-session/${VERSION}`)
  })

  it("gives way to the session's and the request's own User-Agent", async () => {
    await using s = new Session({ headers: { 'User-Agent': 'my-app/2' } })
    expect(await userAgentSeen(s)).toBe('my-app/2')
    expect(await userAgentSeen(s, { headers: { 'user-agent': 'one-off/1' } })).toBe('one-off/1')
  })
})

// The fast path (plain data to the transport) and the Request path (a hook needs the Request).
const paths: [string, SessionRequestInit][] = [
  ['fast path', {}],
  ['Request path', { hooks: { beforeRequest: [() => undefined] } }],
]

describe.each(paths)('a request header set to null sends no User-Agent (%s)', (_name, init) => {
  it('removes the default (requests: a header set to None is not sent)', async () => {
    await using s = new Session()
    expect(await userAgentSeen(s, { ...init, headers: { 'User-Agent': null } })).toBe('(none)')
    // Written as `undefined` it removes it too; the next request has the default again.
    expect(await userAgentSeen(s, { ...init, headers: { 'user-agent': undefined } })).toBe('(none)')
    expect(await userAgentSeen(s, init)).toBe(`fetch-session/${VERSION}`)
  })

  it("removes the session's own, on every redirect hop, and the response's request agrees", async () => {
    await using s = new Session({ headers: { 'User-Agent': 'my-app/2' } })
    const res = await s.get(server.url('/redirect/302?to=/echo'), {
      ...init,
      headers: { 'user-agent': null },
    })
    const body = (await res.json()) as { headers: Record<string, string> }
    expect(body.headers['user-agent']).toBeUndefined()
    expect(res.request.headers.has('user-agent')).toBe(false)
    expect(server.log.at(-2)?.headers['user-agent']).toBeUndefined()
    expect(s.headers.get('user-agent')).toBe('my-app/2')
  })
})

describe('what a session-level setting can do', () => {
  it('null in the constructor is skipped (a Headers holds no "none"): the default is sent', async () => {
    await using s = new Session({ headers: { 'user-agent': null } })
    expect(await userAgentSeen(s)).toBe(`fetch-session/${VERSION}`)
  })

  it('an empty value is sent as an empty field, which is not the same as none', async () => {
    await using s = new Session()
    s.headers.set('user-agent', '')
    expect(await userAgentSeen(s)).toBe('')
  })
})

// HTTPie's `Header:` removes a header; `-v` prints the request as it went on the wire.
describe('the command line', { timeout: 60_000 }, () => {
  beforeAll(() => ensureBuilt(), 120_000)

  it('`User-Agent:` sends none, and -v prints none', async () => {
    const res = await runCli(['-v', server.url('/echo'), 'User-Agent:'])
    expect(res.code).toBe(0)
    expect(server.log.at(-1)?.headers['user-agent']).toBeUndefined()
    expect(res.stdout.toString()).not.toMatch(/^User-Agent:/im)
  })

  it('otherwise -v and --offline print the default User-Agent, the one the server sees', async () => {
    const res = await runCli(['-v', server.url('/echo')])
    expect(res.code).toBe(0)
    expect(server.log.at(-1)?.headers['user-agent']).toBe(`fetch-session/${VERSION}`)
    expect(res.stdout.toString()).toContain(`\nUser-Agent: fetch-session/${VERSION}\n`)
    const offline = await runCli(['--offline', server.url('/echo')])
    expect(offline.stdout.toString()).toContain(`\nUser-Agent: fetch-session/${VERSION}\n`)
  })
})
