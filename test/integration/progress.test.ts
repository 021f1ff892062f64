/**
 * onDownloadProgress / onUploadProgress through the Node platform against a loopback server:
 * chunked and Content-Length bodies, the fast path, redirects and retries that resend a body.
 */
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Session, type Progress } from '../../platform/node.ts'
import { json, startServer, type TestServer } from '../helpers/server.ts'

const big = 'x'.repeat(200_000)
let server: TestServer
beforeAll(async () => {
  server = await startServer({
    '/fixed': (_req, res) => {
      res.writeHead(200, { 'content-length': String(big.length), 'content-type': 'text/plain' })
      // Several writes, so the body arrives in several chunks.
      for (let i = 0; i < big.length; i += 50_000) res.write(big.slice(i, i + 50_000))
      res.end()
    },
    '/gzip': (_req, res) => {
      const body = gzipSync(big)
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(body.length) })
      res.end(body)
    },
    '/upload': (req, res, body) =>
      json(res, {
        length: body.length,
        type: req.headers['content-type'],
        te: req.headers['transfer-encoding'],
      }),
    '/307': (_req, res) => {
      res.writeHead(307, { location: '/upload', 'content-length': '0' })
      res.end()
    },
  })
})
afterAll(async () => {
  await server.close()
})

type Event = [Progress, number]
function recorder(): { events: Event[]; handler: (p: Progress, c: Uint8Array) => void } {
  const events: Event[] = []
  return { events, handler: (p, c) => events.push([{ ...p }, c.byteLength]) }
}

function checkMonotone(events: Event[]): void {
  for (let i = 1; i < events.length; i++) {
    expect(events[i]![0].percent).toBeGreaterThanOrEqual(events[i - 1]![0].percent)
    expect(events[i]![0].transferredBytes).toBeGreaterThanOrEqual(
      events[i - 1]![0].transferredBytes,
    )
  }
  const percents = events.map(([p]) => p.percent)
  expect(percents[0]).toBe(0)
  expect(percents.at(-1)).toBe(1)
  // Exactly one event at 1: the last.
  expect(percents.filter((p) => p === 1)).toHaveLength(1)
}

describe('download progress', () => {
  it('counts a Content-Length body to percent 1 (fast path, session handler)', async () => {
    const { events, handler } = recorder()
    await using s = new Session({ onDownloadProgress: handler })
    const text = await s.get(server.url('/fixed')).text()
    expect(text).toBe(big)
    checkMonotone(events)
    expect(events.length).toBeGreaterThan(3)
    expect(events.every(([p]) => p.totalBytes === big.length)).toBe(true)
    expect(events.at(-1)![0].transferredBytes).toBe(big.length)
    // The chunks handed over add up to the body.
    expect(events.reduce((n, [, c]) => n + c, 0)).toBe(big.length)
  })

  it('reports totalBytes 0 for a chunked body until the end', async () => {
    const { events, handler } = recorder()
    await using s = new Session()
    const r = await s.get(server.url('/stream?chunks=4&gap=5'), { onDownloadProgress: handler })
    expect(await r.text()).toBe('chunk1\nchunk2\nchunk3\nchunk4\n')
    checkMonotone(events)
    expect(events.slice(0, -1).every(([p]) => p.totalBytes === 0 && p.percent === 0)).toBe(true)
    expect(events.at(-1)![0]).toEqual({ percent: 1, transferredBytes: 28, totalBytes: 28 })
  })

  it('counts decoded bytes of a compressed body, total unknown', async () => {
    const { events, handler } = recorder()
    await using s = new Session()
    expect(await s.get(server.url('/gzip'), { onDownloadProgress: handler }).text()).toBe(big)
    checkMonotone(events)
    expect(events.at(-1)![0]).toEqual({
      percent: 1,
      transferredBytes: big.length,
      totalBytes: big.length,
    })
  })

  it('reports the final response only, not the redirect bodies; the request handler wins', async () => {
    const session = recorder()
    const own = recorder()
    await using s = new Session({ onDownloadProgress: session.handler })
    const r = await s.get(server.url('/redirect/302?to=/fixed'), {
      onDownloadProgress: own.handler,
    })
    await r.arrayBuffer()
    expect(r.history).toHaveLength(1)
    expect(session.events).toHaveLength(0)
    checkMonotone(own.events)
    expect(r.url).toBe(server.url('/fixed'))
    expect(r.redirected).toBe(true)
  })

  it('a body-less response reports percent 1 once', async () => {
    const { events, handler } = recorder()
    await using s = new Session()
    await s.head(server.url('/fixed'), { onDownloadProgress: handler })
    expect(events.map(([p]) => p.percent)).toEqual([0, 1])
  })
})

describe('upload progress', () => {
  it('counts a string body sent as a stream, with its content type', async () => {
    const { events, handler } = recorder()
    await using s = new Session({ onUploadProgress: handler })
    const r = await s.post(server.url('/upload'), { body: big }).json()
    expect(r).toEqual({ length: big.length, type: 'text/plain;charset=UTF-8', te: 'chunked' })
    checkMonotone(events)
    expect(events.every(([p]) => p.totalBytes === big.length)).toBe(true)
    expect(events.at(-1)![0].transferredBytes).toBe(big.length)
  })

  it('resends the body on a 307 with a fresh count', async () => {
    const { events, handler } = recorder()
    await using s = new Session()
    const r = await s.post(server.url('/307'), { json: { big }, onUploadProgress: handler })
    expect(((await r.json()) as { length: number }).length).toBe(JSON.stringify({ big }).length)
    const finals = events.filter(([p]) => p.percent === 1)
    expect(finals).toHaveLength(2)
  })

  it('counts a stream body with totalBytes 0', async () => {
    const { events, handler } = recorder()
    await using s = new Session()
    const parts = ['a'.repeat(1000), 'b'.repeat(2000)]
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const p of parts) controller.enqueue(new TextEncoder().encode(p))
        controller.close()
      },
    })
    const r = await s.post(server.url('/upload'), {
      body,
      duplex: 'half',
      onUploadProgress: handler,
    })
    expect(((await r.json()) as { length: number }).length).toBe(3000)
    checkMonotone(events)
    expect(events.at(-1)![0]).toEqual({ percent: 1, transferredBytes: 3000, totalBytes: 3000 })
  })

  it('rejects a handler that is not a function, naming the field', async () => {
    expect(() => new Session({ onUploadProgress: 1 as never })).toThrow(
      /^options\.onUploadProgress: expected a function, got number/,
    )
    await using s = new Session()
    await expect(s.get(server.url('/fixed'), { onDownloadProgress: 'x' as never })).rejects.toThrow(
      /^init\.onDownloadProgress: expected a function/,
    )
  })
})
