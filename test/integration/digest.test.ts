import { createHash, randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Session } from '../../platform/node.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

// A Digest server written from RFC 7616 §3.4 with node:crypto (independent of the client's
// @noble/hashes), for the -sess algorithms httpbin does not offer.
const H = (algorithm: string, text: string): string =>
  createHash(algorithm.startsWith('SHA-256') ? 'sha256' : 'md5')
    .update(text)
    .digest('hex')

function params(header: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of header.matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g))
    out[m[1] as string] = m[2] ?? (m[3] as string)
  return out
}

const nonces = new Map<string, number>()
function digestRoute(algorithm: string) {
  return (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const auth = req.headers.authorization
    const challenge = (stale = false): void => {
      const nonce = randomBytes(8).toString('hex')
      nonces.set(nonce, 0)
      res.writeHead(401, {
        'www-authenticate': `Digest realm="test@loopback", qop="auth", algorithm=${algorithm}, nonce="${nonce}", opaque="op"${stale ? ', stale=true' : ''}`,
      })
      res.end('challenge')
    }
    if (!auth?.startsWith('Digest ')) {
      challenge()
      return
    }
    const p = params(auth)
    const { username = '', realm = '', nonce = '', uri = '', nc = '', cnonce = '' } = p
    let ha1 = H(algorithm, `${username}:${realm}:secret`)
    if (algorithm.endsWith('-sess')) ha1 = H(algorithm, `${ha1}:${nonce}:${cnonce}`)
    const ha2 = H(algorithm, `${req.method ?? ''}:${uri}`)
    const expected = H(algorithm, `${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`)
    const count = Number.parseInt(nc, 16)
    const last = nonces.get(nonce)
    if (last === undefined || (req.url ?? '').includes('expire')) {
      nonces.delete(nonce)
      challenge(true)
      return
    }
    if (
      p.response !== expected ||
      p.algorithm !== algorithm ||
      p.opaque !== 'op' ||
      count <= last
    ) {
      challenge()
      return
    }
    nonces.set(nonce, count)
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ ok: true, nc, body: body.toString() }))
  }
}

let server: TestServer
let other: TestServer
beforeAll(async () => {
  server = await startServer({
    '/md5-sess': digestRoute('MD5-sess'),
    '/sha256-sess': digestRoute('SHA-256-sess'),
    '/sha256': digestRoute('SHA-256'),
    '/sha256/expire': digestRoute('SHA-256'),
    '/to-other': (_req, res) => {
      res.writeHead(302, { location: other.url('/echo') })
      res.end()
    },
  })
  other = await startServer()
})
afterAll(async () => {
  await server.close()
  await other.close()
})

const auth = { type: 'digest', username: 'Mufasa', password: 'secret' } as const

