// The Node fast path (platform/node/adapter.ts, undici's dispatcher API): everything fetch did
// for a hop must still hold — decoding, null bodies, Set-Cookie lists, default headers, every
// body kind, abort and failures mid-body — against a real loopback server.
import { createHash, randomBytes } from 'node:crypto'
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectionError, Session, SessionError } from '../../platform/node.ts'
import { json, startServer, type TestServer } from '../helpers/server.ts'

const text = 'fetch-session '.repeat(200)
const big = randomBytes(4 * 1024 * 1024)

let server: TestServer
beforeAll(async () => {
  server = await startServer({
    '/encoded': (req, res) => {
      const coding = new URL(req.url ?? '/', 'http://x').searchParams.get('c') ?? ''
      // RFC 9110 §8.4.1: codings listed in the order applied.
      const encoders: Record<string, (b: Buffer) => Buffer> = {
        gzip: gzipSync,
        'x-gzip': gzipSync,
        deflate: deflateSync,
        br: brotliCompressSync,
        identity: (b) => b,
      }
      let body: Buffer = Buffer.from(text)
      for (const c of coding.split(',').map((s) => s.trim())) body = encoders[c]?.(body) ?? body
      res.writeHead(200, { 'content-encoding': coding, 'content-length': body.length })
      res.end(body)
    },
    '/raw-deflate': (_req, res) => {
      // Servers that send raw DEFLATE (RFC 1951) as `deflate` are decoded too (undici, browsers).
      const body = deflateRawSync(Buffer.from(text))
      res.writeHead(200, { 'content-encoding': 'deflate', 'content-length': body.length })
      res.end(body)
    },
    '/corrupt-gzip': (_req, res) => {
      const body = Buffer.from('this is not gzip at all')
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': body.length })
      res.end(body)
    },
    '/too-many-codings': (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip, gzip, gzip, gzip, gzip, gzip' })
      res.end('x')
    },
    '/null-body': (req, res) => {
      const status = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('s'))
      res.writeHead(status, { 'x-status': String(status) })
      res.end()
    },
    '/two-cookies': (_req, res) => {
      json(res, {}, 200, {
        'set-cookie': ['a=1; Path=/', 'b=2; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT'],
      })
    },
    '/big': (_req, res) => {
      res.writeHead(200, { 'content-length': big.length })
      res.end(big)
    },
    '/hang-after-first-chunk': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('first')
    },
    '/reset-after-first-chunk': (_req, res) => {
      res.writeHead(200, { 'content-length': 100 })
      res.write('first', () => setImmediate(() => res.destroy()))
    },
  })
})
afterAll(() => server.close())

describe('content-coding decompression, as fetch', () => {
  it.each([
    ['gzip'],
    ['x-gzip'],
    ['deflate'],
    ['br'],
    ['gzip, br'], // two codings, decoded last-applied first
    ['deflate, gzip'],
  ])('decodes Content-Encoding: %s and keeps the header', async (coding) => {
    await using s = new Session({ baseURL: server.origin })
    const r = await s.get(`/encoded?c=${encodeURIComponent(coding)}`)
    expect(r.headers.get('content-encoding')).toBe(coding)
    expect(await r.text()).toBe(text)
  })

  it('decodes raw DEFLATE sent as deflate (undici InflateStream)', async () => {
    await using s = new Session({ baseURL: server.origin })
    expect(await s.get('/raw-deflate').text()).toBe(text)
  })

  it('hands over the body as received when a coding is unknown (Fetch)', async () => {
    await using s = new Session({ baseURL: server.origin })
    expect(await s.get('/encoded?c=identity').text()).toBe(text)
  })

  it('errors the body with a ConnectionError (zlib error as cause) when the gzip data is corrupt', async () => {
    await using s = new Session({ baseURL: server.origin })
    const r = await s.get('/corrupt-gzip')
    const error: unknown = await r.text().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error).toBeInstanceOf(SessionError)
    expect((error as ConnectionError).cause).toBeInstanceOf(Error)
  })

  it('refuses more than five content codings (undici CVE guard) as a ConnectionError', async () => {
    await using s = new Session({ baseURL: server.origin })
    await expect(s.get('/too-many-codings')).rejects.toBeInstanceOf(ConnectionError)
  })
})

