// close() ends in-flight work: a request waiting for headers rejects, a body still on the wire
// (unread or being read) errors, each with ClosedSessionError; the sockets close, then close()
// resolves. undici 7's own Agent.close() waits for bodies and leaves nothing for destroy().
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ClosedSessionError, Session, SessionError } from '../../platform/node.ts'
import type { SessionRequestInit } from '../../src/types.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

let server: TestServer
beforeAll(async () => {
  server = await startServer({
    // Headers never come.
    '/hang': () => undefined,
    // Headers, then a body that trickles forever.
    '/trickle': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('x'.repeat(1024))
      const timer = setInterval(() => res.write('y'), 20)
      res.on('close', () => clearInterval(timer))
    },
    // Asks for a retry a minute from now.
    '/busy': (_req, res) => {
      res.writeHead(503, { 'retry-after': '60' })
      res.end()
    },
  })
})
afterAll(() => server.close())

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached')
    await new Promise((r) => setTimeout(r, 10))
  }
}

async function settled<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await p }
  } catch (error) {
    return { error }
  }
}

// The fast path (plain data to the transport) and the Request path (a hook needs the Request).
const paths: [string, SessionRequestInit][] = [
  ['fast path', {}],
  ['Request path', { hooks: { beforeRequest: [() => undefined] } }],
]

describe.each(paths)('close() with work in flight (%s)', (_name, init) => {
  it('a request waiting for headers rejects with ClosedSessionError; its socket closes', async () => {
    const s = new Session({ baseURL: server.origin })
    const before = server.openSockets.size
    const pending = settled(s.get('/hang', init))
    await until(() => server.openSockets.size > before)
    await s.close()
    const { error } = await pending
    expect(error).toBeInstanceOf(ClosedSessionError)
    expect(error).toBeInstanceOf(SessionError)
    await until(() => server.openSockets.size === before)
  })

  it('a body being read errors with ClosedSessionError; the socket closes', async () => {
    const s = new Session({ baseURL: server.origin })
    const before = server.openSockets.size
    const r = await s.get('/trickle', init)
    const text = settled(r.text())
    await new Promise((resolve) => setTimeout(resolve, 50))
    await s.close()
    const { error } = await text
    expect(error).toBeInstanceOf(ClosedSessionError)
    await until(() => server.openSockets.size === before)
  })

  it('an unread body still on the wire errors with ClosedSessionError', async () => {
    const s = new Session({ baseURL: server.origin })
    const before = server.openSockets.size
    const r = await s.get('/trickle', init)
    await s.close()
    const { error } = await settled(r.arrayBuffer())
    expect(error).toBeInstanceOf(ClosedSessionError)
    await until(() => server.openSockets.size === before)
  })
})

describe('close() and the session', () => {
  it('close() resolves after the sockets are closed, and keeps no body streaming', async () => {
    const s = new Session({ baseURL: server.origin })
    const r = await s.get('/trickle')
    const reader = r.body?.getReader()
    await reader?.read()
    await s.close()
    // Nothing streams any more: the next read fails instead of returning more bytes.
    const { error } = await settled(
      (async () => {
        for (;;) if ((await reader?.read())?.done !== false) return
      })(),
    )
    expect(error).toBeInstanceOf(ClosedSessionError)
  })

  it('a complete body read after close() is still readable', async () => {
    const s = new Session({ baseURL: server.origin })
    const r = await s.get('/echo')
    await new Promise((resolve) => setTimeout(resolve, 20))
    await s.close()
    expect(JSON.parse(await r.text())).toMatchObject({ method: 'GET' })
  })

  it('close() between two stages of a request rejects it with ClosedSessionError, not a TypeError', async () => {
    const s = new Session({ baseURL: server.origin })
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (release = resolve))
    const pending = settled(s.get('/echo', { hooks: { beforeRequest: [() => gate] } }))
    await s.close()
    release()
    expect((await pending).error).toBeInstanceOf(ClosedSessionError)
  })

  it('a request waiting to retry rejects with ClosedSessionError at close(), leaving no timer', async () => {
    const timers = (): number =>
      process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length
    const before = timers()
    let retrying: () => void = () => undefined
    const waiting = new Promise<void>((resolve) => (retrying = resolve))
    const s = new Session({
      baseURL: server.origin,
      retry: { limit: 2, statusCodes: [503] },
      hooks: { beforeRetry: [() => retrying()] },
    })
    const hits = (): number => server.log.filter((r) => r.url === '/busy').length
    const start = hits()
    let settledEarly = false
    const pending = settled(s.get('/busy')).finally(() => (settledEarly = true))
    await waiting
    await new Promise((resolve) => setTimeout(resolve, 20)) // into the 60 s wait
    expect(settledEarly).toBe(false)
    await s.close()
    // Settles at close(), long before the server's 60 s: a race against 10 s decides it.
    const outcome = await Promise.race([
      pending,
      new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), 10_000).unref()),
    ])
    expect(outcome).not.toBe('pending')
    expect((outcome as { error?: unknown }).error).toBeInstanceOf(ClosedSessionError)
    expect(hits() - start).toBe(1)
    expect(timers()).toBeLessThanOrEqual(before)
  })

  it('a request after close() rejects with ClosedSessionError', async () => {
    const s = new Session({ baseURL: server.origin })
    await s.close()
    await expect(s.get('/echo')).rejects.toBeInstanceOf(ClosedSessionError)
  })
})
