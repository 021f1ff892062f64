// A body that stalls between chunks under the `response` limit (requests' read timeout):
// a TimeoutError whose limit is 'response', never a ConnectionError, on the Node transport
// with a real loopback server that sends the headers (and a first chunk) and then nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Session, SessionError, TimeoutError } from '../../platform/node.ts'
import type { SessionRequestInit } from '../../src/types.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

let server: TestServer
beforeAll(async () => {
  server = await startServer({
    // Headers and one chunk, then silence until the client gives up.
    '/stall': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('partial')
    },
    // Headers only (flushed), then silence.
    '/stall-empty': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.flushHeaders()
    },
  })
})
afterAll(() => server.close())

const paths: [string, SessionRequestInit][] = [
  ['fast path', {}],
  ['Request path', { hooks: { beforeRequest: [() => undefined] } }],
]

describe.each(paths)('a body that stalls (%s)', (_name, init) => {
  it.each(['/stall', '/stall-empty'])(
    '%s: .text() rejects with TimeoutError(response) under timeout.response',
    async (path) => {
      await using s = new Session({ baseURL: server.origin, timeout: { response: 300 } })
      const r = await s.get(path, init)
      expect(r.status).toBe(200)
      const error: unknown = await r.text().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TimeoutError)
      expect(error).toBeInstanceOf(SessionError)
      expect(error).toMatchObject({ limit: 'response', timeout: 300 })
    },
  )

  it('the body shortcut (s.get().text()) rejects with TimeoutError(response) too', async () => {
    await using s = new Session({ baseURL: server.origin, timeout: { response: 300 } })
    const error: unknown = await s
      .get('/stall', init)
      .text()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error).toMatchObject({ limit: 'response' })
  })

  it('timeout.body shorter than timeout.response fires first, as TimeoutError(body)', async () => {
    await using s = new Session({
      baseURL: server.origin,
      timeout: { response: 5000, body: 200 },
    })
    const r = await s.get('/stall', init)
    await expect(r.text()).rejects.toMatchObject({ name: 'TimeoutError', limit: 'body' })
  })

  it('timeout.body alone bounds the body shortcut too, as TimeoutError(body)', async () => {
    await using s = new Session({ baseURL: server.origin, timeout: { body: 200 } })
    await expect(s.get('/stall', init).text()).rejects.toMatchObject({
      name: 'TimeoutError',
      limit: 'body',
    })
  })

  it('timeout.response shorter than timeout.body fires first, as TimeoutError(response)', async () => {
    await using s = new Session({
      baseURL: server.origin,
      timeout: { response: 200, body: 5000 },
    })
    const r = await s.get('/stall', init)
    await expect(r.text()).rejects.toMatchObject({ name: 'TimeoutError', limit: 'response' })
  })
})
