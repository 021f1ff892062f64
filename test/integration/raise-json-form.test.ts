// raiseForStatus (session and request), the .json() shortcut's parse error, and `form`'s
// exact content type, against a loopback server.
import ky from 'ky'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HTTPError, Session } from '../../platform/node.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

let server: TestServer
beforeAll(async () => {
  server = await startServer({
    '/status': (req, res) => {
      const code = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('code') ?? 200)
      res.writeHead(code, { 'content-type': 'application/json' })
      res.end('{"code":' + code + '}')
    },
    '/html': (_req, res) => {
      res.writeHead(502, 'Bad Gateway', { 'content-type': 'text/html' })
      res.end('<html>oops</html>')
    },
    '/type': (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.end(req.headers['content-type'] ?? '')
    },
  })
})
afterAll(() => server.close())

describe('raiseForStatus', () => {
  it('rejects a final 4xx/5xx with HTTPError when the session asks', async () => {
    await using s = new Session({ raiseForStatus: true })
    const error = await s.get(server.url('/status?code=404')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HTTPError)
    expect((error as HTTPError).response.status).toBe(404)
    await expect(s.get(server.url('/status?code=503')).json()).rejects.toBeInstanceOf(HTTPError)
    expect((await s.get(server.url('/status?code=200')).json()) as unknown).toEqual({ code: 200 })
  })

  it('the request setting overrides the session', async () => {
    await using s = new Session()
    expect((await s.get(server.url('/status?code=500'))).status).toBe(500)
    await expect(
      s.get(server.url('/status?code=500'), { raiseForStatus: true }).text(),
    ).rejects.toBeInstanceOf(HTTPError)
    await using strict = new Session({ raiseForStatus: true })
    const r = await strict.get(server.url('/status?code=500'), { raiseForStatus: false })
    expect(r.status).toBe(500)
  })

  it("s.fetch keeps fetch's contract: the session's setting does not apply, its own init does", async () => {
    await using s = new Session({ raiseForStatus: true })
    await expect(s.get(server.url('/status?code=500'))).rejects.toBeInstanceOf(HTTPError)
    const r = await s.fetch(server.url('/status?code=500'))
    expect(r.status).toBe(500)
    expect(await r.json()).toEqual({ code: 500 })
    expect((await s.fetch(server.url('/status?code=404'), { method: 'POST' })).status).toBe(404)
    expect((await s.fetch(new Request(server.url('/status?code=502')))).status).toBe(502)
    await expect(
      s.fetch(server.url('/status?code=500'), { raiseForStatus: true }),
    ).rejects.toBeInstanceOf(HTTPError)
    await expect(
      s.fetch(new Request(server.url('/status?code=500')), { raiseForStatus: true }),
    ).rejects.toBeInstanceOf(HTTPError)
  })

  it('a library handed s.fetch reads the status itself (ky, the openai SDK)', async () => {
    await using s = new Session({ raiseForStatus: true })
    // ky without throwHttpErrors returns the response.
    const api = ky.create({ fetch: s.fetch, retry: 0, throwHttpErrors: false })
    expect((await api.get(server.url('/status?code=503'))).status).toBe(503)
    // The openai SDK takes a rejected fetch for a connection error; it must see the 500.
    const openai = new OpenAI({
      apiKey: 'test',
      baseURL: server.url('/status?code=500&'),
      fetch: s.fetch,
      maxRetries: 0,
    })
    const error = await openai.models.list().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.InternalServerError)
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(500)
  })

  it('refuses a non-boolean', () => {
    expect(() => new Session({ raiseForStatus: 'yes' as never })).toThrow(
      /options\.raiseForStatus: expected a boolean/,
    )
  })
})

describe('.json() on the promise', () => {
  it('names the method, URL (no userinfo) and status, the SyntaxError as cause', async () => {
    await using s = new Session()
    const url = server.url('/html').replace('http://', 'http://user:pw@')
    const error = await s
      .get(url)
      .json()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SyntaxError)
    const message = (error as SyntaxError).message
    expect(message).toContain(`GET ${server.url('/html')}`)
    expect(message).toContain('502')
    expect(message).not.toContain('pw')
    expect((error as SyntaxError).cause).toBeInstanceOf(SyntaxError)
  })
})

describe('form', () => {
  it('sends exactly application/x-www-form-urlencoded, as requests does', async () => {
    await using s = new Session()
    expect(await s.post(server.url('/type'), { form: { a: '1' } }).text()).toBe(
      'application/x-www-form-urlencoded',
    )
  })
})
