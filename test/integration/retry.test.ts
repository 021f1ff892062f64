/**
 * Retries through the Node platform: statuses with Retry-After (seconds and HTTP-date),
 * connection failures, methods and bodies that are never retried, and the hooks that see
 * every attempt. Delays are kept tiny with `maxDelay`/`backoff`; no test asserts on time.
 */
import { createServer as createNetServer, type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectionError, HTTPError, Session, TimeoutError } from '../../platform/node.ts'
import type { BeforeRetryContext, ErrorContext } from '../../platform/node.ts'
import { json, startServer, type TestServer } from '../helpers/server.ts'

let server: TestServer
/** Failures left per key (`?key=…&fail=N`): the route answers `status` until they run out. */
const remaining = new Map<string, number>()

beforeAll(async () => {
  server = await startServer({
    '/flaky': (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x')
      const key = url.searchParams.get('key') ?? ''
      const status = Number(url.searchParams.get('status') ?? '503')
      const retryAfter = url.searchParams.get('retryAfter')
      if (!remaining.has(key)) remaining.set(key, Number(url.searchParams.get('fail') ?? '1'))
      const left = remaining.get(key) ?? 0
      if (left > 0) {
        remaining.set(key, left - 1)
        res.writeHead(status, retryAfter === null ? {} : { 'retry-after': retryAfter })
        res.end(`failure ${left}`)
        return
      }
      json(res, { ok: true, method: req.method })
    },
  })
})
afterAll(() => server.close())

let keys = 0
function flaky(query: Record<string, string>): string {
  return server.url(`/flaky?${new URLSearchParams({ key: String(++keys), ...query }).toString()}`)
}
function attemptsAt(url: string): number {
  const key = new URL(url).searchParams.get('key')
  return server.log.filter((e) => e.url.includes(`key=${key}&`)).length
}

/** A port with nothing listening: connecting is refused. */
async function closedPort(): Promise<number> {
  const probe = createNetServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return port
}

describe('statuses', () => {
  it.each([408, 413, 429, 500, 502, 503, 504])(
    '%i is retried until it succeeds',
    async (status) => {
      await using s = new Session({ retry: { limit: 3, backoff: 1 } })
      const url = flaky({ status: String(status), fail: '2' })
      const r = await s.get(url)
      expect(r.status).toBe(200)
      expect(attemptsAt(url)).toBe(3)
    },
  )

  it('gives up after the limit and returns the last response', async () => {
    await using s = new Session({ retry: { limit: 2, backoff: 1 } })
    const url = flaky({ fail: '10' })
    const r = await s.get(url)
    expect(r.status).toBe(503)
    expect(await r.text()).toBe('failure 8')
    expect(attemptsAt(url)).toBe(3)
    expect(() => r.raiseForStatus()).toThrow(HTTPError)
  })

  it('a number is the limit', async () => {
    await using s = new Session({ retry: 1 })
    const url = flaky({ status: '500', fail: '1', retryAfter: '0' })
    expect((await s.get(url)).status).toBe(200)
  })

  it('a per-request retry replaces the session one', async () => {
    await using s = new Session({ retry: { limit: 5, backoff: 1 } })
    const url = flaky({ fail: '3' })
    expect((await s.get(url, { retry: 0 })).status).toBe(503)
    expect(attemptsAt(url)).toBe(1)
  })

  it.each(['404', '501'])('%s is not retried', async (status) => {
    await using s = new Session({ retry: { limit: 3, backoff: 1 } })
    const url = flaky({ status, fail: '1' })
    expect((await s.get(url)).status).toBe(Number(status))
    expect(attemptsAt(url)).toBe(1)
  })
})

describe('Retry-After (RFC 9110 §10.2.3)', () => {
  it.each([
    ['delay-seconds, capped by maxDelay', '1', 20],
    ['zero seconds', '0', 0],
    ['an HTTP-date in the past', 'Wed, 21 Oct 2015 07:28:00 GMT', 0],
    ['an HTTP-date in the future, capped', new Date(Date.now() + 3_600_000).toUTCString(), 20],
  ])('%s: beforeRetry sees the delay', async (_name, retryAfter, expected) => {
    const delays: number[] = []
    await using s = new Session({
      retry: { limit: 1, maxDelay: 20 },
      hooks: { beforeRetry: [({ delay }: BeforeRetryContext) => void delays.push(delay)] },
    })
    const r = await s.get(flaky({ status: '429', retryAfter }))
    expect(r.status).toBe(200)
    expect(delays).toEqual([expected])
  })

  it('respectRetryAfter: false uses the backoff instead', async () => {
    const delays: number[] = []
    await using s = new Session({
      retry: { limit: 1, backoff: 4, respectRetryAfter: false },
      hooks: { beforeRetry: [({ delay }: BeforeRetryContext) => void delays.push(delay)] },
    })
    await s.get(flaky({ retryAfter: '3600' }))
    expect(delays).toHaveLength(1)
    expect(delays[0]).toBeLessThan(4)
  })
})

