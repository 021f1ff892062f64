// Unit: the session's redirect mode reaches the adapter whatever Request a hook returns;
// `redirect` in a request init behaves as fetch's.
import { describe, expect, it } from 'vitest'
import { RedirectError } from '../../src/errors.ts'
import { mockSession } from '../helpers/test-session.ts'

const handler = (request: Request): Response =>
  new URL(request.url).pathname === '/start'
    ? new Response(null, { status: 302, headers: { location: '/end', 'set-cookie': 'hop=1' } })
    : Response.json({ cookie: request.headers.get('cookie') })

describe('redirect mode', () => {
  it('a hook returning new Request(url) does not change the mode the adapter gets', async () => {
    const { session, adapter } = mockSession(handler, {
      hooks: {
        beforeRequest: [({ request }) => new Request(request.url, { headers: request.headers })],
      },
    })
    const r = await session.get('http://a.test/start')
    expect(r.history).toHaveLength(1)
    expect(adapter.contexts.map((c) => c.redirect)).toEqual(['manual', 'manual'])
    expect(await r.json()).toEqual({ cookie: 'hop=1' })
  })

  it("'manual' answers with the 3xx and stores its cookie", async () => {
    const { session } = mockSession(handler)
    const r = await session.fetch('http://a.test/start', { redirect: 'manual' })
    expect(r.status).toBe(302)
    expect(session.cookies.get('hop')).toBe('1')
  })

  it("'error' rejects with a TypeError whose cause is a RedirectError", async () => {
    const { session } = mockSession(handler)
    const error = await session.get('http://a.test/start', { redirect: 'error' }).catch((e) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect((error as TypeError).cause).toBeInstanceOf(RedirectError)
  })

  it('where the runtime follows, the init mode is handed to the adapter', async () => {
    const { session, adapter } = mockSession(
      () => new Response('ok'),
      {},
      {
        manualRedirect: false,
      },
    )
    await session.get('http://a.test/x', {
      redirect: 'error',
      hooks: { beforeRequest: [({ request }) => new Request(request.url)] },
    })
    expect(adapter.contexts[0]?.redirect).toBe('error')
  })
})

describe('the default platform (an unknown runtime)', () => {
  it("hands fetch the session's mode, not the mode of a hook's Request", async () => {
    const { Session } = await import('../../platform/default.ts')
    const modes: (RequestRedirect | undefined)[] = []
    const original = globalThis.fetch
    globalThis.fetch = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      modes.push(init?.redirect)
      return new Response('ok')
    }) as typeof fetch
    try {
      const s = new Session({
        hooks: { beforeRequest: [({ request }) => new Request(request.url)] },
      })
      await s.get('http://a.test/x')
      expect(modes).toEqual(['manual'])
    } finally {
      globalThis.fetch = original
    }
  })
})
