// `s.fetch` handed to SDKs, as the README's "Use it with ky, ofetch, openai…" block does: the
// openai client (a streamed chat completion, server-sent events) and graphql-request's
// GraphQLClient, against a loopback server that fakes both APIs. Their requests carry the
// session's default headers and the jar's cookies, a cookie one SDK's response sets reaches
// the other, and the stream arrives chunk by chunk.
import type { IncomingMessage } from 'node:http'
import { GraphQLClient } from 'graphql-request'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Session } from '../../platform/node.ts'
import { json, parseCookieHeader, startServer, type TestServer } from '../helpers/server.ts'

// The server sends the first chunk, then waits until the client has seen it: a client that
// buffered the whole body before yielding would never get there (the test would time out).
let release: () => void = () => undefined
let seen: Promise<void> = Promise.resolve()
function gate(): void {
  seen = new Promise((resolve) => {
    release = resolve
  })
}

const received: Record<string, IncomingMessage['headers']> = {}

function chunk(content: string, finish: string | null = null): string {
  const value = {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta: { content }, finish_reason: finish }],
  }
  return `data: ${JSON.stringify(value)}\n\n`
}

let server: TestServer
beforeAll(async () => {
  server = await startServer({
    '/v1/chat/completions': async (req, res, body) => {
      received.openai = req.headers
      const request = JSON.parse(body.toString()) as { stream?: boolean; model?: string }
      if (request.stream !== true || request.model !== 'gpt-4o-mini') {
        json(res, { error: { message: 'expected a streamed gpt-4o-mini request' } }, 400)
        return
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'set-cookie': 'streamed=1; Path=/',
      })
      res.write(chunk('Hel'))
      await seen
      res.write(chunk('lo'))
      res.write(chunk('', 'stop'))
      res.end('data: [DONE]\n\n')
    },
    '/graphql': (req, res, body) => {
      received.graphql = req.headers
      const { query } = JSON.parse(body.toString()) as { query: string }
      const cookies = parseCookieHeader(req.headers.cookie)
      json(res, { data: { viewer: { name: 'ada', query: query.trim(), cookies } } })
    },
  })
})
afterAll(() => server.close())

describe('s.fetch handed to SDKs', () => {
  it('openai streams a chat completion chunk by chunk through the session', async () => {
    gate()
    await using s = new Session({
      headers: { 'x-client': 'docs' },
      retry: 2,
      timeout: { connect: 5000 },
    })
    await s.get(server.url('/cookies/set?sid=abc'))
    const openai = new OpenAI({ apiKey: 'test-key', baseURL: server.url('/v1'), fetch: s.fetch })

    const stream = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello' }],
      stream: true,
    })
    const pieces: string[] = []
    for await (const part of stream) {
      pieces.push(part.choices[0]?.delta.content ?? '')
      // The first chunk is here while the server still holds the rest back.
      if (pieces.length === 1) release()
    }
    expect(pieces).toEqual(['Hel', 'lo', ''])

    const headers = received.openai!
    expect(headers['x-client']).toBe('docs')
    expect(headers.authorization).toBe('Bearer test-key')
    expect(parseCookieHeader(headers.cookie)).toEqual({ sid: 'abc' })
    // The event stream's own Set-Cookie landed in the session's jar.
    expect(s.cookies.get('streamed')).toBe('1')
  }, 15_000)

  it("graphql-request's GraphQLClient sends the session's headers and cookies", async () => {
    await using s = new Session({ headers: { 'x-client': 'docs' } })
    await s.get(server.url('/cookies/set?sid=abc'))
    const graphql = new GraphQLClient(server.url('/graphql'), {
      fetch: s.fetch,
      headers: { 'x-graphql': 'yes' },
    })
    const data = await graphql.request<{
      viewer: { name: string; query: string; cookies: Record<string, string> }
    }>('{ viewer { name } }')
    expect(data.viewer).toEqual({
      name: 'ada',
      query: '{ viewer { name } }',
      cookies: { sid: 'abc' },
    })
    const headers = received.graphql!
    expect(headers['x-client']).toBe('docs')
    expect(headers['x-graphql']).toBe('yes')
    expect(headers['content-type']).toMatch(/^application\/json/)
  })

  it('a cookie set on an openai response is sent with the next GraphQL request', async () => {
    gate()
    await using s = new Session()
    const openai = new OpenAI({ apiKey: 'test-key', baseURL: server.url('/v1'), fetch: s.fetch })
    const graphql = new GraphQLClient(server.url('/graphql'), { fetch: s.fetch })
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello' }],
      stream: true,
    })
    let text = ''
    for await (const part of stream) {
      text += part.choices[0]?.delta.content ?? ''
      release()
    }
    expect(text).toBe('Hello')
    const data = await graphql.request<{ viewer: { cookies: Record<string, string> } }>(
      '{ viewer { name } }',
    )
    expect(data.viewer.cookies).toEqual({ streamed: '1' })
  }, 15_000)
})