describe('Digest auth against a loopback server', () => {
  it.each(['/md5-sess', '/sha256-sess', '/sha256'])('%s', async (path) => {
    const s = new Session({ auth })
    const first = await s.get(server.url(path))
    expect(first.status).toBe(200)
    expect(await first.json()).toMatchObject({ ok: true, nc: '00000001' })
    const second = await s.get(server.url(path))
    expect(await second.json()).toMatchObject({ ok: true, nc: '00000002' })
    // The second was answered preemptively: one request, no 401 first.
    expect(server.log.filter((r) => r.url === path)).toHaveLength(3)
    await s.close()
  })

  it('a replayable body is sent again with the answer', async () => {
    const s = new Session({ auth })
    const response = await s.post(server.url('/sha256'), { body: 'payload' })
    expect(await response.json()).toMatchObject({ ok: true, body: 'payload' })
    await s.close()
  })

  // Deno's and Bun's fetch read the `Request`'s body itself, so the first attempt leaves it
  // used; Node's built-in fetch does the same, standing in for them here.
  const consumingFetch = { fetch: (request: Request) => globalThis.fetch(request) }
  it.each([
    ['a string', { body: 'payload' }, 'payload'],
    ['bytes', { body: new TextEncoder().encode('payload') }, 'payload'],
    ['URLSearchParams', { body: new URLSearchParams({ a: '1' }) }, 'a=1'],
    ['a Blob', { body: new Blob(['payload']) }, 'payload'],
    ['json', { json: { a: 1 } }, '{"a":1}'],
    ['form', { form: { a: '1' } }, 'a=1'],
  ] as const)(
    'a replayable body (%s) is resent where the transport reads the Request body',
    async (_kind, init, sent) => {
      const s = new Session({ auth })
      s.mount('http://', consumingFetch)
      const response = await s.post(server.url('/sha256'), init)
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ ok: true, body: sent })
      await s.close()
    },
  )

  it('a FormData body is resent whole where the transport reads the Request body', async () => {
    const s = new Session({ auth })
    s.mount('http://', consumingFetch)
    const form = new FormData()
    form.set('field', 'value')
    const response = await s.post(server.url('/sha256'), { body: form })
    expect(response.status).toBe(200)
    const { body } = (await response.json()) as { body: string }
    // The boundary in Content-Type matches the one in the body that was resent.
    const sentType = response.request.headers.get('content-type') ?? ''
    const boundary = /boundary=(.+)$/.exec(sentType)?.[1] ?? 'missing'
    expect(body).toContain(`--${boundary}`)
    expect(body).toContain('value')
    await s.close()
  })

  it('a replayable body sent with upload progress is resent too', async () => {
    const s = new Session({ auth })
    const seen: number[] = []
    const response = await s.post(server.url('/sha256'), {
      body: 'payload',
      onUploadProgress: (p) => seen.push(p.percent),
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ ok: true, body: 'payload' })
    expect(seen.at(-1)).toBe(1)
    await s.close()
  })

  it('a one-shot (stream) body is not replayed: the 401 is returned', async () => {
    const s = new Session({ auth })
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('one-shot'))
        c.close()
      },
    })
    const response = await s.post(server.url('/sha256'), { body, duplex: 'half' })
    expect(response.status).toBe(401)
    expect(await response.text()).toBe('challenge')
    await s.close()
  })

  it('a Request a beforeRequest hook returned is not replayed: the 401 is returned', async () => {
    // The session cannot know where the hook's body came from, so it never tees it; a hook
    // that only changes headers in place keeps the replay (the test above).
    const s = new Session({
      auth,
      hooks: {
        beforeRequest: [({ request }) => new Request(request, { headers: { 'x-hook': '1' } })],
      },
    })
    const response = await s.post(server.url('/sha256'), { body: 'payload' })
    expect(response.status).toBe(401)
    const inPlace = new Session({
      auth,
      hooks: { beforeRequest: [({ request }) => void request.headers.set('x-hook', '1')] },
    })
    const answered = await inPlace.post(server.url('/sha256'), { body: 'payload' })
    expect(await answered.json()).toMatchObject({ ok: true, body: 'payload' })
    await Promise.all([s.close(), inPlace.close()])
  })

  it('stale=true on a preemptive answer is renewed with one retry', async () => {
    const s = new Session({ auth })
    expect((await s.get(server.url('/sha256'))).status).toBe(200)
    const before = server.log.length
    // This path declares every nonce stale.
    const response = await s.get(server.url('/sha256/expire'))
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toContain('stale=true')
    // preemptive answer → stale 401 → one retry → stale 401 again: returned, no loop.
    expect(server.log.length - before).toBe(2)
    await s.close()
  })

  it('a wrong password: one retry, then the 401', async () => {
    const s = new Session({ auth: { ...auth, password: 'wrong' } })
    const before = server.log.length
    expect((await s.get(server.url('/sha256'))).status).toBe(401)
    expect(server.log.length - before).toBe(2)
    await s.close()
  })

  it('never sends the answer to another host after a redirect', async () => {
    const s = new Session({ auth })
    expect((await s.get(server.url('/sha256'))).status).toBe(200)
    const response = await s.get(server.url('/to-other'))
    const echoed = (await response.json()) as { headers: Record<string, string> }
    expect(echoed.headers.authorization).toBeUndefined()
    await s.close()
  })

  it('is saved and restored with the session', async () => {
    const s = new Session({ auth })
    const restored = Session.fromJSON(JSON.stringify(s))
    expect(restored.auth).toEqual(auth)
    expect((await restored.get(server.url('/sha256'))).status).toBe(200)
    await s.close()
    await restored.close()
  })
})
