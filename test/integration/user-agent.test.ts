// The default User-Agent: `fetch-session/<version>` (as python-requests sends
// `python-requests/<version>`), seen by a loopback server; a User-Agent the user sets wins.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Session } from '../../platform/node.ts'
import { VERSION } from '../../src/version.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

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
