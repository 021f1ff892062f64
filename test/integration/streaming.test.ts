import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Session } from '../../platform/node.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

// The server sends the first piece, then waits until the client has seen it: a client that
// buffered the whole body before yielding would never get there (the test would time out).
let release: () => void = () => undefined
let seen: Promise<void> = Promise.resolve()
function gate(): void {
  seen = new Promise((resolve) => {
    release = resolve
  })
}

let server: TestServer
beforeAll(async () => {
  server = await startServer({
    '/lines': async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
      res.write('first li')
      res.write('ne\r')
      await seen
      res.write('\nsecond\n\nthird é')
      res.end()
    },
    '/events': async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' })
      res.write(': keep-alive\n\n')
      res.write('event: delta\nid: 1\ndata: {"text":"Hel')
      res.write('lo"}\n\n')
      await seen
      res.write('retry: 5000\ndata: [DONE]\n\n')
      res.end()
    },
    '/forever': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      const timer = setInterval(() => res.write('data: tick\n\n'), 5)
      res.on('close', () => {
        clearInterval(timer)
      })
    },
    '/links': (_req, res) => {
      res.writeHead(200, {
        link: '</items?page=2>; rel="next", </items?page=9>; rel="last"',
      })
      res.end()
    },
    '/moved': (_req, res) => {
      res.writeHead(308, { location: '/links' })
      res.end()
    },
  })
})
afterAll(async () => {
  await server.close()
})

describe('lines() and events() against a streaming server', () => {
  it('lines() yields each line as it arrives, joined across chunks', async () => {
    gate()
    const s = new Session()
    const lines: string[] = []
    const response = await s.get(server.url('/lines'))
    for await (const line of response.lines()) {
      lines.push(line)
      if (lines.length === 1) release()
    }
    expect(lines).toEqual(['first line', 'second', '', 'third é'])
    await s.close()
  })

  it('events() yields server-sent events as they arrive; the promise shortcut too', async () => {
    gate()
    const s = new Session()
    const got = []
    for await (const event of s.get(server.url('/events')).events()) {
      got.push(event)
      if (got.length === 1) release()
    }
    expect(got).toEqual([
      { event: 'delta', data: '{"text":"Hello"}', id: '1', retry: undefined },
      { event: 'message', data: '[DONE]', id: '1', retry: 5000 },
    ])
    await s.close()
  })

  it('s.get(url).lines() is the promise shortcut', async () => {
    gate()
    release()
    const s = new Session()
    const lines: string[] = []
    for await (const line of s.get(server.url('/lines')).lines()) lines.push(line)
    expect(lines).toHaveLength(4)
    await s.close()
  })

  it('breaking out of an endless stream releases it', async () => {
    const s = new Session()
    let n = 0
    for await (const event of s.get(server.url('/forever')).events()) {
      expect(event.data).toBe('tick')
      if (++n === 3) break
    }
    // The connection is usable again (or closed): another request goes through.
    expect((await s.get(server.url('/links'))).status).toBe(200)
    await s.close()
  })
})

describe('links, isRedirect, isPermanentRedirect', () => {
  it('links are keyed by rel', async () => {
    const s = new Session()
    const response = await s.get(server.url('/links'))
    expect(response.links.next?.url).toBe('/items?page=2')
    expect(response.links.last?.rel).toBe('last')
    expect(response.isRedirect).toBe(false)
    const followed = await s.get(server.url('/moved'))
    expect(followed.history).toHaveLength(1)
    await s.close()
  })

  it('a 308 with Location is a redirect and a permanent one', async () => {
    const s = new Session()
    const response = await s.get(server.url('/moved'), { allowRedirects: false })
    expect(response.status).toBe(308)
    expect(response.isRedirect).toBe(true)
    expect(response.isPermanentRedirect).toBe(true)
    expect(response.links).toEqual({})
    await s.close()
  })
})