describe('responses', () => {
  // Fetch §2.2.3 null body status; HEAD has no body either.
  it.each([
    ['GET', 204],
    ['GET', 205],
    ['GET', 304],
    ['HEAD', 200],
  ])('%s answered %i has a null body', async (method, status) => {
    await using s = new Session({ baseURL: server.origin })
    const r = await s.request(method, `/null-body?s=${status}`)
    expect(r).toBeInstanceOf(Response)
    expect(r.status).toBe(status)
    expect(r.body).toBeNull()
    expect(r.headers.get('x-status')).toBe(String(status))
  })

  it('keeps repeated Set-Cookie fields apart for getSetCookie()', async () => {
    await using s = new Session({ baseURL: server.origin })
    const r = await s.get('/two-cookies')
    expect(r.headers.getSetCookie()).toEqual([
      'a=1; Path=/',
      'b=2; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT',
    ])
    expect(r.url).toBe(`${server.origin}/two-cookies`)
  })

  it('streams a 4 MiB body intact through backpressure', async () => {
    await using s = new Session({ baseURL: server.origin })
    const r = await s.get('/big')
    const reader = r.body!.getReader()
    const hash = createHash('sha256')
    let length = 0
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      expect(value).toBeInstanceOf(Uint8Array)
      length += value.byteLength
      hash.update(value)
    }
    expect(length).toBe(big.length)
    expect(hash.digest('hex')).toBe(createHash('sha256').update(big).digest('hex'))
  })

  it('an abort after the headers errors the body with the abort reason', async () => {
    await using s = new Session({ baseURL: server.origin })
    const controller = new AbortController()
    const r = await s.get('/hang-after-first-chunk', { signal: controller.signal })
    const reader = r.body!.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('first')
    const reason = new DOMException('stop', 'AbortError')
    controller.abort(reason)
    await expect(reader.read()).rejects.toBe(reason)
  })

  it('a connection lost mid-body errors the body with a ConnectionError (undici error as cause)', async () => {
    await using s = new Session({ baseURL: server.origin })
    const r = await s.get('/reset-after-first-chunk')
    const error: unknown = await r.arrayBuffer().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error).toBeInstanceOf(SessionError)
    expect((error as ConnectionError).cause).toBeInstanceOf(Error)
    expect((error as ConnectionError).message).toContain('/reset-after-first-chunk')
  })
})

describe('requests', () => {
  it("sends fetch's default headers when absent", async () => {
    await using s = new Session({ baseURL: server.origin })
    const { headers } = await s.get('/echo').json<{ headers: Record<string, string> }>()
    // Fetch §4.1 step 12 and §4.5 steps 14, 19; the session's own User-Agent.
    expect(headers).toMatchObject({
      accept: '*/*',
      'accept-language': '*',
      'accept-encoding': 'gzip, deflate',
      'user-agent': expect.stringMatching(/^fetch-session\/\d+\.\d+\.\d+/),
    })
  })

  it("keeps the caller's own Accept, User-Agent and Accept-Encoding", async () => {
    await using s = new Session({
      baseURL: server.origin,
      headers: { accept: 'application/json', 'user-agent': 'demo/1', 'accept-encoding': 'br' },
    })
    const { headers } = await s.get('/echo').json<{ headers: Record<string, string> }>()
    expect(headers).toMatchObject({
      accept: 'application/json',
      'user-agent': 'demo/1',
      'accept-encoding': 'br',
    })
  })

  it('asks for the identity coding on a Range request (Fetch §4.5 step 18)', async () => {
    await using s = new Session({ baseURL: server.origin })
    const { headers } = await s
      .get('/echo', { headers: { range: 'bytes=0-1' } })
      .json<{ headers: Record<string, string> }>()
    expect(headers['accept-encoding']).toBe('identity')
  })

  it.each([
    ['ArrayBuffer', () => new TextEncoder().encode('abc').buffer, 'abc'],
    ['DataView', () => new DataView(new TextEncoder().encode('xabcx').buffer, 1, 3), 'abc'],
    ['Uint16Array', () => new Uint16Array([0x6261]), 'ab'],
  ])('sends a %s body with its content-length', async (_name, make, expected) => {
    await using s = new Session({ baseURL: server.origin })
    const r = await s.post('/echo', { body: make() }).json<any>()
    expect(r.body).toBe(expected)
    expect(r.headers['content-length']).toBe(String(expected.length))
  })

  it("sends a Blob's type as the content-type", async () => {
    await using s = new Session({ baseURL: server.origin })
    const r = await s
      .post('/echo', { body: new Blob(['{}'], { type: 'application/json' }) })
      .json<any>()
    expect(r.headers['content-type']).toBe('application/json')
    expect(r.body).toBe('{}')
  })

  it('sends FormData under the boundary named in its content-type', async () => {
    await using s = new Session({ baseURL: server.origin })
    const form = new FormData()
    form.append('name', 'sharat')
    form.append('file', new Blob(['file body'], { type: 'text/plain' }), 'a.txt')
    const r = await s.post('/echo', { body: form }).json<any>()
    const boundary = /boundary=(.+)$/.exec(r.headers['content-type'])?.[1]
    expect(boundary).toBeDefined()
    const parts = (r.body as string).split(`--${boundary}`)
    expect(parts.at(-1)?.trim()).toBe('--')
    expect(parts.some((p) => p.includes('name="name"') && p.includes('sharat'))).toBe(true)
    expect(parts.some((p) => p.includes('filename="a.txt"') && p.includes('file body'))).toBe(true)
  })

  it('an already aborted signal rejects with its reason without sending', async () => {
    await using s = new Session({ baseURL: server.origin })
    const before = server.log.length
    const reason = new DOMException('early', 'AbortError')
    await expect(s.get('/echo', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
    expect(server.log.length).toBe(before)
  })
})