describe('what is never retried', () => {
  it('POST is not retried by default (not idempotent, RFC 9110 §9.2.2)', async () => {
    await using s = new Session({ retry: { limit: 3, backoff: 1 } })
    const url = flaky({ fail: '1' })
    expect((await s.post(url, { body: 'x' })).status).toBe(503)
    expect(attemptsAt(url)).toBe(1)
  })

  it('POST is retried when listed, replaying its body', async () => {
    await using s = new Session({ retry: { limit: 1, backoff: 1, methods: ['POST'] } })
    const url = flaky({ fail: '1' })
    expect(await (await s.post(url, { body: 'x' })).json()).toEqual({ ok: true, method: 'POST' })
    expect(attemptsAt(url)).toBe(2)
  })

  it('a one-shot stream body is never retried', async () => {
    await using s = new Session({ retry: { limit: 3, backoff: 1, methods: ['PUT'] } })
    const url = flaky({ fail: '1' })
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('once'))
        controller.close()
      },
    })
    expect((await s.put(url, { body })).status).toBe(503)
    expect(attemptsAt(url)).toBe(1)
  })

  it('a user abort is never retried', async () => {
    const errors: unknown[] = []
    await using s = new Session({
      retry: { limit: 3, backoff: 1 },
      hooks: { error: [({ error }: ErrorContext) => void errors.push(error)] },
    })
    const controller = new AbortController()
    const pending = s.get(server.url('/delay/5000'), { signal: controller.signal })
    setTimeout(() => controller.abort(), 20)
    const error = await pending.catch((e: unknown) => e)
    expect((error as Error).name).toBe('AbortError')
    expect(errors).toHaveLength(1)
  })
})

describe('failures and hooks', () => {
  it('a refused connection is retried; the error hook sees every attempt', async () => {
    const port = await closedPort()
    const seen: ErrorContext[] = []
    const retries: BeforeRetryContext[] = []
    await using s = new Session({
      retry: { limit: 2, backoff: 1 },
      hooks: {
        error: [(ctx: ErrorContext) => void seen.push(ctx)],
        beforeRetry: [(ctx: BeforeRetryContext) => void retries.push(ctx)],
      },
    })
    const error = await s.get(`http://127.0.0.1:${port}/x`).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    expect(seen.map((c) => c.attempt)).toEqual([0, 1, 2])
    expect(seen.every((c) => c.error instanceof ConnectionError)).toBe(true)
    expect(retries.map((c) => [c.attempt, c.response, c.error instanceof ConnectionError])).toEqual(
      [
        [1, undefined, true],
        [2, undefined, true],
      ],
    )
    expect(retries[0]?.request.url).toBe(`http://127.0.0.1:${port}/x`)
  })

  it('a response timeout is retried', async () => {
    const errors: unknown[] = []
    await using s = new Session({
      retry: { limit: 1, backoff: 1 },
      timeout: { response: 50 },
      hooks: { error: [({ error }: ErrorContext) => void errors.push(error)] },
    })
    const error = await s.get(server.url('/delay/2000')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TimeoutError)
    expect(errors).toHaveLength(2)
    expect(errors.every((e) => e instanceof TimeoutError && e.limit === 'response')).toBe(true)
  })

  it('beforeRetry sees the failed response and attempt, and returning false gives up', async () => {
    const seen: [number, number | undefined][] = []
    await using s = new Session({
      retry: { limit: 5, backoff: 1 },
      hooks: {
        beforeRetry: [
          ({ attempt, response }: BeforeRetryContext) => {
            seen.push([attempt, response?.status])
            return attempt < 2 ? undefined : false
          },
        ],
      },
    })
    const url = flaky({ status: '502', fail: '10' })
    const r = await s.get(url)
    expect(r.status).toBe(502)
    expect(seen).toEqual([
      [1, 502],
      [2, 502],
    ])
    expect(attemptsAt(url)).toBe(2)
  })

  it('an error hook returning a Response recovers without further retries', async () => {
    const port = await closedPort()
    await using s = new Session({
      retry: { limit: 3, backoff: 1 },
      hooks: { error: [() => new Response('fallback', { status: 299 })] },
    })
    const r = await s.get(`http://127.0.0.1:${port}/x`)
    expect(r.status).toBe(299)
    expect(await r.text()).toBe('fallback')
  })
})
