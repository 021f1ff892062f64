// The fast path and the body shortcut through a hop-protocol double: no sockets.
import { describe, expect, it } from 'vitest'
import { HTTPError } from '../../src/errors.ts'
import { hopSession, type HopAnswer } from '../helpers/hop-double.ts'
import type { OutgoingHop } from '../../src/platform.ts'

const site = (hop: OutgoingHop): HopAnswer => {
  switch (hop.url.pathname) {
    case '/login':
      return { status: 302, headers: { location: '/me', 'set-cookie': 'sid=1; Path=/' } }
    case '/me':
      return {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ cookie: hop.headers.get('cookie') }),
      }
    case '/missing':
      return { status: 404, body: '{"error":"nope"}' }
    default:
      return { body: 'not json' }
  }
}

describe('the fast path through the hop protocol', () => {
  it('sends plain hops, stores cookies on the hop, drops the redirect body', async () => {
    const { session, transport } = hopSession(site)
    const r = await session.get('http://a.test/login')
    expect(transport.requests).toHaveLength(0)
    expect(transport.hops.map((h) => h.url.pathname)).toEqual(['/login', '/me'])
    expect(transport.taken).toEqual(['discard', 'response'])
    expect(transport.contexts.every((c) => c.redirect === 'manual')).toBe(true)
    expect(r.history).toHaveLength(1)
    expect(r.request.url).toBe('http://a.test/me')
    expect(await r.json()).toEqual({ cookie: 'sid=1' })
  })

  it('a beforeRequest hook sends the hop as a Request instead', async () => {
    const { session, transport } = hopSession(site, {
      hooks: { beforeRequest: [() => undefined] },
    })
    await session.get('http://a.test/me')
    expect(transport.hops).toHaveLength(0)
    expect(transport.requests).toHaveLength(1)
  })
})

describe('the body shortcut', () => {
  it('reads the body without a Response when only .json() listens', async () => {
    const { session, transport } = hopSession(site)
    expect(await session.get('http://a.test/login').json()).toEqual({ cookie: 'sid=1' })
    expect(transport.taken).toEqual(['discard', 'read'])
    expect(session.cookies.get('sid')).toBe('1')
  })

  it('text, arrayBuffer and blob', async () => {
    const { session } = hopSession(site)
    expect(await session.get('http://a.test/x').text()).toBe('not json')
    const buffer = await session.get('http://a.test/x').arrayBuffer()
    expect(new TextDecoder().decode(buffer)).toBe('not json')
    const blob = await session.get('http://a.test/me').blob()
    expect(blob.type).toBe('application/json')
  })

  it('awaiting the promise gives a genuine Response, and no shortcut', async () => {
    const { session, transport } = hopSession(site)
    const p = session.get('http://a.test/me')
    const r = await p
    expect(r).toBeInstanceOf(Response)
    expect(await p.json()).toEqual({ cookie: null })
    expect(transport.taken).toEqual(['response'])
  })

  it('a late await after the shortcut still gets a genuine Response with history', async () => {
    const { session } = hopSession(site)
    const p = session.get('http://a.test/login')
    await p.json()
    const r = await p
    expect(r).toBeInstanceOf(Response)
    expect(r.status).toBe(200)
    expect(r.history).toHaveLength(1)
  })

  it('response hooks and raiseForStatus see a Response', async () => {
    const seen: Response[] = []
    const { session, transport } = hopSession(site, {
      hooks: { response: [({ response }) => void seen.push(response)] },
    })
    await session.get('http://a.test/me').json()
    expect(seen[0]).toBeInstanceOf(Response)
    expect(transport.taken).toEqual(['response'])
    const strict = hopSession(site, { raiseForStatus: true })
    await expect(strict.session.get('http://a.test/missing').json()).rejects.toBeInstanceOf(
      HTTPError,
    )
  })

  it('a parse error names the request and status', async () => {
    const { session } = hopSession(site)
    await expect(session.get('http://a.test/x').json()).rejects.toThrow(
      /GET http:\/\/a\.test\/x \(200\) is not valid JSON/,
    )
  })
})
